package sqlstore_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/downline/downline"
	"github.com/downline/downline/internal/sqlstore"
)

// The seams between TX-11 holds, TX-02 reclassification at intake and
// TX-02 receipt verification: a rejection takes back exactly what the
// order added to volume, and its revenue becomes participant revenue
// (TX-04 counts only sales to non-participants).

func decide(t *testing.T, db *sqlstore.DB, ref string, st downline.VerificationStatus) *downline.VerificationCase {
	t.Helper()
	c, _, err := db.DecideVerification(ctx, caseOf(t, db, ref).ID, downline.VerificationDecision{Status: st, By: "co", Note: "called"})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func acknowledge(t *testing.T, db *sqlstore.DB, customer, seller string) {
	t.Helper()
	h, err := db.HoldSelfDealing(ctx, customerID(t, db, customer), distID(t, db, seller), "")
	if err != nil {
		t.Fatal(err)
	}
	if err := db.AcknowledgeSelfDealing(ctx, h.ID, "Pat", "pat@acme.example"); err != nil {
		t.Fatal(err)
	}
}

// TestVerificationRejectHeldOrder: a held (pending_ack) order added
// revenue only; its rejection moves that revenue to participant revenue
// and takes no CuV (there was none); the acknowledgement afterwards
// releases the other held order but not the rejected one; a refund of
// the rejected order takes back participant revenue.
func TestVerificationRejectHeldOrder(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *sqlstore.DB) {
		holdWorld(t, db, "bob@acme.example", "ann@vendor.example")
		runOrder(t, db, "O-1", time.Date(2026, 1, 20, 12, 0, 0, 0, time.UTC))
		runOrder(t, db, "O-2", time.Date(2026, 1, 21, 12, 0, 0, 0, time.UTC))
		if res := sample(t, db, "2026-01", 1, 1); res.Cases != 2 {
			t.Fatalf("sample = %+v, want both held orders", res)
		}
		decide(t, db, "O-1", downline.VerificationRejected)
		// 1,000.00 each: O-2's stays customer revenue, O-1's becomes
		// participant revenue; no CuV and no customer order either way.
		v := volumes(t, db, "2026-01")["B"]
		if v.CuV != 0 || v.CustomerRevenue != 100000 || v.ParticipantRevenue != 100000 || v.CustomerOrders != 0 || v.Orders != 2 {
			t.Errorf("after rejecting held O-1: %+v; want CuV 0, revenue 100000/100000, 0 customer orders, 2 orders", v)
		}
		if err := runRefund(db, "R-1", "O-1", 25000, time.Date(2026, 1, 25, 12, 0, 0, 0, time.UTC)); err != nil {
			t.Fatal(err)
		}
		acknowledge(t, db, "C-1", "B")
		if st, _ := orderState(t, db, "O-1"); st != downline.VolumePendingAck {
			t.Errorf("rejected O-1 is %s after the acknowledgement, want still pending_ack (nothing to release)", st)
		}
		if st, _ := orderState(t, db, "O-2"); st != downline.VolumeReleased {
			t.Errorf("O-2 is %s after the acknowledgement, want released", st)
		}
		v = volumes(t, db, "2026-01")["B"]
		if v.CuV != 100000 || v.CustomerRevenue != 100000 || v.ParticipantRevenue != 75000 || v.CustomerOrders != 1 {
			t.Errorf("after refund and acknowledgement: %+v; want CuV 100000 (O-2 only), revenue 100000/75000, 1 customer order", v)
		}
	})
}

