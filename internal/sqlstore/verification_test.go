package sqlstore_test

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/downline/downline"
	"github.com/downline/downline/compliance"
	"github.com/downline/downline/internal/sqlstore"
	"github.com/downline/downline/internal/sqlstore/sqlstoretest"
	"github.com/downline/downline/ledger"
	"github.com/google/go-cmp/cmp"
)

var sampleKey = []byte("verification test key")

func sample(t *testing.T, db *sqlstore.DB, period string, num, den int64) *downline.SampleResult {
	t.Helper()
	res, err := db.SampleVerifications(ctx, downline.SampleRequest{Period: period, RateNum: num, RateDen: den, Key: sampleKey})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// caseOf returns the verification case of the order with external id ref.
func caseOf(t *testing.T, db *sqlstore.DB, ref string) *downline.VerificationCase {
	t.Helper()
	o, err := db.FindOrderByExternalID(ctx, ref)
	if err != nil {
		t.Fatal(err)
	}
	cs, _, err := db.FindVerifications(ctx, downline.VerificationFilter{OrderID: &o.ID})
	if err != nil || len(cs) != 1 {
		t.Fatalf("case of order %s: %v, %v", ref, cs, err)
	}
	return cs[0]
}

// riskFlag opens a risk flag on an order (the intake side writes them;
// here they are written directly).
func riskFlag(t *testing.T, db *sqlstore.DB, ref string) int64 {
	t.Helper()
	o, err := db.FindOrderByExternalID(ctx, ref)
	if err != nil {
		t.Fatal(err)
	}
	var id int64
	err = db.SQL().QueryRowContext(ctx, db.Rebind(`INSERT INTO risk_flags (kind, order_id, reason, created_at, status, reviewed_by)
		VALUES ('card_match', ?, 'card fingerprint matches the upline', 0, 'open', '') RETURNING id`), o.ID).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// TestVerificationRejectionAfterClose is the worked example of the brief,
// with the figures of TX-09 (d): a $1,000 customer order in a closed
// period, seller 20 %, first-level override 6 %. Its receipt is rejected
// after the close: the ledger shows reversals of $200 (seller) and $60
// (sponsor) in the open period. A confirmed order changes nothing;
// deciding twice is idempotent or a conflict.
func TestVerificationRejectionAfterClose(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *sqlstore.DB) {
		runWorld(t, db) // A sponsors B; C-1 is B's customer
		runOrder(t, db, "O-1", time.Date(2026, 1, 20, 12, 0, 0, 0, time.UTC))
		runOrder(t, db, "O-2", time.Date(2026, 1, 21, 12, 0, 0, 0, time.UTC))
		if _, err := db.CloseRun(ctx, "2026-01", downline.RunOptions{HoldDays: -1}); err != nil {
			t.Fatal(err)
		}
		before, err := db.Balances(ctx)
		if err != nil {
			t.Fatal(err)
		}
		// A rate of 1 samples both orders.
		if res := sample(t, db, "2026-01", 1, 1); res.Population != 2 || res.Target != 2 || res.Added != 2 {
			t.Fatalf("sample = %+v, want population 2, target 2, added 2", res)
		}

		// Confirmed: nothing moves.
		c2 := caseOf(t, db, "O-2")
		got, changed, err := db.DecideVerification(ctx, c2.ID, downline.VerificationDecision{Status: downline.VerificationConfirmed, By: "compliance@vendor"})
		if err != nil || !changed || got.Status != downline.VerificationConfirmed || got.ReversalID != "" {
			t.Fatalf("confirm = %+v, %v, %v", got, changed, err)
		}
		after, err := db.Balances(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(before, after); diff != "" {
			t.Errorf("a confirmation changed balances (-before +after):\n%s", diff)
		}

		// Rejected: 20 % × 1,000.00 = 200.00 from B, 6 % × 1,000.00 =
		// 60.00 from A, posted in 2026-02, the open period.
		c1 := caseOf(t, db, "O-1")
		got, changed, err = db.DecideVerification(ctx, c1.ID, downline.VerificationDecision{Status: downline.VerificationRejected,
			By: "compliance@vendor", Note: "customer denies the purchase"})
		if err != nil || !changed {
			t.Fatalf("reject = %v, %v", changed, err)
		}
		if got.ReversedAmount != 26000 || got.DecidedAt != sqlstoretest.Now || got.Note != "customer denies the purchase" {
			t.Errorf("rejected case %+v: want 260.00 reversed, decided now, with the note", got)
		}
		tr, err := db.FindTransaction(ctx, got.ReversalID)
		if err != nil {
			t.Fatal(err)
		}
		a, _ := db.FindDistributorByExternalID(ctx, "A")
		b, _ := db.FindDistributorByExternalID(ctx, "B")
		amounts := map[string]int64{}
		for _, p := range tr.Postings {
			amounts[p.Account.String()] += p.Amount
		}
		want := map[string]int64{
			ledger.DistributorAccount(ledger.ClawbackReceivable, int64(b.ID)).String(): 20000,
			ledger.DistributorAccount(ledger.ClawbackReceivable, int64(a.ID)).String(): 6000,
			ledger.CompanyAccount(ledger.CommissionExpense).String():                   -26000,
		}
		if diff := cmp.Diff(want, amounts); diff != "" || tr.Kind != ledger.KindClawback {
			t.Errorf("reversal %s (kind %s) postings (-want +got):\n%s", tr.ID, tr.Kind, diff)
		}
		var period string
		if err := db.SQL().QueryRowContext(ctx, db.Rebind(`SELECT period FROM ledger_transactions WHERE id = ?`), tr.ID).Scan(&period); err != nil || period != "2026-02" {
			t.Errorf("reversal dated in %q (%v), want the open period 2026-02", period, err)
		}
		o1, _ := db.FindOrderByExternalID(ctx, "O-1")
		if o1.Purpose != downline.PurposeNonCommissionable || got.OriginalPurpose != downline.PurposeCustomerDirect {
			t.Errorf("rejected order purpose %s (case keeps %s), want non_commissionable (customer_direct)", o1.Purpose, got.OriginalPurpose)
		}

		// Again: the same decision is a no-op, the other a conflict.
		again, changed, err := db.DecideVerification(ctx, c1.ID, downline.VerificationDecision{Status: downline.VerificationRejected, By: "someone else"})
		if err != nil || changed || again.DecidedBy != "compliance@vendor" {
			t.Errorf("second rejection = %+v, %v, %v; want the stored case, unchanged", again, changed, err)
		}
		if _, _, err := db.DecideVerification(ctx, c1.ID, downline.VerificationDecision{Status: downline.VerificationConfirmed, By: "x"}); downline.ErrorCode(err) != downline.CodeConflict {
			t.Errorf("confirming a rejected case: %v, want CodeConflict", err)
		}
		if _, _, err := db.DecideVerification(ctx, c2.ID, downline.VerificationDecision{Status: downline.VerificationRejected, By: "x"}); downline.ErrorCode(err) != downline.CodeConflict {
			t.Errorf("rejecting a confirmed case: %v, want CodeConflict", err)
		}
		if _, _, err := db.DecideVerification(ctx, 999, downline.VerificationDecision{Status: downline.VerificationRejected, By: "x"}); downline.ErrorCode(err) != downline.CodeNotFound {
			t.Errorf("deciding case 999: %v, want CodeNotFound", err)
		}
		if _, _, err := db.DecideVerification(ctx, c1.ID, downline.VerificationDecision{Status: downline.VerificationRejected}); downline.ErrorCode(err) != downline.CodeInvalid {
			t.Errorf("decision without by: %v, want CodeInvalid", err)
		}

		// February's close pays nothing more on O-1 and claws nothing
		// back twice; its statement shows the reversal.
		c, err := db.CloseRun(ctx, "2026-02", downline.RunOptions{HoldDays: -1})
		if err != nil {
			t.Fatal(err)
		}
		if c.Total != 0 || c.Clawbacks != 0 {
			t.Errorf("February close total %d, clawbacks %d; want 0, 0", c.Total, c.Clawbacks)
		}
		st, err := db.FindStatement(ctx, b.ID, "2026-02")
		if err != nil {
			t.Fatal(err)
		}
		if st.Clawbacks != 20000 || st.Closing != 40000-20000 {
			t.Errorf("B's February statement: clawbacks %d, closing %d; want 20000, 20000", st.Clawbacks, st.Closing)
		}
		// A later refund of the rejected order is not clawed back again.
		if err := runRefund(db, "R-1", "O-1", 100000, time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)); err != nil {
			t.Fatal(err)
		}
		m, err := db.CloseRun(ctx, "2026-03", downline.RunOptions{HoldDays: -1})
		if err != nil {
			t.Fatal(err)
		}
		if m.Total != 0 || m.Clawbacks != 0 {
			t.Errorf("March close after refunding the rejected order: total %d, clawbacks %d; want 0, 0", m.Total, m.Clawbacks)
		}
		assertLedgerSumsToZero(t, db)
	})
}

