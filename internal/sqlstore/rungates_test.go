package sqlstore_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/downline/downline"
	"github.com/downline/downline/internal/sqlstore"
	"github.com/google/go-cmp/cmp"
)

// gateRunPlan is runPlan with a volume block and a gates block spliced in;
// the override's basis is CuV and RPCV so that TX-03 shows.
func gateRunPlan(volume, gates string) string {
	p := strings.Replace(runPlan, "    basis: [cuv]\n    compression", "    basis: [cuv, rpcv]\n    compression", 1)
	p = strings.Replace(p, "bonuses:\n", volume+gates+"bonuses:\n", 1)
	return p
}

// TestRunGates shows each pay-run gate's effect on what a closed run pays
// (issue 7: "each gate's effect on payouts is covered by a test"). The
// world is runWorld (A sponsors B; B sells 1,000.00 of CV to C-1 in January
// 2026: B 200.00 direct, A 60.00 override) plus each case's extra records;
// each case closes January once without the gate and once with it, and the
// hand-computed totals per earner must match.
func TestRunGates(t *testing.T) {
	jan := time.Date(2026, 1, 20, 12, 0, 0, 0, time.UTC)
	order := func(ext, dist, cust string, purpose downline.OrderPurpose, qty int64, paid time.Time) *downline.Order {
		return &downline.Order{ExternalID: ext, DistributorRef: dist, CustomerRef: cust, Purpose: purpose, Currency: "EUR",
			PaidAt: paid, Lines: []*downline.OrderLine{{ProductRef: "SKU-1", Quantity: qty, UnitPrice: 100000}}}
	}
	base := map[string]int64{"B/direct": 20000, "A/unilevel": 6000}
	for _, tt := range []struct {
		name            string
		volume, gates   string // YAML without and with the gate
		volumeG, gatesG string
		country         string // A's country
		extra           []*downline.Order
		without, with   map[string]int64
		scaledBy        string
		fired           bool
	}{
		// TX-03 (d): B's personal use 1,000.00 next to CuV 1,000.00. Half of
		// CuV may be rewardable without the abs cap (RPCV 1,000.00 → A
		// 6 % × 2,000.00 = 120.00); with cap 200.00 and share 1/3, RPCV =
		// min(1,000, 200, 500) = 200.00 → A 6 % × 1,200.00 = 72.00.
		{name: "TX-03", volume: "volume: {personal_use: {share: \"1/2\"}}\n", volumeG: "volume: {personal_use: {cap: \"200\", share: \"1/3\"}}\n",
			extra:   []*downline.Order{order("P-1", "B", "", downline.PurposePersonalUse, 1, jan)},
			without: map[string]int64{"B/direct": 20000, "A/unilevel": 12000}, with: map[string]int64{"B/direct": 20000, "A/unilevel": 7200}},
		// TX-04 (d): B's personal use 2,000.00: A's org customer share
		// 1,000 / 3,000 = 33 % ≤ 50 % → A gets no override.
		{name: "TX-04", gatesG: "gates: {customer_share_min_pct: \"50\"}\n",
			extra:   []*downline.Order{order("P-1", "B", "", downline.PurposePersonalUse, 2, jan)},
			without: base, with: map[string]int64{"B/direct": 20000, "A/unilevel": 0}},
		// TX-05 (d): A bought 10 seats for resale in the 90 days, 6 resold
		// with receipts → 60 % < 70 % → no override for A. A's direct 20 %
		// on the 6,000.00 resold is unaffected.
		{name: "TX-05", gatesG: "gates: {sell_through_min_pct: \"70\"}\n",
			extra: []*downline.Order{order("S-1", "A", "", downline.PurposeResaleStock, 10, time.Date(2025, 12, 1, 12, 0, 0, 0, time.UTC)),
				order("S-2", "A", "C-2", downline.PurposeReceiptedResale, 6, jan)},
			without: map[string]int64{"A/direct": 120000, "B/direct": 20000, "A/unilevel": 6000},
			with:    map[string]int64{"A/direct": 120000, "B/direct": 20000, "A/unilevel": 0}},
		// TX-06 (d): A has no customer of its own; two are needed.
		{name: "TX-06", gatesG: "gates: {min_active_customers: 2}\n",
			without: base, with: map[string]int64{"B/direct": 20000, "A/unilevel": 0}},
		// TX-07: A's personal use of 1,000.00 in November 2025 is inside the
		// trailing 12 months: EU = 1,000 / 2,000 = 0.5 < 0.8 → f = 0.625 →
		// A's 60.00 becomes 37.50 (January alone would pass: EU = 1).
		{name: "TX-07", gatesG: "gates: {end_user_min_pct: \"80\", customer_cv_share_min: \"2/3\"}\n",
			extra:   []*downline.Order{order("P-1", "A", "", downline.PurposePersonalUse, 1, time.Date(2025, 11, 5, 12, 0, 0, 0, time.UTC))},
			without: base, with: map[string]int64{"B/direct": 20000, "A/unilevel": 3750}, scaledBy: "TX-07", fired: true},
		// TX-08 (d) in small: CV 1,000.00, cap 22 % = 220.00, direct 200.00
		// → overrides scaled to 20.00 (S = 0.333333333, 19.99999998 → 20.00).
		{name: "TX-08", gatesG: "gates: {payout_cap_pct: \"22\"}\n",
			without: base, with: map[string]int64{"B/direct": 20000, "A/unilevel": 2000}, scaledBy: "TX-08"},
		// TX-12 (d): A resides in CN: no override; A's own direct sales of
		// 1,000.00 to C-2 pay 200.00, under the 30 % cap of 300.00.
		{name: "TX-12", gatesG: "gates: {cn_own_sales_cap_pct: \"30\"}\n", country: "CN",
			extra:   []*downline.Order{order("O-A", "A", "C-2", downline.PurposeCustomerDirect, 1, jan)},
			without: map[string]int64{"A/direct": 20000, "B/direct": 20000, "A/unilevel": 6000},
			with:    map[string]int64{"A/direct": 20000, "B/direct": 20000, "A/unilevel": 0}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for _, with := range []bool{false, true} {
				forEachDB(t, func(t *testing.T, db *sqlstore.DB) {
					mustProgramme(t, db)
					a, b := dist("A", ""), dist("B", "A")
					a.JoinedAt, b.JoinedAt = time.Date(2025, 10, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 10, 2, 0, 0, 0, 0, time.UTC)
					if tt.country != "" {
						a.Country = tt.country
					}
					mustDistributors(t, db, a, b)
					if err := db.CreateProduct(ctx, &downline.Product{ExternalID: "SKU-1", Name: "Licence", Kind: "subscription",
						RetailPrice: 100000, CV: 100000, QV: 100000, Commissionable: true}); err != nil {
						t.Fatal(err)
					}
					for _, c := range []*downline.Customer{{ExternalID: "C-1", Name: "Acme GmbH", DistributorRef: "B"},
						{ExternalID: "C-2", Name: "Beta AG", DistributorRef: "A"}} {
						c.Attribution = downline.AttributionManual
						if err := db.CreateCustomer(ctx, c); err != nil {
							t.Fatal(err)
						}
					}
					plan := gateRunPlan(tt.volume, tt.gates)
					if with {
						plan = gateRunPlan(tt.volumeG, tt.gatesG)
					}
					if _, err := db.ActivatePlan(ctx, plan, "2025-01"); err != nil {
						t.Fatal(err)
					}
					runOrder(t, db, "O-1", jan)
					for _, o := range tt.extra {
						o := *o
						if err := db.CreateOrder(ctx, &o); err != nil {
							t.Fatal(err)
						}
					}
					run, err := db.CloseRun(ctx, "2026-01", downline.RunOptions{HoldDays: -1})
					if err != nil {
						t.Fatal(err)
					}
					want, by, fired := tt.without, "", false
					if with {
						want, by, fired = tt.with, tt.scaledBy, tt.fired
					}
					got := earnerTotals(t, db, run.ID)
					for k, v := range got {
						if v == 0 && want[k] == 0 {
							delete(got, k)
						}
					}
					w := map[string]int64{}
					for k, v := range want {
						if v != 0 {
							w[k] = v
						}
					}
					if diff := cmp.Diff(w, got); diff != "" {
						t.Errorf("with gate %t: closed run pays (-want +got):\n%s", with, diff)
					}
					if run.ScaledBy != by || run.CompanyTestFired != fired {
						t.Errorf("with gate %t: run scaled by %q, TX-07 fired %t; want %q %t", with, run.ScaledBy, run.CompanyTestFired, by, fired)
					}
					if by != "" {
						// Every scaled line names the gate that scaled it.
						ls, err := db.FindRunLines(ctx, run.ID, 0)
						if err != nil {
							t.Fatal(err)
						}
						scaled := 0
						for _, l := range ls {
							if l.ScaleNum == l.ScaleDen {
								continue
							}
							scaled++
							if ex := l.Explain("USD"); !strings.Contains(ex, by) {
								t.Errorf("scaled line does not name %s: %s", by, ex)
							}
						}
						if scaled == 0 {
							t.Errorf("run scaled by %s has no scaled line", by)
						}
					}
					if again, err := db.FindRunByID(ctx, run.ID); err != nil || again.ScaledBy != run.ScaledBy || again.CompanyTestFired != fired ||
						again.CompanyFactorNum != run.CompanyFactorNum || again.CompanyFactorDen != run.CompanyFactorDen {
						t.Errorf("stored run %+v (%v); want the gate facts of %+v", again, err, run)
					}
				})
			}
		})
	}
}

