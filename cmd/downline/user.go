package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"time"

	"github.com/downline/downline"
	dlhttp "github.com/downline/downline/internal/http"
)

// runUser manages user accounts; its one verb, create, bootstraps the
// first administrator.
func runUser(ctx context.Context, e *env, args []string) error {
	if groupHelp(e, "user", "create", args) {
		return nil
	}
	if len(args) == 0 || args[0] != "create" {
		return usageError{fmt.Errorf("usage: downline user create --email EMAIL --role ROLE [flags]")}
	}
	return runUserCreate(ctx, e, args[1:], rand.Reader, time.Now)
}

// runUserCreate creates an account with a random password and, unless
// --token-days is 0, an API token with read and write scopes. Both
// secrets are printed once and never stored in the clear.
func runUserCreate(ctx context.Context, e *env, args []string, random io.Reader, now func() time.Time) error {
	cfg := DefaultConfig()
	fs := newFlagSet(e, "user create", "", "Create a user account. Prints a one-time password and an API token; store them now.")
	configFlags(fs, e, &cfg, false)
	email := fs.String("email", "", "the user's email (required)")
	role := fs.String("role", "admin", "admin, finance, compliance, support or distributor")
	name := fs.String("name", "", "the user's name")
	dist := fs.String("distributor", "", "external id of the distributor a distributor account acts as")
	days := fs.Int("token-days", 30, "lifetime of the API token in days; 0 for no token")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		return usageError{err}
	}
	if *email == "" {
		return usageError{fmt.Errorf("user create: --email is required")}
	}
	if *days < 0 || *days > 366 {
		return usageError{fmt.Errorf("user create: --token-days must be 0 to 366")}
	}
	db, err := openStore(ctx, cfg, true)
	if err != nil {
		return err
	}
	defer db.Close()
	u := &downline.User{Email: *email, Name: *name, Role: downline.Role(*role)}
	if *dist != "" {
		d, err := db.FindDistributorByExternalID(ctx, *dist)
		if err != nil {
			return err
		}
		u.DistributorID = d.ID
	}
	pw := make([]byte, 18)
	if _, err := io.ReadFull(random, pw); err != nil {
		return fmt.Errorf("user create: password: %w", err)
	}
	password := base64.RawURLEncoding.EncodeToString(pw)
	if u.PasswordHash, err = dlhttp.HashPassword(password, dlhttp.DefaultPasswordParams(), random); err != nil {
		return err
	}
	if err := db.CreateUser(ctx, u); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "created %s user %s (id %d)\npassword: %s\n", u.Role, u.Email, u.ID, password)
	if *days > 0 {
		t, secret, err := dlhttp.NewAPIToken(random, u.ID, "created by downline user create",
			[]downline.Scope{downline.ScopeRead, downline.ScopeWrite}, now().Add(time.Duration(*days)*24*time.Hour))
		if err != nil {
			return err
		}
		if err := db.CreateAPIToken(ctx, t); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "API token (expires %s): %s\n", t.ExpiresAt.UTC().Format(time.DateOnly), secret)
	}
	err = db.AppendAudit(ctx, &downline.AuditEntry{ActorName: "downline user create", ActorRole: downline.RoleSystem,
		Action: "user.create", TargetType: "user", TargetID: fmt.Sprint(u.ID)})
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, "These secrets are shown only now.")
	return nil
}
