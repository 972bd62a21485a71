package compplan

import (
	"fmt"
	"math/bits"
	"slices"
	"sync"
)

// Result is the outcome of one commission run, in the engine's columnar
// form. Distributor i is the tree's index i (canonical breadth-first
// order); use Distributor, Line and Explain to read it, Hash for the
// canonical digest, WriteJSON for the issue-3 JSON document.
type Result struct {
	plan   *Plan
	tree   *Tree
	period Period

	cuv, pcv, rpcv, pv, gv, fsv, bv []int64
	active                          []bool
	paid, title                     []int8
	graceUsed                       []int16
	cust12                          []int32
	gate                            []uint8 // flagTX04|05|06|12 when multi-level pay is withheld
	company                         CompanyTest
	scaleBy                         uint8 // 1: TX-07 set the scale, 2: TX-08 did
	custSeen                        map[int32][]CustomerSeen
	prevPaid                        []int8 // nil without carried state

	// binary (nil when the plan has none)
	binL, binR, carryL, carryR, matched []int64
	carryAge                            []int32
	// stair-step (nil when the plan has none)
	ssgv  []int64
	step  []int8
	broke []bool

	earn    [][]int64 // [bonus][distributor], final
	raw     [][]int64 // [bonus][distributor], before payout scaling; kept for matched bonuses only
	pool    []int64   // per bonus: pool amount
	poolSh  [][]int32 // per bonus: shares per distributor
	poolTot []int64
	minRank []int8 // per bonus
	totals  []int64
	total   int64
	totalCV int64
	budget  int64
	scale   Rate
	lines   lineStore
}

// EvaluateVolumes evaluates the plan over the aggregated volumes and the
// state carried in (nil for none).
func EvaluateVolumes(a *Aggregator, st *State) (*Result, error) {
	p, t := a.plan.resolved(), a.tree
	if err := p.checkComputable(); err != nil {
		return nil, err
	}
	n := t.Len()
	r := &Result{plan: p, tree: t, period: a.period, scale: Rate{1, 1}}
	r.cuv, r.pcv = make([]int64, n), make([]int64, n)
	r.active = make([]bool, n)
	hasFast, hasBV := false, false
	for _, b := range p.Bonuses {
		hasFast = hasFast || b.Kind == KindFastStart
		hasBV = hasBV || slices.Contains(b.Basis, BasisBV)
	}
	if hasFast {
		r.fsv = make([]int64, n)
	}
	if hasBV {
		r.bv = make([]int64, n)
	}
	for i := range a.vol {
		v := &a.vol[i]
		r.cuv[i], r.pcv[i] = v.cuv, v.pcv
		r.active[i] = t.status[i] == StatusActive && v.cuv >= p.Active.MinCuV && int(v.custOrders) >= p.Active.MinCustomerOrders
		if hasFast {
			r.fsv[i] = v.fsv
		}
		if hasBV {
			r.bv[i] = v.bv
		}
	}
	r.volumes()
	r.carryIn(st, a)
	r.groupVolume()
	r.ranks()
	r.gates(a)
	r.earn = make([][]int64, len(p.Bonuses))
	r.raw = make([][]int64, len(p.Bonuses))
	r.pool = make([]int64, len(p.Bonuses))
	r.poolSh = make([][]int32, len(p.Bonuses))
	r.poolTot = make([]int64, len(p.Bonuses))
	r.minRank = make([]int8, len(p.Bonuses))
	matched := make([]bool, len(p.Bonuses))
	cnLeft := r.cnAllowances()
	for bi := range p.Bonuses {
		b := &p.Bonuses[bi]
		r.minRank[bi] = int8(p.RankIndex(b.MinRank))
		for _, m := range b.Matches {
			matched[p.BonusIndex(m)] = true
		}
	}
	for bi := range p.Bonuses {
		b := &p.Bonuses[bi]
		r.earn[bi] = make([]int64, n)
		switch b.Kind {
		case KindDirect:
			r.direct(bi, b)
		case KindUnilevel:
			r.unilevel(bi, b)
		case KindStairStep:
			r.stairStep(bi, b)
		case KindBinary:
			r.binary(bi, b)
		case KindMatching:
			r.matching(bi, b)
		case KindFastStart:
			r.fastStart(bi, b)
		case KindPool:
			r.poolBonus(bi, b)
		}
		r.applyCap(bi, b)
		if b.Kind == KindDirect {
			r.cnCap(bi, cnLeft)
		}
		if matched[bi] {
			r.raw[bi] = slices.Clone(r.earn[bi])
		}
	}
	r.payoutCap()
	return r, nil
}

