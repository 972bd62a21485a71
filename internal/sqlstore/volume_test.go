package sqlstore_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/downline/downline"
	"github.com/downline/downline/internal/sqlstore"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"pgregory.net/rapid"
)

func TestPeriodVolumesByPurpose(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *sqlstore.DB) {
		seed(t, db)
		own := func(ext string, purpose downline.OrderPurpose, sku string, qty int64) *downline.Order {
			return &downline.Order{ExternalID: ext, DistributorRef: "A", Purpose: purpose, Currency: "EUR", PaidAt: at(time.March, 9),
				Lines: []*downline.OrderLine{{ProductRef: sku, Quantity: qty, UnitPrice: price(sku)}}}
		}
		receipted := own("O5", downline.PurposeReceiptedResale, "SEAT", 4)
		receipted.CustomerRef, receipted.DistributorRef = "C-A2", ""
		mustOrders(t, db,
			customerOrder("O1", "C-A1", "SUP", 2, at(time.March, 2)),  // CuV 2×9000, QV 2×8000, revenue 20000
			customerOrder("O2", "C-A1", "SEAT", 1, at(time.March, 3)), // CuV 250, revenue 300
			own("O3", downline.PurposePersonalUse, "SUP", 1),          // PCV 9000, PQV 8000, revenue 10000
			own("O4", downline.PurposeResaleStock, "SEAT", 10),        // resale 2500, revenue 3000
			receipted, // CuV and receipted 1000, revenue 1200
			own("O6", downline.PurposeNonCommissionable, "TRAIN", 1),  // revenue 50000
			customerOrder("O7", "C-B1", "SEAT", 2, at(time.March, 4)), // B: CuV 500
		)
		want := map[string]downline.PeriodVolume{
			"A": {Period: "2026-03", DistributorID: id(t, db, "A"),
				CuV: 18000 + 250 + 1000, CuQV: 16000 + 250 + 1000, ReceiptedCV: 1000, PCV: 9000, PQV: 8000, ResaleStockCV: 2500,
				CustomerRevenue: 20000 + 300 + 1200, ParticipantRevenue: 10000 + 3000 + 50000, CustomerOrders: 3, Orders: 6},
			"B": {Period: "2026-03", DistributorID: id(t, db, "B"), CuV: 500, CuQV: 500, CustomerRevenue: 600, CustomerOrders: 1, Orders: 1},
		}
		if diff := cmp.Diff(want, volumes(t, db, "2026-03")); diff != "" {
			t.Errorf("PeriodVolumes(2026-03) (-want +got):\n%s", diff)
		}
		if err := db.PeriodVolumes(ctx, "March", func(downline.PeriodVolume) error { return nil }); downline.ErrorCode(err) != downline.CodeInvalid {
			t.Errorf("PeriodVolumes(March) error = %v, want CodeInvalid", err)
		}
	})
}

