package sqlstore_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/downline/downline"
	"github.com/downline/downline/internal/sqlstore"
)

// circularPlan pays 20 % direct on CuV and a 6 % first-level override on
// CuV + RPCV, with the TX-03 cap RPCV = min(PCV, 200.00, CuV/2).
const circularPlan = `plan: circular-test
version: "1"
currency: EUR
volume:
  personal_use: {cap: "200", share: "1/3"}
active: {min_cuv: "0"}
bonuses:
  - id: direct
    kind: direct
    basis: [cuv]
    rate_pct: "20"
  - id: unilevel
    kind: unilevel
    basis: [cuv, rpcv]
    compression: none
    levels: [{rate_pct: "6"}]
`

// circularWorld is T <- U <- S; customers C-U of U and C-S, C-S2 of S; a
// licence of 100.00 with CV 100.00. U bought for its own use with card
// fp_U; S with its own address.
func circularWorld(t *testing.T, db *sqlstore.DB) {
	t.Helper()
	mustProgramme(t, db)
	mustDistributors(t, db, dist("T", ""), dist("U", "T"), dist("S", "U"))
	if err := db.CreateProduct(ctx, &downline.Product{ExternalID: "LIC", Name: "Licence", Kind: "subscription",
		RetailPrice: 10000, CV: 10000, QV: 10000, Commissionable: true}); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateCustomers(ctx, []*downline.Customer{
		{ExternalID: "C-U", Name: "Umbrella", DistributorRef: "U", Attribution: downline.AttributionManual},
		{ExternalID: "C-S", Name: "Sirius", DistributorRef: "S", Attribution: downline.AttributionManual},
		{ExternalID: "C-S2", Name: "Sirius Two", DistributorRef: "S", Attribution: downline.AttributionManual},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ActivatePlan(ctx, circularPlan, "2026-01"); err != nil {
		t.Fatal(err)
	}
	own := func(ext, buyer string, fp, addr string) *downline.Order {
		return &downline.Order{ExternalID: ext, DistributorRef: buyer, Purpose: downline.PurposePersonalUse, Currency: "EUR",
			PaidAt: at(time.January, 5), PaymentFingerprint: fp, BillingAddress: addr,
			Lines: []*downline.OrderLine{{ProductRef: "LIC", Quantity: 1, UnitPrice: 10000}}}
	}
	mustOrders(t, db, own("PU-U", "U", "fp_U", ""), own("PU-S", "S", "fp_S", "12 High St., London"),
		licenceOrder("O-U", "C-U", 3, "", ""))
}

func licenceOrder(ext, customer string, qty int64, fp, addr string) *downline.Order {
	return &downline.Order{ExternalID: ext, CustomerRef: customer, Purpose: downline.PurposeCustomerDirect, Currency: "EUR",
		PaidAt: at(time.January, 20), PaymentFingerprint: fp, BillingAddress: addr,
		Lines: []*downline.OrderLine{{ProductRef: "LIC", Quantity: qty, UnitPrice: 10000}}}
}

// TestCircularCustomerOrder is TX-02 (d) through the store: seller S
// records a 2,400.00 "customer" order paid with a card whose fingerprint
// matches S's upline U. It becomes personal use of U, which TX-03 caps in
// the run, with a risk flag; the original seller and purpose stay.
func TestCircularCustomerOrder(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *sqlstore.DB) {
		circularWorld(t, db)
		u, s := distID(t, db, "U"), distID(t, db, "S")
		o := licenceOrder("O-1", "C-S", 24, "fp_U", "")
		mustOrders(t, db, o)
		if o.DistributorID != u || o.Purpose != downline.PurposePersonalUse || o.OriginalDistributorID != s ||
			o.OriginalPurpose != downline.PurposeCustomerDirect || o.DistributorRef != "U" {
			t.Fatalf("O-1 stored as %s of %d (%s), original %s of %d; want personal_use of U %d, original customer_direct of S %d",
				o.Purpose, o.DistributorID, o.DistributorRef, o.OriginalPurpose, o.OriginalDistributorID, u, s)
		}
		// The same request again is a no-op returning the stored order.
		again := licenceOrder("O-1", "C-S", 24, "fp_U", "")
		mustOrders(t, db, again)
		if again.ID != o.ID || again.DistributorID != u || again.OriginalDistributorID != s || again.PaymentFingerprint != "fp_U" {
			t.Errorf("retry = %+v, want the stored reclassified order", again)
		}
		// Another fingerprint on the same id is other content.
		if err := db.CreateOrder(ctx, licenceOrder("O-1", "C-S", 24, "fp_X", "")); downline.ErrorCode(err) != downline.CodeConflict {
			t.Errorf("same id, other fingerprint = %v, want conflict", err)
		}

		// Billing address: S's own address, written differently. Another
		// card matches nobody.
		mustOrders(t, db, licenceOrder("O-2", "C-S2", 1, "fp_other", "12  high st london"),
			licenceOrder("O-3", "C-S2", 1, "fp_other", "1 Other Road"))
		if o2, _ := db.FindOrderByExternalID(ctx, "O-2"); o2.DistributorID != s || o2.Purpose != downline.PurposePersonalUse ||
			o2.OriginalPurpose != downline.PurposeCustomerDirect {
			t.Errorf("O-2 = %s of %d, want personal use of S (same billing address)", o2.Purpose, o2.DistributorID)
		}
		if o3, _ := db.FindOrderByExternalID(ctx, "O-3"); o3.Purpose != downline.PurposeCustomerDirect || o3.OriginalPurpose != "" {
			t.Errorf("O-3 = %s, original %q; want an untouched customer order", o3.Purpose, o3.OriginalPurpose)
		}

		flags, _, err := db.FindRiskFlags(ctx, sqlstore.RiskFlagFilter{Kind: sqlstore.RiskCircularCustomer, Status: downline.RiskOpen})
		if err != nil {
			t.Fatal(err)
		}
		if len(flags) != 2 {
			t.Fatalf("risk flags = %d, want 2 (O-1 and O-2)", len(flags))
		}
		f := flags[0]
		if f.OrderID != o.ID || f.DistributorID != u || f.RelatedDistributorID != s || f.Status != "open" ||
			!strings.Contains(f.Reason, "TX-02") || !strings.Contains(f.Reason, "payment method") {
			t.Errorf("O-1's flag %+v: want order, U, S, open and a TX-02 payment reason", f)
		}
		if !strings.Contains(flags[1].Reason, "billing address") {
			t.Errorf("O-2's flag reason %q does not name the address", flags[1].Reason)
		}

		// January: U has CuV 300.00 and PCV 100.00 + 2,400.00; S has
		// O-2's 100.00 of PCV and O-3's 100.00 of CuV.
		v := volumes(t, db, "2026-01")
		if v["U"].CuV != 30000 || v["U"].PCV != 250000 || v["S"].CuV != 10000 || v["S"].PCV != 20000 {
			t.Errorf("January volumes U %+v, S %+v", v["U"], v["S"])
		}
		// The run: U's RPCV = min(2,500.00, 200.00, 300.00/2) = 150.00, so
		// T's override is 6 % × (300.00 + 150.00) = 27.00 and U's over S
		// 6 % × (100.00 + min(200.00, 200.00, 50.00)) = 9.00; direct
		// 20 % of 300.00 = 60.00 to U and of 100.00 = 20.00 to S.
		run, err := db.PreviewRun(ctx, "2026-01", downline.RunOptions{HoldDays: -1})
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]int64{"U/direct": 6000, "S/direct": 2000, "T/unilevel": 2700, "U/unilevel": 900}
		if diff := cmp.Diff(want, earnerTotals(t, db, run.ID)); diff != "" {
			t.Errorf("January lines (-want +got):\n%s", diff)
		}
	})
}
