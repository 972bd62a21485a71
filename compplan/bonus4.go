package compplan

import (
	"fmt"
	"strings"
)

// Issue-4 bonus kinds: stair-step with breakaway generations, binary,
// matching and pools. Fast start is in evaluate.go with direct and
// unilevel.

// stepRate returns the stair-step percentage of step k (0 = no step).
func stepRate(b *Bonus, k int8) Rate {
	if k <= 0 {
		return Rate{0, 1}
	}
	return b.Steps[k-1].Rate
}

// stairStep pays each distributor its step's percentage on its own volume
// and the difference between its percentage and each leg head's on that
// leg's group volume; legs at the top step break away (their volume leaves
// the upline's group volume) and pay generation royalties to qualified
// top-step uplines.
func (r *Result) stairStep(bi int, b *Bonus) {
	t := r.tree
	n := t.n
	top := int8(len(b.Steps))
	r.ssgv = make([]int64, n)
	r.step = make([]int8, n)
	r.broke = make([]bool, n)
	for i := range n {
		r.ssgv[i] = r.basisVol(b, i)
	}
	for i := n - 1; i >= 0; i-- {
		// Children (larger indices) have already added their groups.
		k := int8(0)
		for k < top && r.ssgv[i] >= b.Steps[k].MinGV {
			k++
		}
		r.step[i] = k
		p := t.parent[i]
		r.broke[i] = k == top && p >= 0
		if p >= 0 && !r.broke[i] {
			r.ssgv[p] += r.ssgv[i]
		}
	}
	one := Rate{1, 1}
	for i := range n {
		if !r.active[i] || r.paid[i] < r.minRank[bi] {
			continue
		}
		own := stepRate(b, r.step[i])
		if v := r.basisVol(b, i); v > 0 && !own.IsZero() {
			r.emit(bi, i, i, MulRound(v, own, one), 0, 0)
		}
		for _, c := range t.Children(i) {
			if r.broke[c] || r.ssgv[c] <= 0 {
				continue
			}
			if d := own.Sub(stepRate(b, r.step[c])); !d.IsZero() {
				r.emit(bi, i, int(c), MulRound(r.ssgv[c], d, one), 1, 0)
			}
		}
	}
	if len(b.Generations) == 0 {
		return
	}
	// ta: nearest strict ancestor at the top step.
	ta := make([]int32, n)
	for i := range n {
		p := t.parent[i]
		switch {
		case p < 0:
			ta[i] = -1
		case r.step[p] == top:
			ta[i] = p
		default:
			ta[i] = ta[p]
		}
	}
	G := len(b.Generations)
	for s := range n {
		if !r.broke[s] || r.ssgv[s] <= 0 {
			continue
		}
		g := 1
		for a := ta[s]; a >= 0 && g <= G; a = ta[a] {
			gen := &b.Generations[g-1]
			if r.active[a] && r.paid[a] >= max(r.minRank[bi], gen.minRank) && r.basisVol(b, int(a)) >= gen.MinPV {
				r.emit(bi, int(a), s, MulRound(r.ssgv[s], gen.Rate, one), g, flagGen)
			}
			g++
		}
	}
}

// binary pays on the weaker side of each distributor's placement legs.
func (r *Result) binary(bi int, b *Bonus) {
	t := r.tree
	n := t.n
	r.binL, r.binR, r.matched = make([]int64, n), make([]int64, n), make([]int64, n)
	if !t.hasPlacement {
		return
	}
	sub := make([]int64, n)
	for j := len(t.porder) - 1; j >= 0; j-- {
		i := t.porder[j]
		v := r.basisVol(b, int(i))
		for _, c := range t.pchild[i] {
			if c >= 0 {
				v += sub[c]
			}
		}
		sub[i] = v
	}
	var pre, size []int32
	if b.QualifySponsoredActive > 0 {
		pre, size = placementIntervals(t)
	}
	one := Rate{1, 1}
	for i := range n {
		var newL, newR int64
		if c := t.pchild[i][0]; c >= 0 {
			newL = sub[c]
		}
		if c := t.pchild[i][1]; c >= 0 {
			newR = sub[c]
		}
		L, R := r.carryL[i]+newL, r.carryR[i]+newR
		r.binL[i], r.binR[i] = L, R
		if !r.active[i] {
			if b.FlushInactive {
				L, R = 0, 0
			}
			r.carryOut(b, i, L, R, false)
			continue
		}
		if r.paid[i] < r.minRank[bi] {
			r.carryOut(b, i, L, R, false)
			continue
		}
		cycles, usedL, usedR := int64(0), min(L, R), min(L, R)
		if b.Cycle != nil {
			cycles = min(L/b.Cycle.Left, R/b.Cycle.Right)
			usedL, usedR = cycles*b.Cycle.Left, cycles*b.Cycle.Right
		}
		if usedL <= 0 {
			r.carryOut(b, i, L, R, false)
			continue
		}
		if b.QualifySponsoredActive > 0 && !r.binaryQualified(b, i, pre, size) {
			// Not qualified: nothing is matched; the volume carries.
			r.lines.add(int32(i), int32(i), 0, packMeta(bi, 0, flagQual))
			r.carryOut(b, i, L, R, false)
			continue
		}
		r.matched[i] = usedL
		pay := MulRound(usedL, b.Rate, one)
		if b.Cycle != nil {
			pay = cycles * b.Cycle.Amount
		}
		r.emit(bi, i, i, pay, 0, 0)
		r.carryOut(b, i, L-usedL, R-usedR, true)
	}
}

