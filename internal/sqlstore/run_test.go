package sqlstore_test

import (
	"testing"
	"time"

	"github.com/downline/downline"
	"github.com/downline/downline/internal/sqlstore"
	"github.com/downline/downline/ledger"
	"github.com/google/go-cmp/cmp"
)

// runPlan pays 20 % direct commission and a 6 % first-level override on
// customer volume, the example of TX-09.
const runPlan = `plan: run-test
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

// runWorld is A (root) sponsoring B; customer C-1 is credited to B; the
// product costs 1,000.00 EUR with CV 1,000.00.
func runWorld(t *testing.T, db *sqlstore.DB) {
	t.Helper()
	mustProgramme(t, db)
	mustDistributors(t, db, dist("A", ""), dist("B", "A"))
	if err := db.CreateProduct(ctx, &downline.Product{ExternalID: "SKU-1", Name: "Licence", Kind: "subscription",
		RetailPrice: 100000, CV: 100000, QV: 100000, Commissionable: true}); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateCustomer(ctx, &downline.Customer{ExternalID: "C-1", Name: "Acme GmbH", DistributorRef: "B",
		Attribution: downline.AttributionManual}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ActivatePlan(ctx, runPlan, "2026-01"); err != nil {
		t.Fatal(err)
	}
}

func runOrder(t *testing.T, db *sqlstore.DB, ext string, paid time.Time) {
	t.Helper()
	if err := db.CreateOrder(ctx, &downline.Order{ExternalID: ext, CustomerRef: "C-1", Purpose: downline.PurposeCustomerDirect,
		Currency: "EUR", PaidAt: paid, Lines: []*downline.OrderLine{{ProductRef: "SKU-1", Quantity: 1, UnitPrice: 100000}}}); err != nil {
		t.Fatal(err)
	}
}

func runRefund(db *sqlstore.DB, ext, order string, amount int64, at time.Time) error {
	return db.CreateRefund(ctx, &downline.Refund{ExternalID: ext, OrderRef: order, RefundedAt: at,
		Lines: []downline.RefundLine{{LineNo: 1, Amount: amount}}})
}

// earnerTotals sums a run's lines per earner and kind.
func earnerTotals(t *testing.T, db *sqlstore.DB, id downline.RunID) map[string]int64 {
	t.Helper()
	ls, err := db.FindRunLines(ctx, id, 0)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]int64{}
	for _, l := range ls {
		d, err := db.FindDistributorByID(ctx, l.Earner)
		if err != nil {
			t.Fatal(err)
		}
		m[d.ExternalID+"/"+l.Kind] += l.Amount
	}
	return m
}

func TestRunLifecycle(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *sqlstore.DB) {
		runWorld(t, db)
		runOrder(t, db, "O-1", time.Date(2026, 1, 20, 12, 0, 0, 0, time.UTC))
		opts := downline.RunOptions{HoldDays: -1}

		p1, err := db.PreviewRun(ctx, "2026-01", opts)
		if err != nil {
			t.Fatal(err)
		}
		p2, err := db.PreviewRun(ctx, "2026-01", opts)
		if err != nil {
			t.Fatal(err)
		}
		if p1.ID == p2.ID || p1.InputHash != p2.InputHash || p1.ResultHash != p2.ResultHash {
			t.Errorf("two previews of the same input: %+v and %+v, want new ids with equal hashes", p1, p2)
		}
		// 20 % of 1,000.00 = 200.00 to B; 6 % of 1,000.00 = 60.00 to A.
		want := map[string]int64{"B/direct": 20000, "A/unilevel": 6000}
		if diff := cmp.Diff(want, earnerTotals(t, db, p1.ID)); diff != "" {
			t.Errorf("preview lines (-want +got):\n%s", diff)
		}
		if p1.Total != 26000 || p1.Clawbacks != 0 {
			t.Errorf("preview total %d, clawbacks %d, want 26000, 0", p1.Total, p1.Clawbacks)
		}

		// An order paid later in January changes the next preview; the
		// diff names the changed totals and lines.
		runOrder(t, db, "O-2", time.Date(2026, 1, 25, 12, 0, 0, 0, time.UTC))
		p3, err := db.PreviewRun(ctx, "2026-01", opts)
		if err != nil {
			t.Fatal(err)
		}
		d, err := db.DiffRuns(ctx, p1.ID, p3.ID)
		if err != nil {
			t.Fatal(err)
		}
		a, _ := db.FindDistributorByExternalID(ctx, "A")
		b, _ := db.FindDistributorByExternalID(ctx, "B")
		wantTotals := []downline.RunTotalDiff{{DistributorID: a.ID, From: 6000, To: 12000}, {DistributorID: b.ID, From: 20000, To: 40000}}
		if diff := cmp.Diff(wantTotals, d.Totals); diff != "" {
			t.Errorf("diff totals (-want +got):\n%s", diff)
		}
		if len(d.Lines) != 2 {
			t.Errorf("diff lines = %+v, want 2", d.Lines)
		}

		c1, err := db.CloseRun(ctx, "2026-01", opts)
		if err != nil {
			t.Fatal(err)
		}
		if c1.ResultHash != p3.ResultHash || c1.InputHash != p3.InputHash {
			t.Errorf("close hashes %s/%s differ from the last preview's %s/%s", c1.InputHash, c1.ResultHash, p3.InputHash, p3.ResultHash)
		}
		// Closing again returns the stored close and posts nothing twice.
		again, err := db.CloseRun(ctx, "2026-01", opts)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(c1, again); diff != "" {
			t.Errorf("second close (-first +second):\n%s", diff)
		}
		if _, err := db.PreviewRun(ctx, "2026-01", opts); downline.ErrorCode(err) != downline.CodeConflict {
			t.Errorf("preview of a closed period: error %v, want CodeConflict", err)
		}
		if _, err := db.CloseRun(ctx, "2026-03", opts); downline.ErrorCode(err) != downline.CodeConflict {
			t.Errorf("close of 2026-03 before 2026-02: error %v, want CodeConflict", err)
		}
		bal, err := db.Balances(ctx)
		if err != nil {
			t.Fatal(err)
		}
		wantBal := []downline.DistributorBalance{{DistributorID: a.ID, Earned: 12000}, {DistributorID: b.ID, Earned: 40000}}
		if diff := cmp.Diff(wantBal, bal); diff != "" {
			t.Errorf("balances after close (-want +got):\n%s", diff)
		}

		// February: a quarter of O-1 is refunded. Its volume is not
		// netted against February's sales again; instead each line O-1
		// produced is clawed back by a quarter: 250.00 × 20 % = 50.00
		// from B, 250.00 × 6 % = 15.00 from A.
		if err := runRefund(db, "R-1", "O-1", 25000, time.Date(2026, 2, 5, 12, 0, 0, 0, time.UTC)); err != nil {
			t.Fatal(err)
		}
		c2, err := db.CloseRun(ctx, "2026-02", opts)
		if err != nil {
			t.Fatal(err)
		}
		want = map[string]int64{"B/clawback": -5000, "A/clawback": -1500}
		if diff := cmp.Diff(want, earnerTotals(t, db, c2.ID)); diff != "" {
			t.Errorf("February lines (-want +got):\n%s", diff)
		}
		if c2.Total != 0 || c2.Clawbacks != -6500 || c2.StatePeriod != "2026-01" {
			t.Errorf("February run %+v: want total 0, clawbacks -6500, state from 2026-01", c2)
		}
		// The rest of O-1 cannot be refunded twice.
		if err := runRefund(db, "R-2", "O-1", 75000, time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)); err != nil {
			t.Fatal(err)
		}
		if err := runRefund(db, "R-3", "O-1", 25000, time.Date(2026, 3, 3, 12, 0, 0, 0, time.UTC)); downline.ErrorCode(err) != downline.CodeConflict {
			t.Errorf("refund beyond what remains: error %v, want CodeConflict", err)
		}

		// Holds: January's earnings become payable 30 days after the
		// period's end (2026-02-01 00:00 Berlin).
		if n, err := db.ReleaseHolds(ctx, time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)); err != nil || n != 0 {
			t.Errorf("ReleaseHolds before the hold ends = %d, %v; want 0", n, err)
		}
		if n, err := db.ReleaseHolds(ctx, time.Date(2026, 3, 4, 0, 0, 0, 0, time.UTC)); err != nil || n != 1 {
			t.Errorf("ReleaseHolds after the hold = %d, %v; want 1", n, err)
		}
		if n, err := db.ReleaseHolds(ctx, time.Date(2026, 3, 4, 0, 0, 0, 0, time.UTC)); err != nil || n != 0 {
			t.Errorf("ReleaseHolds again = %d, %v; want 0", n, err)
		}
		bal, err = db.Balances(ctx)
		if err != nil {
			t.Fatal(err)
		}
		wantBal = []downline.DistributorBalance{
			{DistributorID: a.ID, Payable: 12000, Receivable: 1500, Available: 10500},
			{DistributorID: b.ID, Payable: 40000, Receivable: 5000, Available: 35000},
		}
		if diff := cmp.Diff(wantBal, bal); diff != "" {
			t.Errorf("balances after release (-want +got):\n%s", diff)
		}
		assertLedgerSumsToZero(t, db)
	})
}

func assertLedgerSumsToZero(t *testing.T, db *sqlstore.DB) {
	t.Helper()
	bs, err := db.LedgerBalances(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sum := map[string]int64{}
	for _, b := range bs {
		sum[b.Currency] += b.Amount
	}
	for cur, s := range sum {
		if s != 0 {
			t.Errorf("ledger balances in %s sum to %d, want 0: %+v", cur, s, bs)
		}
	}
}

func TestPostTransactionIdempotent(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *sqlstore.DB) {
		runWorld(t, db)
		a, _ := db.FindDistributorByExternalID(ctx, "A")
		tr, err := ledger.Earnings("2026-01", "EUR", []ledger.Earning{{Distributor: int64(a.ID), Amount: 500}})
		if err != nil {
			t.Fatal(err)
		}
		if isNew, err := db.PostTransaction(ctx, tr, "2026-01"); err != nil || !isNew {
			t.Fatalf("first post = %v, %v; want true, nil", isNew, err)
		}
		if isNew, err := db.PostTransaction(ctx, tr, "2026-01"); err != nil || isNew {
			t.Fatalf("same post again = %v, %v; want false, nil", isNew, err)
		}
		other, _ := ledger.Earnings("2026-01", "EUR", []ledger.Earning{{Distributor: int64(a.ID), Amount: 501}})
		if _, err := db.PostTransaction(ctx, other, "2026-01"); downline.ErrorCode(err) != downline.CodeConflict {
			t.Fatalf("same id, other content: error %v, want CodeConflict", err)
		}
		bad := ledger.Transaction{ID: "x", Kind: ledger.KindAdjustment, Memo: "m", Approver: "ann", Postings: []ledger.Posting{
			{Account: ledger.DistributorAccount(ledger.Payable, int64(a.ID)), Amount: -5, Currency: "EUR"},
			{Account: ledger.CompanyAccount(ledger.AdjustmentExpense), Amount: 4, Currency: "EUR"}}}
		if _, err := db.PostTransaction(ctx, bad, "2026-01"); downline.ErrorCode(err) != downline.CodeInvalid {
			t.Fatalf("unbalanced transaction: error %v, want CodeInvalid", err)
		}
		if _, err := db.CreateAdjustment(ctx, ledger.Adjustment{Key: "k1", Distributor: int64(a.ID), Currency: "EUR",
			Amount: 700, Reason: "goodwill", Requester: "ann", Approver: "ann", TwoPerson: true}, "2026-01"); downline.ErrorCode(err) != downline.CodeForbidden {
			t.Fatalf("self-approved adjustment under the two-person rule: error %v, want CodeForbidden", err)
		}
		if _, err := db.CreateAdjustment(ctx, ledger.Adjustment{Key: "k1", Distributor: int64(a.ID), Currency: "EUR",
			Amount: 700, Reason: "goodwill", Requester: "ann", Approver: "bob", TwoPerson: true}, "2026-01"); err != nil {
			t.Fatal(err)
		}
		got, err := db.FindTransaction(ctx, tr.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !got.Equal(tr) {
			t.Errorf("FindTransaction = %+v, want %+v", got, tr)
		}
		assertLedgerSumsToZero(t, db)
	})
}

// TestConcurrentCloses starts four closes of one period at once: each
// either returns the one close or CodeConflict, and the earnings are
// posted once.
func TestConcurrentCloses(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *sqlstore.DB) {
		runWorld(t, db)
		runOrder(t, db, "O-1", time.Date(2026, 1, 20, 12, 0, 0, 0, time.UTC))
		type result struct {
			r   *downline.Run
			err error
		}
		ch := make(chan result)
		for range 4 {
			go func() {
				r, err := db.CloseRun(ctx, "2026-01", downline.RunOptions{HoldDays: -1})
				ch <- result{r, err}
			}()
		}
		var ids []downline.RunID
		for range 4 {
			res := <-ch
			switch {
			case res.err == nil:
				ids = append(ids, res.r.ID)
			case downline.ErrorCode(res.err) != downline.CodeConflict:
				t.Errorf("concurrent close: %v, want success or CodeConflict", res.err)
			}
		}
		for _, id := range ids {
			if id != ids[0] {
				t.Errorf("concurrent closes returned runs %v, want one run", ids)
			}
		}
		rs, err := db.FindRuns(ctx, "2026-01")
		if err != nil || len(rs) != 1 {
			t.Fatalf("runs after concurrent closes: %d, %v; want 1", len(rs), err)
		}
		bal, err := db.Balances(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var earned int64
		for _, b := range bal {
			earned += b.Earned
		}
		if earned != 26000 {
			t.Errorf("earned after concurrent closes = %d, want 26000 (posted once)", earned)
		}
	})
}
