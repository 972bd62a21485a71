package compplan

// Plan is a parsed and validated compensation plan. Every field is explicit
// and typed so that tools (the compliance linter, the simulator) can read
// it without re-parsing YAML. Money is in minor units of Currency; rates
// are exact fractions.
type Plan struct {
	ID          string // the plan's name ("plan:" in YAML)
	Version     string
	Currency    string
	MinorDigits int    // digits of the minor unit; 2 unless the plan says otherwise
	TimeZone    string // IANA zone that decides which period an order falls in
	Rounding    string // "half_away_from_zero", the only rule supported

	Compliance Compliance
	SKUs       []SKU
	Volume     VolumeRules
	Active     ActiveRule
	// RankGracePeriods is how many periods a distributor keeps a paid-as
	// rank it no longer meets.
	RankGracePeriods int
	Ranks            []Rank // lowest first
	Gates            Gates
	Bonuses          []Bonus

	// Src maps YAML paths ("bonuses[1].levels[0].rate_pct") to their line
	// numbers, so that tools can report findings against the file.
	Src map[string]int
}

// Compliance holds plan terms the engine does not compute with but the
// compliance linter checks (PL-02, PL-07).
type Compliance struct {
	MandatoryFees      []Fee
	OptionalKit        *Kit
	CoolingOffDays     int
	BuybackPct         Rate
	BuybackWindowMonth int
	ContractClauses    []string // PL-08: clause ids present in the agreement template
	ChangeNoticeDays   int      // PL-08: notice before changes to financial obligations
	First7dCap         int64    // PL-10: cap on payments in the first 7 days (minor units)
	PlacementPolicy    string   // PL-09: participant, automatic or sponsor_discretion
	MandatoryEvents    []string // PL-11: must be empty
	MarketSize         int      // PL-05: P_max for the saturation warning
}

// Fee is a mandatory payment a participant must make (must be empty under
// PL-02).
type Fee struct {
	ID     string
	Amount int64
}

// Kit is the optional starter kit.
type Kit struct {
	Price, Cost      int64
	Commissionable   bool
	RefundPct        Rate
	RefundWindowDays int
}

// SKU is one catalogue entry as far as the plan is concerned.
type SKU struct {
	ID             string
	Type           string // subscription, support, service, training, tool, fee, event, kit
	Commissionable bool
	Refundable     bool
}

// VolumeRules say how orders become volume.
type VolumeRules struct {
	// PersonalUse makes part of personal-use CV rewardable (RPCV, TX-03):
	// RPCV = min(PCV, Cap, CuV × Share/(1−Share)). Nil: RPCV is zero.
	PersonalUse *PersonalUse
	// ReceiptedResale counts receipted resales as customer volume (default
	// true).
	ReceiptedResale bool
}

// PersonalUse is the TX-03 personal-consumption cap.
type PersonalUse struct {
	Cap   int64 // absolute cap per distributor per period; 0 = none
	Share Rate  // share cap s of CV; default 1/3 (RPCV ≤ CuV/2)
}

// ActiveRule decides the per-period active flag from a distributor's own
// customer volume; never from headcount or required purchases.
type ActiveRule struct {
	MinCuV            int64 // CuV ≥ MinCuV (minor units)
	MinCustomerOrders int   // at least this many customer orders
}

// Rank is one rank; ranks are listed lowest first and a distributor's
// paid-as rank is the highest one whose requirements all hold.
type Rank struct {
	ID       string
	Name     string
	Requires []Requirement
}

// Metric names what a rank requirement measures.
type Metric string

// The metrics a rank requirement can use.
const (
	MetricCuV             Metric = "cuv"              // personal customer volume ≥ Min
	MetricPV              Metric = "pv"               // personal volume (CuV+RPCV) ≥ Min
	MetricGV              Metric = "gv"               // group volume ≥ Min
	MetricQualifyingGV    Metric = "qualifying_gv"    // PV + Σ min(leg GV, LegCap×Min) ≥ Min
	MetricLegsWithRank    Metric = "legs_with_rank"   // ≥ Count legs holding Rank (paid-as, anywhere in the leg)
	MetricLegsWithVolume  Metric = "legs_with_volume" // ≥ Count legs with leg GV ≥ Min
	MetricActiveCustomers Metric = "active_customers" // ≥ Count distinct customers, trailing 12 months

	// Headcount metrics parse so that the linter can name them (PL-05), but
	// Evaluate refuses a plan that uses them.
	MetricEnrolledCount      Metric = "enrolled_count"
	MetricActiveParticipants Metric = "active_participants"
	MetricTeamSize           Metric = "team_size"
)

// CustomerWindowMonths is the trailing window, in months including the
// period itself, over which distinct active customers are counted (TX-06
// and the active_customers metric). Callers that supply
// DistributorVolume.ActiveCustomers must count over the same window.
func (p *Plan) CustomerWindowMonths() int { return 12 }