// TestVerificationRejectReleasedOrder: O-1 (1,000.00) has 250.00 refunded
// while held (revenue only), is released with CuV 750.00, then refunded
// 250.00 more (CuV 500.00). The rejection takes back the 500.00 that
// remain, the customer order and moves 500.00 of revenue to participant
// revenue; refunding the rest afterwards counts nothing twice.
func TestVerificationRejectReleasedOrder(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *sqlstore.DB) {
		holdWorld(t, db, "bob@acme.example", "ann@vendor.example")
		runOrder(t, db, "O-1", time.Date(2026, 1, 20, 12, 0, 0, 0, time.UTC))
		if err := runRefund(db, "R-1", "O-1", 25000, time.Date(2026, 1, 21, 12, 0, 0, 0, time.UTC)); err != nil {
			t.Fatal(err)
		}
		acknowledge(t, db, "C-1", "B")
		if err := runRefund(db, "R-2", "O-1", 25000, time.Date(2026, 1, 22, 12, 0, 0, 0, time.UTC)); err != nil {
			t.Fatal(err)
		}
		v := volumes(t, db, "2026-01")["B"]
		if v.CuV != 50000 || v.CustomerRevenue != 50000 || v.CustomerOrders != 1 {
			t.Fatalf("before the rejection: %+v; want CuV 50000, revenue 50000, 1 customer order", v)
		}
		sample(t, db, "2026-01", 1, 1)
		decide(t, db, "O-1", downline.VerificationRejected)
		v = volumes(t, db, "2026-01")["B"]
		if v.CuV != 0 || v.CuQV != 0 || v.CustomerRevenue != 0 || v.ParticipantRevenue != 50000 || v.CustomerOrders != 0 {
			t.Errorf("after the rejection: %+v; want CuV 0, revenue 0/50000, 0 customer orders", v)
		}
		if err := db.CreateRefund(ctx, &downline.Refund{ExternalID: "R-3", OrderRef: "O-1", RefundedAt: time.Date(2026, 1, 23, 12, 0, 0, 0, time.UTC)}); err != nil {
			t.Fatal(err)
		}
		v = volumes(t, db, "2026-01")["B"]
		if v.CuV != 0 || v.CustomerRevenue != 0 || v.ParticipantRevenue != 0 || v.CustomerOrders != 0 {
			t.Errorf("after refunding the rest: %+v; want all zero", v)
		}
		n := 0
		if err := db.ActiveCustomerCounts(ctx, "2026-01", 1, func(_ downline.DistributorID, k int) error { n += k; return nil }); err != nil || n != 0 {
			t.Errorf("active customers = %d, %v; want 0", n, err)
		}
	})
}

// TestVerificationReclassifiedOrder documents the rule for an order the
// intake reclassified (TX-02 (d): paid with the upline's card, now
// personal use of U, flagged circular_customer): it is no longer customer
// volume, so it is not in the verification population and gets no case;
// its PCV stays. Its flag is closed in the risk review, which moves no
// money.
func TestVerificationReclassifiedOrder(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *sqlstore.DB) {
		circularWorld(t, db)
		mustOrders(t, db, licenceOrder("O-1", "C-S", 24, "fp_U", ""))
		before := volumes(t, db, "2026-01")
		res := sample(t, db, "2026-01", 1, 1)
		if res.Population != 1 || res.Cases != 1 || res.Flagged != 0 {
			t.Errorf("sample = %+v; want only O-U (the reclassified O-1 is not customer volume)", res)
		}
		o, err := db.FindOrderByExternalID(ctx, "O-1")
		if err != nil {
			t.Fatal(err)
		}
		if cs, _, err := db.FindVerifications(ctx, downline.VerificationFilter{OrderID: &o.ID}); err != nil || len(cs) != 0 {
			t.Errorf("cases of O-1 = %v, %v; want none", cs, err)
		}
		flags, n, err := db.FindRiskFlags(ctx, downline.RiskFlagFilter{OrderID: o.ID, Status: downline.RiskOpen})
		if err != nil || n != 1 || len(flags) != 1 {
			t.Fatalf("open flags of O-1 = %d, %v", n, err)
		}
		f, changed, err := db.ReviewRiskFlag(ctx, flags[0].ID, downline.RiskReview{Status: downline.RiskConfirmed, By: "co", Note: "card is U's"})
		if err != nil || !changed || f.Status != downline.RiskConfirmed || f.ReviewedBy != "co" || f.ReviewNote != "card is U's" || f.ReviewedAt.IsZero() {
			t.Fatalf("review = %+v, %t, %v", f, changed, err)
		}
		if _, changed, err := db.ReviewRiskFlag(ctx, f.ID, downline.RiskReview{Status: downline.RiskConfirmed, By: "co"}); err != nil || changed {
			t.Errorf("the same review again = %t, %v; want a no-op", changed, err)
		}
		if _, _, err := db.ReviewRiskFlag(ctx, f.ID, downline.RiskReview{Status: downline.RiskDismissed, By: "co"}); downline.ErrorCode(err) != downline.CodeConflict {
			t.Errorf("dismissing a confirmed flag = %v, want conflict", err)
		}
		if _, _, err := db.ReviewRiskFlag(ctx, f.ID+100, downline.RiskReview{Status: downline.RiskDismissed, By: "co"}); downline.ErrorCode(err) != downline.CodeNotFound {
			t.Errorf("reviewing a missing flag = %v, want not found", err)
		}
		if _, _, err := db.ReviewRiskFlag(ctx, f.ID, downline.RiskReview{Status: "open", By: "co"}); downline.ErrorCode(err) != downline.CodeInvalid ||
			!strings.Contains(err.Error(), "status") {
			t.Errorf("reviewing to open = %v, want invalid naming the status", err)
		}
		if after := volumes(t, db, "2026-01"); after["U"] != before["U"] || after["S"] != before["S"] {
			t.Errorf("the review moved volume: U %+v → %+v, S %+v → %+v", before["U"], after["U"], before["S"], after["S"])
		}
	})
}