// TestClawbackOfCappedPay checks that a refund never takes back more than
// the line paid (TX-09 with TX-12). A resides in CN; the plan pays 40 %
// direct, so A's own sales of 1,000.00 compute 400.00 and the TX-12 cap
// (30 % of own direct sales) takes back 100.00: A is paid 300.00. Two
// refunds of 500.00 each of A's order in February claw back 500.00 × 40 %
// × 300/400 = 150.00 each, 300.00 in all (the full direct rate would take
// 400.00). B's order pays B 400.00 and A nothing (TX-12: single level), so
// its refund of 250.00 claws back 100.00 from B and nothing from A.
func TestClawbackOfCappedPay(t *testing.T) {
	t.Parallel()
	plan := strings.Replace(gateRunPlan("", "gates: {cn_own_sales_cap_pct: \"30\"}\n"), "rate_pct: \"20\"", "rate_pct: \"40\"", 1)
	jan, feb := time.Date(2026, 1, 20, 12, 0, 0, 0, time.UTC), time.Date(2026, 2, 5, 12, 0, 0, 0, time.UTC)
	forEachDB(t, func(t *testing.T, db *sqlstore.DB) {
		mustProgramme(t, db)
		a, b := dist("A", ""), dist("B", "A")
		a.Country = "CN"
		mustDistributors(t, db, a, b)
		if err := db.CreateProduct(ctx, &downline.Product{ExternalID: "SKU-1", Name: "Licence", Kind: "subscription",
			RetailPrice: 100000, CV: 100000, QV: 100000, Commissionable: true}); err != nil {
			t.Fatal(err)
		}
		for _, c := range []*downline.Customer{{ExternalID: "C-1", Name: "Acme GmbH", DistributorRef: "B"},
			{ExternalID: "C-2", Name: "Beta AG", DistributorRef: "A"}} {
			c.Attribution = downline.AttributionManual
			if err := db.CreateCustomer(ctx, c); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.ActivatePlan(ctx, plan, "2026-01"); err != nil {
			t.Fatal(err)
		}
		runOrder(t, db, "O-1", jan)
		if err := db.CreateOrder(ctx, &downline.Order{ExternalID: "O-A", CustomerRef: "C-2", Purpose: downline.PurposeCustomerDirect,
			Currency: "EUR", PaidAt: jan, Lines: []*downline.OrderLine{{ProductRef: "SKU-1", Quantity: 1, UnitPrice: 100000}}}); err != nil {
			t.Fatal(err)
		}
		opts := downline.RunOptions{HoldDays: -1}
		c1, err := db.CloseRun(ctx, "2026-01", opts)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(map[string]int64{"A/direct": 30000, "B/direct": 40000, "A/unilevel": 0}, earnerTotals(t, db, c1.ID)); diff != "" {
			t.Errorf("January pays (-want +got):\n%s", diff)
		}
		for _, r := range []struct {
			ext, order string
			amount     int64
		}{{"R-1", "O-A", 50000}, {"R-2", "O-A", 50000}, {"R-3", "O-1", 25000}} {
			if err := runRefund(db, r.ext, r.order, r.amount, feb); err != nil {
				t.Fatal(err)
			}
		}
		c2, err := db.CloseRun(ctx, "2026-02", opts)
		if err != nil {
			t.Fatal(err)
		}
		ls, err := db.FindRunLines(ctx, c2.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]int64{}
		for _, l := range ls {
			got[strconv.FormatInt(int64(l.RefundID), 10)+"/"+strconv.FormatInt(int64(l.Earner), 10)] += l.Amount
			if l.RefundID == 1 {
				// The line explains itself: 40 % × 500.00 × 3/4 = 150.00.
				want := "clawback of 40 % of 500.00 EUR from distributor 1 × 3/4 (the share paid after scaling and caps) refunded (refund 1 of order 2) = -150.00 EUR"
				if e := l.Explain("EUR"); e != want {
					t.Errorf("explanation %q, want %q", e, want)
				}
			}
		}
		want := map[string]int64{"1/1": -15000, "2/1": -15000, "3/2": -10000}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("February clawbacks by refund/earner (-want +got):\n%s", diff)
		}
		if c2.Clawbacks != -40000 {
			t.Errorf("February clawbacks %d, want -400.00", c2.Clawbacks)
		}
	})
}

