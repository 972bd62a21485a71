package compliance

import (
	"fmt"
	"math/big"
	"slices"
	"strings"

	"github.com/downline/downline/compplan"
)

// bonusReach is one bonus's worst case on one unit of CV sold: what the
// seller gets, what others get, and how many uplines are paid (-1 when
// unbounded).
type bonusReach struct {
	seller, others *big.Rat
	depth          int
	unbounded      bool
}

func (l *linter) reach(i int, seen map[int]bool) bonusReach {
	b := l.p.Bonuses[i]
	r := bonusReach{seller: new(big.Rat), others: new(big.Rat)}
	switch b.Kind {
	case compplan.KindDirect:
		if slices.Contains(b.Basis, compplan.BasisCuV) || len(b.Basis) == 0 {
			r.seller.Add(r.seller, ratOf(b.Rate))
		}
	case compplan.KindUnilevel:
		for _, lv := range b.Levels {
			r.others.Add(r.others, ratOf(lv.Rate))
		}
		r.depth = len(b.Levels)
	case compplan.KindFastStart:
		r.others.Add(r.others, ratOf(b.Rate))
		r.depth = 1
	case compplan.KindPool:
		r.others.Add(r.others, ratOf(b.Rate))
	case compplan.KindStairStep:
		// A seller on the lowest step keeps its rate; uplines earn the
		// differential up to the top step, then breakaway generations.
		if n := len(b.Steps); n > 0 {
			low, top := ratOf(b.Steps[0].Rate), ratOf(b.Steps[n-1].Rate)
			r.seller.Add(r.seller, low)
			r.others.Add(r.others, new(big.Rat).Sub(top, low))
			r.depth = n - 1
		}
		for _, g := range b.Generations {
			r.others.Add(r.others, ratOf(g.Rate))
		}
		r.depth += len(b.Generations)
	case compplan.KindBinary:
		// Binary volume is matched at every placement ancestor: the number
		// of uplines paid on one sale has no bound.
		r.unbounded = true
	case compplan.KindMatching:
		gen := new(big.Rat)
		for _, g := range b.Generations {
			gen.Add(gen, ratOf(g.Rate))
		}
		matched := new(big.Rat)
		deepest := 0
		for _, id := range b.Matches {
			j := l.p.BonusIndex(id)
			if j < 0 || seen[j] {
				continue
			}
			seen[j] = true
			m := l.reach(j, seen)
			delete(seen, j)
			matched.Add(matched, m.seller)
			matched.Add(matched, m.others)
			deepest = max(deepest, m.depth)
			r.unbounded = r.unbounded || m.unbounded
		}
		r.others.Mul(gen, matched)
		r.depth = len(b.Generations) + deepest
	}
	return r
}

func ratioOfRat(q *big.Rat) Ratio {
	if !q.Num().IsInt64() || !q.Denom().IsInt64() {
		f, _ := q.Float64()
		return Frac(int64(f*1e9), 1e9)
	}
	return Frac(q.Num().Int64(), q.Denom().Int64())
}

