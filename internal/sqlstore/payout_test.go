package sqlstore_test

import (
	"testing"
	"time"

	"github.com/downline/downline"
	"github.com/downline/downline/internal/sqlstore"
	"github.com/downline/downline/ledger"
	"github.com/google/go-cmp/cmp"
)

// closedTwoPeriods closes January 2026 (orders O-1 and O-2 of 1,000.00 by
// B's customer: B earns 400.00, A 120.00) and February (a refund of 250.00
// of O-1 claws back 50.00 from B and 15.00 from A), then releases January's
// hold.
func closedTwoPeriods(t *testing.T, db *sqlstore.DB) (a, b *downline.Distributor) {
	t.Helper()
	runWorld(t, db)
	runOrder(t, db, "O-1", time.Date(2026, 1, 20, 12, 0, 0, 0, time.UTC))
	runOrder(t, db, "O-2", time.Date(2026, 1, 25, 12, 0, 0, 0, time.UTC))
	opts := downline.RunOptions{HoldDays: -1}
	if _, err := db.CloseRun(ctx, "2026-01", opts); err != nil {
		t.Fatal(err)
	}
	if err := runRefund(db, "R-1", "O-1", 25000, time.Date(2026, 2, 5, 12, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CloseRun(ctx, "2026-02", opts); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ReleaseHolds(ctx, time.Date(2026, 3, 4, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	a, _ = db.FindDistributorByExternalID(ctx, "A")
	b, _ = db.FindDistributorByExternalID(ctx, "B")
	return a, b
}

func TestPayoutBatch(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *sqlstore.DB) {
		a, b := closedTwoPeriods(t, db)
		if err := db.SetPayoutDetails(ctx, &downline.PayoutDetails{DistributorID: a.ID, Method: downline.PayoutSEPA,
			HolderName: "Anna A", IBAN: "DE89370400440532013000", BIC: "COBADEFFXXX", TaxStatus: downline.TaxReceived}); err != nil {
			t.Fatal(err)
		}
		req := downline.NewPayoutBatch{Period: "2026-03", Seq: 1, Method: downline.PayoutSEPA, Minimum: 1000,
			AsOf: time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC)}
		batch, err := db.CreatePayoutBatch(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		// A: payable 120.00 − receivable 15.00 = 105.00 sent; B has no
		// payout details and is held with 350.00 available.
		type item struct {
			D          downline.DistributorID
			Amount     int64
			Receivable int64
			Status     downline.PayoutItemStatus
			Reason     string
		}
		var got []item
		for _, it := range batch.Items {
			got = append(got, item{it.DistributorID, it.Amount, it.Receivable, it.Status, it.Reason})
		}
		want := []item{{a.ID, 10500, 1500, downline.PayoutSent, ""}, {b.ID, 0, 0, downline.PayoutHeld, "no payout details"}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("batch items (-want +got):\n%s", diff)
		}
		again, err := db.CreatePayoutBatch(ctx, req)
		if err != nil || len(again.Items) != 2 || again.ID != batch.ID {
			t.Fatalf("same batch again = %+v, %v; want the stored batch", again, err)
		}
		other := req
		other.Minimum = 5000
		if _, err := db.CreatePayoutBatch(ctx, other); downline.ErrorCode(err) != downline.CodeConflict {
			t.Errorf("batch id with other parameters: error %v, want CodeConflict", err)
		}
		wantBal := func(d downline.DistributorID, avail int64) {
			t.Helper()
			bs, err := db.Balances(ctx, d)
			if err != nil || len(bs) != 1 || bs[0].Available != avail {
				t.Errorf("Balances(%d) = %+v, %v; want available %d", d, bs, err, avail)
			}
		}
		wantBal(a.ID, 0)
		if err := db.MarkPayoutItem(ctx, batch.ID, 1, downline.PayoutFailed, "account closed"); err != nil {
			t.Fatal(err)
		}
		if err := db.MarkPayoutItem(ctx, batch.ID, 1, downline.PayoutFailed, "account closed"); err != nil {
			t.Errorf("marking failed again: %v, want a no-op", err)
		}
		if err := db.MarkPayoutItem(ctx, batch.ID, 1, downline.PayoutPaid, ""); downline.ErrorCode(err) != downline.CodeConflict {
			t.Errorf("paid after failed: error %v, want CodeConflict", err)
		}
		if err := db.MarkPayoutItem(ctx, batch.ID, 2, downline.PayoutPaid, ""); downline.ErrorCode(err) != downline.CodeConflict {
			t.Errorf("paying a held item: error %v, want CodeConflict", err)
		}
		// The failure returned the 105.00 to A's payable balance.
		wantBal(a.ID, 10500)
		req.Seq = 2
		batch2, err := db.CreatePayoutBatch(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		if len(batch2.Items) != 2 || batch2.Items[0].Amount != 10500 || batch2.Items[0].Receivable != 0 {
			t.Fatalf("second batch items %+v, want A paid 105.00 with nothing left to net", batch2.Items)
		}
		if err := db.MarkPayoutItem(ctx, batch2.ID, 1, downline.PayoutPaid, ""); err != nil {
			t.Fatal(err)
		}
		wantBal(a.ID, 0)
		wantBal(b.ID, 35000)

		// A negative balance carries forward and blocks payout: B owes
		// 50.00 after a −400.00 adjustment (350.00 − 400.00), so batch 3
		// leaves B out; a +60.00 adjustment makes 10.00 payable again.
		if _, err := db.CreateAdjustment(ctx, ledger.Adjustment{Key: "b-1", Distributor: int64(b.ID), Currency: "EUR",
			Amount: -40000, Reason: "chargeback fraud", Requester: "ann", Approver: "bob", TwoPerson: true}, "2026-03"); err != nil {
			t.Fatal(err)
		}
		wantBal(b.ID, -5000)
		req.Seq = 3
		batch3, err := db.CreatePayoutBatch(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range batch3.Items {
			if it.DistributorID == b.ID {
				t.Errorf("batch 3 has an item %+v for B, whose balance is negative", it)
			}
		}
		if _, err := db.CreateAdjustment(ctx, ledger.Adjustment{Key: "b-2", Distributor: int64(b.ID), Currency: "EUR",
			Amount: 6000, Reason: "goodwill", Requester: "ann", Approver: "bob", TwoPerson: true}, "2026-03"); err != nil {
			t.Fatal(err)
		}
		wantBal(b.ID, 1000)
		req.Seq = 4
		batch4, err := db.CreatePayoutBatch(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		if len(batch4.Items) != 1 || batch4.Items[0].DistributorID != b.ID || batch4.Items[0].Status != downline.PayoutHeld {
			t.Errorf("batch 4 items %+v, want B held (no payout details)", batch4.Items)
		}
		assertLedgerSumsToZero(t, db)

		// Statements: January earned 120.00; February opens at 120.00,
		// claws back 15.00 and closes at 105.00; March pays it out.
		jan, err := db.FindStatement(ctx, a.ID, "2026-01")
		if err != nil {
			t.Fatal(err)
		}
		if jan.Opening != 0 || jan.Earned != 12000 || jan.Closing != 12000 || len(jan.Lines) != 1 || jan.Lines[0].Amount != 12000 {
			t.Errorf("January statement %+v, want opening 0, earned and closing 120.00 from one line", jan)
		}
		if got, want := jan.Lines[0].Explain("EUR"), "6 % of 2000.00 EUR from distributor 2, level 1 = 120.00 EUR"; got != want {
			t.Errorf("Explain = %q, want %q", got, want)
		}
		feb, err := db.FindStatement(ctx, a.ID, "2026-02")
		if err != nil {
			t.Fatal(err)
		}
		if feb.Opening != 12000 || feb.Clawbacks != 1500 || feb.Closing != 10500 || len(feb.Lines) != 1 || feb.Lines[0].Amount != -1500 {
			t.Errorf("February statement %+v, want opening 120.00, clawbacks 15.00, closing 105.00", feb)
		}
		if _, err := db.FindStatement(ctx, a.ID, "2026-03"); downline.ErrorCode(err) != downline.CodeConflict {
			t.Errorf("statement of an open period: error %v, want CodeConflict", err)
		}
	})
}
