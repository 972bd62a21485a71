package compplan

import (
	"fmt"
	"slices"

	"go.yaml.in/yaml/v3"
)

// maxLevels bounds unilevel depth and generations; line records hold the
// level in a byte.
const maxLevels = 100

func (ps *parser) bonuses(o *obj, p *Plan) {
	seen := map[string]bool{}
	nodes := o.list("bonuses")
	if len(nodes) > 60 {
		ps.errorf("bonuses", o.get("bonuses"), "at most 60 bonuses")
		return
	}
	for i, n := range nodes {
		path := fmt.Sprintf("bonuses[%d]", i)
		bo := ps.object(path, n)
		b := Bonus{ID: bo.str("id", true), PayInactiveSellers: true, Compression: CompressionNone}
		if b.ID != "" && seen[b.ID] {
			ps.errorf(path+".id", bo.get("id"), "duplicate bonus id %q", b.ID)
		}
		seen[b.ID] = true
		if b.ID == "all" {
			ps.errorf(path+".id", bo.get("id"), "bonus id \"all\" is reserved for the grand total")
		}
		b.Kind = BonusKind(bo.oneOf("kind", "", string(KindDirect), string(KindUnilevel), string(KindStairStep), string(KindBinary),
			string(KindMatching), string(KindFastStart), string(KindPool)))
		if b.Kind == "" && bo.get("kind") == nil {
			ps.errorf(path+".kind", n, "missing required field")
		}
		b.Trigger = Trigger(bo.oneOf("trigger", string(TriggerCustomerOrder), string(TriggerCustomerOrder), string(TriggerPeriodVolume),
			string(TriggerEnrolment), string(TriggerKitPurchase), string(TriggerFeePayment), string(TriggerHeadcount)))
		bases, bnodes := bo.strings("basis")
		for j, s := range bases {
			switch Basis(s) {
			case BasisCuV, BasisRPCV, BasisBV:
				if slices.Contains(b.Basis, Basis(s)) {
					ps.errorf(fmt.Sprintf("%s.basis[%d]", path, j), bnodes[j], "duplicate basis %q", s)
				}
				b.Basis = append(b.Basis, Basis(s))
			default:
				// Kept so that the linter can name it; Evaluate refuses it.
				b.Basis = append(b.Basis, Basis(s))
			}
		}
		b.Cap = bo.money("cap", false, p.MinorDigits)
		b.MinRank, _ = ps.rankRef(p, bo, "min_rank")
		d := p.MinorDigits
		switch b.Kind {
		case KindDirect, KindFastStart:
			b.Rate = bo.percent("rate_pct", true)
			if b.Kind == KindFastStart {
				b.Days = bo.integer("days", 1, 3660)
				if b.Days == 0 {
					ps.errorf(path+".days", n, "missing required field (the length of the fast-start window)")
				}
			}
			ps.defaultBasis(&b, BasisCuV)
		case KindUnilevel:
			ps.defaultBasis(&b, BasisCuV, BasisRPCV)
			b.Compression = Compression(bo.oneOf("compression", string(CompressionDynamic), string(CompressionDynamic), string(CompressionNone)))
			b.PayInactiveSellers = bo.boolean("pay_inactive_sellers", true)
			b.PassUpUnqualified = bo.oneOf("unqualified_level", "forfeit", "forfeit", "pass_up") == "pass_up"
			for j, ln := range bo.list("levels") {
				lo := ps.object(fmt.Sprintf("%s.levels[%d]", path, j), ln)
				l := Level{Rate: lo.percent("rate_pct", true)}
				l.MinRank, l.minRank = ps.rankRef(p, lo, "min_rank")
				lo.done()
				b.Levels = append(b.Levels, l)
			}
			ps.needSome(path+".levels", n, len(b.Levels), maxLevels)
		case KindStairStep:
			ps.defaultBasis(&b, BasisCuV, BasisRPCV)
			for j, sn := range bo.list("steps") {
				sp := fmt.Sprintf("%s.steps[%d]", path, j)
				so := ps.object(sp, sn)
				s := Step{MinGV: so.money("min_gv", true, d), Rate: so.percent("rate_pct", true)}
				so.done()
				if k := len(b.Steps); k > 0 && (s.MinGV <= b.Steps[k-1].MinGV || !b.Steps[k-1].Rate.Less(s.Rate)) {
					ps.errorf(sp, sn, "steps must rise in both min_gv and rate_pct")
				}
				b.Steps = append(b.Steps, s)
			}
			ps.needSome(path+".steps", n, len(b.Steps), maxLevels)
			b.Generations = ps.generations(p, bo, path)
		case KindBinary:
			if len(b.Basis) == 0 {
				b.Basis = []Basis{BasisBV}
			}
			if cn := bo.get("cycle"); cn != nil {
				co := ps.object(path+".cycle", cn)
				b.Cycle = &Cycle{Left: co.money("left", true, d), Right: co.money("right", true, d), Amount: co.money("amount", true, d)}
				co.done()
				if b.Cycle.Left <= 0 || b.Cycle.Right <= 0 {
					ps.errorf(path+".cycle", cn, "left and right must be positive")
				}
				if bo.get("rate_pct") != nil {
					ps.errorf(path+".rate_pct", bo.get("rate_pct"), "give either rate_pct or cycle, not both")
				}
			} else {
				b.Rate = bo.percent("rate_pct", true)
			}
			b.CarryCap = bo.money("carry_cap", false, d)
			b.FlushInactive = bo.boolean("flush_inactive", false)
			b.CarryExpiry = bo.integer("carry_expiry_periods", 0, 1200)
			b.QualifySponsoredActive = bo.integer("qualify_sponsored_active", 0, 1000)
		case KindMatching:
			ids, inodes := bo.strings("matches")
			for j, id := range ids {
				k := p.BonusIndex(id)
				switch {
				case k < 0:
					ps.errorf(fmt.Sprintf("%s.matches[%d]", path, j), inodes[j], "unknown bonus %q (list it before this matching bonus)", id)
				case p.Bonuses[k].Kind == KindMatching:
					ps.errorf(fmt.Sprintf("%s.matches[%d]", path, j), inodes[j], "a matching bonus never matches matching bonus %q", id)
				}
				b.Matches = append(b.Matches, id)
				if k >= 0 {
					b.matchIdx = append(b.matchIdx, k)
				}
			}
			ps.needSome(path+".matches", n, len(b.Matches), 60)
			b.Generations = ps.generations(p, bo, path)
			ps.needSome(path+".generations", n, len(b.Generations), maxLevels)
		case KindPool:
			ps.defaultBasis(&b, BasisCuV, BasisRPCV)
			b.Rate = bo.percent("rate_pct", true)
			b.Shares = PoolShares(bo.oneOf("shares", string(SharesEqual), string(SharesEqual), string(SharesRankWeights)))
			if wn := bo.get("rank_weights"); wn != nil {
				wo := ps.object(path+".rank_weights", wn)
				b.RankWeights = map[string]int{}
				for _, r := range p.Ranks {
					if _, ok := wo.keys[r.ID]; ok {
						b.RankWeights[r.ID] = wo.integer(r.ID, 0, 1<<20)
					}
				}
				wo.done()
			}
			if b.Shares == SharesRankWeights && len(b.RankWeights) == 0 {
				ps.errorf(path+".rank_weights", n, "shares: rank_weights needs rank_weights")
			}
		}
		for j, bs := range b.Basis {
			ok := bs == BasisCuV || bs == BasisRPCV
			if b.Kind == KindBinary {
				ok = bs == BasisBV
			}
			if !ok && b.Kind != KindMatching {
				ps.errorf(fmt.Sprintf("%s.basis[%d]", path, j), bnodes[min(j, len(bnodes)-1)], "basis %q is not allowed for a %s bonus (use cuv, rpcv; binary uses bv)", bs, b.Kind)
			}
		}
		switch b.Kind {
		case KindStairStep, KindBinary, KindFastStart:
			if slices.ContainsFunc(p.Bonuses, func(x Bonus) bool { return x.Kind == b.Kind }) {
				ps.errorf(path+".kind", bo.get("kind"), "a plan has at most one %s bonus", b.Kind)
			}
		}
		bo.done()
		p.Bonuses = append(p.Bonuses, b)
	}
}

func (ps *parser) defaultBasis(b *Bonus, def ...Basis) {
	if len(b.Basis) == 0 {
		b.Basis = def
	}
}

func (ps *parser) needSome(path string, n *yaml.Node, got, max int) {
	if got == 0 {
		ps.errorf(path, n, "needs at least one entry")
	}
	if got > max {
		ps.errorf(path, n, "at most %d entries", max)
	}
}

func (ps *parser) generations(p *Plan, bo *obj, path string) []Generation {
	var gs []Generation
	for j, gn := range bo.list("generations") {
		go_ := ps.object(fmt.Sprintf("%s.generations[%d]", path, j), gn)
		g := Generation{Rate: go_.percent("rate_pct", true), MinPV: go_.money("min_pv", false, p.MinorDigits)}
		g.MinRank, g.minRank = ps.rankRef(p, go_, "min_rank")
		go_.done()
		gs = append(gs, g)
	}
	if len(gs) > maxLevels {
		ps.errorf(path+".generations", bo.node, "at most %d generations", maxLevels)
	}
	return gs
}
