package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"

	"github.com/downline/downline"
	dlhttp "github.com/downline/downline/internal/http"
	"github.com/downline/downline/internal/sqlstore"
)

// Demo sign-ins. The passwords are public on purpose: they exist only in
// the demo database, so that a newcomer can sign in at once.
const (
	demoAdminEmail       = "admin@lumen.example"
	demoAdminPassword    = "demo-admin-2026"
	demoDistributorRef   = "D00001"
	demoDistributorEmail = "ada@lumen.example"
	demoPassword         = "demo-distributor-2026"
)

// demoUsers creates the demo's administrator and one distributor sign-in
// (the top of the tree), unless they exist.
func demoUsers(ctx context.Context, db *sqlstore.DB) error {
	d, err := db.FindDistributorByExternalID(ctx, demoDistributorRef)
	if err != nil {
		return fmt.Errorf("demo: find distributor %s: %w", demoDistributorRef, err)
	}
	users := []struct {
		u        downline.User
		password string
	}{
		{downline.User{Email: demoAdminEmail, Name: "Programme administrator", Role: downline.RoleAdmin}, demoAdminPassword},
		{downline.User{Email: demoDistributorEmail, Name: d.DisplayName, Role: downline.RoleDistributor, DistributorID: d.ID}, demoPassword},
	}
	for _, x := range users {
		if _, err := db.FindUserByEmail(ctx, x.u.Email); err == nil {
			continue
		} else if downline.ErrorCode(err) != downline.CodeNotFound {
			return fmt.Errorf("demo: find user %s: %w", x.u.Email, err)
		}
		hash, err := dlhttp.HashPassword(x.password, dlhttp.DefaultPasswordParams(), rand.Reader)
		if err != nil {
			return fmt.Errorf("demo: hash password: %w", err)
		}
		u := x.u
		u.PasswordHash = hash
		if err := db.CreateUser(ctx, &u); err != nil {
			return fmt.Errorf("demo: create user %s: %w", u.Email, err)
		}
	}
	return nil
}

func printDemoUsers(w io.Writer) {
	fmt.Fprintf(w, "\nSign in (demo accounts):\n")
	fmt.Fprintf(w, "  administrator  %s  password %s\n", demoAdminEmail, demoAdminPassword)
	fmt.Fprintf(w, "  distributor    %s  password %s  (%s, the top of the tree)\n", demoDistributorEmail, demoPassword, demoDistributorRef)
}
