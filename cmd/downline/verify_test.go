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

// verifyPlan pays 20 % direct and a 6 % first-level override (TX-09 (d)).
const verifyPlan = `plan: verify-test
version: "1"
currency: EUR
active: {min_cuv: "0"}
bonuses:
  - id: direct
    kind: direct
    basis: [cuv]
    rate_pct: "20"
  - id: unilevel
    kind: unilevel
    basis: [cuv]
    compression: none
    levels: [{rate_pct: "6"}]
`

// TestVerifyCommands samples a closed period, rejects its one order's
// receipt through the command and checks the reversal, the no-op repeat,
// the audit entry and the refusal to sample without a key.
func TestVerifyCommands(t *testing.T) {
	for name, dsn := range testDSNs(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			db, err := sqlstore.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if _, err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			must := func(err error) {
				t.Helper()
				if err != nil {
					t.Fatal(err)
				}
			}
			must(db.CreateProgramme(ctx, &downline.Programme{Name: "T", Currency: "EUR", PeriodLength: downline.PeriodMonthly,
				TimeZone: "UTC", DefaultSponsorRef: "A"}))
			joined := time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)
			for _, d := range [][2]string{{"A", ""}, {"B", "A"}} {
				must(db.CreateDistributor(ctx, &downline.Distributor{ExternalID: d[0], SponsorRef: d[1], JoinedAt: joined,
					Country: "DE", Email: d[0] + "@example.com", DisplayName: d[0], AgreementVersion: "v1"}))
			}
			must(db.CreateProduct(ctx, &downline.Product{ExternalID: "SKU-1", Name: "Licence", Kind: downline.KindSubscription,
				RetailPrice: 100000, CV: 100000, QV: 100000, Commissionable: true}))
			must(db.CreateCustomer(ctx, &downline.Customer{ExternalID: "C-1", Name: "Acme", DistributorRef: "B", Attribution: downline.AttributionManual}))
			must(db.CreateOrder(ctx, &downline.Order{ExternalID: "O-1", CustomerRef: "C-1", Purpose: downline.PurposeCustomerDirect,
				Currency: "EUR", PaidAt: time.Date(2026, 1, 20, 12, 0, 0, 0, time.UTC),
				Lines: []*downline.OrderLine{{ProductRef: "SKU-1", Quantity: 1, UnitPrice: 100000}}}))
			_, err = db.ActivatePlan(ctx, verifyPlan, "2026-01")
			must(err)
			_, err = db.CloseRun(ctx, "2026-01", downline.RunOptions{HoldDays: -1})
			must(err)

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
			if err != nil || !strings.Contains(out, "rejected by Ann") || !strings.Contains(out, "reversed: 260.00 EUR") {
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
			action := "verification.decide"
			es, n, err := db.FindAuditEntries(ctx, downline.AuditFilter{Action: &action})
			if err != nil || n != 1 || es[0].TargetID != "1" {
				t.Errorf("audit entries for decisions = %d, %v; want one for case 1", n, err)
			}
		})
	}
}
