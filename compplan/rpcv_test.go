package compplan

import (
	"strings"
	"testing"
)

// TestRewardablePersonalUse is TX-03 with the register's defaults (cap
// $200 a month, share 1/3), in cents.
func TestRewardablePersonalUse(t *testing.T) {
	p, err := ParsePlan(strings.NewReader(`
plan: tx03
version: "1"
currency: USD
volume:
  personal_use: {cap: "200", share: "1/3"}
bonuses:
  - {id: direct, kind: direct, basis: [cuv], rate_pct: 20}
`))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ cuv, pcv, want int64 }{
		{30000, 35000, 15000},  // TX-03 (d): min(350, 200, 300/2) = 150
		{100000, 35000, 20000}, // the absolute cap binds: min(350, 200, 500)
		{100000, 5000, 5000},   // all personal use is rewardable
		{0, 5000, 0},           // no customers, nothing rewardable
		{5, 3, 2},              // 5 × (1/3)/(2/3) = 2.5, rounded down
	} {
		if got := p.RewardablePersonalUse(tt.cuv, tt.pcv); got != tt.want {
			t.Errorf("RewardablePersonalUse(cuv %d, pcv %d) = %d, want %d", tt.cuv, tt.pcv, got, tt.want)
		}
	}
}
