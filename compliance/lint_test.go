package compliance

import (
	"os"
	"strings"
	"testing"

	"github.com/downline/downline/compplan"
)

// loadVariant parses testdata/reference.yaml after applying replacements
// (old, new pairs) and fails the test if a replacement does not apply.
func loadVariant(t *testing.T, repl ...string) *compplan.Plan {
	t.Helper()
	b, err := os.ReadFile("testdata/reference.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for i := 0; i+1 < len(repl); i += 2 {
		if !strings.Contains(s, repl[i]) {
			t.Fatalf("variant: %q not in reference plan", repl[i])
		}
		s = strings.Replace(s, repl[i], repl[i+1], 1)
	}
	p, err := compplan.ParsePlan(strings.NewReader(s))
	if err != nil {
		t.Fatalf("ParsePlan: %v", err)
	}
	return p
}

func TestLintReferencePlan(t *testing.T) {
	r := Lint(loadVariant(t), Terms{}, nil, DefaultParams())
	for _, f := range r.Findings {
		t.Errorf("unexpected finding %s %s at %s: %s", f.Severity, f.Rule, f.Path, f.Message)
	}
	// 20 + 6 + 3 + 2 = 31 %.
	if got := r.WorstCasePayout.Percent(0); got != "31 %" {
		t.Errorf("worst-case payout = %s, want 31 %%", got)
	}
	// 20 / 11 = 1.818…
	if got := r.SellerRatio.Decimal(2); got != "1.82" {
		t.Errorf("seller ratio = %s, want 1.82", got)
	}
	if r.OverrideDepth != 3 {
		t.Errorf("override depth = %d, want 3", r.OverrideDepth)
	}
	// R2 needs 3 legs of 1,500 CuV: D = 3.
	if r.MinDownline != 3 {
		t.Errorf("min downline = %d, want 3", r.MinDownline)
	}
	if r.IsBlocked() {
		t.Error("reference plan blocked")
	}
}