// TestVerificationDecisionClosesFlags: a rejection confirms the order's
// open flags, a confirmation dismisses them, in the decision's
// transaction, naming the case and who decided.
func TestVerificationDecisionClosesFlags(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *sqlstore.DB) {
		seed(t, db)
		mustOrders(t, db, customerOrder("INV-1", "C-A1", "SUP", 1, at(time.March, 3)),
			customerOrder("INV-2", "C-A2", "SUP", 1, at(time.March, 4)))
		f1, f2 := riskFlag(t, db, "INV-1"), riskFlag(t, db, "INV-2")
		sample(t, db, "2026-03", 1, 100)
		c1 := decide(t, db, "INV-1", downline.VerificationRejected)
		c2 := decide(t, db, "INV-2", downline.VerificationConfirmed)
		fs, _, err := db.FindRiskFlags(ctx, downline.RiskFlagFilter{})
		if err != nil || len(fs) != 2 {
			t.Fatalf("flags = %v, %v", fs, err)
		}
		want := map[int64]string{
			f1: fmt.Sprintf("confirmed by co: TX-02: receipt rejected in verification case %d: called", c1.ID),
			f2: fmt.Sprintf("dismissed by co: TX-02: receipt confirmed in verification case %d: called", c2.ID),
		}
		for _, f := range fs {
			if got := fmt.Sprintf("%s by %s: %s", f.Status, f.ReviewedBy, f.ReviewNote); got != want[f.ID] {
				t.Errorf("flag %d: %q, want %q", f.ID, got, want[f.ID])
			}
		}
		if _, n, err := db.FindRiskFlags(ctx, downline.RiskFlagFilter{Status: downline.RiskOpen}); err != nil || n != 0 {
			t.Errorf("open flags = %d, %v; want 0", n, err)
		}
	})
}

