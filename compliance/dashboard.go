package compliance

import (
	"slices"
	"strings"
)

// Level is the outcome of comparing a figure with its thresholds.
type Level string

// The levels of a KPI or a finding.
const (
	LevelOK    Level = "OK"
	LevelWarn  Level = "WARN"
	LevelBlock Level = "BLOCK"
	// LevelNA marks a figure that cannot be computed from the data given.
	LevelNA Level = "N/A"
)

// DashboardInput holds the company figures of one period (and the trailing
// 12 months where a KPI asks for them). Amounts are minor units.
type DashboardInput struct {
	// Trailing-12-month revenue split for the EU share: all product
	// revenue, CuV and rewardable personal consumption.
	Revenue12, CuV12, RPCV12 int64
	// Period CV split for the customer share and payout ratio; PCV is all
	// personal-use revenue (rewardable or not).
	CuV, RPCV, PCV int64
	// Compensation paid in the period, in total and the part resting on
	// recruits' (participants') own purchases, i.e. on RPCV.
	Compensation, CompOnRPCV int64
	// PerParticipant holds each participant's compensation for the period,
	// zeros included, for the top-1 % and zero shares.
	PerParticipant []int64
	// MLCCandidates would receive multi-level compensation before TX-04;
	// VemmaFailures of them failed it.
	MLCCandidates, VemmaFailures int
	// Refunds of the period and the gross revenue they are measured against.
	Refunds, GrossRevenue int64
	// Buybacks and the resale purchases they are measured against.
	Buybacks, ResalePurchases int64
	// Recouped of Participants have cumulative compensation at least their
	// payments to the company.
	Recouped, Participants int
	// LeftWithin12 of Joined12 (those who joined 12 to 24 months ago) left
	// within 12 months.
	LeftWithin12, Joined12 int
	// Verification holds the period's receipt verification counts (TX-02).
	Verification VerificationFigures
	// CompanyTests lists the closed periods of the window whose TX-07
	// company-level tests failed; each raises an alert row.
	CompanyTests []CompanyTestEvent
}

// CompanyTestEvent is a closed period whose TX-07 company-level end-user
// tests failed for the trailing 12 months, so that its multi-level pay
// was multiplied by Factor (f = min(EU/eu_min, CSH/csh_min, 1)). TX-07
// asks for an alert to the compliance officer and a note in the IDS.
type CompanyTestEvent struct {
	Period string
	Factor Ratio
}

// VerificationFigures counts a period's receipt verification (TX-02):
// its customer orders (the sampling population), the cases selected for
// verification (sampled or risk-flagged), their outcomes, and the pending
// cases past verify_sla.
type VerificationFigures struct {
	Population, Cases, Confirmed, Rejected, Overdue int
}

// KPI is one row of the RP-03 dashboard.
type KPI struct {
	ID        string
	Name      string
	Formula   string
	Value     Ratio
	Level     Level
	Threshold string
	Anchor    string
}

type threshold struct {
	warn, block Ratio
	below       bool // alert when the value falls below the threshold
}

func (th threshold) level(v Ratio) Level {
	if !v.IsDefined() {
		return LevelNA
	}
	hit := func(t Ratio) bool {
		if !t.IsDefined() {
			return false
		}
		if th.below {
			return v.Less(t)
		}
		return t.Less(v)
	}
	switch {
	case hit(th.block):
		return LevelBlock
	case hit(th.warn):
		return LevelWarn
	}
	return LevelOK
}

