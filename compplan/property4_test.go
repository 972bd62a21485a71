package compplan_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/downline/downline/compplan"
	"pgregory.net/rapid"
)

// genPlan4 draws a plan with every issue-4 bonus kind next to direct and
// unilevel, with random options.
func genPlan4(t *rapid.T) *compplan.Plan {
	var b strings.Builder
	b.WriteString("plan: prop4\nversion: \"1\"\ncurrency: USD\n")
	fmt.Fprintf(&b, "active: {min_cuv: \"%d\"}\n", rapid.IntRange(0, 150).Draw(t, "minCuV"))
	b.WriteString("ranks:\n  - {id: r1, requires: [{metric: cuv, min: \"100\"}]}\n  - {id: r2, requires: [{metric: gv, min: \"500\"}]}\n")
	if rapid.Bool().Draw(t, "cap") {
		fmt.Fprintf(&b, "gates: {payout_cap_pct: \"%d\"}\n", rapid.IntRange(1, 60).Draw(t, "capPct"))
	}
	b.WriteString("bonuses:\n")
	fmt.Fprintf(&b, "  - {id: direct, kind: direct, rate_pct: \"%d\"}\n", rapid.IntRange(0, 30).Draw(t, "direct"))
	fmt.Fprintf(&b, "  - {id: uni, kind: unilevel, compression: dynamic, levels: [{rate_pct: \"%d\"}, {rate_pct: \"%d\", min_rank: r1}]}\n",
		rapid.IntRange(0, 10).Draw(t, "u1"), rapid.IntRange(0, 10).Draw(t, "u2"))
	b.WriteString("  - id: bin\n    kind: binary\n")
	if rapid.Bool().Draw(t, "cycles") {
		fmt.Fprintf(&b, "    cycle: {left: \"%d\", right: \"%d\", amount: \"%d\"}\n", rapid.IntRange(1, 300).Draw(t, "cl"), rapid.IntRange(1, 300).Draw(t, "cr"), rapid.IntRange(0, 50).Draw(t, "ca"))
	} else {
		fmt.Fprintf(&b, "    rate_pct: \"%d\"\n", rapid.IntRange(0, 20).Draw(t, "binRate"))
	}
	fmt.Fprintf(&b, "    carry_cap: \"%d\"\n    flush_inactive: %t\n    carry_expiry_periods: %d\n    qualify_sponsored_active: %d\n",
		rapid.IntRange(0, 500).Draw(t, "carryCap"), rapid.Bool().Draw(t, "flush"), rapid.IntRange(0, 3).Draw(t, "expiry"), rapid.IntRange(0, 1).Draw(t, "qual"))
	if rapid.Bool().Draw(t, "binCap") {
		fmt.Fprintf(&b, "    cap: \"%d\"\n", rapid.IntRange(1, 100).Draw(t, "binCapV"))
	}
	fmt.Fprintf(&b, "  - {id: match, kind: matching, matches: [uni, bin], generations: [{rate_pct: \"%d\"}, {rate_pct: \"%d\", min_rank: r2}]}\n",
		rapid.IntRange(0, 20).Draw(t, "m1"), rapid.IntRange(0, 20).Draw(t, "m2"))
	fmt.Fprintf(&b, "  - {id: fast, kind: faststart, rate_pct: \"%d\", days: %d}\n", rapid.IntRange(0, 15).Draw(t, "fast"), rapid.IntRange(1, 400).Draw(t, "days"))
	fmt.Fprintf(&b, "  - {id: pool, kind: pool, rate_pct: \"%d\", shares: %s, rank_weights: {r1: 1, r2: 2}}\n",
		rapid.IntRange(0, 5).Draw(t, "pool"), rapid.SampledFrom([]string{"equal", "rank_weights"}).Draw(t, "shares"))
	fmt.Fprintf(&b, "  - id: step\n    kind: stairstep\n    steps: [{min_gv: \"%d\", rate_pct: \"2\"}, {min_gv: \"%d\", rate_pct: \"6\"}]\n    generations: [{rate_pct: \"3\"}, {rate_pct: \"1\", min_pv: \"50\"}]\n",
		rapid.IntRange(0, 100).Draw(t, "s1"), rapid.IntRange(101, 2000).Draw(t, "s2"))
	p, err := compplan.ParsePlan(strings.NewReader(b.String()))
	if err != nil {
		t.Fatalf("generated plan does not parse: %v\n%s", err, b.String())
	}
	return p
}