// TestVerificationVolumeConserved is the property: for any sequence of
// order creation, manual hold (TX-11), acknowledgement, partial or full
// refund, rejection and confirmation of the receipt, the seller's period
// volume equals a recomputation from the orders' final states: revenue
// net of refunds, as customer revenue unless rejected; CuV net of refunds
// unless pending or rejected; a customer order for each counted order and
// each released one whose release added volume, unless rejected.
func TestVerificationVolumeConserved(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *sqlstore.DB) {
		holdWorld(t, db, "bob@acme.example", "ann@vendor.example")
		n := 0
		rapid.Check(t, func(rt *rapid.T) {
			n++
			seller, customer := fmt.Sprintf("S%d", n), fmt.Sprintf("CX%d", n)
			s := dist(seller, "A")
			s.Email = seller + "@vendor.example"
			if err := db.CreateDistributor(ctx, s); err != nil {
				rt.Fatal(err)
			}
			c := &downline.Customer{ExternalID: customer, Name: "Customer " + customer, DistributorRef: seller,
				Attribution: downline.AttributionManual}
			if err := db.CreateCustomer(ctx, c); err != nil {
				rt.Fatal(err)
			}
			var orders []string
			var hold int64
			for step := range 12 {
				paid := time.Date(2026, 1, 1+step, 12, 0, 0, 0, time.UTC)
				op := rapid.SampledFrom([]string{"order", "hold", "ack", "refund", "reject", "confirm"}).Draw(rt, "op")
				if len(orders) == 0 {
					op = "order"
				}
				switch op {
				case "order":
					ext := fmt.Sprintf("%s-O%d", seller, step)
					qty := rapid.Int64Range(1, 4).Draw(rt, "qty")
					if err := db.CreateOrder(ctx, &downline.Order{ExternalID: ext, CustomerRef: customer, Purpose: downline.PurposeCustomerDirect,
						Currency: "EUR", PaidAt: paid, Lines: []*downline.OrderLine{{ProductRef: "SKU-1", Quantity: qty, UnitPrice: 100000}}}); err != nil {
						rt.Fatal(err)
					}
					orders = append(orders, ext)
				case "hold":
					h, err := db.HoldSelfDealing(ctx, c.ID, s.ID, "manual")
					if err != nil {
						rt.Fatal(err)
					}
					hold = h.ID
				case "ack":
					if hold != 0 {
						if err := db.AcknowledgeSelfDealing(ctx, hold, "Pat", "pat@example.com"); err != nil &&
							downline.ErrorCode(err) != downline.CodeConflict {
							rt.Fatal(err)
						}
					}
				case "refund":
					ext := rapid.SampledFrom(orders).Draw(rt, "refunded order")
					o, err := db.FindOrderByExternalID(ctx, ext)
					if err != nil {
						rt.Fatal(err)
					}
					remaining := o.Total() - o.Lines[0].RefundedAmount
					if remaining == 0 {
						continue
					}
					r := &downline.Refund{ExternalID: fmt.Sprintf("%s-R%d", seller, step), OrderRef: ext, RefundedAt: paid}
					if !rapid.Bool().Draw(rt, "full") {
						r.Lines = []downline.RefundLine{{LineNo: 1, Amount: rapid.Int64Range(1, remaining).Draw(rt, "amount")}}
					}
					if err := db.CreateRefund(ctx, r); err != nil {
						rt.Fatal(err)
					}
				case "reject", "confirm":
					ext := rapid.SampledFrom(orders).Draw(rt, "decided order")
					if _, err := db.SampleVerifications(ctx, downline.SampleRequest{Period: "2026-01", RateNum: 1, RateDen: 1, Key: sampleKey}); err != nil {
						rt.Fatal(err)
					}
					o, err := db.FindOrderByExternalID(ctx, ext)
					if err != nil {
						rt.Fatal(err)
					}
					cs, _, err := db.FindVerifications(ctx, downline.VerificationFilter{OrderID: &o.ID})
					if err != nil || len(cs) != 1 {
						rt.Fatalf("case of %s: %v, %v", ext, cs, err)
					}
					st := downline.VerificationRejected
					if op == "confirm" {
						st = downline.VerificationConfirmed
					}
					if _, _, err := db.DecideVerification(ctx, cs[0].ID, downline.VerificationDecision{Status: st, By: "co"}); err != nil &&
						downline.ErrorCode(err) != downline.CodeConflict {
						rt.Fatal(err)
					}
				}
			}
			var got downline.PeriodVolume
			if err := db.PeriodVolumes(ctx, "2026-01", func(v downline.PeriodVolume) error {
				if v.DistributorID == s.ID {
					got = v
				}
				return nil
			}); err != nil {
				rt.Fatal(err)
			}
			want := downline.PeriodVolume{Period: "2026-01", DistributorID: s.ID}
			for _, ext := range orders {
				o, err := db.FindOrderByExternalID(ctx, ext)
				if err != nil {
					rt.Fatal(err)
				}
				rejected := false
				if cs, _, err := db.FindVerifications(ctx, downline.VerificationFilter{OrderID: &o.ID}); err != nil {
					rt.Fatal(err)
				} else if len(cs) == 1 && cs[0].Status == downline.VerificationRejected {
					rejected = true
					if o.Purpose != downline.PurposeNonCommissionable {
						rt.Fatalf("rejected %s has purpose %s", ext, o.Purpose)
					}
				}
				var heldCV int64
				err = db.SQL().QueryRowContext(ctx, db.Rebind(`SELECT COALESCE(SUM(rl.cv), 0) FROM refunds r
					JOIN refund_lines rl ON rl.refund_id = r.id WHERE r.order_id = ? AND r.held`), o.ID).Scan(&heldCV)
				if err != nil {
					rt.Fatal(err)
				}
				l := o.Lines[0]
				net, netCV, netQV := l.Amount()-l.RefundedAmount, l.TotalCV()-l.RefundedCV, l.TotalQV()-l.RefundedQV
				want.Orders++
				if rejected {
					want.ParticipantRevenue += net
					continue
				}
				want.CustomerRevenue += net
				switch o.VolumeState {
				case downline.VolumeCounted:
					want.CustomerOrders++
				case downline.VolumeReleased:
					if l.TotalCV()-heldCV > 0 {
						want.CustomerOrders++
					}
				case downline.VolumePendingAck:
					continue
				}
				want.CuV, want.CuQV = want.CuV+netCV, want.CuQV+netQV
			}
			if got != want {
				rt.Fatalf("volume of %s:\n got %+v\nwant %+v", seller, got, want)
			}
		})
	})
}