// worstCase is PL-04 (static) and PL-06: the worst-case payout, the seller
// ratio and the override depth, against the caps of the register, the plan
// and each jurisdiction.
func (l *linter) worstCase(r *LintReport) {
	seller, others := new(big.Rat), new(big.Rat)
	depth, unbounded := 0, false
	hasOverride := false
	for i, b := range l.p.Bonuses {
		br := l.reach(i, map[int]bool{i: true})
		seller.Add(seller, br.seller)
		others.Add(others, br.others)
		depth = max(depth, br.depth)
		if br.unbounded {
			unbounded = true
			l.add("PL-06", LevelBlock, bonusPath(i, "kind"),
				"bonus %q (%s) pays every placement ancestor on the same volume: override depth is unbounded (max %d levels)", b.ID, b.Kind, l.prm.MaxOverrideLevels)
		}
		if b.Kind.IsOverride() {
			hasOverride = true
		}
		if b.Kind == compplan.KindUnilevel && len(b.Levels) > l.prm.MaxOverrideLevels {
			l.add("PL-06", LevelBlock, bonusPath(i, "levels"),
				"bonus %q pays %d override levels; at most %d are allowed (depth %d > %d)", b.ID, len(b.Levels), l.prm.MaxOverrideLevels, len(b.Levels), l.prm.MaxOverrideLevels)
		}
	}
	r.SellerReward, r.OthersReward = ratioOfRat(seller), ratioOfRat(others)
	total := new(big.Rat).Add(seller, others)
	r.OverrideDepth = depth
	if unbounded {
		r.OverrideDepth = -1
	} else {
		r.WorstCasePayout = ratioOfRat(total)
	}
	if others.Sign() > 0 {
		r.SellerRatio = ratioOfRat(new(big.Rat).Quo(seller, others))
		if r.SellerRatio.Less(l.prm.SellerShareMinRatio) {
			l.add("PL-04", LevelBlock, "bonuses",
				"seller first: the seller earns %s of each unit of customer volume but others earn %s on it (ratio %s < %s)",
				r.SellerReward.Percent(1), r.OthersReward.Percent(1), r.SellerRatio.Decimal(2), l.prm.SellerShareMinRatio.Decimal(2))
		}
	}
	if !unbounded && depth > l.prm.MaxOverrideLevels {
		l.add("PL-06", LevelBlock, "bonuses", "overrides reach %d uplines on one sale; at most %d are allowed", depth, l.prm.MaxOverrideLevels)
	}
	caps := []struct {
		cap  Ratio
		what string
	}{{l.prm.PayoutCap, "the register's payout cap"}}
	for _, pr := range l.jx {
		if pr.PayoutCap.IsDefined() {
			caps = append(caps, struct {
				cap  Ratio
				what string
			}{pr.PayoutCap, pr.Code + " cap"})
		}
		if pr.NoOverrides && hasOverride {
			l.add("PL-06", LevelBlock, "bonuses", "%s forbids multi-level pay: only direct commission on the participant's own sales is allowed (%s)", pr.Code, pr.Citation)
		}
	}
	if g := rateRatio(l.p.Gates.PayoutCap); g.Num > 0 && l.prm.PayoutCap.Less(g) {
		l.add("PL-06", LevelBlock, "gates.payout_cap_pct", "the plan's payout cap %s exceeds the register's %s", g.Percent(0), l.prm.PayoutCap.Percent(0))
	}
	if unbounded {
		return
	}
	for _, c := range caps {
		if c.cap.Less(r.WorstCasePayout) {
			l.add("PL-06", LevelBlock, "bonuses", "worst-case payout %s of CV exceeds %s of %s", r.WorstCasePayout.Percent(1), c.what, c.cap.Percent(0))
		}
	}
}

// allowedRankMetrics are the metrics PL-05 accepts (PV is judged by PL-02).
var allowedRankMetrics = map[compplan.Metric]bool{
	compplan.MetricCuV: true, compplan.MetricPV: true, compplan.MetricGV: true, compplan.MetricQualifyingGV: true,
	compplan.MetricLegsWithRank: true, compplan.MetricLegsWithVolume: true, compplan.MetricActiveCustomers: true,
}

// ranks is PL-05: ranks rest on customer volume and customer counts, never
// on bare headcount, and the top rank's minimum downline must fit the
// market.
func (l *linter) ranks(r *LintReport) {
	dk := make([]int, len(l.p.Ranks))
	volume := make([]bool, len(l.p.Ranks)) // rank needs some volume or customers
	for i, rk := range l.p.Ranks {
		dk[i] = 1
		for j, q := range rk.Requires {
			path := fmt.Sprintf("ranks[%d].requires[%d]", i, j)
			switch {
			case !allowedRankMetrics[q.Metric]:
				l.add("PL-05", LevelBlock, path+".metric", "rank %q uses %q: ranks may count only customer volume, legs with volume and customers, never participants", rk.ID, q.Metric)
			case q.Metric == compplan.MetricLegsWithRank:
				k := l.p.RankIndex(q.Rank) - 1
				if k < 0 || !volume[k] {
					l.add("PL-05", LevelBlock, path, "rank %q counts %d legs holding rank %q, which needs no customer volume: that is bare headcount", rk.ID, q.Count, q.Rank)
				} else {
					volume[i] = true
					dk[i] = max(dk[i], q.Count*dk[k])
				}
			case q.Metric == compplan.MetricLegsWithVolume:
				if q.Min <= 0 {
					l.add("PL-05", LevelBlock, path+".min", "rank %q counts %d legs with no volume threshold: that is bare headcount", rk.ID, q.Count)
				} else {
					volume[i] = true
				}
				dk[i] = max(dk[i], q.Count)
			default:
				if q.Min > 0 || q.Count > 0 {
					volume[i] = true
				}
			}
		}
	}
	if n := len(dk); n > 0 {
		r.MinDownline = dk[n-1]
		if m := l.t.MarketSize; m > 0 && l.prm.DkWarnFraction.Less(Frac(int64(dk[n-1]), int64(m))) {
			l.add("PL-05", LevelWarn, fmt.Sprintf("ranks[%d]", n-1),
				"saturation: rank %q needs at least %d qualifying participants in separate legs, %s of a market of %d (> %s)",
				l.p.Ranks[n-1].ID, dk[n-1], Frac(int64(dk[n-1]), int64(m)).Percent(2), m, l.prm.DkWarnFraction.Percent(0))
		}
	}
}

