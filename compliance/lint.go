package compliance

import (
	"fmt"
	"math/big"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/downline/downline/compplan"
)

// Finding is one result of the plan linter: a rule broken (BLOCK) or a
// point needing human sign-off (WARN), located in the plan file.
type Finding struct {
	Rule     string // "PL-01" … "PL-11", or a TX rule the plan leaves disabled
	Severity Level  // LevelBlock or LevelWarn
	Path     string // YAML path in the plan, e.g. "bonuses[2].trigger"
	Line     int    // line of Path in the plan file; 0 when unknown
	Message  string // plain explanation
	Citation string
}

// LintReport is the result of Lint: the findings and the three figures the
// linter computes.
type LintReport struct {
	Plan, Version string
	Jurisdictions []string
	// WorstCasePayout is the largest share of one unit of CV the plan can
	// pay, at the top rank with full compression; undefined when unbounded.
	WorstCasePayout Ratio
	// SellerReward and OthersReward split WorstCasePayout into the seller's
	// own reward and everything paid to others on the same unit.
	SellerReward, OthersReward Ratio
	// SellerRatio is SellerReward / OthersReward (undefined when nothing is
	// paid to others).
	SellerRatio Ratio
	// OverrideDepth is how many uplines can be paid on one sale; -1 when
	// unbounded (binary).
	OverrideDepth int
	// MinDownline is D_k for the top rank: the least number of qualifying
	// participants its leg requirements imply (PL-05).
	MinDownline int
	Findings    []Finding
}

// IsBlocked reports whether any finding is a BLOCK.
func (r LintReport) IsBlocked() bool {
	for _, f := range r.Findings {
		if f.Severity == LevelBlock {
			return true
		}
	}
	return false
}

// Terms are plan terms given outside the plan file, for example on the
// command line. A non-zero field overrides the plan's own
// (compplan.Plan.Compliance); the zero value means "as the plan says".
type Terms struct {
	ContractClauses  []string
	ChangeNoticeDays int
	First7dCap       int64
	PlacementPolicy  string
	MandatoryEvents  []string
	MarketSize       int
}

// citations names the sources of each rule, from compliance.md §4.
var citations = map[string]string{
	"PL-01": "Koscot, 86 F.T.C. 1106; UCPD Annex I pt 14; GA §10-1-411(a)(2); UK TSR 1997 reg 4(2)(a); CN Order 444 Art. 7(1)",
	"PL-02": "FTC v. Vemma order §II(B); Koscot; Webster v. Omnitrition; FTC v. AdvoCare; Tex. Bus. & Com. Code §17.461(a)(2)",
	"PL-03": "FTC Business Guidance on MLM (2018/2024); Webster v. Omnitrition; FTC v. BurnLounge; FTC v. Herbalife",
	"PL-04": "FTC consumer advice \"MLM Businesses and Pyramid Schemes\"; FTC Business Guidance on MLM",
	"PL-05": "J. M. Taylor, 5 Red Flags; FTC v. BurnLounge; CN Order 444 Art. 7(1), (3)",
	"PL-06": "CN Direct Selling Regulations Art. 24; Korea Door-to-Door Sales Act [M]; Taylor red flags",
	"PL-07": "DSA Code of Ethics; Tex. Bus. & Com. Code §17.461(b); CSG model Act; Md. §14-302; UK TSR regs 5(e), 6",
	"PL-08": "UK TSR 1997 regs 4(2)(b)–(c), 5(a)–(e); GA §10-1-415; Md. §14-302(b); India DS Rules 2021",
	"PL-09": "GA §10-1-411(a)(4); CJEU C-667/15; LA Admin Code 16:III-503",
	"PL-10": "UK Trading Schemes Regulations 1997 (£200 in the first 7 days) [S]",
	"PL-11": "DSA Code of Ethics; Herbalife events settlement (2023); FTC consumer advice",
	"TX-03": "FTC v. Herbalife order (rewardable internal consumption) [S]",
	"TX-04": "FTC v. Vemma order §II(C) [S]",
	"TX-05": "In re Amway (70 % rule); Webster v. Omnitrition",
	"TX-06": "In re Amway (10-customer rule); Webster v. Omnitrition",
	"TX-07": "FTC v. Herbalife order (80 % end users, 2/3 customer volume) [S]",
	"TX-08": "compliance.md TX-08; PL-06",
	"TX-12": "CN Direct Selling Regulations Art. 24 (30 % of own sales, single level)",
}

