package sqlstore_test

import (
	"testing"
	"time"

	"github.com/downline/downline"
	"github.com/downline/downline/internal/sqlstore"
)

// TestLateVolumeLandsInTheOpenPeriod checks that an order or refund dated
// in a closed period is never added to it: its volume lands in the first
// open period, the closed run stays as it was, and the next run pays it.
func TestLateVolumeLandsInTheOpenPeriod(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *sqlstore.DB) {
		runWorld(t, db)
		jan := time.Date(2026, 1, 10, 12, 0, 0, 0, time.UTC)
		runOrder(t, db, "INV-1", jan)
		closed, err := db.CloseRun(ctx, "2026-01", downline.RunOptions{HoldDays: -1})
		if err != nil {
			t.Fatal(err)
		}

		runOrder(t, db, "INV-LATE", jan.Add(24*time.Hour)) // paid in January, arrives after the close
		late, err := db.FindOrderByExternalID(ctx, "INV-LATE")
		if err != nil {
			t.Fatal(err)
		}
		if late.Period != "2026-02" || !late.PaidAt.Equal(jan.Add(24*time.Hour)) {
			t.Errorf("late order: period %s, paid %v; want period 2026-02 and the paid-at time kept", late.Period, late.PaidAt)
		}
		if err := runRefund(db, "RF-1", "INV-1", 50000, jan.Add(48*time.Hour)); err != nil {
			t.Fatal(err)
		}
		rs, _, err := db.FindRefunds(ctx, downline.RefundFilter{})
		if err != nil || len(rs) != 1 || rs[0].Period != "2026-02" {
			t.Fatalf("refund dated in the closed January: %+v, %v; want it recorded in 2026-02", rs, err)
		}

		vols := map[string]int64{}
		for _, p := range []string{"2026-01", "2026-02"} {
			if err := db.PeriodVolumes(ctx, p, func(v downline.PeriodVolume) error {
				vols[p] += v.CuV
				return nil
			}); err != nil {
				t.Fatal(err)
			}
		}
		// January keeps exactly what its close read: 1,000.00. February
		// has the late order (1,000.00); the refund of January's order is
		// clawed back by February's run rather than netted (see
		// refundedClosedOrders), so February's aggregate may carry it either
		// way — the closed period is what must not move.
		if vols["2026-01"] != 100000 {
			t.Errorf("January CuV after the close = %d, want 100000 (closed periods never change)", vols["2026-01"])
		}
		again, err := db.CloseRun(ctx, "2026-01", downline.RunOptions{HoldDays: -1})
		if err != nil || again.ID != closed.ID || again.Total != closed.Total {
			t.Errorf("closing January again = %+v, %v; want the stored close %d unchanged", again, err, closed.ID)
		}
		feb, err := db.CloseRun(ctx, "2026-02", downline.RunOptions{HoldDays: -1})
		if err != nil {
			t.Fatal(err)
		}
		got := earnerTotals(t, db, feb.ID)
		// The late order pays B 20 % of 1,000.00 = 200.00 and A 6 % = 60.00;
		// the half refund of INV-1 claws back 100.00 from B and 30.00 from A.
		if got["B/direct"] != 20000 || got["A/unilevel"] != 6000 {
			t.Errorf("February run pays %v; want B/direct 20000 and A/unilevel 6000 for the late order", got)
		}
		if feb.Clawbacks == 0 {
			t.Errorf("February run has no clawbacks; want the half refund of January's order clawed back")
		}
	})
}
