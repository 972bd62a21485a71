package compplan

import (
	"math/big"
	"math/bits"
	"sync"
)

// scaleDen is the denominator of the payout-cap scale factor: the factor is
// an exact decimal with nine places, rounded down so that the cap holds.
const scaleDen = 1_000_000_000

// CompanyTest is the outcome of the TX-07 company-level end-user tests:
// the window totals tested, the two shares, and the factor f applied to
// every multi-level line (1 when both tests pass or the plan has no TX-07).
type CompanyTest struct {
	// Enabled is set when the plan runs the test; Window12 when the totals
	// are the caller's trailing-12-month figures (else this period's).
	Enabled, Window12  bool
	Revenue, CuV, RPCV int64
	// EndUser = (CuV + RPCV) / Revenue and CustomerCV = CuV / (CuV + RPCV),
	// exact (0/1 when undefined).
	EndUser, CustomerCV Rate
	// Fired is set when either test failed; Factor is then
	// min(EU/eu_min, CSH/csh_min, 1) rounded down to nine decimal places.
	Fired  bool
	Factor Rate
}

// companyTest runs TX-07 on the caller's window totals, or on this
// period's totals when there are none.
func (r *Result) companyTest(a *Aggregator) {
	g := &r.plan.Gates
	r.company = CompanyTest{Factor: Rate{1, 1}, EndUser: Rate{0, 1}, CustomerCV: Rate{0, 1}}
	if !g.RunsCompanyTest() {
		return
	}
	c := &r.company
	c.Enabled = true
	if a.company != nil {
		c.Window12 = true
		c.Revenue, c.CuV, c.RPCV = a.company.Revenue, a.company.CuV, a.company.RPCV
	} else {
		for i := range a.vol {
			c.Revenue += a.vol[i].totRev
			c.CuV += r.cuv[i]
			c.RPCV += r.rpcv[i]
		}
	}
	pv := c.CuV + c.RPCV
	f := big.NewRat(1, 1)
	if c.Revenue > 0 {
		eu := big.NewRat(max(pv, 0), c.Revenue)
		c.EndUser = ratRate(eu)
		if m := g.EndUserMin; !m.IsZero() && eu.Cmp(big.NewRat(m.Num, m.Den)) < 0 {
			c.Fired = true
			f = minRat(f, eu.Quo(eu, big.NewRat(m.Num, m.Den)))
		}
	}
	if pv > 0 {
		csh := big.NewRat(max(c.CuV, 0), pv)
		c.CustomerCV = ratRate(csh)
		if m := g.CustomerCVMin; !m.IsZero() && csh.Cmp(big.NewRat(m.Num, m.Den)) < 0 {
			c.Fired = true
			f = minRat(f, csh.Quo(csh, big.NewRat(m.Num, m.Den)))
		}
	}
	if c.Fired {
		q := new(big.Int).Mul(f.Num(), big.NewInt(scaleDen))
		q.Quo(q, f.Denom())
		c.Factor = reduce(q.Int64(), scaleDen)
	}
}

func minRat(a, b *big.Rat) *big.Rat {
	if b.Cmp(a) < 0 {
		return b
	}
	return a
}

// ratRate returns x as a Rate when it fits, else rounded down to nine
// decimal places.
func ratRate(x *big.Rat) Rate {
	if x.Num().IsInt64() && x.Denom().IsInt64() {
		return Rate{x.Num().Int64(), x.Denom().Int64()}
	}
	q := new(big.Int).Mul(x.Num(), big.NewInt(scaleDen))
	q.Quo(q, x.Denom())
	return reduce(q.Int64(), scaleDen)
}

// Company returns the TX-07 company test of the run: whether it fired and
// the factor it applied to multi-level pay.
func (r *Result) Company() CompanyTest { return r.company }

// ScaledBy names the gates that set the scale factor of multi-level lines:
// "TX-07", "TX-08", "TX-07,TX-08" (both bounds equal) or "" (not scaled).
func (r *Result) ScaledBy() string {
	switch r.scaleBy {
	case 1:
		return "TX-07"
	case 2:
		return "TX-08"
	case 3:
		return "TX-07,TX-08"
	}
	return ""
}

// payoutCap applies TX-07 and TX-08 to multi-level pay. TX-07 multiplies
// it by the company factor f; TX-08 then caps direct plus multi-level pay
// at PayoutCap × total CV. Both scale the same lines pro rata, so one
// factor S = min(f, cap factor) is applied: every multi-level line is
// recomputed as basis × rate × S, rounded once, with the cap factor the
// largest nine-place decimal for which the rounded total stays within the
// cap. Direct commission is never scaled.
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
	fNum := int64(scaleDen)
	if r.company.Fired {
		fNum = r.company.Factor.Num * (scaleDen / r.company.Factor.Den)
	}
	capNum := int64(scaleDen)
	capped := !p.Gates.PayoutCap.IsZero()
	if capped {
		r.budget = floorMulDiv(r.totalCV, p.Gates.PayoutCap.Num, p.Gates.PayoutCap.Den)
		if r.total > r.budget && over > 0 {
			capNum = floorMulDiv(max(r.budget-direct, 0), scaleDen, over)
		}
	}
	if over <= 0 || fNum >= scaleDen && capNum >= scaleDen {
		return
	}
	sNum := int64(scaleDen)
	if capNum < scaleDen {
		sNum = capNum
		for {
			r.scale = reduce(sNum, scaleDen)
			total := r.rescale()
			if total <= r.budget || sNum == 0 {
				break
			}
			// Rounding half away from zero pushed the total over the cap:
			// lower S by at least the excess, then recompute.
			hi, lo := bits.Mul64(uint64(total-r.budget), scaleDen)
			step, _ := bits.Div64(hi, lo, uint64(over))
			sNum = max(sNum-int64(step)-1, 0)
		}
		r.scaleBy = 2
	}
	// TX-07 below the cap factor: every line only shrinks, so the cap
	// still holds without another search.
	switch {
	case fNum < sNum:
		r.scale = reduce(fNum, scaleDen)
		r.rescale()
		r.scaleBy = 1
	case fNum == sNum:
		r.scaleBy |= 1
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
		return override[meta&0xff] && int(meta>>16)&flagWithheld == 0
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