// carryOut records i's binary carry-out, applying the carry cap and the
// expiry of carry that has gone unmatched for CarryExpiry periods.
func (r *Result) carryOut(b *Bonus, i int, L, R int64, matched bool) {
	if b.CarryCap > 0 {
		L, R = min(L, b.CarryCap), min(R, b.CarryCap)
	}
	L, R = max(L, 0), max(R, 0)
	switch {
	case matched || L == 0 && R == 0:
		r.carryAge[i] = 0
	default:
		r.carryAge[i]++
		if b.CarryExpiry > 0 && int(r.carryAge[i]) >= b.CarryExpiry {
			L, R, r.carryAge[i] = 0, 0, 0
		}
	}
	r.carryL[i], r.carryR[i] = L, R
}

// placementIntervals numbers the placement forest in preorder: c is in the
// placement subtree of x when pre[x] <= pre[c] < pre[x]+size[x].
func placementIntervals(t *Tree) (pre, size []int32) {
	n := t.n
	pre, size = make([]int32, n), make([]int32, n)
	for j := len(t.porder) - 1; j >= 0; j-- {
		i := t.porder[j]
		size[i]++
		if p := t.pparent[i]; p >= 0 {
			size[p] += size[i]
		}
	}
	next := int32(0)
	for _, i := range t.porder {
		if t.pparent[i] < 0 {
			pre[i] = next
			next += size[i]
		}
		at := pre[i] + 1
		for _, c := range t.pchild[i] {
			if c >= 0 {
				pre[c] = at
				at += size[c]
			}
		}
	}
	return pre, size
}

// binaryQualified reports whether i has the required number of active
// personally sponsored distributors in each placement leg.
func (r *Result) binaryQualified(b *Bonus, i int, pre, size []int32) bool {
	t := r.tree
	var cnt [2]int
	for _, c := range t.Children(i) {
		if !r.active[c] {
			continue
		}
		for side, x := range t.pchild[i] {
			if x >= 0 && pre[x] <= pre[c] && pre[c] < pre[x]+size[x] {
				cnt[side]++
			}
		}
	}
	return cnt[0] >= b.QualifySponsoredActive && cnt[1] >= b.QualifySponsoredActive
}

// matchedEarnings returns what distributor s earned, before payout
// scaling, from the bonuses a matching bonus matches.
func (r *Result) matchedEarnings(b *Bonus, s int) int64 {
	var v int64
	for _, k := range b.matchIdx {
		v += r.raw[k][s]
	}
	return v
}

// matching pays generation g's rate on the matched earnings of the
// distributors g sponsor levels below, to uplines whose rank unlocks it.
func (r *Result) matching(bi int, b *Bonus) {
	t := r.tree
	one := Rate{1, 1}
	G := len(b.Generations)
	r.parallelSources(bi, func(from, to int, lines *lineStore, earn []int64) {
		for s := from; s < to; s++ {
			basis := r.matchedEarnings(b, s)
			if basis <= 0 {
				continue
			}
			g := 1
			for a := t.parent[s]; a >= 0 && g <= G; a = t.parent[a] {
				gen := &b.Generations[g-1]
				if r.active[a] && r.paid[a] >= max(r.minRank[bi], gen.minRank) && !gen.Rate.IsZero() {
					r.emitTo(lines, earn, bi, int(a), s, MulRound(basis, gen.Rate, one), g, 0)
				}
				g++
			}
		}
	})
}