type linter struct {
	p   *compplan.Plan
	prm Params
	jx  []Profile
	t   Terms
	out []Finding
}

func (l *linter) add(rule string, sev Level, path, format string, args ...any) {
	line := 0
	for q := path; q != ""; {
		if n, ok := l.p.Src[q]; ok {
			line = n
			break
		}
		i := strings.LastIndexAny(q, ".[")
		if i < 0 {
			break
		}
		q = q[:i]
	}
	l.out = append(l.out, Finding{Rule: rule, Severity: sev, Path: path, Line: line,
		Message: fmt.Sprintf(format, args...), Citation: citations[rule]})
}

// Lint checks plan p against PL-01 … PL-11 under the jurisdiction profiles
// jx (US-FED when empty) and the parameters prm. It is pure and
// deterministic: findings are sorted by rule, path and message.
func Lint(p *compplan.Plan, t Terms, jx []Profile, prm Params) LintReport {
	if len(jx) == 0 {
		jx = []Profile{Profiles()["US-FED"]}
	}
	l := &linter{p: p, prm: prm, jx: jx, t: mergeTerms(p.Compliance, t)}
	r := LintReport{Plan: p.ID, Version: p.Version}
	for _, pr := range jx {
		r.Jurisdictions = append(r.Jurisdictions, pr.Code)
	}
	l.triggers()
	l.payToPlay()
	l.bases()
	l.worstCase(&r)
	l.ranks(&r)
	l.exitRights()
	l.contract()
	l.chance()
	l.first7d()
	l.events()
	l.gates()
	sort.SliceStable(l.out, func(i, j int) bool {
		a, b := l.out[i], l.out[j]
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		return a.Message < b.Message
	})
	r.Findings = l.out
	return r
}

func bonusPath(i int, field string) string {
	p := "bonuses[" + strconv.Itoa(i) + "]"
	if field != "" {
		p += "." + field
	}
	return p
}

// triggers is PL-01: nothing is paid for enrolment, fees, kits or headcount.
func (l *linter) triggers() {
	for i, b := range l.p.Bonuses {
		switch b.Trigger {
		case compplan.TriggerEnrolment, compplan.TriggerKitPurchase, compplan.TriggerFeePayment, compplan.TriggerHeadcount:
			l.add("PL-01", LevelBlock, bonusPath(i, "trigger"),
				"bonus %q pays on %s: compensation for enrolment, fees, kits or headcount is a pyramid payment (trigger=%s)", b.ID, b.Trigger, b.Trigger)
		}
		if b.Kind == compplan.KindFastStart {
			for _, bs := range b.Basis {
				if bs != compplan.BasisCuV {
					l.add("PL-01", LevelBlock, bonusPath(i, "basis"),
						"fast-start bonus %q must be computed on the new participant's customer volume only, not %s", b.ID, bs)
				}
			}
		}
	}
}

