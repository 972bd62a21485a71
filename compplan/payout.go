package compplan

import (
	"math/bits"
	"sync"
)

// scaleDen is the denominator of the payout-cap scale factor: the factor is
// an exact decimal with nine places, rounded down so that the cap holds.
const scaleDen = 1_000_000_000

// payoutCap enforces TX-08: when direct plus overrides exceed PayoutCap ×
// total CV, every override line is recomputed as basis × rate × S,
// rounded once, with S the largest nine-place decimal for which the
// rounded total stays within the cap. Direct commission is never scaled.
func (r *Result) payoutCap() {
	p := r.plan
	n := r.tree.Len()
	for i := range n {
		r.totalCV += r.pv[i]
	}
	r.totalCV = max(r.totalCV, 0)
	r.totals = make([]int64, len(p.Bonuses))
	var direct, over int64
	for bi, b := range p.Bonuses {
		var s int64
		for _, v := range r.earn[bi] {
			s += v
		}
		r.totals[bi] = s
		if b.Kind.IsOverride() {
			over += s
		} else {
			direct += s
		}
	}
	r.total = direct + over
	if p.Gates.PayoutCap.IsZero() {
		return
	}
	r.budget = floorMulDiv(r.totalCV, p.Gates.PayoutCap.Num, p.Gates.PayoutCap.Den)
	if r.total <= r.budget || over <= 0 {
		return
	}
	avail := max(r.budget-direct, 0)
	sNum := floorMulDiv(avail, scaleDen, over)
	for {
		r.scale = reduce(sNum, scaleDen)
		total := r.rescale()
		if total <= r.budget || sNum == 0 {
			return
		}
		// Rounding half away from zero pushed the total over the cap:
		// lower S by at least the excess, then recompute.
		hi, lo := bits.Mul64(uint64(total-r.budget), scaleDen)
		step, _ := bits.Div64(hi, lo, uint64(over))
		sNum = max(sNum-int64(step)-1, 0)
	}
}

// rescale recomputes every override line with r.scale and returns the new
// grand total.
func (r *Result) rescale() int64 {
	p := r.plan
	for bi, b := range p.Bonuses {
		if b.Kind.IsOverride() {
			clear(r.earn[bi])
		}
	}
	override := make([]bool, len(p.Bonuses))
	for bi, b := range p.Bonuses {
		override[bi] = b.Kind.IsOverride()
	}
	scalable := func(meta uint32) bool {
		return override[meta&0xff] && int(meta>>16)&(flagTX04|flagTX06|flagQual) == 0
	}
	// Phase 1, in two parallel halves: every scalable line but cap
	// adjustments is recomputed from its basis and rate.
	n := r.lines.n
	var wg sync.WaitGroup
	for _, h := range [][2]int{{0, n / 2}, {n / 2, n}} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.lines.each(h[0], h[1], func(_ int, ch *lineChunk, k int) {
				meta := ch.meta[k]
				if !scalable(meta) || int(meta>>16)&flagCap != 0 {
					return
				}
				basis, rate := r.lineBasisRec(ch.earner[k], ch.source[k], meta)
				ch.amount[k] = MulRound(basis, rate, r.scale)
				ch.meta[k] = meta | flagScale<<16
			})
		}()
	}
	wg.Wait()
	// Phase 2, in line order: earnings, and cap adjustments, which follow
	// all of their earner's lines of that bonus. Two halves of the earners
	// each scan every line and take their own: each earner's lines are
	// still taken in order, by one goroutine, for any GOMAXPROCS.
	half := int32(r.tree.n / 2)
	for _, h := range [][2]int32{{0, half}, {half, int32(r.tree.n)}} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.lines.each(0, n, func(_ int, ch *lineChunk, k int) {
				e, meta := ch.earner[k], ch.meta[k]
				if e < h[0] || e >= h[1] || !scalable(meta) {
					return
				}
				bi := int(meta & 0xff)
				if int(meta>>16)&flagCap != 0 {
					ch.amount[k] = min(0, MulRound(p.Bonuses[bi].Cap, Rate{1, 1}, r.scale)-r.earn[bi][e])
					ch.meta[k] = meta | flagScale<<16
				}
				r.earn[bi][e] += ch.amount[k]
			})
		}()
	}
	wg.Wait()
	var total int64
	for bi := range p.Bonuses {
		var s int64
		for _, v := range r.earn[bi] {
			s += v
		}
		r.totals[bi] = s
		total += s
	}
	r.total = total
	return total
}
