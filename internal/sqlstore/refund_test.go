package sqlstore_test

import (
	"testing"
	"time"

	"github.com/downline/downline"
	"github.com/downline/downline/internal/sqlstore"
	"github.com/google/go-cmp/cmp"
)

func TestRefunds(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *sqlstore.DB) {
		seed(t, db)
		// INV-1: 3 × SUP (amount 300.00, CV 270.00, QV 240.00) and
		// 10 × SEAT (amount 30.00, CV 25.00, QV 25.00), paid in March.
		o := customerOrder("INV-1", "C-A1", "SUP", 3, at(time.March, 3))
		o.Lines = append(o.Lines, &downline.OrderLine{ProductRef: "SEAT", Quantity: 10, UnitPrice: 300})
		mustOrders(t, db, o)

		// April: 100.00 back on line 1, CV and QV prorated:
		// 27000 × 10000/30000 = 9000, 24000 × 1/3 = 8000.
		r1 := &downline.Refund{ExternalID: "RF-1", OrderRef: "INV-1", RefundedAt: at(time.April, 2), Reason: "seat count",
			Lines: []downline.RefundLine{{LineNo: 1, Amount: 10000}}}
		if err := db.CreateRefund(ctx, r1); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]downline.RefundLine{{LineNo: 1, Amount: 10000, CV: 9000, QV: 8000}}, r1.Lines); diff != "" {
			t.Errorf("prorated lines (-want +got):\n%s", diff)
		}
		if r1.Period != "2026-04" || r1.Full {
			t.Errorf("refund period %s full %v, want 2026-04, false", r1.Period, r1.Full)
		}
		if err := db.CreateRefund(ctx, r1); err != nil {
			t.Errorf("same refund again: %v, want no-op", err)
		}
		r1b := *r1
		r1b.Lines = []downline.RefundLine{{LineNo: 1, Amount: 500}}
		if err := db.CreateRefund(ctx, &r1b); downline.ErrorCode(err) != downline.CodeConflict {
			t.Errorf("RF-1 with other content error = %v, want CodeConflict", err)
		}

		// Too much: 200.00 remain on line 1.
		over := &downline.Refund{ExternalID: "RF-2", OrderRef: "INV-1", RefundedAt: at(time.April, 3),
			Lines: []downline.RefundLine{{LineNo: 1, Amount: 20001}}}
		err := db.CreateRefund(ctx, over)
		want := `refund "RF-2": line 1: amount 20001 exceeds the 20000 that remains of order "INV-1" line 1`
		if downline.ErrorCode(err) != downline.CodeConflict || downline.ErrorMessage(err) != want {
			t.Errorf("over-refund error = %v, want CodeConflict %q", err, want)
		}
		noLine := &downline.Refund{ExternalID: "RF-2", OrderRef: "INV-1", RefundedAt: at(time.April, 3),
			Lines: []downline.RefundLine{{LineNo: 3, Amount: 1}}}
		if err := db.CreateRefund(ctx, noLine); downline.ErrorCode(err) != downline.CodeInvalid {
			t.Errorf("refund of line 3 error = %v, want CodeInvalid", err)
		}
		early := &downline.Refund{ExternalID: "RF-2", OrderRef: "INV-1", RefundedAt: at(time.March, 1)}
		if err := db.CreateRefund(ctx, early); downline.ErrorCode(err) != downline.CodeInvalid {
			t.Errorf("refund before payment error = %v, want CodeInvalid", err)
		}

		// Full refund of the rest in May: line 1 has 200.00 / CV 180.00 /
		// QV 160.00 left, line 2 everything.
		full := &downline.Refund{ExternalID: "RF-3", OrderRef: "INV-1", RefundedAt: at(time.May, 1)}
		if err := db.CreateRefund(ctx, full); err != nil {
			t.Fatal(err)
		}
		wantLines := []downline.RefundLine{{LineNo: 1, Amount: 20000, CV: 18000, QV: 16000}, {LineNo: 2, Amount: 3000, CV: 2500, QV: 2500}}
		if diff := cmp.Diff(wantLines, full.Lines); diff != "" || !full.Full {
			t.Errorf("full refund lines (-want +got):\n%s (full=%v)", diff, full.Full)
		}
		again := &downline.Refund{ExternalID: "RF-4", OrderRef: "INV-1", RefundedAt: at(time.May, 2)}
		if err := db.CreateRefund(ctx, again); downline.ErrorCode(err) != downline.CodeConflict {
			t.Errorf("second full refund error = %v, want CodeConflict", err)
		}
		got, err := db.FindOrderByExternalID(ctx, "INV-1")
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != downline.OrderRefunded || got.Lines[0].RefundedAmount != 30000 || got.Lines[1].RefundedCV != 2500 {
			t.Errorf("order after full refund: status %s, lines %+v %+v", got.Status, got.Lines[0], got.Lines[1])
		}

		// Volumes: March +CV 270.00+25.00; April -90.00; May -180.00-25.00.
		for _, tt := range []struct {
			period string
			cuv    int64
			rev    int64
		}{
			{"2026-03", 27000 + 2500, 30000 + 3000},
			{"2026-04", -9000, -10000},
			{"2026-05", -18000 - 2500, -20000 - 3000},
		} {
			v := volumes(t, db, tt.period)["A"]
			if v.CuV != tt.cuv || v.CustomerRevenue != tt.rev {
				t.Errorf("%s: CuV %d revenue %d, want %d and %d", tt.period, v.CuV, v.CustomerRevenue, tt.cuv, tt.rev)
			}
		}
		rs, n, err := db.FindRefunds(ctx, downline.RefundFilter{OrderID: &got.ID})
		if err != nil || n != 2 || len(rs) != 2 {
			t.Errorf("FindRefunds = %d refunds, total %d, %v; want 2", len(rs), n, err)
		}
	})
}

// TestRefundRounding checks that prorated partial refunds never leave a
// residue: a line of CV 100 for amount 300 refunded in three parts of 100
// gives CV 33 (33.3 rounded), 33, and the remaining 34.
func TestRefundRounding(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *sqlstore.DB) {
		seed(t, db)
		o := customerOrder("INV-1", "C-A1", "SEAT", 1, at(time.March, 3))
		o.Lines[0].CV, o.Lines[0].QV = 100, 100
		mustOrders(t, db, o)
		var cvs []int64
		for i, ext := range []string{"R1", "R2", "R3"} {
			r := &downline.Refund{ExternalID: ext, OrderRef: "INV-1", RefundedAt: at(time.March, 10+i),
				Lines: []downline.RefundLine{{LineNo: 1, Amount: 100}}}
			if err := db.CreateRefund(ctx, r); err != nil {
				t.Fatal(err)
			}
			cvs = append(cvs, r.Lines[0].CV)
		}
		if diff := cmp.Diff([]int64{33, 33, 34}, cvs); diff != "" {
			t.Errorf("prorated CV (-want +got):\n%s", diff)
		}
		if v := volumes(t, db, "2026-03")["A"]; v.CuV != 0 || v.CustomerRevenue != 0 {
			t.Errorf("March volume after refunding everything = %+v, want 0", v)
		}
	})
}
