package compplan

import (
	"fmt"
	"slices"
	"strings"
)

// DistributorResult is one distributor's figures for the period.
type DistributorResult struct {
	ID                     ID
	Sponsor                ID
	CuV, PCV, RPCV, PV, GV int64
	Active                 bool
	PaidRank, TitleRank    string
	// CustomersTrailing is the distinct customers in the trailing 12
	// months (only counted when the plan uses it).
	CustomersTrailing int
	// Binary: left and right volume this period (carry-in plus new),
	// matched volume, and carry-out.
	BinaryLeft, BinaryRight, BinaryMatched, CarryLeft, CarryRight int64
	// StepGV and Step are the stair-step group volume (breakaway legs
	// excluded) and step (1-based, 0 = none); BrokeAway marks a leg head at
	// the top step.
	StepGV    int64
	Step      int
	BrokeAway bool
	// Withheld names the gates that withheld multi-level pay ("TX-06").
	Withheld string
	Earnings []int64 // per bonus, in plan order
	Total    int64
}

// Plan returns the plan the result was computed with.
func (r *Result) Plan() *Plan { return r.plan }

// Period returns the period evaluated.
func (r *Result) Period() Period { return r.period }

// Tree returns the tree the result is indexed by.
func (r *Result) Tree() *Tree { return r.tree }

// Len returns the number of distributors.
func (r *Result) Len() int { return r.tree.n }

// Index returns the result index of id.
func (r *Result) Index(id ID) (int, bool) { return r.tree.Index(id) }

// Totals returns the total paid per bonus, in plan order.
func (r *Result) Totals() []int64 { return r.totals }

// Total returns the total paid by all bonuses.
func (r *Result) Total() int64 { return r.total }

// TotalCV returns the company's commissionable volume (Σ PV = CuV + RPCV).
func (r *Result) TotalCV() int64 { return r.totalCV }

// Budget returns PayoutCap × TotalCV rounded down, or 0 without a cap.
func (r *Result) Budget() int64 { return r.budget }

// Scale returns the payout-cap scale factor applied to overrides (1 when
// the cap did not bind).
func (r *Result) Scale() Rate { return r.scale }

// Earned returns what distributor i earned from bonus bi.
func (r *Result) Earned(bi, i int) int64 { return r.earn[bi][i] }

// Distributor returns the figures of distributor i.
func (r *Result) Distributor(i int) DistributorResult {
	t := r.tree
	d := DistributorResult{ID: t.ids[i], CuV: r.cuv[i], PCV: r.pcv[i], RPCV: r.rpcv[i], PV: r.pv[i], GV: r.gv[i],
		Active: r.active[i], PaidRank: r.plan.RankID(int(r.paid[i])), TitleRank: r.plan.RankID(int(r.title[i]))}
	if p := t.parent[i]; p >= 0 {
		d.Sponsor = t.ids[p]
	}
	if r.cust12 != nil {
		d.CustomersTrailing = int(r.cust12[i])
	}
	if r.binL != nil {
		d.BinaryLeft, d.BinaryRight, d.BinaryMatched = r.binL[i], r.binR[i], r.matched[i]
		d.CarryLeft, d.CarryRight = r.carryL[i], r.carryR[i]
	}
	if r.ssgv != nil {
		d.StepGV, d.Step, d.BrokeAway = r.ssgv[i], int(r.step[i]), r.broke[i]
	}
	d.Withheld = gateNames(int(r.gate[i]))
	d.Earnings = make([]int64, len(r.earn))
	for bi := range r.earn {
		d.Earnings[bi] = r.earn[bi][i]
		d.Total += r.earn[bi][i]
	}
	return d
}

// LegVolume is the group volume of one leg (frontline member).
type LegVolume struct {
	Head ID
	GV   int64
}

// Legs returns distributor i's leg volumes, frontline by ascending ID.
func (r *Result) Legs(i int) []LegVolume {
	kids := r.tree.Children(i)
	out := make([]LegVolume, 0, len(kids))
	for _, c := range kids {
		out = append(out, LegVolume{Head: r.tree.ids[c], GV: r.gv[c]})
	}
	return out
}