// checkComputable refuses plans the engine must never pay (PL-01, PL-03).
func (p *Plan) checkComputable() error {
	for _, r := range p.Ranks {
		for _, q := range r.Requires {
			switch q.Metric {
			case MetricEnrolledCount, MetricActiveParticipants, MetricTeamSize:
				return fmt.Errorf("rank %s: metric %q counts participants, which the engine never computes (PL-05)", r.ID, q.Metric)
			}
		}
	}
	for _, b := range p.Bonuses {
		switch b.Trigger {
		case TriggerCustomerOrder, TriggerPeriodVolume:
		default:
			return fmt.Errorf("bonus %s: trigger %q pays for enrolment or fees, which the engine never computes (PL-01)", b.ID, b.Trigger)
		}
	}
	return nil
}

// volumes computes RPCV and PV (TX-03).
func (r *Result) volumes() {
	n := r.tree.Len()
	r.rpcv = make([]int64, n)
	r.pv = make([]int64, n)
	for i := range n {
		if r.pcv[i] > 0 {
			r.rpcv[i] = r.plan.RewardablePersonalUse(r.cuv[i], r.pcv[i])
		}
		r.pv[i] = r.cuv[i] + r.rpcv[i]
	}
}

// RewardablePersonalUse is TX-03 for one distributor and period: the part
// of personal-use volume pcv that is commissionable next to customer volume
// cuv, min(pcv, cap, cuv × s/(1−s)) rounded down (0 without a personal-use
// rule).
func (p *Plan) RewardablePersonalUse(cuv, pcv int64) int64 {
	pu := p.Volume.PersonalUse
	if pu == nil || pcv <= 0 || cuv <= 0 || pu.Share.Num >= pu.Share.Den {
		return 0
	}
	v := pcv
	if pu.Cap > 0 {
		v = min(v, pu.Cap)
	}
	// CuV × s/(1−s), rounded down so the share cap holds.
	return min(v, floorMulDiv(cuv, pu.Share.Num, pu.Share.Den-pu.Share.Num))
}

// floorMulDiv returns floor(a×b/c) for a, b ≥ 0 and c > 0.
func floorMulDiv(a, b, c int64) int64 {
	if a <= 0 || b <= 0 {
		return 0
	}
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	if hi >= uint64(c) {
		return 1<<63 - 1
	}
	q, _ := bits.Div64(hi, lo, uint64(c))
	return int64(min(q, 1<<63-1))
}

// carryIn maps the carried state onto indices and merges this period's
// customers into the trailing-12-month sets.
func (r *Result) carryIn(st *State, a *Aggregator) {
	n := r.tree.Len()
	p := r.plan
	r.paid = make([]int8, n)
	r.title = make([]int8, n)
	r.graceUsed = make([]int16, n)
	var prevPaid []int8
	hasBinary := slices.ContainsFunc(p.Bonuses, func(b Bonus) bool { return b.Kind == KindBinary })
	if hasBinary {
		r.carryL, r.carryR = make([]int64, n), make([]int64, n)
		r.carryAge = make([]int32, n)
	}
	cur := monthIndex(r.period.Name)
	seen := map[int32][]CustomerSeen{}
	if st != nil {
		prevPaid = make([]int8, n)
		for _, c := range st.Distributors {
			k := r.tree.lookup.find(c.ID)
			if k < 0 {
				continue
			}
			r.title[k] = int8(p.RankIndex(c.TitleRank))
			prevPaid[k] = int8(p.RankIndex(c.PaidRank))
			r.graceUsed[k] = int16(c.GraceUsed)
			if hasBinary {
				r.carryL[k], r.carryR[k], r.carryAge[k] = c.CarryLeft, c.CarryRight, int32(c.CarryAge)
			}
			if a.needCustomers {
				for _, cs := range c.Customers {
					if m := monthIndex(cs.Period); m >= 0 && cur-m < 12 && cur-m > 0 {
						seen[k] = append(seen[k], cs)
					}
				}
			}
		}
	}
	r.prevPaid = prevPaid
	if !a.needCustomers {
		return
	}
	r.cust12 = make([]int32, n)
	for k, m := range a.customers {
		list := seen[k]
		for c := range m {
			if j := slices.IndexFunc(list, func(x CustomerSeen) bool { return x.ID == c }); j >= 0 {
				list[j].Period = r.period.Name
			} else {
				list = append(list, CustomerSeen{ID: c, Period: r.period.Name})
			}
		}
		seen[k] = list
	}
	for k, list := range seen {
		slices.SortFunc(list, func(x, y CustomerSeen) int { return cmpString(x.ID, y.ID) })
		r.cust12[k] = int32(len(list))
	}
	r.custSeen = seen
	for k, c := range a.activeCustomers {
		r.cust12[k] = c
	}
}

