package ledger

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"
)

func TestHoldEnds(t *testing.T) {
	t.Parallel()
	paid := time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		hold, withdrawal int
		want             time.Time
	}{
		{30, 14, time.Date(2026, 7, 1, 10, 0, 0, 0, time.UTC)}, // June has 30 days
		{0, 14, time.Date(2026, 6, 15, 10, 0, 0, 0, time.UTC)},
		{DefaultHoldDays, 0, time.Date(2026, 7, 1, 10, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		if got := HoldEnds(paid, tt.hold, tt.withdrawal); !got.Equal(tt.want) {
			t.Errorf("HoldEnds(%v, %d, %d) = %v, want %v", paid, tt.hold, tt.withdrawal, got, tt.want)
		}
	}
}

func TestPlanPayouts(t *testing.T) {
	t.Parallel()
	got := PlanPayouts("B1", "EUR", 1000, []NetBalance{
		{Distributor: 9, Payable: 5000, Receivable: 1000}, // net 4000: paid, settles 1000
		{Distributor: 3, Payable: 999},                    // below the minimum
		{Distributor: 4, Payable: 1000},                   // exactly the minimum
		{Distributor: 5, Payable: 800, Receivable: 2000},  // negative: carried forward
		{Distributor: 6, Payable: -300},                   // negative: carried forward
	})
	want := []PayoutItem{
		{Batch: "B1", Item: "4", Distributor: 4, Currency: "EUR", Amount: 1000},
		{Batch: "B1", Item: "9", Distributor: 9, Currency: "EUR", Amount: 4000, Receivable: 1000},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("PlanPayouts diff (-want +got):\n%s", diff)
	}
}

// TestPropertyPlannedPayoutsApply checks that every planned item is
// accepted by the Book, leaves its distributor at zero, and that a
// failed item returns exactly its amount while the others stay paid.
func TestPropertyPlannedPayoutsApply(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		b := NewBook()
		applyAll(t, b, genSequence(t))
		for d := int64(1); d <= 5; d++ {
			if owed := -b.Balance(DistributorAccount(Earned, d), "EUR"); owed > 0 {
				rel, err := HoldRelease(fmt.Sprint("r", d), "EUR", []Release{{Distributor: d, Amount: owed}})
				if err != nil {
					t.Fatal(err)
				}
				applyAll(t, b, []Transaction{rel})
			}
		}
		var nbs []NetBalance
		for d := int64(1); d <= 5; d++ {
			nbs = append(nbs, b.NetBalance(d, "EUR"))
		}
		minimum := rapid.Int64Range(0, 500_000).Draw(t, "minimum")
		items := PlanPayouts("B", "EUR", minimum, nbs)
		for _, it := range items {
			tx, err := Payout(it)
			if err != nil {
				t.Fatal(err)
			}
			applyAll(t, b, []Transaction{tx})
			if got := b.Available(it.Distributor, "EUR"); got != 0 {
				t.Fatalf("Available(%d) after planned payout = %d, want 0", it.Distributor, got)
			}
		}
		if len(items) == 0 {
			return
		}
		failed := rapid.SampledFrom(items).Draw(t, "failed")
		tx, err := PayoutFailure(failed, "rejected by bank")
		if err != nil {
			t.Fatal(err)
		}
		applyAll(t, b, []Transaction{tx})
		for _, it := range items {
			want := int64(0)
			if it.Item == failed.Item {
				want = it.Amount
			}
			if got := b.Available(it.Distributor, "EUR"); got != want {
				t.Fatalf("Available(%d) after failure of item %s = %d, want %d", it.Distributor, failed.Item, got, want)
			}
		}
	})
}