// Dashboard computes the compliance KPIs of RP-03 with their alert levels
// under p. The thresholds are the design defaults of the RP-03 table; the
// block levels come from the register (EUMin, CSHMin, PayoutCap).
func Dashboard(in DashboardInput, p Params) []KPI {
	zeros := int64(count(in.PerParticipant, func(x int64) bool { return x == 0 }))
	rows := []struct {
		id, name, formula string
		v                 Ratio
		th                threshold
		text, anchor      string
	}{
		{"eu_share", "End-user share", "(CuV + RPCV) / total revenue, trailing 12 months",
			Frac(in.CuV12+in.RPCV12, in.Revenue12), threshold{Pct(85), p.EUMin, true},
			"< 85 % warn; < " + p.EUMin.Percent(0) + " block (TX-07)", "Herbalife"},
		{"customer_share", "Customer share of CV", "CuV / CV",
			Frac(in.CuV, in.CuV+in.RPCV), threshold{Pct(75), p.CSHMin, true},
			"< 75 % warn; < " + p.CSHMin.Percent(1) + " block", "Herbalife"},
		{"pay_on_own_purchases", "Pay resting on participants' own purchases", "compensation on RPCV / compensation",
			Frac(in.CompOnRPCV, in.Compensation), threshold{warn: Frac(1, 3)},
			"> 33.3 % warn (1/3 rewardable internal consumption)", "Herbalife"},
		{"personal_use_share", "Personal-use share of revenue", "PCV / (CuV + PCV)",
			Frac(in.PCV, in.CuV+in.PCV), threshold{warn: Frac(1, 3)},
			"> 33.3 % warn", "Herbalife; L5"},
		{"vemma_failures", "Vemma failures", "MLC earners failing TX-04 / would-be MLC earners",
			Frac(int64(in.VemmaFailures), int64(in.MLCCandidates)), threshold{warn: Pct(10)},
			"> 10 % warn", "Vemma"},
		{"payout_ratio", "Payout ratio", "Σ compensation / CV",
			Frac(in.Compensation, in.CuV+in.RPCV), threshold{Pct(33), p.PayoutCap, false},
			"> 33 % warn; > " + p.PayoutCap.Percent(0) + " block", "PL-06"},
		{"top1_share", "Top-1 % share", "Σ compensation of top 1 % / Σ compensation",
			TopShare(in.PerParticipant, 1), threshold{warn: Pct(50)}, "> 50 % warn", "Taylor"},
		{"zero_share", "Zero-compensation share", "participants with $0 / participants",
			Frac(zeros, int64(len(in.PerParticipant))), threshold{warn: Pct(60)}, "> 60 % warn", "FTC staff report 2024"},
		{"refund_rate", "Refund rate", "refunds / gross revenue",
			Frac(in.Refunds, in.GrossRevenue), threshold{warn: Pct(10)}, "> 10 % warn [D]", "TX-09"},
		{"buyback_rate", "Buyback rate", "buyback $ / resale purchases $",
			Frac(in.Buybacks, in.ResalePurchases), threshold{warn: Pct(5)}, "> 5 % warn", "inventory loading"},
		{"recoup_rate", "Recoup rate", "participants whose compensation ≥ payments / participants",
			Frac(int64(in.Recouped), int64(in.Participants)), threshold{warn: Pct(50), below: true}, "< 50 % warn", "BurnLounge"},
		{"first_year_attrition", "First-year attrition", "left within 12 months / joined",
			Frac(int64(in.LeftWithin12), int64(in.Joined12)), threshold{warn: Pct(50)}, "> 50 % warn", "Herbalife complaint; Neora"},
	}
	out := make([]KPI, 0, len(rows)+3)
	for _, r := range rows {
		out = append(out, KPI{ID: r.id, Name: r.name, Formula: r.formula, Value: r.v,
			Level: r.th.level(r.v), Threshold: r.text, Anchor: r.anchor})
	}
	out = append(out, VerificationKPIs(in.Verification, p)...)
	return append(out, CompanyTestAlerts(in.CompanyTests, p)...)
}

// CompanyTestAlerts returns one BLOCK row per period whose TX-07 company
// tests failed, newest first: its value is the factor f that scaled the
// period's multi-level pay.
func CompanyTestAlerts(evs []CompanyTestEvent, p Params) []KPI {
	evs = slices.Clone(evs)
	slices.SortFunc(evs, func(a, b CompanyTestEvent) int { return strings.Compare(b.Period, a.Period) })
	out := make([]KPI, 0, len(evs))
	for _, e := range evs {
		out = append(out, KPI{ID: "company_test_failed", Name: "TX-07 company test failed in " + e.Period,
			Formula: "multi-level pay × f, f = min(EU / eu_min, CSH / csh_min, 1)", Value: e.Factor, Level: LevelBlock,
			Threshold: "EU < " + p.EUMin.Percent(0) + " or CSH < " + p.CSHMin.Percent(1) + ", trailing 12 months: alert the compliance officer",
			Anchor:    "TX-07"})
	}
	return out
}

// VerificationKPIs are the receipt verification rows of the dashboard
// (TX-02): coverage (cases / customer orders, which falls below
// verify_sample_rate when a period was not sampled), rejection rate
// (rejected / decided; > 5 % warn, > 10 % block [D]: a tenth of checked
// receipts failing says the customer volume cannot be relied on), and
// overdue share (pending past verify_sla / cases; any warns [D]).
func VerificationKPIs(v VerificationFigures, p Params) []KPI {
	rows := []struct {
		id, name, formula string
		v                 Ratio
		th                threshold
		text              string
	}{
		{"verify_coverage", "Receipts selected for verification", "verification cases / customer orders",
			Frac(int64(v.Cases), int64(v.Population)), threshold{warn: p.VerifySampleRate, below: true},
			"< " + p.VerifySampleRate.Percent(0) + " warn (verify_sample_rate: sample not drawn)"},
		{"verify_rejection_rate", "Verification rejection rate", "rejected / decided verification cases",
			Frac(int64(v.Rejected), int64(v.Confirmed+v.Rejected)), threshold{warn: Pct(5), block: Pct(10)},
			"> 5 % warn; > 10 % block [D]"},
		{"verify_overdue", "Verifications overdue", "pending cases past verify_sla / cases",
			Frac(int64(v.Overdue), int64(v.Cases)), threshold{warn: Frac(0, 1)},
			"> 0 warn (verify_sla 30 days) [D]"},
	}
	out := make([]KPI, 0, len(rows))
	for _, r := range rows {
		out = append(out, KPI{ID: r.id, Name: r.name, Formula: r.formula, Value: r.v,
			Level: r.th.level(r.v), Threshold: r.text, Anchor: "TX-02"})
	}
	return out
}