// exitRights is PL-07: cooling-off and buyback at least as generous as the
// register and every jurisdiction require.
func (l *linter) exitRights() {
	c := l.p.Compliance
	days, dwho := l.prm.ParticipantCoolingOffDays, "the register"
	pct, pwho := l.prm.BuybackPct, "the register"
	months, mwho := l.prm.BuybackWindowMonths, "the register"
	for _, pr := range l.jx {
		if pr.CoolingOffDays > days {
			days, dwho = pr.CoolingOffDays, pr.Code
		}
		if pr.BuybackPct.IsDefined() && pct.Less(pr.BuybackPct) {
			pct, pwho = pr.BuybackPct, pr.Code
		}
		if pr.BuybackWindowMonths > months {
			months, mwho = pr.BuybackWindowMonths, pr.Code
		}
	}
	if c.CoolingOffDays < days {
		l.add("PL-07", LevelBlock, "compliance.cooling_off_days",
			"participant cooling-off of %d days is shorter than the %d days %s requires (full refund of everything paid)", c.CoolingOffDays, days, dwho)
	}
	if got := rateRatio(c.BuybackPct); got.Less(pct) {
		l.add("PL-07", LevelBlock, "compliance.buyback_pct",
			"buyback at %s of net cost is below the %s %s requires", got.Percent(0), pct.Percent(0), pwho)
	}
	if c.BuybackWindowMonth < months {
		l.add("PL-07", LevelBlock, "compliance.buyback_window_months",
			"buyback window of %d months is shorter than the %d months %s requires", c.BuybackWindowMonth, months, mwho)
	}
}

// contract is PL-08: the agreement clauses and change notice each
// jurisdiction requires.
func (l *linter) contract() {
	have := map[string]bool{}
	for _, c := range l.t.ContractClauses {
		have[c] = true
	}
	for _, pr := range l.jx {
		var missing []string
		for _, c := range pr.Clauses {
			if !have[c] {
				missing = append(missing, c)
			}
		}
		if len(missing) > 0 {
			l.add("PL-08", LevelBlock, "compliance.contract_clauses",
				"the participant agreement lacks clauses %s requires: %s", pr.Code, strings.Join(missing, ", "))
		}
		if pr.ChangeNoticeDays > 0 && l.t.ChangeNoticeDays < pr.ChangeNoticeDays {
			l.add("PL-08", LevelBlock, "compliance.change_notice_days",
				"changes to financial obligations need %d days' notice in %s; the plan gives %d", pr.ChangeNoticeDays, pr.Code, l.t.ChangeNoticeDays)
		}
	}
}

// chance is PL-09: no pay controlled by others' placement decisions.
func (l *linter) chance() {
	block := false
	for _, pr := range l.jx {
		block = block || pr.BlockChancePay
	}
	sev := LevelWarn
	if block {
		sev = LevelBlock
	}
	for i, b := range l.p.Bonuses {
		if b.Kind != compplan.KindBinary {
			continue
		}
		switch l.t.PlacementPolicy {
		case "participant", "automatic":
		case "":
			l.add("PL-09", sev, bonusPath(i, ""),
				"binary bonus %q depends on leg balance but the plan does not state who places new participants (spillover by uplines is placement-controlled pay)", b.ID)
		default:
			l.add("PL-09", sev, "compliance.placement_policy",
				"binary bonus %q depends on leg balance and placement is %q: pay controlled by others' placement decisions", b.ID, l.t.PlacementPolicy)
		}
	}
}

// first7d is PL-10: the cap on a new participant's payments in the first
// seven days, where a jurisdiction sets one.
func (l *linter) first7d() {
	for _, pr := range l.jx {
		if pr.First7dCap <= 0 {
			continue
		}
		if l.t.First7dCap <= 0 || l.t.First7dCap > pr.First7dCap {
			l.add("PL-10", LevelBlock, "compliance.first7d_cap",
				"%s caps a new participant's payments in the first 7 days at %s; the plan states %s", pr.Code, Money(pr.First7dCap), Money(l.t.First7dCap))
		}
		if k := l.p.Compliance.OptionalKit; k != nil && k.Price > pr.First7dCap {
			l.add("PL-10", LevelBlock, "compliance.optional_kit.price",
				"the optional kit at %s exceeds the %s first-7-day cap of %s", Money(k.Price), pr.Code, Money(pr.First7dCap))
		}
	}
}