// TestVerificationRejectionOpenPeriod: in an open period a rejected
// order's volume leaves customer volume at once, including what its refund
// took back, and its customer no longer counts as active (TX-06).
func TestVerificationRejectionOpenPeriod(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *sqlstore.DB) {
		seed(t, db)
		// INV-1: 2 × SUP = 200.00, CV 180.00, QV 160.00; INV-2: SEAT.
		mustOrders(t, db, customerOrder("INV-1", "C-A1", "SUP", 2, at(time.March, 3)),
			customerOrder("INV-2", "C-A2", "SEAT", 1, at(time.March, 4)))
		// 50.00 of INV-1 back: CV 45.00, QV 40.00.
		if err := db.CreateRefund(ctx, &downline.Refund{ExternalID: "RF-1", OrderRef: "INV-1", RefundedAt: at(time.March, 5),
			Lines: []downline.RefundLine{{LineNo: 1, Amount: 5000}}}); err != nil {
			t.Fatal(err)
		}
		v := volumes(t, db, "2026-03")["A"]
		if v.CuV != 18000-4500+250 || v.CustomerOrders != 2 {
			t.Fatalf("March before: %+v", v)
		}
		riskFlag(t, db, "INV-1")
		// 2 % of 2 orders samples one; INV-1 is flagged as well.
		res := sample(t, db, "2026-03", 2, 100)
		if res.Population != 2 || res.Target != 1 || res.Sampled != 1 || res.Flagged != 1 || res.Cases < 1 || res.Cases > 2 {
			t.Fatalf("sample = %+v", res)
		}
		c := caseOf(t, db, "INV-1")
		if _, _, err := db.DecideVerification(ctx, c.ID, downline.VerificationDecision{Status: downline.VerificationRejected, By: "co"}); err != nil {
			t.Fatal(err)
		}
		// CuV loses the 135.00 that remained; the 150.00 that remained
		// of its revenue is no longer a sale to a customer: it moves to
		// participant revenue (TX-04); one customer order less.
		v = volumes(t, db, "2026-03")["A"]
		if v.CuV != 250 || v.CuQV != 250 || v.CustomerRevenue != 300 || v.ParticipantRevenue != 20000-5000 || v.CustomerOrders != 1 {
			t.Errorf("March after the rejection: CuV %d CuQV %d revenue %d/%d customer orders %d; want 250, 250, 300/15000, 1",
				v.CuV, v.CuQV, v.CustomerRevenue, v.ParticipantRevenue, v.CustomerOrders)
		}
		n := 0
		err := db.ActiveCustomerCounts(ctx, "2026-03", 1, func(_ downline.DistributorID, k int) error { n += k; return nil })
		if err != nil || n != 1 {
			t.Errorf("active customers after the rejection = %d, %v; want 1 (C-A2)", n, err)
		}
		// The rest of INV-1 is refunded: only revenue moves, CuV stays.
		if err := db.CreateRefund(ctx, &downline.Refund{ExternalID: "RF-2", OrderRef: "INV-1", RefundedAt: at(time.March, 20)}); err != nil {
			t.Fatal(err)
		}
		v = volumes(t, db, "2026-03")["A"]
		if v.CuV != 250 || v.CustomerRevenue != 300 || v.ParticipantRevenue != 0 {
			t.Errorf("March after refunding the rejected order: CuV %d revenue %d/%d; want 250, 300/0", v.CuV,
				v.CustomerRevenue, v.ParticipantRevenue)
		}
		s, err := db.VerificationSummary(ctx, "2026-03")
		if err != nil {
			t.Fatal(err)
		}
		if s.Rejected != 1 || s.Population != 2 || s.Flagged != 1 || s.ReversedAmount != 0 {
			t.Errorf("summary = %+v", s)
		}
	})
}

