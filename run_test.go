package downline_test

import (
	"testing"

	"github.com/downline/downline"
)

// TestCommissionLineExplainNamesTheScalingGate: a scaled line names the
// gate that set the run's scale factor; a run stored before TX-07 existed
// (ScaledBy "") was scaled by the payout cap.
func TestCommissionLineExplainNamesTheScalingGate(t *testing.T) {
	base := downline.CommissionLine{Bonus: "unilevel", Kind: "unilevel", Source: 7, Level: 1, CompressedLevel: 1,
		Basis: 100000, RateNum: 5, RateDen: 100, ScaleNum: 77, ScaleDen: 80, Amount: 4813}
	for _, tc := range []struct {
		scaledBy, want string
	}{
		{"", "5 % of 1000.00 EUR from distributor 7, level 1, scaled by 77/80 for the TX-08 payout cap = 48.13 EUR"},
		{"TX-08", "5 % of 1000.00 EUR from distributor 7, level 1, scaled by 77/80 for the TX-08 payout cap = 48.13 EUR"},
		{"TX-07", "5 % of 1000.00 EUR from distributor 7, level 1, scaled by 77/80 for the TX-07 company end-user tests = 48.13 EUR"},
		{"TX-07,TX-08", "5 % of 1000.00 EUR from distributor 7, level 1, scaled by 77/80 for the TX-07 company end-user tests and the TX-08 payout cap = 48.13 EUR"},
	} {
		l := base
		l.ScaledBy = tc.scaledBy
		if got := l.Explain("EUR"); got != tc.want {
			t.Errorf("ScaledBy %q:\n got %s\nwant %s", tc.scaledBy, got, tc.want)
		}
	}
	unscaled := base
	unscaled.ScaleNum, unscaled.ScaleDen, unscaled.Amount, unscaled.ScaledBy = 1, 1, 5000, "TX-07"
	if got, want := unscaled.Explain("EUR"), "5 % of 1000.00 EUR from distributor 7, level 1 = 50.00 EUR"; got != want {
		t.Errorf("unscaled line:\n got %s\nwant %s", got, want)
	}
}
