package sqlstore_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/downline/downline"
	"github.com/downline/downline/internal/sqlstore"
)

// holdRow is what a test compares of a listed hold.
type holdRow struct {
	Customer, Distributor string
	Status                downline.HoldStatus
	AckName               string
	Orders                int
	Amounts               []downline.HeldAmount
}

func findHolds(t *testing.T, db *sqlstore.DB, f downline.SelfDealingHoldFilter) ([]holdRow, []int64, int) {
	t.Helper()
	hs, total, err := db.FindSelfDealingHolds(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	var rows []holdRow
	var ids []int64
	for _, h := range hs {
		rows = append(rows, holdRow{h.CustomerRef, h.DistributorRef, h.Status(), h.AckName, h.PendingOrders, h.PendingAmounts})
		ids = append(ids, h.ID)
	}
	return rows, ids, total
}

// TestFindSelfDealingHolds lists TX-11 holds (compliance.md TX-11 (d)):
// B works for its customer C-1, so O-1 and O-2 (1,000.00 and 100,000 CV
// each) are held; a refund of 250.00 on O-2 while held leaves 1,750.00 and
// 175,000 CV pending (O-2's one line: 25 % of its CV goes back with the
// quarter of its amount). A second, manual hold of C-1 with A holds no
// order. After the acknowledgement the B hold holds nothing.
func TestFindSelfDealingHolds(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *sqlstore.DB) {
		holdWorld(t, db, "bob@acme.example", "ann@vendor.example")
		runOrder(t, db, "O-1", time.Date(2026, 1, 20, 12, 0, 0, 0, time.UTC))
		runOrder(t, db, "O-2", time.Date(2026, 1, 22, 12, 0, 0, 0, time.UTC))
		if err := runRefund(db, "R-1", "O-2", 25000, time.Date(2026, 1, 25, 12, 0, 0, 0, time.UTC)); err != nil {
			t.Fatal(err)
		}
		c, a, b := customerID(t, db, "C-1"), distID(t, db, "A"), distID(t, db, "B")
		if _, err := db.HoldSelfDealing(ctx, c, a, "TX-11: declared by compliance"); err != nil {
			t.Fatal(err)
		}
		eur := []downline.HeldAmount{{Currency: "EUR", Orders: 2, Amount: 175000, CV: 175000}}
		heldB := holdRow{"C-1", "B", downline.HoldOpen, "", 2, eur}
		heldA := holdRow{"C-1", "A", downline.HoldOpen, "", 0, nil}
		rows, ids, total := findHolds(t, db, downline.SelfDealingHoldFilter{})
		if diff := cmp.Diff([]holdRow{heldB, heldA}, rows); diff != "" || total != 2 {
			t.Fatalf("all holds (-want +got), total %d:\n%s", total, diff)
		}
		// The cursor pages by ID; the total ignores it.
		rows, _, total = findHolds(t, db, downline.SelfDealingHoldFilter{AfterID: ids[0], Limit: 1})
		if diff := cmp.Diff([]holdRow{heldA}, rows); diff != "" || total != 2 {
			t.Errorf("page after %d (-want +got), total %d:\n%s", ids[0], total, diff)
		}
		rows, _, _ = findHolds(t, db, downline.SelfDealingHoldFilter{DistributorID: b, CustomerID: c})
		if diff := cmp.Diff([]holdRow{heldB}, rows); diff != "" {
			t.Errorf("B's holds (-want +got):\n%s", diff)
		}

		if err := db.AcknowledgeSelfDealing(ctx, ids[0], "Pat Lee", "pat@acme.example"); err != nil {
			t.Fatal(err)
		}
		ackB := holdRow{"C-1", "B", downline.HoldAcknowledged, "Pat Lee", 0, nil}
		for _, tc := range []struct {
			status downline.HoldStatus
			want   []holdRow
		}{
			{downline.HoldOpen, []holdRow{heldA}},
			{downline.HoldAcknowledged, []holdRow{ackB}},
			{"", []holdRow{ackB, heldA}},
		} {
			rows, _, total := findHolds(t, db, downline.SelfDealingHoldFilter{Status: tc.status})
			if diff := cmp.Diff(tc.want, rows); diff != "" || total != len(tc.want) {
				t.Errorf("status %q (-want +got), total %d:\n%s", tc.status, total, diff)
			}
		}
		if _, _, err := db.FindSelfDealingHolds(ctx, downline.SelfDealingHoldFilter{Status: "held"}); downline.ErrorCode(err) != downline.CodeInvalid {
			t.Errorf("status held: %v, want CodeInvalid", err)
		}
	})
}
