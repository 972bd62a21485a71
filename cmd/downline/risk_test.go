package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/downline/downline"
	"github.com/downline/downline/internal/sqlstore"
)

// TestRiskCommands lists the report world's two flags (one written as
// the intake would), dismisses one through the command, checks the no-op
// repeat, the conflict, the filters and the audit entry.
func TestRiskCommands(t *testing.T) {
	for name, dsn := range testDSNs(t) {
		t.Run(name, func(t *testing.T) {
			reportWorld(t, dsn)
			ctx := context.Background()
			db, err := sqlstore.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			for _, kind := range []string{"circular_sponsorship", "self_referral"} {
				if _, err := db.SQL().ExecContext(ctx, db.Rebind(`INSERT INTO risk_flags (kind, distributor_id, reason, created_at, status, reviewed_by)
					SELECT ?, MIN(id), 'a reason for '||?, 0, 'open', '' FROM distributors`), kind, kind); err != nil {
					t.Fatal(err)
				}
			}
			do := func(args ...string) (string, error) {
				var out, errOut bytes.Buffer
				e := &env{getenv: func(string) string { return "" }, stdin: bytes.NewReader(nil), stdout: &out, stderr: &errOut}
				err := runRisk(ctx, e, append(args, "--db", dsn))
				return out.String(), err
			}
			out, err := do("list", "--status", "open")
			if err != nil || !strings.Contains(out, "circular_sponsorship") || !strings.Contains(out, "a reason for self_referral") {
				t.Fatalf("list: %v\n%s", err, out)
			}
			out, err = do("review", "1", "--dismiss", "--by", "Ann", "--note", "a typo in the import")
			if err != nil || !strings.Contains(out, "dismissed by Ann") {
				t.Fatalf("review: %v\n%s", err, out)
			}
			out, err = do("review", "1", "--dismiss", "--by", "Ann")
			if err != nil || !strings.Contains(out, "nothing changed") {
				t.Errorf("review again: %v\n%s", err, out)
			}
			if _, err := do("review", "1", "--confirm", "--by", "Ann"); downline.ErrorCode(err) != downline.CodeConflict {
				t.Errorf("confirm after dismissal: %v, want CodeConflict", err)
			}
			if _, err := do("review", "2", "--by", "Ann"); exitCode(err, &bytes.Buffer{}) != 2 {
				t.Errorf("review without an outcome: %v, want a usage error", err)
			}
			out, err = do("list", "--status", "open")
			if err != nil || strings.Contains(out, "circular_sponsorship") || !strings.Contains(out, "self_referral") {
				t.Errorf("open flags after the review: %v\n%s", err, out)
			}
			out, err = do("list", "--kind", "circular_sponsorship")
			if err != nil || !strings.Contains(out, "dismissed by Ann") || !strings.Contains(out, "a typo in the import") ||
				strings.Contains(out, "self_referral") {
				t.Errorf("list --kind: %v\n%s", err, out)
			}
			// Flagged referral clicks are listed read-only; clean ones not.
			at := time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC)
			if err := db.RecordClicks(ctx, []sqlstore.Click{
				{At: at, Code: "ALICE", IPHash: "aaaa", Burst: true},
				{At: at.Add(time.Second), Code: "ALICE", IPHash: "bbbb"},
				{At: at.Add(2 * time.Second), Code: "BOB", IPHash: "cccc", Bot: true, Repeat: true},
			}); err != nil {
				t.Fatal(err)
			}
			out, err = do("clicks")
			if err != nil || !strings.Contains(out, "burst") || !strings.Contains(out, "bot+repeat") || strings.Contains(out, "bbbb") {
				t.Errorf("clicks: %v\n%s", err, out)
			}
			out, err = do("clicks", "--code", "BOB")
			if err != nil || strings.Contains(out, "ALICE") || !strings.Contains(out, "BOB") {
				t.Errorf("clicks --code BOB: %v\n%s", err, out)
			}
			action := "risk.review"
			es, n, err := db.FindAuditEntries(ctx, downline.AuditFilter{Action: &action})
			if err != nil || n != 1 || es[0].TargetID != "1" || es[0].TargetType != "risk_flag" {
				t.Errorf("audit entries for reviews = %d, %v; want one for flag 1", n, err)
			}
		})
	}
}