// TestVerificationRejectReleasedLate: O-1's revenue was counted in
// January while held; January closes (paying nothing on it); the
// acknowledgement releases its CuV into February. The rejection takes the
// CuV out of February and leaves the revenue classes alone: January is
// closed and February never had O-1's revenue. Nothing is reversed.
func TestVerificationRejectReleasedLate(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *sqlstore.DB) {
		holdWorld(t, db, "bob@acme.example", "ann@vendor.example")
		runOrder(t, db, "O-1", time.Date(2026, 1, 20, 12, 0, 0, 0, time.UTC))
		if _, err := db.CloseRun(ctx, "2026-01", downline.RunOptions{HoldDays: -1}); err != nil {
			t.Fatal(err)
		}
		acknowledge(t, db, "C-1", "B")
		if st, p := orderState(t, db, "O-1"); st != downline.VolumeReleased || p != "2026-02" {
			t.Fatalf("O-1 %s in %s, want released into 2026-02", st, p)
		}
		if v := volumes(t, db, "2026-02")["B"]; v.CuV != 100000 || v.CustomerRevenue != 0 || v.CustomerOrders != 1 {
			t.Fatalf("February before the rejection: %+v", v)
		}
		sample(t, db, "2026-02", 1, 1)
		c := decide(t, db, "O-1", downline.VerificationRejected)
		v := volumes(t, db, "2026-02")["B"]
		if v.CuV != 0 || v.CustomerRevenue != 0 || v.ParticipantRevenue != 0 || v.CustomerOrders != 0 {
			t.Errorf("February after the rejection: %+v; want CuV 0, revenue 0/0, 0 customer orders", v)
		}
		if jan := volumes(t, db, "2026-01")["B"]; jan.CustomerRevenue != 100000 || jan.ParticipantRevenue != 0 {
			t.Errorf("closed January changed: %+v", jan)
		}
		if c.ReversalID != "" || c.ReversedAmount != 0 {
			t.Errorf("reversal %q of %d, want none (January paid nothing on O-1)", c.ReversalID, c.ReversedAmount)
		}
	})
}

