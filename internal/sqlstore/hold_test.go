package sqlstore_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/downline/downline"
	"github.com/downline/downline/internal/sqlstore"
	"pgregory.net/rapid"
)

// holdWorld is runWorld with B working for its customer: B's email domain
// is acme.example, the domain of customer C-1 (TX-11 (d)). A works for
// the vendor.
func holdWorld(t *testing.T, db *sqlstore.DB, sellerEmail, uplineEmail string) {
	t.Helper()
	mustProgramme(t, db)
	a, b := dist("A", ""), dist("B", "A")
	a.Email, b.Email = uplineEmail, sellerEmail
	mustDistributors(t, db, a, b)
	if err := db.CreateProduct(ctx, &downline.Product{ExternalID: "SKU-1", Name: "Licence", Kind: "subscription",
		RetailPrice: 100000, CV: 100000, QV: 100000, Commissionable: true}); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateCustomer(ctx, &downline.Customer{ExternalID: "C-1", Name: "Acme GmbH", Domain: "acme.example",
		DistributorRef: "B", Attribution: downline.AttributionManual}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ActivatePlan(ctx, runPlan, "2026-01"); err != nil {
		t.Fatal(err)
	}
}

func orderState(t *testing.T, db *sqlstore.DB, ext string) (downline.VolumeState, string) {
	t.Helper()
	o, err := db.FindOrderByExternalID(ctx, ext)
	if err != nil {
		t.Fatal(err)
	}
	return o.VolumeState, o.Period
}

// TestSelfDealingHoldAtIntake is TX-11 (d) through the store: the seller's
// corporate email domain is the customer's, so its orders are
// PENDING_ACK: revenue but no CuV, and no commission; the acknowledgement
// releases the volume into the first open period, where the run pays it;
// refunds while held take back revenue only and claw back nothing.
func TestSelfDealingHoldAtIntake(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *sqlstore.DB) {
		holdWorld(t, db, "bob@acme.example", "ann@vendor.example")
		opts := downline.RunOptions{HoldDays: -1}
		runOrder(t, db, "O-1", time.Date(2026, 1, 20, 12, 0, 0, 0, time.UTC))
		runOrder(t, db, "O-2", time.Date(2026, 1, 22, 12, 0, 0, 0, time.UTC))
		if st, p := orderState(t, db, "O-1"); st != downline.VolumePendingAck || p != "2026-01" {
			t.Fatalf("O-1 state %s in %s, want pending_ack in 2026-01", st, p)
		}
		pending := downline.VolumePendingAck
		if _, n, err := db.FindOrders(ctx, downline.OrderFilter{VolumeState: &pending}); err != nil || n != 2 {
			t.Errorf("pending orders = %d, %v; want 2", n, err)
		}
		// January: 2,000.00 of customer revenue, no CuV, no customer order.
		v := volumes(t, db, "2026-01")["B"]
		if v.CuV != 0 || v.CuQV != 0 || v.CustomerRevenue != 200000 || v.Orders != 2 || v.CustomerOrders != 0 {
			t.Errorf("B's January volume %+v: want CuV 0, revenue 200000, 2 orders, 0 customer orders", v)
		}
		c1, err := db.CloseRun(ctx, "2026-01", opts)
		if err != nil {
			t.Fatal(err)
		}
		if c1.Total != 0 {
			t.Errorf("January pays %d on held orders, want 0", c1.Total)
		}
		// February 2: a quarter of O-2 is refunded while held. January is
		// closed, but nothing was paid on O-2: no clawback, no add-back.
		if err := runRefund(db, "R-1", "O-2", 25000, time.Date(2026, 2, 2, 12, 0, 0, 0, time.UTC)); err != nil {
			t.Fatal(err)
		}
		v = volumes(t, db, "2026-02")["B"]
		if v.CuV != 0 || v.CustomerRevenue != -25000 {
			t.Errorf("B's February volume after the held refund %+v: want CuV 0, revenue -25000", v)
		}

		// February pays nothing: the held refund is neither added back nor
		// clawed back.
		c2, err := db.CloseRun(ctx, "2026-02", opts)
		if err != nil {
			t.Fatal(err)
		}
		if c2.Total != 0 || c2.Clawbacks != 0 {
			t.Errorf("February run total %d, clawbacks %d; want 0, 0", c2.Total, c2.Clawbacks)
		}

		// March 3: Pat at Acme acknowledges. The held volume, net of the
		// refund, lands in March, the first open period: 1,000.00 +
		// 750.00 = 1,750.00 CuV and two customer orders.
		c := customerID(t, db, "C-1")
		b := distID(t, db, "B")
		if held, err := db.IsHeld(ctx, c, b); err != nil || !held {
			t.Fatalf("IsHeld = %t, %v; want true", held, err)
		}
		h, err := db.HoldSelfDealing(ctx, c, b, "")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(h.Reason, "TX-11") || !strings.Contains(h.Reason, "acme.example") {
			t.Errorf("hold reason %q, want TX-11 and the matched domain", h.Reason)
		}
		for range 2 { // the same acknowledgement twice releases once
			if err := db.AcknowledgeSelfDealing(ctx, h.ID, "Pat Lee", "pat@acme.example"); err != nil {
				t.Fatal(err)
			}
		}
		for _, ext := range []string{"O-1", "O-2"} {
			if st, p := orderState(t, db, ext); st != downline.VolumeReleased || p != "2026-03" {
				t.Errorf("%s state %s in %s after the acknowledgement, want released in 2026-03", ext, st, p)
			}
		}
		v = volumes(t, db, "2026-03")["B"]
		if v.CuV != 175000 || v.CuQV != 175000 || v.CustomerOrders != 2 || v.CustomerRevenue != 0 {
			t.Errorf("B's March volume after release %+v: want CuV 175000, 2 customer orders, revenue 0", v)
		}
		if v := volumes(t, db, "2026-01")["B"]; v.CuV != 0 || v.CustomerRevenue != 200000 {
			t.Errorf("closed January changed: %+v", v)
		}
		// A later order of the pair counts at once.
		runOrder(t, db, "O-3", time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC))
		if st, _ := orderState(t, db, "O-3"); st != downline.VolumeCounted {
			t.Errorf("O-3 after the acknowledgement: %s, want counted", st)
		}
		// March pays on 2,750.00: 20 % = 550.00 to B, 6 % = 165.00 to A.
		c3, err := db.CloseRun(ctx, "2026-03", opts)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(map[string]int64{"B/direct": 55000, "A/unilevel": 16500}, earnerTotals(t, db, c3.ID)); diff != "" {
			t.Errorf("March lines (-want +got):\n%s", diff)
		}
		// April: the rest of O-2 (750.00) is refunded; its volume was paid
		// in March, so March's lines are clawed back: 150.00 and 45.00.
		if err := runRefund(db, "R-2", "O-2", 75000, time.Date(2026, 4, 5, 12, 0, 0, 0, time.UTC)); err != nil {
			t.Fatal(err)
		}
		c4, err := db.CloseRun(ctx, "2026-04", opts)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(map[string]int64{"B/clawback": -15000, "A/clawback": -4500}, earnerTotals(t, db, c4.ID)); diff != "" {
			t.Errorf("April lines (-want +got):\n%s", diff)
		}
	})
}

