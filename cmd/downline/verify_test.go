package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/downline/downline"
	"github.com/downline/downline/internal/sqlstore"
)

// TestVerifyCommands samples January of the report world (its one customer
// order O-1, 1,000.00 sold by B under A; January and February closed),
// rejects the receipt through the command and checks the reversal of
// B's 20 % (200.00) and A's 10 % override on CuV (100.00), the no-op
// repeat, the audit entry, and the refusal to sample without a key.
func TestVerifyCommands(t *testing.T) {
	for name, dsn := range testDSNs(t) {
		t.Run(name, func(t *testing.T) {
			reportWorld(t, dsn)
			ctx := context.Background()
			do := func(secret string, args ...string) (string, error) {
				var out, errOut bytes.Buffer
				e := &env{getenv: func(k string) string {
					if k == "DOWNLINE_SECRET_KEY" {
						return secret
					}
					return ""
				}, stdin: bytes.NewReader(nil), stdout: &out, stderr: &errOut}
				err := runVerify(ctx, e, append(args, "--db", dsn))
				return out.String(), err
			}
			const key = "a stable secret of 32 bytes....."
			if _, err := do("", "sample", "--period", "2026-01"); err == nil || exitCode(err, &bytes.Buffer{}) != 2 {
				t.Errorf("sample without DOWNLINE_SECRET_KEY: %v, want a usage error", err)
			}
			out, err := do(key, "sample", "--period", "2026-01", "--rate", "1")
			if err != nil || !strings.Contains(out, "1 customer orders, target 1") || !strings.Contains(out, "cases 1 (1 added now)") {
				t.Fatalf("sample: %v\n%s", err, out)
			}
			out, err = do(key, "sample", "--period", "2026-01", "--rate", "1")
			if err != nil || !strings.Contains(out, "(0 added now)") {
				t.Errorf("sample again: %v\n%s", err, out)
			}
			out, err = do(key, "list", "--period", "2026-01")
			if err != nil || !strings.Contains(out, "O-1") || !strings.Contains(out, "pending") {
				t.Errorf("list: %v\n%s", err, out)
			}
			out, err = do(key, "decide", "1", "--rejected", "--by", "Ann", "--note", "no such purchase")
			if err != nil || !strings.Contains(out, "rejected by Ann") || !strings.Contains(out, "reversed: 300.00 EUR") {
				t.Errorf("decide: %v\n%s", err, out)
			}
			out, err = do(key, "decide", "1", "--rejected", "--by", "Ann")
			if err != nil || !strings.Contains(out, "nothing changed") {
				t.Errorf("decide again: %v\n%s", err, out)
			}
			if _, err := do(key, "decide", "1", "--confirmed", "--by", "Ann"); downline.ErrorCode(err) != downline.CodeConflict {
				t.Errorf("confirm after rejection: %v, want CodeConflict", err)
			}
			if _, err := do(key, "decide", "1", "--by", "Ann"); exitCode(err, &bytes.Buffer{}) != 2 {
				t.Errorf("decide without an outcome: %v, want a usage error", err)
			}
			db, err := sqlstore.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			action := "verification.decide"
			es, n, err := db.FindAuditEntries(ctx, downline.AuditFilter{Action: &action})
			if err != nil || n != 1 || es[0].TargetID != "1" {
				t.Errorf("audit entries for decisions = %d, %v; want one for case 1", n, err)
			}
		})
	}
}
