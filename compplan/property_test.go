package compplan_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/downline/downline/compplan"
	"pgregory.net/rapid"
)

// genPlan draws a random plan (as YAML, through the parser) covering the
// issue-3 options.
func genPlan(t *rapid.T) *compplan.Plan {
	var b strings.Builder
	b.WriteString("plan: prop\nversion: \"1\"\ncurrency: USD\n")
	if rapid.Bool().Draw(t, "personalUse") {
		fmt.Fprintf(&b, "volume:\n  personal_use: {cap: \"%d\", share: \"1/%d\"}\n", rapid.IntRange(0, 300).Draw(t, "puCap"), rapid.IntRange(2, 5).Draw(t, "puShare"))
	}
	fmt.Fprintf(&b, "active: {min_cuv: \"%d\", min_customer_orders: %d}\n", rapid.IntRange(0, 200).Draw(t, "minCuV"), rapid.IntRange(0, 2).Draw(t, "minOrders"))
	fmt.Fprintf(&b, "rank_grace_periods: %d\nranks:\n", rapid.IntRange(0, 2).Draw(t, "grace"))
	b.WriteString("  - {id: r1, requires: [{metric: cuv, min: \"100\"}]}\n")
	fmt.Fprintf(&b, "  - {id: r2, requires: [{metric: qualifying_gv, min: \"%d\", leg_cap_pct: \"%d\"}, {metric: legs_with_rank, rank: r1, count: %d}]}\n",
		rapid.IntRange(100, 3000).Draw(t, "qgv"), rapid.IntRange(10, 100).Draw(t, "legCap"), rapid.IntRange(1, 3).Draw(t, "legs"))
	b.WriteString("gates:\n")
	if rapid.Bool().Draw(t, "cap") {
		fmt.Fprintf(&b, "  payout_cap_pct: \"%d\"\n", rapid.IntRange(1, 60).Draw(t, "capPct"))
	}
	if rapid.Bool().Draw(t, "tx06") {
		fmt.Fprintf(&b, "  min_active_customers: %d\n", rapid.IntRange(1, 3).Draw(t, "minCust"))
	}
	if rapid.Bool().Draw(t, "tx04") {
		fmt.Fprintf(&b, "  customer_share_min_pct: \"%d\"\n", rapid.IntRange(1, 90).Draw(t, "csMin"))
	}
	b.WriteString("bonuses:\n")
	fmt.Fprintf(&b, "  - {id: direct, kind: direct, basis: [cuv], rate_pct: \"%d.%d\"", rapid.IntRange(0, 40).Draw(t, "direct"), rapid.IntRange(0, 9).Draw(t, "directFrac"))
	if rapid.Bool().Draw(t, "directCap") {
		fmt.Fprintf(&b, ", cap: \"%d\"", rapid.IntRange(1, 200).Draw(t, "directCapV"))
	}
	b.WriteString("}\n")
	fmt.Fprintf(&b, "  - id: uni\n    kind: unilevel\n    compression: %s\n    pay_inactive_sellers: %t\n    unqualified_level: %s\n",
		rapid.SampledFrom([]string{"dynamic", "none"}).Draw(t, "compression"), rapid.Bool().Draw(t, "payInactive"),
		rapid.SampledFrom([]string{"forfeit", "pass_up"}).Draw(t, "unqualified"))
	if rapid.Bool().Draw(t, "uniCap") {
		fmt.Fprintf(&b, "    cap: \"%d\"\n", rapid.IntRange(1, 100).Draw(t, "uniCapV"))
	}
	b.WriteString("    levels:\n")
	for k := range rapid.IntRange(1, 6).Draw(t, "levels") {
		fmt.Fprintf(&b, "      - {rate_pct: \"%d\"", rapid.IntRange(0, 15).Draw(t, fmt.Sprintf("rate%d", k)))
		if r := rapid.IntRange(0, 2).Draw(t, fmt.Sprintf("minRank%d", k)); r > 0 {
			fmt.Fprintf(&b, ", min_rank: r%d", r)
		}
		b.WriteString("}\n")
	}
	p, err := compplan.ParsePlan(strings.NewReader(b.String()))
	if err != nil {
		t.Fatalf("generated plan does not parse: %v\n%s", err, b.String())
	}
	return p
}