// TestSelfDealingHoldUpline: TX-11 also holds when an upline earning on the
// order, not the seller, works for the customer; a seller at a free-mail
// address or another company is not held.
func TestSelfDealingHoldUpline(t *testing.T) {
	for _, tt := range []struct {
		name, seller, upline string
		want                 downline.VolumeState
		reason               string
	}{
		{"upline employed", "bob@gmail.com", "ann@sub.acme.example", downline.VolumePendingAck, "sub.acme.example"},
		{"nobody employed", "bob@gmail.com", "ann@vendor.example", downline.VolumeCounted, ""},
		{"other company", "bob@acme-rival.example", "ann@vendor.example", downline.VolumeCounted, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			forEachDB(t, func(t *testing.T, db *sqlstore.DB) {
				holdWorld(t, db, tt.seller, tt.upline)
				runOrder(t, db, "O-1", time.Date(2026, 1, 20, 12, 0, 0, 0, time.UTC))
				if st, _ := orderState(t, db, "O-1"); st != tt.want {
					t.Errorf("O-1 state %s, want %s", st, tt.want)
				}
				wantCuV := int64(100000)
				if tt.want == downline.VolumePendingAck {
					wantCuV = 0
					c := customerID(t, db, "C-1")
					h, err := db.HoldSelfDealing(ctx, c, distID(t, db, "B"), "")
					if err != nil || !strings.Contains(h.Reason, tt.reason) || !strings.Contains(h.Reason, fmt.Sprintf("distributor %d", distID(t, db, "A"))) {
						t.Errorf("hold %+v, %v: want the upline A and %s named", h, err, tt.reason)
					}
				}
				if v := volumes(t, db, "2026-01")["B"]; v.CuV != wantCuV || v.CustomerRevenue != 100000 {
					t.Errorf("B's January volume %+v, want CuV %d and revenue 100000", v, wantCuV)
				}
			})
		})
	}
}

