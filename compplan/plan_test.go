package compplan_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/downline/downline/compplan"
)

func TestExamplePlansParse(t *testing.T) {
	files, _ := filepath.Glob("../examples/plans/*.yaml")
	if len(files) < 4 {
		t.Fatalf("found %d example plans, want at least 4", len(files))
	}
	for _, f := range files {
		if _, err := compplan.LoadPlan(f); err != nil {
			t.Errorf("LoadPlan(%s): %v", f, err)
		}
	}
}

func TestParsePlanErrors(t *testing.T) {
	const head = "plan: x\nversion: \"1\"\ncurrency: USD\n"
	tests := []struct {
		name, src, want string
	}{
		{"missing plan", "version: \"1\"\ncurrency: USD\n", "plan:1:1: plan: missing required field"},
		{"unknown field", head + "colour: red\n", "plan:4:1: colour: unknown field \"colour\""},
		{"bad rate", head + "bonuses:\n  - {id: d, kind: direct, rate_pct: \"abc\"}\n", "plan:5:37: bonuses[0].rate_pct: want a percentage"},
		{"rate above 100", head + "bonuses:\n  - {id: d, kind: direct, rate_pct: \"101\"}\n", "percentage \"101\" is above 100"},
		{"unknown kind", head + "bonuses:\n  - {id: d, kind: lottery}\n", "plan:5:19: bonuses[0].kind: want one of direct, unilevel"},
		{"duplicate bonus", head + "bonuses:\n  - {id: d, kind: direct, rate_pct: \"1\"}\n  - {id: d, kind: direct, rate_pct: \"1\"}\n", "plan:6:10: bonuses[1].id: duplicate bonus id \"d\""},
		{"unknown rank", head + "bonuses:\n  - id: u\n    kind: unilevel\n    levels: [{rate_pct: \"5\", min_rank: gold}]\n", "plan:7:40: bonuses[0].levels[0].min_rank: unknown rank \"gold\""},
		{"matching on matching", head + "bonuses:\n  - {id: u, kind: unilevel, levels: [{rate_pct: \"5\"}]}\n  - {id: m, kind: matching, matches: [u], generations: [{rate_pct: \"5\"}]}\n  - {id: m2, kind: matching, matches: [m], generations: [{rate_pct: \"5\"}]}\n", "never matches matching bonus \"m\""},
		{"steps not rising", head + "bonuses:\n  - id: s\n    kind: stairstep\n    steps: [{min_gv: \"10\", rate_pct: \"5\"}, {min_gv: \"5\", rate_pct: \"8\"}]\n", "bonuses[0].steps[1]: steps must rise"},
		{"bad share", head + "volume:\n  personal_use: {share: \"3/2\"}\n", "volume.personal_use.share: want a fraction below 1"},
		{"leg rank order", head + "ranks:\n  - {id: a, requires: [{metric: legs_with_rank, rank: b, count: 1}]}\n  - {id: b}\n", "a leg requirement may name only a lower rank"},
		{"not yaml", "plan: [x\n", "plan:"},
		{"negative money", head + "active: {min_cuv: \"-5\"}\n", "active.min_cuv: want an amount"},
		{"two binaries", head + "bonuses:\n  - {id: a, kind: binary, rate_pct: \"1\"}\n  - {id: b, kind: binary, rate_pct: \"1\"}\n", "at most one binary bonus"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := compplan.ParsePlan(strings.NewReader(tt.src))
			if err == nil {
				t.Fatalf("ParsePlan succeeded (%+v), want an error containing %q", p, tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ParsePlan error = %q, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestEvaluateRefusesEnrolmentPay(t *testing.T) {
	p, err := compplan.ParsePlan(strings.NewReader("plan: x\nversion: \"1\"\ncurrency: USD\nbonuses:\n  - {id: fs, kind: faststart, trigger: enrolment, rate_pct: \"10\", days: 30}\n"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = compplan.Evaluate(p, &compplan.Snapshot{Distributors: []compplan.Distributor{{ID: 1}}})
	if err == nil || !strings.Contains(err.Error(), "PL-01") {
		t.Errorf("Evaluate = %v, want a PL-01 refusal", err)
	}
}
