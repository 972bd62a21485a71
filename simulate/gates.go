package simulate

import (
	"fmt"

	"github.com/downline/downline/compliance"
)

// gates judges SIM-01…SIM-05 (§6.5).
func gates(r *Report, prm compliance.Params) []Gate {
	g := func(id string, ok bool, format string, args ...any) Gate {
		s := "FAIL"
		if ok {
			s = "PASS"
		}
		return Gate{ID: id, Status: s, Detail: fmt.Sprintf(format, args...)}
	}
	irMin := prm.IRMin.Float()
	ir := fmt.Sprintf("%.2f", r.IncentiveRatio)
	if r.IncentiveUnbounded {
		ir = "unbounded"
	}
	out := []Gate{
		g("SIM-01", r.IRSample > 0 && (r.IncentiveUnbounded || r.IncentiveRatio >= irMin),
			"incentive ratio %s (one more customer %.2f vs one more recruit %.2f over %d months, %d participants sampled); need ≥ %.2f",
			ir, r.IRCustomerValue, r.IRRecruitValue, r.Window, r.IRSample, irMin),
		g("SIM-02", r.CompanyTestsPassed >= 0.95,
			"end-user share ≥ %s and customer share ≥ %s in %.1f %% of replications; need ≥ 95 %%",
			prm.EUMin.Percent(0), prm.CSHMin.Percent(1), 100*r.CompanyTestsPassed),
		g("SIM-03", r.VemmaPassMedian >= 0.90,
			"median share of would-be multi-level earners passing the Vemma test %.1f %%; need ≥ 90 %%", 100*r.VemmaPassMedian),
		g("SIM-04", r.PayToPlay == 0 && r.RDI <= 0.5,
			"pay-to-play sensitivity %.2f (need 0); recruitment dependence RDI(%d) %.3f (need ≤ 0.5)", r.PayToPlay, r.Window, r.RDI),
		{ID: "SIM-05", Status: "REPORT", Detail: fmt.Sprintf(
			"publish with the plan: loss rate %.1f %%, zero share %.1f %%, recoup rate %.1f %%, median net %.2f, top-1 %% share %.1f %%, Gini %.3f",
			100*r.LossRate.Mean, 100*r.ZeroShare.Mean, 100*r.RecoupRate.Mean, r.MedianNet.Mean, 100*r.Top1Share.Mean, r.Gini.Mean)},
	}
	return out
}