var propPeriod, _ = compplan.ParsePeriod("2026-10", time.UTC)

// genSnapshot draws a random tree (sponsor ids below one's own) and
// orders, including refunds and every purpose.
func genSnapshot(t *rapid.T) *compplan.Snapshot {
	n := rapid.IntRange(1, 40).Draw(t, "n")
	// IDs are 3×(1..n), permuted half of the time so that some sponsors
	// have larger IDs than their recruits (the breadth-first canonical
	// order).
	perm := make([]int, n+1)
	for i := range perm {
		perm[i] = i
	}
	if rapid.Bool().Draw(t, "permuteIDs") {
		p := rapid.Permutation(perm[1:]).Draw(t, "perm")
		copy(perm[1:], p)
	}
	id := func(i int) compplan.ID { return compplan.ID(3 * perm[i]) }
	s := &compplan.Snapshot{Period: propPeriod}
	for i := 1; i <= n; i++ {
		d := compplan.Distributor{ID: id(i), JoinedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
		if i > 1 && rapid.IntRange(0, 9).Draw(t, "notRoot") > 0 {
			d.Sponsor = id(rapid.IntRange(1, i-1).Draw(t, "sponsor"))
		}
		if rapid.IntRange(0, 9).Draw(t, "status") == 0 {
			d.Status = compplan.StatusSuspended
		}
		s.Distributors = append(s.Distributors, d)
	}
	m := rapid.IntRange(0, 80).Draw(t, "orders")
	for k := range m {
		o := compplan.Order{ID: fmt.Sprintf("o%d", k), Distributor: compplan.ID(3 * rapid.IntRange(1, n).Draw(t, "seller")),
			Purpose:  compplan.Purpose(rapid.IntRange(0, 4).Draw(t, "purpose")),
			Customer: fmt.Sprintf("c%d", rapid.IntRange(0, 10).Draw(t, "customer")),
			PaidAt:   time.Date(2026, 10, rapid.IntRange(1, 31).Draw(t, "day"), 12, 0, 0, 0, time.UTC),
			CV:       int64(rapid.IntRange(0, 50000).Draw(t, "cv"))}
		o.QV, o.BV = o.CV, o.CV
		if o.Purpose == compplan.PurposePersonalUse {
			o.Customer = ""
		}
		s.Orders = append(s.Orders, o)
		if rapid.IntRange(0, 9).Draw(t, "refund") == 0 {
			r := o
			r.ID += "r"
			r.RefundOf = o.ID
			r.CV, r.QV, r.BV = -o.CV/2, -o.CV/2, -o.CV/2
			s.Orders = append(s.Orders, r)
		}
	}
	return s
}

func mustEvaluate(t *rapid.T, p *compplan.Plan, s *compplan.Snapshot) *compplan.Result {
	res, err := compplan.Evaluate(p, s)
	if err != nil {
		t.Fatalf("Evaluate: %v", err)
	}
	return res
}

// invariants checks what must hold for every result: totals are the sum
// of lines, overrides never pay an inactive distributor, withheld lines pay
// nothing, the payout cap and per-distributor caps hold.
func invariants(t *rapid.T, res *compplan.Result) {
	p := res.Plan()
	sum := make([]int64, len(p.Bonuses))
	var direct int64
	for j := range res.NumLines() {
		l := res.Line(j)
		sum[p.BonusIndex(l.Bonus)] += l.Amount
		if l.Kind.IsOverride() && !l.Cap && l.Amount != 0 {
			i, _ := res.Index(l.Earner)
			if !res.Distributor(i).Active {
				t.Fatalf("line pays inactive distributor: %s", res.Explain(j))
			}
		}
		if l.Withheld != "" && l.Amount != 0 {
			t.Fatalf("withheld line pays: %s", res.Explain(j))
		}
	}
	var total int64
	for bi, v := range res.Totals() {
		if v != sum[bi] {
			t.Fatalf("total %s = %d, sum of lines %d", p.Bonuses[bi].ID, v, sum[bi])
		}
		total += v
		if !p.Bonuses[bi].Kind.IsOverride() {
			direct += v
		}
	}
	if total != res.Total() {
		t.Fatalf("Total %d != %d", res.Total(), total)
	}
	if !p.Gates.PayoutCap.IsZero() && total > max(res.Budget(), direct) {
		t.Fatalf("payout cap broken: total %d budget %d direct %d", total, res.Budget(), direct)
	}
	for i := range res.Len() {
		d := res.Distributor(i)
		for bi, v := range d.Earnings {
			if c := p.Bonuses[bi].Cap; c > 0 && v > c {
				t.Fatalf("distributor %d earns %d from %s above cap %d", d.ID, v, p.Bonuses[bi].ID, c)
			}
		}
	}
}

func TestPropertyInvariants(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		invariants(t, mustEvaluate(t, genPlan(t), genSnapshot(t)))
	})
}