// TestSelfDealingHoldBatch: in one batch each (customer, distributor)
// pair is decided by its own hold. B and its upline A both work for C-1
// (TX-11 (d)); B's hold is acknowledged, so B's orders count, while an
// order of C-1 credited to A opens a hold of its own and is held.
func TestSelfDealingHoldBatch(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *sqlstore.DB) {
		holdWorld(t, db, "bob@acme.example", "ann@acme.example")
		runOrder(t, db, "O-1", time.Date(2026, 1, 20, 12, 0, 0, 0, time.UTC))
		c, a, b := customerID(t, db, "C-1"), distID(t, db, "A"), distID(t, db, "B")
		h, err := db.HoldSelfDealing(ctx, c, b, "")
		if err != nil {
			t.Fatal(err)
		}
		if err := db.AcknowledgeSelfDealing(ctx, h.ID, "Pat Lee", "pat@acme.example"); err != nil {
			t.Fatal(err)
		}
		paid := time.Date(2026, 1, 25, 12, 0, 0, 0, time.UTC)
		order := func(ext, dist string) *downline.Order {
			return &downline.Order{ExternalID: ext, CustomerRef: "C-1", DistributorRef: dist, Purpose: downline.PurposeCustomerDirect,
				Currency: "EUR", PaidAt: paid, Lines: []*downline.OrderLine{{ProductRef: "SKU-1", Quantity: 1, UnitPrice: 100000}}}
		}
		if err := db.CreateOrders(ctx, []*downline.Order{order("O-2", "B"), order("O-3", "A"), order("O-4", "B")}); err != nil {
			t.Fatal(err)
		}
		for ext, want := range map[string]downline.VolumeState{"O-2": downline.VolumeCounted, "O-3": downline.VolumePendingAck,
			"O-4": downline.VolumeCounted} {
			if st, _ := orderState(t, db, ext); st != want {
				t.Errorf("%s state %s, want %s", ext, st, want)
			}
		}
		if held, err := db.IsHeld(ctx, c, a); err != nil || !held {
			t.Errorf("IsHeld(C-1, A) = %t, %v; want true", held, err)
		}
		if held, err := db.IsHeld(ctx, c, b); err != nil || held {
			t.Errorf("IsHeld(C-1, B) = %t, %v; want false", held, err)
		}
	})
}

func customerID(tb testing.TB, db *sqlstore.DB, ext string) downline.CustomerID {
	tb.Helper()
	cs, _, err := db.FindCustomers(ctx, downline.CustomerFilter{ExternalID: &ext})
	if err != nil || len(cs) != 1 {
		tb.Fatalf("customer %s: %d, %v", ext, len(cs), err)
	}
	return cs[0].ID
}

