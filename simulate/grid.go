package simulate

import (
	"context"
	"fmt"
	"math"

	"github.com/downline/downline/compplan"
)

// Scenario is one point of the sensitivity grid.
type Scenario struct {
	Name   string `json:"name"`
	Params Params `json:"-"`
}

// SensitivityGrid returns the §6.5 grid over the three axes that move the
// incentive ratio most: λ_c ∈ {0.05, 0.15, 0.30}, λ_r ∈ {0.05, 0.2, 0.5}
// and σ_e ∈ {0.75, 1.0, 1.5}, each over base (27 scenarios). The other
// axes of §6.5 (P_max, attrition, x_fix, κ) are left at base: they change
// costs and scale, not what one more customer or recruit pays.
func SensitivityGrid(base Params) []Scenario {
	var out []Scenario
	for _, lc := range []float64{0.05, 0.15, 0.30} {
		for _, lr := range []float64{0.05, 0.2, 0.5} {
			for _, se := range []float64{0.75, 1.0, 1.5} {
				p := base
				p.LambdaC, p.LambdaR, p.SigmaE = lc, lr, se
				out = append(out, Scenario{Name: fmt.Sprintf("λc=%.2f λr=%.2f σe=%.2f", lc, lr, se), Params: p})
			}
		}
	}
	return out
}

// GridResult is one scenario's incentive ratio and headline figures.
type GridResult struct {
	Scenario  string  `json:"scenario"`
	IR        float64 `json:"incentive_ratio"`
	Unbounded bool    `json:"incentive_unbounded"`
	LossRate  float64 `json:"loss_rate"`
	RDI       float64 `json:"rdi"`
	CompanyOK float64 `json:"company_tests_passed"`
	VemmaPass float64 `json:"vemma_pass_median"`
}

// RunGrid simulates plan in every scenario and judges SIM-01 over the
// grid: the incentive ratio must reach IRMin in every scenario.
func RunGrid(ctx context.Context, plan *compplan.Plan, scenarios []Scenario, o Options) ([]GridResult, Gate, error) {
	var out []GridResult
	worst, worstName, ok := math.Inf(1), "none", true
	for i, s := range scenarios {
		r, err := Run(ctx, plan, s.Params, o)
		if err != nil {
			return nil, Gate{}, fmt.Errorf("scenario %d (%s): %w", i, s.Name, err)
		}
		g := GridResult{Scenario: s.Name, IR: r.IncentiveRatio, Unbounded: r.IncentiveUnbounded, LossRate: r.LossRate.Mean,
			RDI: r.RDI, CompanyOK: r.CompanyTestsPassed, VemmaPass: r.VemmaPassMedian}
		out = append(out, g)
		if !r.IncentiveUnbounded && r.IncentiveRatio < worst {
			worst, worstName = r.IncentiveRatio, s.Name
		}
		ok = ok && r.Gates[0].Status == "PASS"
	}
	status := "PASS"
	if !ok {
		status = "FAIL"
	}
	return out, Gate{ID: "SIM-01", Status: status,
		Detail: fmt.Sprintf("lowest incentive ratio %.2f (%s) over %d scenarios; need ≥ 1 in every one", worst, worstName, len(scenarios))}, nil

}