// groupVolume computes GV bottom-up: one reverse pass over the canonical
// order, each distributor adding its finished GV to its sponsor's.
func (r *Result) groupVolume() {
	t := r.tree
	r.gv = slices.Clone(r.pv)
	for i := t.n - 1; i > 0; i-- {
		if p := t.parent[i]; p >= 0 {
			r.gv[p] += r.gv[i]
		}
	}
}

// gates computes, per distributor, which gates withhold multi-level pay.
func (r *Result) gates(a *Aggregator) {
	g := r.plan.Gates
	n := r.tree.Len()
	r.gate = make([]uint8, n)
	r.sellThrough(a)
	r.companyTest(a)
	if g.MinActiveCustomers > 0 {
		for i := range n {
			if r.cust12 == nil || int(r.cust12[i]) < g.MinActiveCustomers {
				r.gate[i] |= flagTX06
			}
		}
	}
	if !g.CustomerShareMin.IsZero() {
		t := r.tree
		oc, ot := make([]int64, n), make([]int64, n)
		for i := range a.vol {
			oc[i], ot[i] = a.vol[i].custRev, a.vol[i].totRev
		}
		for i := n - 1; i >= 0; i-- {
			// Children have larger indices: their sums are complete.
			if p := t.parent[i]; p >= 0 {
				oc[p] += oc[i]
				ot[p] += ot[i]
			}
			if ot[i] <= 0 {
				continue
			}
			// Pass only when oc/ot > min, i.e. oc×den > num×ot.
			if oc[i] <= 0 {
				r.gate[i] |= flagTX04
				continue
			}
			h1, l1 := bits.Mul64(uint64(oc[i]), uint64(g.CustomerShareMin.Den))
			h2, l2 := bits.Mul64(uint64(ot[i]), uint64(g.CustomerShareMin.Num))
			if h1 < h2 || h1 == h2 && l1 <= l2 {
				r.gate[i] |= flagTX04
			}
		}
	}
}

// sellThrough sets flagTX05 on every distributor whose sell-through
// resold/bought is below the minimum (only distributors with figures).
func (r *Result) sellThrough(a *Aggregator) {
	m := r.plan.Gates.SellThroughMin
	if m.IsZero() {
		return
	}
	for k, st := range a.sellThrough {
		if st.Bought <= 0 {
			continue
		}
		// Fail when resold/bought < num/den, i.e. resold×den < num×bought.
		h1, l1 := bits.Mul64(uint64(max(st.Resold, 0)), uint64(m.Den))
		h2, l2 := bits.Mul64(uint64(st.Bought), uint64(m.Num))
		if h1 < h2 || h1 == h2 && l1 < l2 {
			r.gate[k] |= flagTX05
		}
	}
}

// cnAllowances returns, for TX-12, the pay allowance of each CN-resident
// distributor (CNOwnSalesCap × own CuV, rounded down), keyed by index, and
// sets their flagTX12 so that they earn no multi-level pay. It returns nil
// when the gate is off.
func (r *Result) cnAllowances() map[int32]int64 {
	c := r.plan.Gates.CNOwnSalesCap
	if c.IsZero() {
		return nil
	}
	m := map[int32]int64{}
	for k, i := range r.tree.jx {
		if r.tree.jxCode[k] == JurisdictionCN {
			r.gate[i] |= flagTX12
			m[i] = r.cnAllowance(int(i))
		}
	}
	return m
}

func (r *Result) cnAllowance(i int) int64 {
	c := r.plan.Gates.CNOwnSalesCap
	return floorMulDiv(r.cuv[i], c.Num, c.Den)
}