// Requirement is one condition of a rank.
type Requirement struct {
	Metric Metric
	Min    int64  // volume threshold in minor units (cuv, pv, gv, qualifying_gv, legs_with_volume)
	Count  int    // legs or customers (legs_with_rank, legs_with_volume, active_customers)
	Rank   string // the rank a leg must hold (legs_with_rank)
	LegCap Rate   // share of Min one leg may supply (qualifying_gv)

	rank int8 // index+1 of Rank, resolved at parse time
}

// Gates are the compliance gates the engine enforces (compliance.md §9).
// A zero value disables a gate. Each gate that changes a line is named in
// that line's explanation. YAML keys under gates: payout_cap_pct (35),
// min_active_customers (2), customer_share_min_pct (50),
// sell_through_min_pct (70), end_user_min_pct (80), customer_cv_share_min
// ("2/3", a fraction) and cn_own_sales_cap_pct (30); in brackets the
// defaults of the register, which the linter expects.
type Gates struct {
	// PayoutCap is TX-08: total pay ≤ PayoutCap × total CV; overrides (every
	// bonus but direct) are scaled pro rata when it binds.
	PayoutCap Rate
	// MinActiveCustomers is TX-06: an earner needs this many distinct
	// customers in the trailing 12 months before any multi-level pay.
	MinActiveCustomers int
	// CustomerShareMin is TX-04 (Vemma): an earner's organisation must have
	// customer revenue / total revenue strictly above it, or it gets no
	// multi-level pay that period.
	CustomerShareMin Rate
	// SellThroughMin is TX-05: an earner who bought resale stock needs
	// resold / bought ≥ SellThroughMin over the trailing window (the
	// caller's figures, DistributorVolume.SellThrough), or it gets no
	// multi-level pay that period.
	SellThroughMin Rate
	// EndUserMin and CustomerCVMin are TX-07, the company-level tests over
	// the trailing 12 months: EU = (CuV + RPCV) / revenue ≥ EndUserMin and
	// CSH = CuV / (CuV + RPCV) ≥ CustomerCVMin. When either fails, every
	// multi-level line is scaled by f = min(EU/EndUserMin, CSH/CustomerCVMin,
	// 1), rounded down to nine decimal places; the payout cap then applies
	// to the result (one scale factor, the smaller of the two).
	EndUserMin, CustomerCVMin Rate
	// CNOwnSalesCap switches on TX-12 for participants resident in CN: no
	// multi-level pay (single level only), and total pay at most
	// CNOwnSalesCap × own direct sales (own CuV), enforced by an adjustment
	// line. KR's 35 % cap on total allowances is company-wide and is the
	// payout cap (TX-08, linter PL-06 under --jurisdiction KR); the UK ban on
	// pay for the continued participation of others is a plan-design rule
	// (linter PL-01), so neither changes a line here.
	CNOwnSalesCap Rate
}

// RunsCompanyTest reports whether the plan runs the TX-07 company tests.
func (g *Gates) RunsCompanyTest() bool { return !g.EndUserMin.IsZero() || !g.CustomerCVMin.IsZero() }

// BonusKind is the tag of the bonuses union.
type BonusKind string

// The bonus kinds.
const (
	KindDirect    BonusKind = "direct"
	KindUnilevel  BonusKind = "unilevel"
	KindStairStep BonusKind = "stairstep"
	KindBinary    BonusKind = "binary"
	KindMatching  BonusKind = "matching"
	KindFastStart BonusKind = "faststart"
	KindPool      BonusKind = "pool"
)

// Basis names a volume a bonus is computed on. Only customer volume and
// its rewardable personal-use part exist (PL-03); binary volume is the
// binary bonus's per-order volume (defaults to CV).
type Basis string

// The bases.
const (
	BasisCuV  Basis = "cuv"
	BasisRPCV Basis = "rpcv"
	BasisBV   Basis = "bv"
)

// Trigger names the event a bonus pays on. Only volume-based triggers are
// accepted by the engine; the linter rejects the others (PL-01).
type Trigger string

// The triggers the parser knows. Enrolment-type triggers parse (so that a
// linter can name them) but Evaluate refuses them.
const (
	TriggerCustomerOrder Trigger = "customer_order"
	TriggerPeriodVolume  Trigger = "period_volume"
	TriggerEnrolment     Trigger = "enrolment"
	TriggerKitPurchase   Trigger = "kit_purchase"
	TriggerFeePayment    Trigger = "fee_payment"
	TriggerHeadcount     Trigger = "headcount"
)