func TestActiveCustomerCounts(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *sqlstore.DB) {
		seed(t, db)
		mustOrders(t, db,
			customerOrder("O1", "C-A1", "SEAT", 1, at(time.March, 2)),
			customerOrder("O2", "C-A1", "SEAT", 1, at(time.March, 3)), // same customer: counted once
			customerOrder("O3", "C-A2", "SEAT", 1, time.Date(2025, 4, 2, 12, 0, 0, 0, time.UTC)),
			customerOrder("O4", "C-B1", "SEAT", 1, time.Date(2025, 3, 31, 12, 0, 0, 0, time.UTC)),
		)
		counts := func(period string, months int) map[string]int {
			byID := map[downline.DistributorID]int{}
			err := db.ActiveCustomerCounts(ctx, period, months, func(d downline.DistributorID, n int) error {
				byID[d] = n
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			out := map[string]int{}
			for _, ext := range []string{"R", "A", "B"} {
				if n, ok := byID[id(t, db, ext)]; ok {
					out[ext] = n
				}
			}
			return out
		}
		// Trailing 12 months to 2026-03 is 2025-04 … 2026-03: A has C-A1 and
		// C-A2; B's only order (2025-03) is outside.
		if diff := cmp.Diff(map[string]int{"A": 2}, counts("2026-03", 12)); diff != "" {
			t.Errorf("12 months to 2026-03 (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(map[string]int{"A": 1}, counts("2026-03", 1)); diff != "" {
			t.Errorf("1 month (-want +got):\n%s", diff)
		}
	})
}

// TestVolumesMatchRecomputation is the property behind the fast path: after
// any sequence of order and refund batches (including failing ones), the
// aggregates equal a recomputation from the stored orders and refunds.
func TestVolumesMatchRecomputation(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *sqlstore.DB) {
		seed(t, db)
		purposes := []downline.OrderPurpose{downline.PurposeCustomerDirect, downline.PurposePersonalUse,
			downline.PurposeResaleStock, downline.PurposeReceiptedResale, downline.PurposeNonCommissionable}
		customers := map[string]string{"C-A1": "A", "C-A2": "A", "C-B1": "B"}
		n := 0
		rapid.Check(t, func(rt *rapid.T) {
			var batch []*downline.Order
			for range rapid.IntRange(0, 6).Draw(rt, "orders") {
				n++
				purpose := rapid.SampledFrom(purposes).Draw(rt, "purpose")
				o := &downline.Order{ExternalID: fmt.Sprintf("O%d", n), Purpose: purpose, Currency: "EUR",
					PaidAt: time.Date(2026, time.Month(rapid.IntRange(1, 4).Draw(rt, "month")), rapid.IntRange(1, 28).Draw(rt, "day"), 12, 0, 0, 0, time.UTC)}
				if purpose.HasCustomer() {
					o.CustomerRef = rapid.SampledFrom([]string{"C-A1", "C-A2", "C-B1"}).Draw(rt, "customer")
				} else {
					o.DistributorRef = rapid.SampledFrom([]string{"R", "A", "B"}).Draw(rt, "buyer")
				}
				for range rapid.IntRange(1, 3).Draw(rt, "lines") {
					sku := rapid.SampledFrom([]string{"SUP", "SEAT", "TRAIN"}).Draw(rt, "sku")
					o.Lines = append(o.Lines, &downline.OrderLine{ProductRef: sku, Quantity: rapid.Int64Range(1, 5).Draw(rt, "qty"),
						UnitPrice: rapid.Int64Range(0, 20000).Draw(rt, "price")})
				}
				if rapid.IntRange(0, 20).Draw(rt, "bad") == 0 {
					o.Lines[0].Quantity = 0 // makes the whole batch fail
				}
				batch = append(batch, o)
			}
			_ = db.CreateOrders(ctx, batch)
			orders, total, err := db.FindOrders(ctx, downline.OrderFilter{})
			if err != nil {
				rt.Fatal(err)
			}
			if total > 0 {
				var rs []*downline.Refund
				for range rapid.IntRange(0, 3).Draw(rt, "refunds") {
					n++
					o := orders[rapid.IntRange(0, total-1).Draw(rt, "order")]
					r := &downline.Refund{ExternalID: fmt.Sprintf("R%d", n), OrderID: o.ID,
						RefundedAt: o.PaidAt.AddDate(0, rapid.IntRange(0, 2).Draw(rt, "months later"), 0)}
					if rapid.Bool().Draw(rt, "partial") {
						l := rapid.IntRange(1, len(o.Lines)).Draw(rt, "line")
						r.Lines = []downline.RefundLine{{LineNo: l, Amount: rapid.Int64Range(1, 30000).Draw(rt, "amount")}}
					}
					rs = append(rs, r)
				}
				_ = db.CreateRefunds(ctx, rs) // may fail as a whole: over-refund
			}
			checkVolumes(rt, db, customers)
		})
	})
}