// TestVerificationVolumeConservedAcrossCloses is the property with period
// closes among the steps: a closed period is never edited, so what a
// rejection restates depends on what was closed when it happened. The
// model records, per order, the month of its intake and of its release,
// and the first open month at its rejection; the seller's volumes summed
// over all periods must equal:
//
//   - revenue: net of refunds; a rejected order's amount is participant
//     revenue unless its revenue month was closed at the rejection, and
//     a refund of it is participant revenue unless booked in a month
//     closed at the rejection;
//   - CuV: net of refunds for counted and released orders; for a rejected
//     one, what its volume month kept if that was closed at the rejection
//     (the CV it added, less the refunds booked in months closed then).
//
// The ledger sums to zero throughout (clawbacks and reversals).
func TestVerificationVolumeConservedAcrossCloses(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *sqlstore.DB) {
		holdWorld(t, db, "bob@acme.example", "ann@vendor.example")
		month := 0 // the first open month is 2026-01 + month
		name := func(m int) string { return fmt.Sprintf("%04d-%02d", 2026+m/12, 1+m%12) }
		n := 0
		rapid.Check(t, func(rt *rapid.T) {
			n++
			seller, customer := fmt.Sprintf("K%d", n), fmt.Sprintf("CK%d", n)
			s := dist(seller, "A")
			s.Email = seller + "@vendor.example"
			if err := db.CreateDistributor(ctx, s); err != nil {
				rt.Fatal(err)
			}
			c := &downline.Customer{ExternalID: customer, Name: "Customer " + customer, DistributorRef: seller,
				Attribution: downline.AttributionManual}
			if err := db.CreateCustomer(ctx, c); err != nil {
				rt.Fatal(err)
			}
			type model struct {
				intake, volume int // months
				rejectedAt     int // first open month at the rejection; -1 if not rejected
				addedCV        int64
			}
			orders := map[string]*model{}
			var refs []string
			var hold int64
			closes := 0
			first := month
			for step := range 10 {
				paid := time.Date(2026+month/12, time.Month(1+month%12), 1+step, 12, 0, 0, 0, time.UTC)
				op := rapid.SampledFrom([]string{"order", "hold", "ack", "refund", "reject", "confirm", "close"}).Draw(rt, "op")
				if len(refs) == 0 {
					op = "order"
				}
				switch op {
				case "order":
					ext := fmt.Sprintf("%s-O%d", seller, step)
					if err := db.CreateOrder(ctx, &downline.Order{ExternalID: ext, CustomerRef: customer, Purpose: downline.PurposeCustomerDirect,
						Currency: "EUR", PaidAt: paid, Lines: []*downline.OrderLine{{ProductRef: "SKU-1", Quantity: rapid.Int64Range(1, 4).Draw(rt, "qty"),
							UnitPrice: 100000}}}); err != nil {
						rt.Fatal(err)
					}
					orders[ext] = &model{intake: month, volume: month, rejectedAt: -1}
					refs = append(refs, ext)
				case "hold":
					h, err := db.HoldSelfDealing(ctx, c.ID, s.ID, "manual")
					if err != nil {
						rt.Fatal(err)
					}
					hold = h.ID
				case "ack":
					if hold == 0 {
						continue
					}
					if err := db.AcknowledgeSelfDealing(ctx, hold, "Pat", "pat@example.com"); err != nil && downline.ErrorCode(err) != downline.CodeConflict {
						rt.Fatal(err)
					}
					for _, ext := range refs {
						if o, err := db.FindOrderByExternalID(ctx, ext); err != nil {
							rt.Fatal(err)
						} else if o.VolumeState == downline.VolumeReleased && o.Period == name(month) {
							orders[ext].volume = month
						}
					}
				case "refund":
					ext := rapid.SampledFrom(refs).Draw(rt, "refunded order")
					o, err := db.FindOrderByExternalID(ctx, ext)
					if err != nil {
						rt.Fatal(err)
					}
					remaining := o.Total() - o.Lines[0].RefundedAmount
					if remaining == 0 {
						continue
					}
					r := &downline.Refund{ExternalID: fmt.Sprintf("%s-R%d", seller, step), OrderRef: ext, RefundedAt: paid}
					if !rapid.Bool().Draw(rt, "full") {
						r.Lines = []downline.RefundLine{{LineNo: 1, Amount: rapid.Int64Range(1, remaining).Draw(rt, "amount")}}
					}
					if err := db.CreateRefund(ctx, r); err != nil {
						rt.Fatal(err)
					}
				case "reject", "confirm":
					ext := rapid.SampledFrom(refs).Draw(rt, "decided order")
					o, err := db.FindOrderByExternalID(ctx, ext)
					if err != nil {
						rt.Fatal(err)
					}
					if _, err := db.SampleVerifications(ctx, downline.SampleRequest{Period: o.Period, RateNum: 1, RateDen: 1, Key: sampleKey}); err != nil {
						rt.Fatal(err)
					}
					cs, _, err := db.FindVerifications(ctx, downline.VerificationFilter{OrderID: &o.ID})
					if err != nil || len(cs) != 1 {
						rt.Fatalf("case of %s: %v, %v", ext, cs, err)
					}
					st := downline.VerificationRejected
					if op == "confirm" {
						st = downline.VerificationConfirmed
					}
					_, changed, err := db.DecideVerification(ctx, cs[0].ID, downline.VerificationDecision{Status: st, By: "co"})
					if err != nil && downline.ErrorCode(err) != downline.CodeConflict {
						rt.Fatal(err)
					}
					if changed && st == downline.VerificationRejected {
						m := orders[ext]
						m.rejectedAt = month
						var heldCV int64
						if err := db.SQL().QueryRowContext(ctx, db.Rebind(`SELECT COALESCE(SUM(rl.cv), 0) FROM refunds r
							JOIN refund_lines rl ON rl.refund_id = r.id WHERE r.order_id = ? AND r.held`), o.ID).Scan(&heldCV); err != nil {
							rt.Fatal(err)
						}
						switch o.VolumeState {
						case downline.VolumeCounted:
							m.addedCV = o.Lines[0].TotalCV()
						case downline.VolumeReleased:
							m.addedCV = o.Lines[0].TotalCV() - heldCV
						}
					}
				case "close":
					if closes > 0 || n > 40 { // bounds the runs over a growing tree
						continue
					}
					if _, err := db.CloseRun(ctx, name(month), downline.RunOptions{HoldDays: -1}); err != nil {
						rt.Fatal(err)
					}
					month++
					closes++
				}
			}
			var got downline.PeriodVolume
			for m := first; m <= month; m++ {
				if err := db.PeriodVolumes(ctx, name(m), func(v downline.PeriodVolume) error {
					if v.DistributorID == s.ID {
						got.CuV, got.CustomerRevenue, got.ParticipantRevenue = got.CuV+v.CuV, got.CustomerRevenue+v.CustomerRevenue,
							got.ParticipantRevenue+v.ParticipantRevenue
					}
					return nil
				}); err != nil {
					rt.Fatal(err)
				}
			}
			var want downline.PeriodVolume
			for _, ext := range refs {
				m := orders[ext]
				o, err := db.FindOrderByExternalID(ctx, ext)
				if err != nil {
					rt.Fatal(err)
				}
				rs, _, err := db.FindRefunds(ctx, downline.RefundFilter{OrderID: &o.ID})
				if err != nil {
					rt.Fatal(err)
				}
				l := o.Lines[0]
				if m.rejectedAt < 0 {
					want.CustomerRevenue += l.Amount() - l.RefundedAmount
					if o.VolumeState != downline.VolumePendingAck {
						want.CuV += l.TotalCV() - l.RefundedCV
					}
					continue
				}
				closedAt := func(p string) bool { return p < name(m.rejectedAt) }
				if closedAt(name(m.intake)) {
					want.CustomerRevenue += l.Amount()
				} else {
					want.ParticipantRevenue += l.Amount()
				}
				if closedAt(name(m.volume)) {
					want.CuV += m.addedCV
				}
				for _, r := range rs {
					var held bool
					if err := db.SQL().QueryRowContext(ctx, db.Rebind(`SELECT held FROM refunds WHERE id = ?`), r.ID).Scan(&held); err != nil {
						rt.Fatal(err)
					}
					var amount, cv int64
					for _, rl := range r.Lines {
						amount, cv = amount+rl.Amount, cv+rl.CV
					}
					if closedAt(r.Period) {
						want.CustomerRevenue -= amount
						if !held {
							want.CuV -= cv
						}
					} else {
						want.ParticipantRevenue -= amount
					}
				}
			}
			if got != want {
				rt.Fatalf("volumes of %s over %s..%s:\n got %+v\nwant %+v", seller, name(first), name(month), got, want)
			}
		})
		assertLedgerSumsToZero(t, db)
	})
}