// TestVerificationSample: the sample is ceil(rate × n) customer orders of
// lowest keyed rank (the same set compliance.Sample draws from the order
// ids alone, so insertion order cannot matter) plus every open-flagged
// order; re-running adds nothing; a higher rate tops it up; another key is
// refused; cases past due are overdue.
func TestVerificationSample(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *sqlstore.DB) {
		seed(t, db)
		var os []*downline.Order
		var refs []string
		for i := 120; i > 0; i-- { // inserted in reverse
			ref := fmt.Sprintf("INV-%03d", i)
			os = append(os, customerOrder(ref, "C-A1", "SEAT", 1, at(time.March, 1+i%27)))
			refs = append(refs, ref)
		}
		os = append(os, &downline.Order{ExternalID: "PU-1", DistributorRef: "A", Purpose: downline.PurposePersonalUse,
			Currency: "EUR", PaidAt: at(time.March, 2), Lines: []*downline.OrderLine{{ProductRef: "SEAT", Quantity: 1, UnitPrice: 300}}})
		os = append(os, customerOrder("FEB-1", "C-A1", "SEAT", 1, at(time.February, 2)))
		mustOrders(t, db, os...)
		flagged := []string{"INV-007", "INV-100"}
		for _, ref := range flagged {
			riskFlag(t, db, ref)
		}
		riskFlag(t, db, "INV-007") // a second flag on the same order

		res := sample(t, db, "2026-03", 2, 100)
		drawn := compliance.Sample(sampleKey, "2026-03", compliance.Pct(2), refs) // ceil(2.4) = 3
		want := map[string]bool{}
		for _, r := range append(slices.Clone(drawn), flagged...) {
			want[r] = true
		}
		if res.Population != 120 || res.Target != 3 || res.Sampled != 3 || res.Flagged != 2 || res.Cases != len(want) || res.Added != len(want) {
			t.Errorf("sample = %+v; want population 120, target 3, sampled 3, flagged 2, %d cases", res, len(want))
		}
		period := "2026-03"
		cs, total, err := db.FindVerifications(ctx, downline.VerificationFilter{Period: &period})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]bool{}
		for _, c := range cs {
			got[c.OrderRef] = true
			if c.Sampled != slices.Contains(drawn, c.OrderRef) || c.Status != downline.VerificationPending ||
				!c.DueAt.Equal(sqlstoretest.Now.Add(30*24*time.Hour)) || c.SampleRank != compliance.SampleRank(sampleKey, period, c.OrderRef) {
				t.Errorf("case %+v", c)
			}
		}
		if diff := cmp.Diff(want, got); diff != "" || total != len(want) {
			t.Errorf("sampled orders (-want +got):\n%s", diff)
		}
		if c := caseOf(t, db, "INV-007"); len(c.RiskFlagIDs) != 2 {
			t.Errorf("INV-007 case flags %v, want both flags", c.RiskFlagIDs)
		}

		if again := sample(t, db, "2026-03", 2, 100); again.Added != 0 || again.Cases != len(want) {
			t.Errorf("re-run = %+v, want nothing added", again)
		}
		if more := sample(t, db, "2026-03", 5, 100); more.Target != 6 || more.Sampled != 6 || more.Added < 1 || more.Added > 3 {
			t.Errorf("at 5 %% = %+v, want target and sampled 6, at most 3 added", more)
		}
		_, err = db.SampleVerifications(ctx, downline.SampleRequest{Period: "2026-03", RateNum: 2, RateDen: 100, Key: []byte("other key")})
		if downline.ErrorCode(err) != downline.CodeConflict {
			t.Errorf("sampling with another key: %v, want CodeConflict", err)
		}
		for _, bad := range []downline.SampleRequest{{Period: "March", RateNum: 1, RateDen: 50, Key: sampleKey},
			{Period: "2026-03", RateNum: 0, RateDen: 50, Key: sampleKey}, {Period: "2026-03", RateNum: 1, RateDen: 50}} {
			if _, err := db.SampleVerifications(ctx, bad); downline.ErrorCode(err) != downline.CodeInvalid {
				t.Errorf("SampleVerifications(%+v) = %v, want CodeInvalid", bad, err)
			}
		}

		// Overdue: 31 days later every pending case is past its SLA.
		db.Now = func() time.Time { return sqlstoretest.Now.Add(31 * 24 * time.Hour) }
		over, n, err := db.FindVerifications(ctx, downline.VerificationFilter{Overdue: true, Limit: 2})
		if err != nil || len(over) != 2 || n != 6+1 {
			t.Errorf("overdue = %d cases of %d, %v; want a page of 2 of 7", len(over), n, err)
		}
		if len(over) > 0 && !over[0].Overdue(db.Now()) {
			t.Errorf("case %d is not overdue at %s", over[0].ID, db.Now())
		}
		s, err := db.VerificationSummary(ctx, "2026-03")
		if err != nil || s.Overdue != 7 || s.Pending != 7 || s.Cases != 7 {
			t.Errorf("summary = %+v, %v; want 7 cases, all pending and overdue", s, err)
		}
	})
}