// checkVolumes recomputes every period's aggregates from the stored orders
// and refunds, independently of the store's ingestion code.
func checkVolumes(rt *rapid.T, db *sqlstore.DB, customers map[string]string) {
	orders, _, err := db.FindOrders(ctx, downline.OrderFilter{})
	if err != nil {
		rt.Fatal(err)
	}
	refunds, _, err := db.FindRefunds(ctx, downline.RefundFilter{})
	if err != nil {
		rt.Fatal(err)
	}
	want := map[string]map[downline.DistributorID]downline.PeriodVolume{}
	get := func(period string, d downline.DistributorID) downline.PeriodVolume {
		if want[period] == nil {
			want[period] = map[downline.DistributorID]downline.PeriodVolume{}
		}
		v, ok := want[period][d]
		if !ok {
			v = downline.PeriodVolume{Period: period, DistributorID: d}
		}
		return v
	}
	add := func(v *downline.PeriodVolume, o *downline.Order, amount, cv, qv int64) {
		switch o.Purpose {
		case downline.PurposeCustomerDirect, downline.PurposeReceiptedResale:
			v.CuV, v.CuQV, v.CustomerRevenue = v.CuV+cv, v.CuQV+qv, v.CustomerRevenue+amount
			if o.Purpose == downline.PurposeReceiptedResale {
				v.ReceiptedCV += cv
			}
		case downline.PurposePersonalUse:
			v.PCV, v.PQV, v.ParticipantRevenue = v.PCV+cv, v.PQV+qv, v.ParticipantRevenue+amount
		case downline.PurposeResaleStock:
			v.ResaleStockCV, v.ParticipantRevenue = v.ResaleStockCV+cv, v.ParticipantRevenue+amount
		default:
			v.ParticipantRevenue += amount
		}
	}
	byID := map[downline.OrderID]*downline.Order{}
	for _, o := range orders {
		byID[o.ID] = o
		v := get(o.Period, o.DistributorID)
		var refunded int64
		for _, l := range o.Lines {
			add(&v, o, l.Quantity*l.UnitPrice, l.Quantity*l.CV, l.Quantity*l.QV)
			refunded += l.RefundedAmount
			if l.RefundedAmount > l.Quantity*l.UnitPrice || l.RefundedCV > l.Quantity*l.CV || l.RefundedQV > l.Quantity*l.QV {
				rt.Fatalf("order %s line %d refunded beyond its total: %+v", o.ExternalID, l.LineNo, l)
			}
		}
		v.Orders++
		if o.Purpose.HasCustomer() {
			v.CustomerOrders++
			if customers[o.CustomerRef] != o.DistributorRef {
				rt.Fatalf("order %s credited to %s, want the customer's distributor %s", o.ExternalID, o.DistributorRef, customers[o.CustomerRef])
			}
		}
		want[o.Period][o.DistributorID] = v
	}
	sumRefunded := map[downline.OrderID]int64{}
	for _, r := range refunds {
		o := byID[r.OrderID]
		v := get(r.Period, o.DistributorID)
		for _, l := range r.Lines {
			add(&v, o, -l.Amount, -l.CV, -l.QV)
			sumRefunded[o.ID] += l.Amount
		}
		want[r.Period][o.DistributorID] = v
	}
	for _, o := range orders {
		var stored int64
		for _, l := range o.Lines {
			stored += l.RefundedAmount
		}
		if stored != sumRefunded[o.ID] {
			rt.Fatalf("order %s: lines say %d refunded, refunds say %d", o.ExternalID, stored, sumRefunded[o.ID])
		}
	}
	for period, byDist := range want {
		got := map[downline.DistributorID]downline.PeriodVolume{}
		if err := db.PeriodVolumes(ctx, period, func(v downline.PeriodVolume) error { got[v.DistributorID] = v; return nil }); err != nil {
			rt.Fatal(err)
		}
		if diff := cmp.Diff(byDist, got, cmpopts.EquateEmpty()); diff != "" {
			rt.Fatalf("PeriodVolumes(%s) differs from recomputation (-want +got):\n%s", period, diff)
		}
	}
}