func TestLintFindings(t *testing.T) {
	tests := []struct {
		name  string
		repl  []string
		terms Terms
		jx    string
		rule  string
		sev   Level
		path  string
		msg   string
	}{
		{"enrolment bonus", []string{"bonuses:\n", "bonuses:\n  - {id: fast, kind: direct, trigger: kit_purchase, basis: [cuv], rate_pct: 5}\n"},
			Terms{}, "", "PL-01", LevelBlock, "bonuses[0].trigger", "trigger=kit_purchase"},
		{"headcount trigger", []string{"bonuses:\n", "bonuses:\n  - {id: team, kind: direct, trigger: headcount, basis: [cuv], rate_pct: 1}\n"},
			Terms{}, "", "PL-01", LevelBlock, "bonuses[0].trigger", "headcount"},
		{"fee trigger", []string{"bonuses:\n", "bonuses:\n  - {id: join, kind: direct, trigger: fee_payment, basis: [cuv], rate_pct: 1}\n"},
			Terms{}, "", "PL-01", LevelBlock, "bonuses[0].trigger", "fee_payment"},
		{"enrolment trigger", []string{"bonuses:\n", "bonuses:\n  - {id: join, kind: direct, trigger: enrolment, basis: [cuv], rate_pct: 1}\n"},
			Terms{}, "", "PL-01", LevelBlock, "bonuses[0].trigger", "enrolment"},
		{"bare headcount rank", []string{"  - {id: R2, requires: [{metric: legs_with_volume, min: \"1500\", count: 3}]}",
			"  - {id: R0, requires: [{metric: gv, min: \"0\"}]}\n  - {id: R2, requires: [{metric: legs_with_rank, rank: R0, count: 5}]}"},
			Terms{}, "", "PL-05", LevelBlock, "ranks[2].requires[0]", "bare headcount"},
		{"enrolled count", []string{`{metric: cuv, min: "1500"}`, `{metric: enrolled_count, count: 5}`},
			Terms{}, "", "PL-05", LevelBlock, "ranks[0].requires[0].metric", "never participants"},
		{"team size", []string{`{metric: cuv, min: "1500"}`, `{metric: team_size, count: 50}`},
			Terms{}, "", "PL-05", LevelBlock, "ranks[0].requires[0].metric", "team_size"},
		{"legs without volume", []string{`metric: legs_with_volume, min: "1500"`, `metric: legs_with_volume, min: "0"`},
			Terms{}, "", "PL-05", LevelBlock, "ranks[1].requires[0].min", "bare headcount"},
		{"mandatory fee", []string{"mandatory_fees: []", "mandatory_fees: [{id: admin, amount: \"49\"}]"},
			Terms{}, "", "PL-02", LevelBlock, "compliance.mandatory_fees[0]", "mandatory fee"},
		{"kit above cost", []string{`optional_kit: {price: "0", cost: "0", commissionable: false}`,
			`optional_kit: {price: "49", cost: "30", commissionable: false, refund_pct: 100, refund_window_days: 365}`},
			Terms{}, "", "PL-02", LevelBlock, "compliance.optional_kit.price", "kit above cost"},
		{"PV rank", []string{`{metric: cuv, min: "1500"}`, `{metric: pv, min: "100"}`},
			Terms{}, "", "PL-02", LevelBlock, "ranks[0].requires[0].metric", "own purchases"},
		{"commissionable training", []string{"type: training,     commissionable: false", "type: training,     commissionable: true"},
			Terms{}, "", "PL-03", LevelBlock, "skus[2].commissionable", "bootcamp"},
		// Direct 10 %; overrides 8+5+3 = 16 %: 10 < 16.
		{"seller first", []string{"rate_pct: 20", "rate_pct: 10", "[{rate_pct: 6}, {rate_pct: 3}, {rate_pct: 2}]", "[{rate_pct: 8}, {rate_pct: 5}, {rate_pct: 3}]"},
			Terms{}, "", "PL-04", LevelBlock, "bonuses", "ratio 0.63"},
		// 20 + 5+4+3+2+1 = 35 % plus a 4 % pool = 39 % > 35 %, depth 5 > 3.
		{"payout and depth", []string{"[{rate_pct: 6}, {rate_pct: 3}, {rate_pct: 2}]",
			"[{rate_pct: 5}, {rate_pct: 4}, {rate_pct: 3}, {rate_pct: 2}, {rate_pct: 1}]\n  - {id: pool, kind: pool, basis: [cuv], rate_pct: 4}"},
			Terms{}, "", "PL-06", LevelBlock, "bonuses", "39.0 %"},
		{"depth", []string{"[{rate_pct: 6}, {rate_pct: 3}, {rate_pct: 2}]", "[{rate_pct: 3}, {rate_pct: 3}, {rate_pct: 2}, {rate_pct: 1}]"},
			Terms{}, "", "PL-06", LevelBlock, "bonuses[1].levels", "depth 4 > 3"},
		{"China forbids overrides", nil, Terms{}, "CN", "PL-06", LevelBlock, "bonuses", "CN forbids multi-level pay"},
		{"short cooling-off", []string{"cooling_off_days: 30", "cooling_off_days: 14"},
			Terms{}, "", "PL-07", LevelBlock, "compliance.cooling_off_days", "14 days"},
		{"Maryland buyback", []string{"buyback_pct: 100", "buyback_pct: 80"},
			Terms{}, "US-MD", "PL-07", LevelBlock, "compliance.buyback_pct", "80 %"},
		{"UK contract", nil, Terms{}, "UK", "PL-08", LevelBlock, "compliance.contract_clauses", "uk_statutory_warning"},
		{"Georgia spillover", []string{"bonuses:\n", "bonuses:\n  - {id: bin, kind: binary, basis: [bv], rate_pct: 1}\n"},
			Terms{PlacementPolicy: "sponsor_discretion"}, "US-GA", "PL-09", LevelBlock, "compliance.placement_policy", "sponsor_discretion"},
		{"spillover elsewhere", []string{"bonuses:\n", "bonuses:\n  - {id: bin, kind: binary, basis: [bv], rate_pct: 1}\n"},
			Terms{PlacementPolicy: "sponsor_discretion"}, "", "PL-09", LevelWarn, "compliance.placement_policy", "sponsor_discretion"},
		{"UK first 7 days", nil, Terms{}, "UK", "PL-10", LevelBlock, "compliance.first7d_cap", "200.00"},
		{"non-refundable training", []string{"commissionable: false, refundable: true", "commissionable: false, refundable: false"},
			Terms{}, "", "PL-11", LevelBlock, "skus[2].refundable", "bootcamp"},
		{"mandatory event in plan", []string{"cooling_off_days: 30", "cooling_off_days: 30\n  mandatory_events: [summit]"},
			Terms{}, "", "PL-11", LevelBlock, "compliance.mandatory_events", "summit"},
		{"spillover in plan", []string{"cooling_off_days: 30", "cooling_off_days: 30\n  placement_policy: sponsor_discretion", "bonuses:\n", "bonuses:\n  - {id: bin, kind: binary, basis: [bv], rate_pct: 1}\n"},
			Terms{}, "US-GA", "PL-09", LevelBlock, "compliance.placement_policy", "sponsor_discretion"},
		{"UK terms in plan but cap too high", []string{"cooling_off_days: 30", "cooling_off_days: 30\n  first7d_cap: \"250\"\n  change_notice_days: 60"},
			Terms{}, "UK", "PL-10", LevelBlock, "compliance.first7d_cap", "250.00"},
		{"mandatory event", nil, Terms{MandatoryEvents: []string{"summit"}}, "", "PL-11", LevelBlock, "compliance.mandatory_events", "summit"},
		{"saturation", nil, Terms{MarketSize: 200}, "", "PL-05", LevelWarn, "ranks[1]", "1.50 %"},
		{"no payout cap gate", []string{"payout_cap_pct: 35, ", ""}, Terms{}, "", "TX-08", LevelWarn, "gates.payout_cap_pct", "not enforced"},
		{"loose sell-through gate", []string{"sell_through_min_pct: 70", "sell_through_min_pct: 60"}, Terms{}, "", "TX-05", LevelWarn, "gates.sell_through_min_pct", "60 %, below the default 70 %"},
		{"no sell-through gate", []string{" sell_through_min_pct: 70,", ""}, Terms{}, "", "TX-05", LevelWarn, "gates.sell_through_min_pct", "is off (default 70 %)"},
		{"no company end-user tests", []string{"end_user_min_pct: 80, customer_cv_share_min: \"2/3\", ", ""}, Terms{}, "", "TX-07", LevelWarn, "gates", "are off (defaults: end_user_min_pct 80 %"},
		{"loose customer share of CV", []string{"customer_cv_share_min: \"2/3\"", "customer_cv_share_min: \"1/2\""}, Terms{}, "", "TX-07", LevelWarn, "gates", "customer share of CV ≥ 50.0 %"},
		{"no CN enforcement", []string{", cn_own_sales_cap_pct: 30", ""}, Terms{}, "", "TX-12", LevelWarn, "gates.cn_own_sales_cap_pct", "set cn_own_sales_cap_pct"},
		{"CN cap too high", []string{"cn_own_sales_cap_pct: 30", "cn_own_sales_cap_pct: 40"}, Terms{}, "", "TX-12", LevelWarn, "gates.cn_own_sales_cap_pct", "40 % of own direct sales, above the legal 30 %"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			jx, err := ParseJurisdictions(tt.jx)
			if err != nil {
				t.Fatal(err)
			}
			r := Lint(loadVariant(t, tt.repl...), tt.terms, jx, DefaultParams())
			for _, f := range r.Findings {
				if f.Rule == tt.rule && f.Severity == tt.sev && f.Path == tt.path && strings.Contains(f.Message, tt.msg) {
					if f.Citation == "" {
						t.Errorf("finding %s has no citation", f.Rule)
					}
					return
				}
			}
			t.Errorf("no %s %s at %s containing %q; findings:", tt.sev, tt.rule, tt.path, tt.msg)
			for _, f := range r.Findings {
				t.Logf("  %s %s %s: %s", f.Severity, f.Rule, f.Path, f.Message)
			}
		})
	}
}