// TestVerificationSampleInsertionOrder draws the same sample from the same
// orders recorded in two different orders.
func TestVerificationSampleInsertionOrder(t *testing.T) {
	t.Parallel()
	drawn := func(reverse bool) []string {
		db := sqlstoretest.OpenSQLite(t)
		seed(t, db)
		var os []*downline.Order
		for i := range 60 {
			os = append(os, customerOrder(fmt.Sprintf("INV-%02d", i), "C-A1", "SEAT", 1, at(time.March, 1+i%27)))
		}
		if reverse {
			slices.Reverse(os)
		}
		for _, o := range os {
			mustOrders(t, db, o)
		}
		sample(t, db, "2026-03", 1, 10)
		cs, _, err := db.FindVerifications(ctx, downline.VerificationFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var refs []string
		for _, c := range cs {
			refs = append(refs, c.OrderRef)
		}
		slices.Sort(refs)
		return refs
	}
	a, b := drawn(false), drawn(true)
	if len(a) != 6 || !slices.Equal(a, b) {
		t.Errorf("samples %v and %v, want the same 6 orders", a, b)
	}
}

// TestVerificationRejectionRefundedInOpenPeriod: a closed period's order,
// a quarter refunded in the open period, then rejected. The reversal takes
// back everything it paid (200.00 + 60.00), the refund claws back nothing
// more at the next close, and the open period's own volume is untouched.
func TestVerificationRejectionRefundedInOpenPeriod(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *sqlstore.DB) {
		runWorld(t, db)
		runOrder(t, db, "O-1", time.Date(2026, 1, 20, 12, 0, 0, 0, time.UTC))
		if _, err := db.CloseRun(ctx, "2026-01", downline.RunOptions{HoldDays: -1}); err != nil {
			t.Fatal(err)
		}
		if err := runRefund(db, "R-1", "O-1", 25000, time.Date(2026, 2, 5, 12, 0, 0, 0, time.UTC)); err != nil {
			t.Fatal(err)
		}
		riskFlag(t, db, "O-1")
		if res := sample(t, db, "2026-01", 2, 100); res.Cases != 1 {
			t.Fatalf("sample = %+v, want one case", res)
		}
		c, _, err := db.DecideVerification(ctx, caseOf(t, db, "O-1").ID, downline.VerificationDecision{Status: downline.VerificationRejected, By: "co"})
		if err != nil {
			t.Fatal(err)
		}
		if c.ReversedAmount != 26000 {
			t.Errorf("reversed %d, want 26000", c.ReversedAmount)
		}
		// The refund's -250.00 of CuV in February is restated as
		// non-commissionable: February's CuV is 0, not -250.00, and its
		// revenue is participant revenue (TX-04).
		if v := volumes(t, db, "2026-02")["B"]; v.CuV != 0 || v.CustomerRevenue != 0 || v.ParticipantRevenue != -25000 {
			t.Errorf("February volume of B: CuV %d, revenue %d/%d; want 0, 0/-25000", v.CuV, v.CustomerRevenue, v.ParticipantRevenue)
		}
		feb, err := db.CloseRun(ctx, "2026-02", downline.RunOptions{HoldDays: -1})
		if err != nil {
			t.Fatal(err)
		}
		if feb.Total != 0 || feb.Clawbacks != 0 {
			t.Errorf("February close: total %d, clawbacks %d; want 0, 0 (the reversal covered the refund)", feb.Total, feb.Clawbacks)
		}
		bal, err := db.Balances(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var receivable int64
		for _, b := range bal {
			receivable += b.Receivable
		}
		if receivable != 26000 {
			t.Errorf("receivables %d, want 26000: %+v", receivable, bal)
		}
		assertLedgerSumsToZero(t, db)
	})
}