// poolBonus shares Rate × company-wide volume among qualifying
// distributors by shares.
func (r *Result) poolBonus(bi int, b *Bonus) {
	n := r.tree.n
	var base int64
	for i := range n {
		base += r.basisVol(b, i)
	}
	P := MulRound(base, b.Rate, Rate{1, 1})
	r.pool[bi] = P
	sh := make([]int32, n)
	var tot int64
	for i := range n {
		if !r.active[i] || r.paid[i] < r.minRank[bi] {
			continue
		}
		w := 1
		if b.Shares == SharesRankWeights {
			w = b.RankWeights[r.plan.RankID(int(r.paid[i]))]
		}
		sh[i] = int32(w)
		tot += int64(w)
	}
	r.poolSh[bi], r.poolTot[bi] = sh, tot
	if tot == 0 || P <= 0 {
		return
	}
	for i := range n {
		if sh[i] > 0 {
			r.emit(bi, i, i, MulRound(P, Rate{int64(sh[i]), tot}, Rate{1, 1}), 0, 0)
		}
	}
}

func (r *Result) lineBasis4(b *Bonus, e, s, level, flags int) (int64, Rate) {
	switch b.Kind {
	case KindStairStep:
		switch {
		case flags&flagGen != 0:
			return r.ssgv[s], b.Generations[level-1].Rate
		case e == s:
			return r.basisVol(b, s), stepRate(b, r.step[e])
		default:
			return r.ssgv[s], stepRate(b, r.step[e]).Sub(stepRate(b, r.step[s]))
		}
	case KindBinary:
		m := r.matched[e]
		if flags&flagQual != 0 {
			m = min(r.binL[e], r.binR[e])
			if b.Cycle != nil {
				m = min(r.binL[e]/b.Cycle.Left, r.binR[e]/b.Cycle.Right) * b.Cycle.Left
			}
		}
		if b.Cycle != nil {
			return m / b.Cycle.Left * b.Cycle.Amount, Rate{1, 1}
		}
		return m, b.Rate
	case KindMatching:
		return r.matchedEarnings(b, s), b.Generations[level-1].Rate
	case KindPool:
		bi := r.plan.BonusIndex(b.ID)
		return r.pool[bi], reduce(int64(r.poolSh[bi][e]), r.poolTot[bi])
	}
	return 0, Rate{0, 1}
}

func (r *Result) explain4(sb *strings.Builder, j int, l Line) {
	p := r.plan
	m := func(v int64) string { return FormatMoney(v, p.MinorDigits) }
	b := &p.Bonuses[p.BonusIndex(l.Bonus)]
	e, _ := r.Index(l.Earner)
	s, _ := r.Index(l.Source)
	_, _, _, meta := r.lines.at(j)
	flags := int(meta >> 16)
	switch l.Kind {
	case KindStairStep:
		switch {
		case flags&flagGen != 0:
			fmt.Fprintf(sb, "%s generation %d royalty: %s%% of breakaway %d's group volume %s", l.Bonus, l.CompressedLevel, l.Rate.Percent(), l.Source, m(l.Basis))
		case l.Earner == l.Source:
			fmt.Fprintf(sb, "%s own volume: step %d (%s%%) on PV %s", l.Bonus, r.step[e], l.Rate.Percent(), m(l.Basis))
		default:
			fmt.Fprintf(sb, "%s differential: own step %d (%s%%) minus leg head %d's step %d (%s%%) = %s%% of that leg's group volume %s",
				l.Bonus, r.step[e], stepRate(b, r.step[e]).Percent(), l.Source, r.step[s], stepRate(b, r.step[s]).Percent(), l.Rate.Percent(), m(l.Basis))
		}
	case KindBinary:
		fmt.Fprintf(sb, "%s: left %s, right %s", l.Bonus, m(r.binL[e]), m(r.binR[e]))
		if b.Cycle != nil {
			fmt.Fprintf(sb, "; %d cycles of %s/%s at %s", l.Basis/max(b.Cycle.Amount, 1), m(b.Cycle.Left), m(b.Cycle.Right), m(b.Cycle.Amount))
		} else {
			fmt.Fprintf(sb, "; %s%% of matched %s", l.Rate.Percent(), m(l.Basis))
		}
		fmt.Fprintf(sb, "; carry-out %s/%s", m(r.carryL[e]), m(r.carryR[e]))
	case KindMatching:
		fmt.Fprintf(sb, "%s generation %d: %s%% of %d's %s earnings %s", l.Bonus, l.CompressedLevel, l.Rate.Percent(), l.Source, strings.Join(b.Matches, "+"), m(l.Basis))
	case KindPool:
		bi := p.BonusIndex(l.Bonus)
		fmt.Fprintf(sb, "%s: %d of %d shares of the pool %s (%s%% of company volume)", l.Bonus, r.poolSh[bi][e], r.poolTot[bi], m(l.Basis), b.Rate.Percent())
	}
}
