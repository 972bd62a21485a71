package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/downline/downline"
	dlhttp "github.com/downline/downline/internal/http"
	"github.com/downline/downline/internal/sqlstore"
)

// TestUserCreateAndAuditVerify bootstraps an admin, checks that the
// printed password signs in (by its hash) and the token is stored only
// hashed, then verifies the audit chain and catches tampering.
func TestUserCreateAndAuditVerify(t *testing.T) {
	ctx := context.Background()
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "downline.db")
	var out bytes.Buffer
	e := &env{getenv: func(string) string { return "" }, stdin: strings.NewReader(""), stdout: &out, stderr: &out}
	now := func() time.Time { return time.Date(2026, 3, 15, 12, 0, 0, 0, time.UTC) }
	if err := runUserCreate(ctx, e, []string{"--db", dsn, "--email", "Root@Example.com"}, rand.Reader, now); err != nil {
		t.Fatalf("user create: %v\n%s", err, out.String())
	}
	var password, token string
	for _, line := range strings.Split(out.String(), "\n") {
		if v, ok := strings.CutPrefix(line, "password: "); ok {
			password = v
		}
		if _, v, ok := strings.Cut(line, "): "); ok && strings.HasPrefix(line, "API token") {
			token = v
		}
	}
	if password == "" || !strings.HasPrefix(token, "dlt_") {
		t.Fatalf("output lacks a password or token:\n%s", out.String())
	}
	db, err := sqlstore.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	u, err := db.FindUserByEmail(ctx, "root@example.com")
	if err != nil || u.Role != downline.RoleAdmin {
		t.Fatalf("stored user = %+v, %v; want an admin", u, err)
	}
	if ok, err := dlhttp.VerifyPassword(u.PasswordHash, password); !ok || err != nil {
		t.Errorf("printed password does not match the stored hash: %v", err)
	}
	ts, err := db.FindAPITokens(ctx, u.ID)
	if err != nil || len(ts) != 1 || strings.Contains(ts[0].Hash, token) || !ts[0].HasScope(downline.ScopeWrite) {
		t.Errorf("stored tokens = %+v, %v; want one hashed read/write token", ts, err)
	}
	out.Reset()
	if err := runAudit(ctx, e, []string{"verify", "--db", dsn}); err != nil || !strings.Contains(out.String(), "verified: 1 entries") {
		t.Errorf("audit verify: %v\n%s", err, out.String())
	}
	if _, err := db.SQL().ExecContext(ctx, `UPDATE audit_entries SET target_id = '99'`); err != nil {
		t.Fatal(err)
	}
	if err := runAudit(ctx, e, []string{"verify", "--db", dsn}); downline.ErrorCode(err) != downline.CodeConflict {
		t.Errorf("audit verify after tampering: %v, want a conflict", err)
	}
}