// TestVerificationRejectionBeforeFirstClose: an order of a period before
// the first close was never paid; rejecting it reverses nothing (and does
// not fail looking for that period's close).
func TestVerificationRejectionBeforeFirstClose(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *sqlstore.DB) {
		runWorld(t, db)
		runOrder(t, db, "O-0", time.Date(2025, 12, 20, 12, 0, 0, 0, time.UTC))
		runOrder(t, db, "O-1", time.Date(2026, 1, 20, 12, 0, 0, 0, time.UTC))
		if _, err := db.CloseRun(ctx, "2026-01", downline.RunOptions{HoldDays: -1}); err != nil {
			t.Fatal(err)
		}
		sample(t, db, "2025-12", 1, 1)
		c, _, err := db.DecideVerification(ctx, caseOf(t, db, "O-0").ID, downline.VerificationDecision{Status: downline.VerificationRejected, By: "co"})
		if err != nil || c.ReversalID != "" || c.ReversedAmount != 0 {
			t.Fatalf("reject = %+v, %v; want no reversal", c, err)
		}
		if v := volumes(t, db, "2025-12")["B"]; v.CuV != 0 {
			t.Errorf("December CuV after the rejection = %d, want 0", v.CuV)
		}
	})
}

// BenchmarkSampleVerifications measures drawing a period's first sample
// (2 %) over DOWNLINE_BENCH_SAMPLE_ORDERS customer orders (default
// 20,000): the population scan, one HMAC per order, the sort and the
// inserts. The cases are deleted between iterations. Measured 2026-11-28
// on the shared 2-core machine: 20,000 orders, 400 cases: SQLite 342 ms,
// PostgreSQL 317 ms.
func BenchmarkSampleVerifications(b *testing.B) {
	n := 20000
	if v, err := strconv.Atoi(os.Getenv("DOWNLINE_BENCH_SAMPLE_ORDERS")); err == nil && v > 0 {
		n = v
	}
	benchDBs(b, func(b *testing.B, db *sqlstore.DB) {
		seed(b, db)
		for start := 0; start < n; start += 1000 {
			batch := make([]*downline.Order, 0, 1000)
			for i := start; i < min(start+1000, n); i++ {
				batch = append(batch, customerOrder(fmt.Sprintf("S-%07d", i), "C-A1", "SEAT", 1, at(time.March, 1+i%27)))
			}
			mustOrders(b, db, batch...)
		}
		for b.Loop() {
			res, err := db.SampleVerifications(ctx, downline.SampleRequest{Period: "2026-03", RateNum: 2, RateDen: 100, Key: sampleKey})
			if err != nil || res.Added != sqlCeil(n) {
				b.Fatalf("sample = %+v, %v", res, err)
			}
			b.StopTimer()
			for _, q := range []string{"DELETE FROM verification_cases", "DELETE FROM verification_samples"} {
				if _, err := db.SQL().ExecContext(ctx, q); err != nil {
					b.Fatal(err)
				}
			}
			b.StartTimer()
		}
		b.ReportMetric(float64(n), "orders")
	})
}

func sqlCeil(n int) int { return compliance.SampleSize(compliance.Pct(2), n) }