// events is PL-11: events, training and tools are optional and refundable.
func (l *linter) events() {
	for i, s := range l.p.SKUs {
		switch s.Type {
		case "training", "event", "tool":
			if !s.Refundable {
				l.add("PL-11", LevelBlock, fmt.Sprintf("skus[%d].refundable", i), "%s SKU %q must be refundable", s.Type, s.ID)
			}
		}
	}
	for _, e := range l.t.MandatoryEvents {
		l.add("PL-11", LevelBlock, "compliance.mandatory_events", "event %q is mandatory; attendance may never be required", e)
	}
}

// gates warns when the plan leaves a pay-run gate off or looser than the
// register.
func (l *linter) gates() {
	g := l.p.Gates
	if g.PayoutCap.IsZero() {
		l.add("TX-08", LevelWarn, "gates.payout_cap_pct", "the payout cap is not enforced per period (default %s of CV)", l.prm.PayoutCap.Percent(0))
	}
	if g.MinActiveCustomers < l.prm.MinCustomers {
		l.add("TX-06", LevelWarn, "gates.min_active_customers", "overrides need %d active customers, fewer than the default %d", g.MinActiveCustomers, l.prm.MinCustomers)
	}
	if rateRatio(g.CustomerShareMin).Less(l.prm.CSMin) {
		l.add("TX-04", LevelWarn, "gates.customer_share_min_pct", "the Vemma customer-share test is %s, below the default > %s", rateRatio(g.CustomerShareMin).Percent(0), l.prm.CSMin.Percent(0))
	}
	switch st := rateRatio(g.SellThroughMin); {
	case st.Num == 0:
		l.add("TX-05", LevelWarn, "gates.sell_through_min_pct", "the sell-through gate on resale stock is off (default %s)", l.prm.STMin.Percent(0))
	case st.Less(l.prm.STMin):
		l.add("TX-05", LevelWarn, "gates.sell_through_min_pct", "overrides need a sell-through of resale stock of %s, below the default %s", st.Percent(0), l.prm.STMin.Percent(0))
	}
	switch eu, csh := rateRatio(g.EndUserMin), rateRatio(g.CustomerCVMin); {
	case eu.Num == 0 && csh.Num == 0:
		l.add("TX-07", LevelWarn, "gates", "the company end-user tests are off (defaults: end_user_min_pct %s, customer_cv_share_min %s)", l.prm.EUMin.Percent(0), l.prm.CSHMin.Percent(1))
	case eu.Less(l.prm.EUMin) || csh.Less(l.prm.CSHMin):
		l.add("TX-07", LevelWarn, "gates", "the company end-user tests are end-user share ≥ %s and customer share of CV ≥ %s, below the defaults %s and %s",
			eu.Percent(0), csh.Percent(1), l.prm.EUMin.Percent(0), l.prm.CSHMin.Percent(1))
	}
	switch c := rateRatio(g.CNOwnSalesCap); {
	case c.Num == 0:
		l.add("TX-12", LevelWarn, "gates.cn_own_sales_cap_pct", "participants resident in CN are not held to single-level pay of at most %s of own direct sales; set cn_own_sales_cap_pct", l.prm.CNCap.Percent(0))
	case l.prm.CNCap.Less(c):
		l.add("TX-12", LevelWarn, "gates.cn_own_sales_cap_pct", "participants resident in CN may be paid %s of own direct sales, above the legal %s", c.Percent(0), l.prm.CNCap.Percent(0))
	}
	if pu := l.p.Volume.PersonalUse; pu != nil {
		if pu.Cap <= 0 || pu.Cap > l.prm.PCCapAbs {
			l.add("TX-03", LevelWarn, "volume.personal_use.cap", "rewardable personal use is capped at %s per month; the default is %s", Money(pu.Cap), Money(l.prm.PCCapAbs))
		}
		if l.prm.PCShare.Less(rateRatio(pu.Share)) {
			l.add("TX-03", LevelWarn, "volume.personal_use.share", "rewardable personal use may reach %s of CV; the default is %s", rateRatio(pu.Share).Percent(1), l.prm.PCShare.Percent(1))
		}
	}
}