// Bonus is one entry of the plan's bonuses list: a tagged union on Kind.
// Fields that do not apply to a kind are zero.
type Bonus struct {
	ID      string
	Kind    BonusKind
	Trigger Trigger
	Basis   []Basis
	Rate    Rate  // direct, faststart, pool, binary (percentage of matched volume)
	Cap     int64 // per distributor per period, minor units; 0 = none
	MinRank string

	// Unilevel.
	Levels      []Level
	Compression Compression
	// PayInactiveSellers: volume of a seller who is not active still
	// generates overrides (default true).
	PayInactiveSellers bool
	// PassUpUnqualified: an active upline whose rank does not unlock a level
	// does not occupy it (the level passes up). Default false: it occupies
	// the level and forgoes it.
	PassUpUnqualified bool

	// Stair-step.
	Steps       []Step
	Generations []Generation // breakaway generations (stairstep) or matching generations

	// Binary.
	Cycle         *Cycle // pay per cycle instead of Rate × matched
	CarryCap      int64  // cap per side on carry-out; 0 = none
	FlushInactive bool   // carry is flushed when the distributor is inactive
	CarryExpiry   int    // periods after which unmatched carry is flushed; 0 = never
	// QualifySponsoredActive: needs this many active personally sponsored
	// distributors in each placement side to earn binary pay.
	QualifySponsoredActive int

	// Matching.
	Matches []string // bonus ids whose earnings are matched (never matching)

	// Fast start.
	Days int

	// Pool.
	Shares      PoolShares
	RankWeights map[string]int // shares per rank (rank_weights)

	matchIdx []int // indices of Matches in Plan.Bonuses, resolved at parse time
}

// Compression is the unilevel compression rule.
type Compression string

// The compression rules.
const (
	CompressionNone    Compression = "none"
	CompressionDynamic Compression = "dynamic"
)

// Level is one unilevel level: its rate and the rank that unlocks it.
type Level struct {
	Rate    Rate
	MinRank string
	minRank int8
}

// Step is one stair-step: from MinGV of group volume the distributor's
// percentage is Rate. The last step is the breakaway step.
type Step struct {
	MinGV int64
	Rate  Rate
}

// Generation is one generation of a breakaway royalty or matching bonus.
type Generation struct {
	Rate    Rate
	MinRank string
	MinPV   int64
	minRank int8
}

// Cycle is a binary payout by whole cycles: Left and Right volume per cycle
// and Amount paid per cycle.
type Cycle struct {
	Left, Right, Amount int64
}

// PoolShares says how a pool is split.
type PoolShares string

// The pool share rules.
const (
	SharesEqual       PoolShares = "equal"
	SharesRankWeights PoolShares = "rank_weights"
)

// RankIndex returns 1 + the index of rank id in p.Ranks, or 0 when id is
// empty or unknown ("no rank").
func (p *Plan) RankIndex(id string) int {
	for i, r := range p.Ranks {
		if r.ID == id {
			return i + 1
		}
	}
	return 0
}

// RankID returns the id of rank index k (1-based), or "" for 0.
func (p *Plan) RankID(k int) string {
	if k <= 0 || k > len(p.Ranks) {
		return ""
	}
	return p.Ranks[k-1].ID
}

// IsOverride reports whether a bonus kind is multi-level compensation: the
// payout cap scales it and the TX-04/TX-06 gates withhold it. Only direct
// commission is not.
func (k BonusKind) IsOverride() bool { return k != KindDirect }

// BonusIndex returns the index of bonus id in p.Bonuses, or -1.
func (p *Plan) BonusIndex(id string) int {
	for i := range p.Bonuses {
		if p.Bonuses[i].ID == id {
			return i
		}
	}
	return -1
}

// resolved returns a copy of p with every rank and bonus reference
// resolved to its index, so that a Plan built in code (not parsed) is
// evaluated exactly like a parsed one. p itself is never modified, so one
// Plan may be evaluated concurrently.
func (p *Plan) resolved() *Plan {
	c := *p
	c.Ranks = make([]Rank, len(p.Ranks))
	for i, rk := range p.Ranks {
		rk.Requires = append([]Requirement(nil), rk.Requires...)
		for j := range rk.Requires {
			rk.Requires[j].rank = int8(p.RankIndex(rk.Requires[j].Rank))
		}
		c.Ranks[i] = rk
	}
	c.Bonuses = make([]Bonus, len(p.Bonuses))
	for i, b := range p.Bonuses {
		b.Levels = append([]Level(nil), b.Levels...)
		for j := range b.Levels {
			b.Levels[j].minRank = int8(p.RankIndex(b.Levels[j].MinRank))
		}
		b.Generations = append([]Generation(nil), b.Generations...)
		for j := range b.Generations {
			b.Generations[j].minRank = int8(p.RankIndex(b.Generations[j].MinRank))
		}
		b.matchIdx = nil
		for _, id := range b.Matches {
			if k := p.BonusIndex(id); k >= 0 && k < i {
				b.matchIdx = append(b.matchIdx, k)
			}
		}
		c.Bonuses[i] = b
	}
	return &c
}