// TestEmployerCountsOnceForTX06 is TX-06 (d) with self-dealing holds: B's
// only customer being B's employer is one active customer (below
// min_customers = 2); an unrelated customer makes two; a second entity
// employing B (a subsidiary on a subdomain) does not make three, because
// at most one employer counts.
func TestEmployerCountsOnceForTX06(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *sqlstore.DB) {
		holdWorld(t, db, "bob@acme.example", "ann@vendor.example")
		if err := db.CreateCustomers(ctx, []*downline.Customer{
			{ExternalID: "C-2", Name: "Acme Cloud", Domain: "cloud.acme.example", DistributorRef: "B", Attribution: downline.AttributionManual},
			{ExternalID: "C-3", Name: "Other AG", Domain: "other.example", DistributorRef: "B", Attribution: downline.AttributionManual},
		}); err != nil {
			t.Fatal(err)
		}
		b := distID(t, db, "B")
		count := func() int {
			t.Helper()
			n := 0
			if err := db.ActiveCustomerCounts(ctx, "2026-01", 12, func(d downline.DistributorID, c int) error {
				if d == b {
					n = c
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			return n
		}
		ack := func(customer string) {
			t.Helper()
			h, err := db.HoldSelfDealing(ctx, customerID(t, db, customer), b, "")
			if err != nil {
				t.Fatal(err)
			}
			if err := db.AcknowledgeSelfDealing(ctx, h.ID, "Pat Lee", "pat@acme.example"); err != nil {
				t.Fatal(err)
			}
		}
		paid := time.Date(2026, 1, 20, 12, 0, 0, 0, time.UTC)
		licence := func(ext, customer string) *downline.Order {
			return &downline.Order{ExternalID: ext, CustomerRef: customer, Purpose: downline.PurposeCustomerDirect, Currency: "EUR",
				PaidAt: paid, Lines: []*downline.OrderLine{{ProductRef: "SKU-1", Quantity: 1, UnitPrice: 100000}}}
		}
		mustOrders(t, db, licence("E-1", "C-1"), licence("E-2", "C-2"))
		if n := count(); n != 0 {
			t.Errorf("active customers while both employers are held = %d, want 0", n)
		}
		ack("C-1")
		if n := count(); n != 1 {
			t.Errorf("active customers with the employer acknowledged = %d, want 1 (not eligible)", n)
		}
		ack("C-2")
		if n := count(); n != 1 {
			t.Errorf("active customers with two employers = %d, want 1: at most one employer counts", n)
		}
		mustOrders(t, db, licence("U-1", "C-3"))
		if n := count(); n != 2 {
			t.Errorf("active customers with an unrelated customer = %d, want 2 (eligible)", n)
		}
	})
}

// TestHeldVolumeConserved is the property behind TX-11's release: for any
// sequence of orders and partial refunds of a self-dealing pair, with the
// acknowledgement at any point, the seller's CuV summed over periods is 0
// while held and, once acknowledged, the CV sold minus every CV refunded
// (held refunds took none, the release adds what remained); revenue is
// always the amount sold minus the amount refunded.
func TestHeldVolumeConserved(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *sqlstore.DB) {
		holdWorld(t, db, "bob@acme.example", "ann@vendor.example")
		n := 0
		rapid.Check(t, func(rt *rapid.T) {
			n++
			seller, customer := fmt.Sprintf("S%d", n), fmt.Sprintf("CX%d", n)
			s := dist(seller, "A")
			s.Email = seller + "@acme.example"
			if err := db.CreateDistributor(ctx, s); err != nil {
				rt.Fatal(err)
			}
			c := &downline.Customer{ExternalID: customer, Name: "Acme " + customer, Domain: "acme.example",
				DistributorRef: seller, Attribution: downline.AttributionManual}
			if err := db.CreateCustomer(ctx, c); err != nil {
				rt.Fatal(err)
			}
			var orders []string
			var sold, soldCV, refunded, refundedCV int64
			acked := false
			ackAt := rapid.IntRange(0, 8).Draw(rt, "ack at")
			for step := range 8 {
				if step == ackAt {
					h, err := db.HoldSelfDealing(ctx, c.ID, s.ID, "")
					if err != nil {
						rt.Fatal(err)
					}
					if err := db.AcknowledgeSelfDealing(ctx, h.ID, "Pat", "pat@acme.example"); err != nil {
						rt.Fatal(err)
					}
					acked = true
				}
				paid := time.Date(2026, time.Month(1+step/2), 10+step, 12, 0, 0, 0, time.UTC)
				if len(orders) == 0 || rapid.Bool().Draw(rt, "order") {
					ext := fmt.Sprintf("%s-O%d", seller, step)
					qty := rapid.Int64Range(1, 4).Draw(rt, "qty")
					if err := db.CreateOrder(ctx, &downline.Order{ExternalID: ext, CustomerRef: customer, Purpose: downline.PurposeCustomerDirect,
						Currency: "EUR", PaidAt: paid, Lines: []*downline.OrderLine{{ProductRef: "SKU-1", Quantity: qty, UnitPrice: 100000}}}); err != nil {
						rt.Fatal(err)
					}
					orders = append(orders, ext)
					sold, soldCV = sold+qty*100000, soldCV+qty*100000
					continue
				}
				ext := rapid.SampledFrom(orders).Draw(rt, "refunded order")
				o, err := db.FindOrderByExternalID(ctx, ext)
				if err != nil {
					rt.Fatal(err)
				}
				remaining := o.Total() - o.Lines[0].RefundedAmount
				if remaining == 0 {
					continue
				}
				amount := rapid.Int64Range(1, remaining).Draw(rt, "amount")
				r := &downline.Refund{ExternalID: fmt.Sprintf("%s-R%d", seller, step), OrderRef: ext, RefundedAt: paid,
					Lines: []downline.RefundLine{{LineNo: 1, Amount: amount}}}
				if err := db.CreateRefund(ctx, r); err != nil {
					rt.Fatal(err)
				}
				refunded, refundedCV = refunded+amount, refundedCV+r.Lines[0].CV
			}
			var cuv, rev int64
			for m := 1; m <= 4; m++ {
				if err := db.PeriodVolumes(ctx, fmt.Sprintf("2026-%02d", m), func(v downline.PeriodVolume) error {
					if v.DistributorID == s.ID {
						cuv, rev = cuv+v.CuV, rev+v.CustomerRevenue
					}
					return nil
				}); err != nil {
					rt.Fatal(err)
				}
			}
			want := int64(0)
			if acked {
				want = soldCV - refundedCV
			}
			if cuv != want || rev != sold-refunded {
				rt.Fatalf("acknowledged %t: CuV %d, revenue %d; want %d, %d", acked, cuv, rev, want, sold-refunded)
			}
		})
	})
}