func gateNames(flags int) string {
	var s []string
	if flags&flagTX04 != 0 {
		s = append(s, "TX-04")
	}
	if flags&flagTX05 != 0 {
		s = append(s, "TX-05")
	}
	if flags&flagTX06 != 0 {
		s = append(s, "TX-06")
	}
	if flags&flagTX12 != 0 {
		s = append(s, "TX-12")
	}
	if flags&flagQual != 0 {
		s = append(s, "qualification")
	}
	return strings.Join(s, ",")
}

// Line is one commission line in readable form.
type Line struct {
	Earner ID
	Bonus  string
	Kind   BonusKind
	Source ID // the distributor whose volume or earnings the line is on
	// Level is the uncompressed sponsor-tree distance from earner to
	// source; CompressedLevel the level (or generation) paid.
	Level, CompressedLevel int
	Basis                  int64
	Rate                   Rate
	Scale                  Rate // 1 unless the payout cap scaled the line
	Amount                 int64
	// Withheld names the gate or qualification that set Amount to zero.
	Withheld string
	// Cap marks a per-distributor cap adjustment (Amount ≤ 0).
	Cap bool
}

// NumLines returns the number of commission lines.
func (r *Result) NumLines() int { return r.lines.n }

// Line returns line j.
func (r *Result) Line(j int) Line {
	e, s, amt, meta := r.lines.at(j)
	bi := int(meta & 0xff)
	flags := int(meta >> 16)
	b := &r.plan.Bonuses[bi]
	l := Line{Earner: r.tree.ids[e], Bonus: b.ID, Kind: b.Kind, Source: r.tree.ids[s], CompressedLevel: int(meta>>8) & 0xff,
		Amount: amt, Scale: Rate{1, 1}, Cap: flags&flagCap != 0}
	if !l.Cap {
		l.Withheld = gateNames(flags)
	}
	l.Basis, l.Rate = r.lineBasis(j)
	if flags&flagScale != 0 {
		l.Scale = r.scale
	}
	if e != s && b.Kind != KindPool && b.Kind != KindBinary {
		l.Level = int(r.tree.depth[s] - r.tree.depth[e])
	}
	return l
}

// lineBasis derives a line's basis and rate from the bonus, the earner and
// the source: they are not stored.
func (r *Result) lineBasis(j int) (int64, Rate) {
	e, s, _, meta := r.lines.at(j)
	return r.lineBasisRec(e, s, meta)
}

func (r *Result) lineBasisRec(e, s int32, meta uint32) (int64, Rate) {
	bi := int(meta & 0xff)
	level := int(meta>>8) & 0xff
	flags := int(meta >> 16)
	b := &r.plan.Bonuses[bi]
	if flags&flagCap != 0 {
		if flags&flagTX12 != 0 {
			return r.cnAllowance(int(e)), Rate{1, 1}
		}
		return b.Cap, Rate{1, 1}
	}
	switch b.Kind {
	case KindDirect:
		return r.basisVol(b, int(s)), b.Rate
	case KindUnilevel:
		return r.basisVol(b, int(s)), b.Levels[level-1].Rate
	case KindFastStart:
		return r.fsv[s], b.Rate
	}
	return r.lineBasis4(b, int(e), int(s), level, flags)
}

// Explain renders line j as one sentence a person can check by hand.
func (r *Result) Explain(j int) string {
	l := r.Line(j)
	p := r.plan
	m := func(v int64) string { return FormatMoney(v, p.MinorDigits) }
	var sb strings.Builder
	if l.Cap {
		_, _, _, meta := r.lines.at(j)
		if int(meta>>16)&flagTX12 != 0 {
			e, _ := r.Index(l.Earner)
			fmt.Fprintf(&sb, "%d's pay capped by TX-12 (resident in CN: single level only, pay at most %s%% of own direct sales %s = %s): %s adjustment %s",
				l.Earner, p.Gates.CNOwnSalesCap.Percent(), m(r.cuv[e]), m(l.Basis), l.Bonus, m(l.Amount))
			return sb.String()
		}
		fmt.Fprintf(&sb, "%d's %s capped at %s per period: adjustment %s", l.Earner, l.Bonus, m(l.Basis), m(l.Amount))
		return r.scaled(&sb, l)
	}
	fmt.Fprintf(&sb, "%d earns ", l.Earner)
	switch l.Kind {
	case KindDirect:
		fmt.Fprintf(&sb, "%s (direct): %s%% of own volume %s", l.Bonus, l.Rate.Percent(), m(l.Basis))
	case KindUnilevel:
		fmt.Fprintf(&sb, "%s level %d", l.Bonus, l.CompressedLevel)
		if l.Level != l.CompressedLevel {
			fmt.Fprintf(&sb, " (uncompressed %d)", l.Level)
		}
		fmt.Fprintf(&sb, ": %s%% of %d's volume %s", l.Rate.Percent(), l.Source, m(l.Basis))
	case KindFastStart:
		fmt.Fprintf(&sb, "%s fast start: %s%% of new distributor %d's customer volume %s in the first %d days", l.Bonus, l.Rate.Percent(), l.Source, m(l.Basis), p.Bonuses[p.BonusIndex(l.Bonus)].Days)
	default:
		r.explain4(&sb, j, l)
	}
	r.personalUseNote(&sb, l)
	return r.scaled(&sb, l)
}