// genPlaced adds random binary placements to a snapshot's distributors.
func genPlaced(t *rapid.T) *compplan.Snapshot {
	s := genSnapshot(t)
	type slot struct {
		id   compplan.ID
		side compplan.Side
	}
	taken := map[slot]bool{}
	for i := 1; i < len(s.Distributors); i++ {
		if rapid.IntRange(0, 4).Draw(t, "unplaced") == 0 {
			continue
		}
		for range 3 {
			p := s.Distributors[rapid.IntRange(0, i-1).Draw(t, "placeUnder")].ID
			side := compplan.Side(rapid.IntRange(1, 2).Draw(t, "side"))
			if !taken[slot{p, side}] {
				taken[slot{p, side}] = true
				s.Distributors[i].Placement, s.Distributors[i].Side = p, side
				break
			}
		}
	}
	return s
}

// checkBonus4 asserts the issue-4 properties: carry never negative,
// matched volume within both sides, matching within its rate of the
// matched earnings.
func checkBonus4(t *rapid.T, res *compplan.Result) {
	p := res.Plan()
	bin := &p.Bonuses[p.BonusIndex("bin")]
	for i := range res.Len() {
		d := res.Distributor(i)
		if d.CarryLeft < 0 || d.CarryRight < 0 {
			t.Fatalf("distributor %d carry %d/%d negative", d.ID, d.CarryLeft, d.CarryRight)
		}
		if d.BinaryMatched > d.BinaryLeft || d.BinaryMatched > d.BinaryRight && bin.Cycle == nil {
			t.Fatalf("distributor %d matched %d exceeds a side (%d/%d)", d.ID, d.BinaryMatched, d.BinaryLeft, d.BinaryRight)
		}
		if bin.Cycle != nil && d.BinaryMatched/bin.Cycle.Left*bin.Cycle.Right > d.BinaryRight {
			t.Fatalf("distributor %d cycles use more right volume than %d", d.ID, d.BinaryRight)
		}
	}
	unscaled := res.Scale() == compplan.Rate{Num: 1, Den: 1}
	for j := range res.NumLines() {
		l := res.Line(j)
		if l.Bonus != "match" {
			continue
		}
		if l.Amount > compplan.MulRound(l.Basis, l.Rate, compplan.Rate{Num: 1, Den: 1}) {
			t.Fatalf("matching line above rate × basis: %s", res.Explain(j))
		}
		if unscaled {
			s, _ := res.Index(l.Source)
			src := res.Distributor(s)
			if earned := src.Earnings[p.BonusIndex("uni")] + src.Earnings[p.BonusIndex("bin")]; l.Basis != earned {
				t.Fatalf("matching basis %d, source %d earned %d from matched bonuses", l.Basis, l.Source, earned)
			}
		}
	}
}

func TestPropertyBonus4(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p, s := genPlan4(t), genPlaced(t)
		res := mustEvaluate(t, p, s)
		invariants(t, res)
		checkBonus4(t, res)
		// Carry the state into the next period with new orders: the
		// properties hold again.
		next, _ := compplan.ParsePeriod("2026-11", propPeriod.Start.Location())
		s2 := *genSnapshot(t)
		s2.Period, s2.Distributors, s2.State = next, s.Distributors, res.StateOut()
		for k := range s2.Orders {
			s2.Orders[k].PaidAt = s2.Orders[k].PaidAt.AddDate(0, 1, 0)
			if i := int(s2.Orders[k].Distributor) / 3; i > len(s.Distributors) {
				s2.Orders[k].Distributor = s.Distributors[0].ID
			}
		}
		res2, err := compplan.Evaluate(p, &s2)
		if err != nil {
			t.Fatalf("second period: %v", err)
		}
		invariants(t, res2)
		checkBonus4(t, res2)
	})
}

func TestPropertyBonus4OrderIndependence(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p, s := genPlan4(t), genPlaced(t)
		h1 := mustEvaluate(t, p, s).HashHex()
		s2 := *s
		s2.Distributors = rapid.Permutation(s.Distributors).Draw(t, "dperm")
		s2.Orders = rapid.Permutation(s.Orders).Draw(t, "operm")
		if h2 := mustEvaluate(t, p, &s2).HashHex(); h1 != h2 {
			t.Fatalf("hash changed after shuffling the input")
		}
	})
}
