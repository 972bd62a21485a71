package stripe

import (
	"testing"

	"pgregory.net/rapid"
)

// splitLine keeps the amount exact and unit prices within one minor unit.
func TestSplitLineProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		l := OrderLine{Product: "P", Quantity: rapid.Int64Range(1, 1000).Draw(t, "qty"),
			Amount: rapid.Int64Range(-1_000_000, 1_000_000_000).Draw(t, "amount")}
		var sum, qty int64
		lines := splitLine(l)
		for _, ol := range lines {
			sum += ol.Quantity * ol.UnitPrice
			qty += ol.Quantity
			if ol.Quantity <= 0 {
				t.Fatalf("splitLine(%+v) made a line of %d units", l, ol.Quantity)
			}
		}
		if sum != l.Amount || qty != l.Quantity {
			t.Fatalf("splitLine(%+v) = %d units totalling %d", l, qty, sum)
		}
		if len(lines) == 2 && lines[1].UnitPrice != lines[0].UnitPrice+1 {
			t.Fatalf("splitLine(%+v) unit prices %d and %d differ by more than 1", l, lines[0].UnitPrice, lines[1].UnitPrice)
		}
	})
}

// prorate shares out exactly the amount, never more than a line has, and
// each share is within one unit of the exact proportion.
func TestProrateProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		rem := rapid.SliceOfN(rapid.Int64Range(0, 1_000_000_000_000), 1, 20).Draw(t, "remaining")
		var total int64
		for _, r := range rem {
			total += r
		}
		if total == 0 {
			return
		}
		amount := rapid.Int64Range(1, total).Draw(t, "amount")
		var sum int64
		for _, l := range prorate(amount, rem) {
			r := rem[l.LineNo-1]
			if l.Amount > r {
				t.Fatalf("line %d gets %d of %d remaining", l.LineNo, l.Amount, r)
			}
			// |share − amount×r/total| < 1  ⇔  |share×total − amount×r| < total
			exact := float64(amount) * float64(r) / float64(total)
			if d := float64(l.Amount) - exact; d >= 1.000001 || d <= -1.000001 {
				t.Fatalf("line %d share %d, exact %.3f", l.LineNo, l.Amount, exact)
			}
			sum += l.Amount
		}
		if sum != amount {
			t.Fatalf("prorate(%d, %v) shares sum to %d", amount, rem, sum)
		}
	})
}

func TestProrateWorkedExample(t *testing.T) {
	// 100 over remaining 1, 1, 1: 33.33 each; floors 33+33+33 = 99; the
	// leftover unit goes to the first (all fractions equal, lower line
	// first).
	got := prorate(100, []int64{1000, 1000, 1000})
	if len(got) != 3 || got[0].Amount != 34 || got[1].Amount != 33 || got[2].Amount != 33 {
		t.Errorf("prorate(100, 3 equal lines) = %+v, want 34, 33, 33", got)
	}
}