// TestClawbackAfterMove: the clawback of an override goes to the upline
// the closed run paid, not the seller's sponsor today. runWorld: A
// sponsors B; January pays A 6 % × 1,000.00 = 60.00 on B's sale. B then
// moves under X (effective March, the store clock's period); a quarter of
// the order refunded in March claws back 250.00 × 20 % = 50.00 from B and
// 250.00 × 6 % = 15.00 from A, nothing from X.
func TestClawbackAfterMove(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *sqlstore.DB) {
		runWorld(t, db)
		mustDistributors(t, db, dist("X", ""))
		runOrder(t, db, "O-1", time.Date(2026, 1, 20, 12, 0, 0, 0, time.UTC))
		opts := downline.RunOptions{HoldDays: -1}
		for _, p := range []string{"2026-01", "2026-02"} {
			if _, err := db.CloseRun(ctx, p, opts); err != nil {
				t.Fatal(err)
			}
		}
		b, err := db.FindDistributorByExternalID(ctx, "B")
		if err != nil {
			t.Fatal(err)
		}
		x, err := db.FindDistributorByExternalID(ctx, "X")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.MoveDistributor(ctx, b.ID, downline.DistributorMove{SponsorID: &x.ID}); err != nil {
			t.Fatal(err)
		}
		if err := runRefund(db, "R-1", "O-1", 25000, time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)); err != nil {
			t.Fatal(err)
		}
		run, err := db.CloseRun(ctx, "2026-03", opts)
		if err != nil {
			t.Fatal(err)
		}
		got := earnerTotals(t, db, run.ID)
		if got["B/clawback"] != -5000 || got["A/clawback"] != -1500 || got["X/clawback"] != 0 {
			t.Errorf("March clawbacks %v; want B -50.00, A -15.00, X none", got)
		}
	})
}