// payToPlay is PL-02: no mandatory fee, a fair optional kit, and no pay
// rate raised by one's own purchases.
func (l *linter) payToPlay() {
	c := l.p.Compliance
	for i, f := range c.MandatoryFees {
		if f.Amount > l.prm.MaxMandatoryFee {
			l.add("PL-02", LevelBlock, "compliance.mandatory_fees["+strconv.Itoa(i)+"]",
				"mandatory fee %q of %s: joining or staying eligible may not require a payment (max %s)", f.ID, Money(f.Amount), Money(l.prm.MaxMandatoryFee))
		}
	}
	if k := c.OptionalKit; k != nil {
		if k.Price > k.Cost {
			l.add("PL-02", LevelBlock, "compliance.optional_kit.price",
				"optional kit priced %s above its cost %s (kit above cost)", Money(k.Price), Money(k.Cost))
		}
		if k.Commissionable {
			l.add("PL-02", LevelBlock, "compliance.optional_kit.commissionable", "the optional kit must not be commissionable")
		}
		if k.Price > 0 {
			if rateRatio(k.RefundPct).Less(l.prm.KitRefund) {
				l.add("PL-02", LevelBlock, "compliance.optional_kit.refund_pct",
					"the optional kit must be %s refundable, not %s", l.prm.KitRefund.Percent(0), rateRatio(k.RefundPct).Percent(0))
			}
			if k.RefundWindowDays < l.prm.KitRefundWindowMonths*365/12 {
				l.add("PL-02", LevelBlock, "compliance.optional_kit.refund_window_days",
					"the optional kit refund window of %d days is shorter than %d months", k.RefundWindowDays, l.prm.KitRefundWindowMonths)
			}
		}
	}
	for i, b := range l.p.Bonuses {
		if b.Kind == compplan.KindDirect && slices.Contains(b.Basis, compplan.BasisRPCV) {
			l.add("PL-02", LevelBlock, bonusPath(i, "basis"),
				"direct bonus %q pays the participant on its own personal-use purchases (rpcv): own purchases may earn a discount only", b.ID)
		}
	}
	if l.p.Volume.PersonalUse != nil {
		for i, rk := range l.p.Ranks {
			for j, q := range rk.Requires {
				if q.Metric == compplan.MetricPV {
					l.add("PL-02", LevelBlock, fmt.Sprintf("ranks[%d].requires[%d].metric", i, j),
						"rank %q requires personal volume (pv), which includes the participant's own purchases; use cuv", rk.ID)
				}
			}
		}
	}
}

var nonCommissionableTypes = map[string]bool{"kit": true, "tool": true, "training": true, "event": true, "fee": true}

// bases is PL-03: every bonus is computed on CV, and tools, kits, training,
// events and fees are never commissionable.
func (l *linter) bases() {
	for i, b := range l.p.Bonuses {
		for j, bs := range b.Basis {
			switch bs {
			case compplan.BasisCuV, compplan.BasisRPCV, compplan.BasisBV:
			default:
				l.add("PL-03", LevelBlock, fmt.Sprintf("%s[%d]", bonusPath(i, "basis"), j),
					"bonus %q is computed on %q; the only compensation base is CV = CuV + RPCV", b.ID, bs)
			}
		}
	}
	for i, s := range l.p.SKUs {
		if nonCommissionableTypes[s.Type] && s.Commissionable {
			l.add("PL-03", LevelBlock, fmt.Sprintf("skus[%d].commissionable", i),
				"SKU %q of type %s is commissionable; kits, tools, training, events and fees never are", s.ID, s.Type)
		}
	}
}

func rateRatio(r compplan.Rate) Ratio {
	if r.Den == 0 {
		return Frac(0, 1)
	}
	return Frac(r.Num, r.Den)
}

func ratOf(r compplan.Rate) *big.Rat {
	if r.Den == 0 {
		return new(big.Rat)
	}
	return big.NewRat(r.Num, r.Den)
}

// mergeTerms returns the plan's compliance terms with the non-zero fields
// of t laid over them.
func mergeTerms(c compplan.Compliance, t Terms) Terms {
	out := Terms{ContractClauses: c.ContractClauses, ChangeNoticeDays: c.ChangeNoticeDays, First7dCap: c.First7dCap,
		PlacementPolicy: c.PlacementPolicy, MandatoryEvents: c.MandatoryEvents, MarketSize: c.MarketSize}
	if t.ContractClauses != nil {
		out.ContractClauses = t.ContractClauses
	}
	if t.ChangeNoticeDays != 0 {
		out.ChangeNoticeDays = t.ChangeNoticeDays
	}
	if t.First7dCap != 0 {
		out.First7dCap = t.First7dCap
	}
	if t.PlacementPolicy != "" {
		out.PlacementPolicy = t.PlacementPolicy
	}
	if t.MandatoryEvents != nil {
		out.MandatoryEvents = t.MandatoryEvents
	}
	if t.MarketSize != 0 {
		out.MarketSize = t.MarketSize
	}
	return out
}