func (r *Result) scaled(sb *strings.Builder, l Line) string {
	m := func(v int64) string { return FormatMoney(v, r.plan.MinorDigits) }
	if l.Withheld != "" {
		fmt.Fprintf(sb, " = %s, withheld (%s) → 0", m(MulRound(l.Basis, l.Rate, Rate{1, 1})), withheldReason(l.Withheld, r.plan))
		return sb.String()
	}
	if l.Scale != (Rate{1, 1}) {
		if l.Cap {
			fmt.Fprintf(sb, "; after %s scaled overrides by %s → %s", r.scaleReason(), l.Scale.String(), m(l.Amount))
		} else {
			fmt.Fprintf(sb, " = %s, scaled by %s (%s) → %s", m(MulRound(l.Basis, l.Rate, Rate{1, 1})), l.Scale.String(), r.scaleReason(), m(l.Amount))
		}
		return sb.String()
	}
	if !l.Cap {
		fmt.Fprintf(sb, " = %s", m(l.Amount))
	}
	return sb.String()
}

// scaleReason names the gate or gates that set the scale factor.
func (r *Result) scaleReason() string {
	var s []string
	if r.scaleBy&1 != 0 {
		c, g := r.company, r.plan.Gates
		window := "this period"
		if c.Window12 {
			window = "trailing 12 months"
		}
		s = append(s, fmt.Sprintf("TX-07 company factor %s: end-user share %s%% (min %s%%), customer share of CV %s%% (min %s%%), %s",
			c.Factor.String(), c.EndUser.Percent(), g.EndUserMin.Percent(), c.CustomerCV.Percent(), g.CustomerCVMin.Percent(), window))
	}
	if r.scaleBy&2 != 0 {
		s = append(s, fmt.Sprintf("TX-08 payout cap %s%% of CV", r.plan.Gates.PayoutCap.Percent()))
	}
	return strings.Join(s, "; ")
}

func withheldReason(w string, p *Plan) string {
	var s []string
	for _, g := range strings.Split(w, ",") {
		switch g {
		case "TX-06":
			s = append(s, fmt.Sprintf("TX-06: fewer than %d active customers in the trailing 12 months", p.Gates.MinActiveCustomers))
		case "TX-04":
			s = append(s, fmt.Sprintf("TX-04: organisation's customer share of revenue not above %s%%", p.Gates.CustomerShareMin.Percent()))
		case "TX-05":
			s = append(s, fmt.Sprintf("TX-05: sell-through of resale stock below %s%% over the trailing window", p.Gates.SellThroughMin.Percent()))
		case "TX-12":
			s = append(s, "TX-12: resident in CN, where only single-level pay is allowed")
		case "qualification":
			s = append(s, "binary qualification not met")
		}
	}
	return strings.Join(s, "; ")
}

// personalUseNote names the TX-03 cap when it cut the personal-use part of
// a line's basis.
func (r *Result) personalUseNote(sb *strings.Builder, l Line) {
	b := &r.plan.Bonuses[r.plan.BonusIndex(l.Bonus)]
	if l.Cap || b.Kind == KindPool || b.Kind == KindMatching || b.Kind == KindBinary || !slices.Contains(b.Basis, BasisRPCV) {
		return
	}
	s, _ := r.Index(l.Source)
	if b.Kind == KindStairStep && l.Earner != l.Source {
		return
	}
	if r.pcv[s] > r.rpcv[s] {
		m := func(v int64) string { return FormatMoney(v, r.plan.MinorDigits) }
		fmt.Fprintf(sb, " (personal use %s capped to %s by TX-03)", m(r.pcv[s]), m(r.rpcv[s]))
	}
}