func TestPropertyOrderIndependence(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p, s := genPlan(t), genSnapshot(t)
		h1 := mustEvaluate(t, p, s).Hash()
		rng := rand.New(rand.NewPCG(rapid.Uint64().Draw(t, "seed"), 1))
		s2 := *s
		s2.Distributors = slices.Clone(s.Distributors)
		s2.Orders = slices.Clone(s.Orders)
		rng.Shuffle(len(s2.Distributors), func(i, j int) { s2.Distributors[i], s2.Distributors[j] = s2.Distributors[j], s2.Distributors[i] })
		rng.Shuffle(len(s2.Orders), func(i, j int) { s2.Orders[i], s2.Orders[j] = s2.Orders[j], s2.Orders[i] })
		if h2 := mustEvaluate(t, p, &s2).Hash(); h1 != h2 {
			t.Fatalf("hash changed after shuffling the input")
		}
	})
}

// Removing a leaf that has no orders (so no volume and never active, as
// long as activity needs some customer volume) changes nobody else's
// figures or lines.
func TestPropertyRemoveInactiveLeaf(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p, s := genPlan(t), genSnapshot(t)
		if p.Active.MinCuV == 0 && p.Active.MinCustomerOrders == 0 {
			p.Active.MinCustomerOrders = 1
		}
		leafID := compplan.ID(3 * (len(s.Distributors) + 1))
		s.Distributors = append(s.Distributors, compplan.Distributor{ID: leafID, Sponsor: compplan.ID(3 * rapid.IntRange(1, len(s.Distributors)).Draw(t, "leafSponsor"))})
		with := mustEvaluate(t, p, s)
		s.Distributors = s.Distributors[:len(s.Distributors)-1]
		without := mustEvaluate(t, p, s)
		for i := range without.Len() {
			d := without.Distributor(i)
			j, _ := with.Index(d.ID)
			if got := with.Distributor(j); fmt.Sprint(got) != fmt.Sprint(d) {
				t.Fatalf("distributor %d changed:\nwith leaf    %+v\nwithout leaf %+v", d.ID, got, d)
			}
		}
		var a, b []string
		for j := range with.NumLines() {
			if l := with.Line(j); l.Earner != leafID && l.Source != leafID {
				a = append(a, fmt.Sprint(l))
			}
		}
		for j := range without.NumLines() {
			b = append(b, fmt.Sprint(without.Line(j)))
		}
		if !slices.Equal(a, b) {
			t.Fatalf("lines changed:\n%v\n%v", a, b)
		}
	})
}

// Adding a customer order never lowers anyone's GV.
func TestPropertyCustomerOrderRaisesGV(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p, s := genPlan(t), genSnapshot(t)
		before := mustEvaluate(t, p, s)
		s.Orders = append(s.Orders, compplan.Order{ID: "extra", Distributor: compplan.ID(3 * rapid.IntRange(1, len(s.Distributors)).Draw(t, "who")),
			Customer: "cx", Purpose: compplan.PurposeCustomerDirect, PaidAt: propPeriod.Start, CV: int64(rapid.IntRange(1, 100000).Draw(t, "extraCV"))})
		after := mustEvaluate(t, p, s)
		for i := range before.Len() {
			if b, a := before.Distributor(i).GV, after.Distributor(i).GV; a < b {
				t.Fatalf("GV of %d fell from %d to %d", before.Distributor(i).ID, b, a)
			}
		}
	})
}