func TestLintUKTermsPass(t *testing.T) {
	p := loadVariant(t, "cooling_off_days: 30", `cooling_off_days: 30
  first7d_cap: "200"
  change_notice_days: 60
  contract_clauses: [promoter_identity, products, participant_capacity, financial_obligations_12m,
    cancellation_refund_buyback, compensation_plan, income_disclosure_link, statutory_statements, uk_statutory_warning]`)
	jx, err := ParseJurisdictions("US,UK")
	if err != nil {
		t.Fatal(err)
	}
	r := Lint(p, Terms{}, jx, DefaultParams())
	for _, f := range r.Findings {
		t.Errorf("unexpected finding %s %s at %s: %s", f.Severity, f.Rule, f.Path, f.Message)
	}
}

func TestLintBinaryUnbounded(t *testing.T) {
	p := loadVariant(t, "bonuses:\n", "bonuses:\n  - {id: bin, kind: binary, basis: [bv], rate_pct: 1}\n")
	r := Lint(p, Terms{PlacementPolicy: "automatic"}, nil, DefaultParams())
	if r.OverrideDepth != -1 || r.WorstCasePayout.IsDefined() || !r.IsBlocked() {
		t.Errorf("binary plan: depth %d, worst case %s, blocked %v; want -1, undefined, true",
			r.OverrideDepth, r.WorstCasePayout, r.IsBlocked())
	}
}

func TestLintLines(t *testing.T) {
	p := loadVariant(t, "bonuses:\n", "bonuses:\n  - {id: fast, kind: direct, trigger: kit_purchase, basis: [cuv], rate_pct: 5}\n")
	r := Lint(p, Terms{}, nil, DefaultParams())
	for _, f := range r.Findings {
		if f.Rule == "PL-01" && f.Line == 0 {
			t.Errorf("PL-01 finding at %s has no line", f.Path)
		}
	}
}