// cnCap adds, after direct bonus bi, a negative adjustment line (TX-12)
// for every CN-resident earner whose direct pay so far exceeds its
// allowance; left holds each one's remaining allowance. Earners are taken
// in index order, so the lines are deterministic.
func (r *Result) cnCap(bi int, left map[int32]int64) {
	if left == nil {
		return
	}
	for k, i := range r.tree.jx {
		if r.tree.jxCode[k] != JurisdictionCN {
			continue
		}
		v := r.earn[bi][i]
		take := min(v, max(left[i], 0))
		if v > take {
			r.lines.add(i, i, take-v, packMeta(bi, 0, flagCap|flagTX12))
			r.earn[bi][i] = take
		}
		left[i] -= take
	}
}

// basisVol returns the bonus's basis volume of distributor i: the sum of
// its named volumes, never negative.
func (r *Result) basisVol(b *Bonus, i int) int64 {
	var v int64
	for _, bs := range b.Basis {
		switch bs {
		case BasisCuV:
			v += max(r.cuv[i], 0)
		case BasisRPCV:
			v += r.rpcv[i]
		case BasisBV:
			v += max(r.bv[i], 0)
		}
	}
	return v
}

// emit appends a line and adds its amount to the earner's earnings. A
// gate that withholds the earner's multi-level pay zeroes the amount and
// is recorded in the line's flags.
func (r *Result) emit(bi int, earner, source int, amount int64, level, flags int) {
	r.emitTo(&r.lines, r.earn[bi], bi, earner, source, amount, level, flags)
}

// emitTo is emit into a given line store and earnings array (one half of
// parallelSources; nil earn adds to none).
func (r *Result) emitTo(lines *lineStore, earn []int64, bi int, earner, source int, amount int64, level, flags int) {
	if g := int(r.gate[earner]); g != 0 && r.plan.Bonuses[bi].Kind.IsOverride() {
		flags |= g
		amount = 0
	}
	lines.add(int32(earner), int32(source), amount, packMeta(bi, level, flags))
	if earn != nil {
		earn[earner] += amount
	}
}

func (r *Result) direct(bi int, b *Bonus) {
	r.parallelSources(bi, func(from, to int, lines *lineStore, earn []int64) {
		for i := from; i < to; i++ {
			if r.tree.status[i] != StatusActive || r.paid[i] < r.minRank[bi] {
				continue
			}
			if v := r.basisVol(b, i); v > 0 {
				r.emitTo(lines, earn, bi, i, i, MulRound(v, b.Rate, Rate{1, 1}), 0, 0)
			}
		}
	})
}

// parallelSources runs gen over two fixed halves of the source range,
// each with its own line store, then appends the second half's lines
// after the first's: the outcome is identical to one sequential pass for
// any GOMAXPROCS. The first half adds to the bonus's earnings as it goes;
// the second gets earn == nil and its earnings are summed from its lines
// afterwards, which saves a fresh n-sized array (fresh pages are costly).
func (r *Result) parallelSources(bi int, gen func(from, to int, lines *lineStore, earn []int64)) {
	n := r.tree.n
	if n < 1<<15 {
		gen(0, n, &r.lines, r.earn[bi])
		return
	}
	mid := n / 2
	var second lineStore
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		gen(mid, n, &second, nil)
	}()
	gen(0, mid, &r.lines, r.earn[bi])
	wg.Wait()
	earn := r.earn[bi]
	start := 0
	for c, ch := range second.chunks {
		amount := ch.amount[:second.ends[c]-start]
		start = second.ends[c]
		for k, e := range ch.earner[:len(amount)] {
			earn[e] += amount[k]
		}
	}
	r.lines.appendStore(&second)
}

func (r *Result) fastStart(bi int, b *Bonus) {
	t := r.tree
	for s := range t.n {
		if r.fsv[s] <= 0 {
			continue
		}
		a := t.parent[s]
		if a < 0 || !r.active[a] || r.paid[a] < r.minRank[bi] {
			continue
		}
		r.emit(bi, int(a), s, MulRound(r.fsv[s], b.Rate, Rate{1, 1}), 1, 0)
	}
}

// applyCap adds a negative adjustment line for every earner whose
// earnings in the bonus exceed its per-distributor cap.
func (r *Result) applyCap(bi int, b *Bonus) {
	if b.Cap <= 0 {
		return
	}
	for e, v := range r.earn[bi] {
		if v > b.Cap {
			r.lines.add(int32(e), int32(e), b.Cap-v, packMeta(bi, 0, flagCap))
			r.earn[bi][e] = b.Cap
		}
	}
}
