package simulate

import (
	"context"
	"math"
	"strings"
	"testing"
)

// TestIncentiveRatioCurrencyScale checks that the incentive ratio does not
// depend on the unit of money: every amount ×10 gives the same ratio up to
// per-line rounding. Attrition is made independent of net (β = 0), as β is
// per 100 units of money.
func TestIncentiveRatioCurrencyScale(t *testing.T) {
	plan := mustPlan(t, "testdata/section66.yaml")
	p := smallParams(11)
	p.AttritionBeta = 0
	p.Replications = 2
	a, err := Run(context.Background(), plan, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	q := p
	q.CustomerMedian *= 10
	q.PersonalMedian *= 10
	q.PersonalMax *= 10
	q.XFix *= 10
	q.QualifyDelta *= 10
	b, err := Run(context.Background(), plan, q, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if a.IncentiveRatio == 0 || math.Abs(a.IncentiveRatio-b.IncentiveRatio) > 1e-3*a.IncentiveRatio {
		t.Errorf("incentive ratio %v at ×1, %v at ×10; want equal", a.IncentiveRatio, b.IncentiveRatio)
	}
	if a.LossRate != b.LossRate {
		t.Errorf("loss rate %+v at ×1, %+v at ×10; want equal", a.LossRate, b.LossRate)
	}
}

// TestPayToPlayDetected runs a plan whose rank counts personal volume
// (own purchases): participants then buy to qualify, and the simulator
// must report a non-zero pay-to-play sensitivity where the reference plan
// reports 0.
func TestPayToPlayDetected(t *testing.T) {
	plan := mustPlan(t, "testdata/pv-rank.yaml")
	p := smallParams(5)
	p.PQualify, p.QualifyDelta = 1, 20000
	r, err := Run(context.Background(), plan, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r.PayToPlay == 0 {
		t.Errorf("pay-to-play sensitivity = 0 for a plan paying a rank bonus on PV; want > 0")
	}
	if r.Gates[3].Status != "FAIL" {
		t.Errorf("SIM-04 = %s, want FAIL", r.Gates[3].Status)
	}
}

func FuzzReadParams(f *testing.F) {
	f.Add(`{"months": 12, "replications": 2}`)
	f.Add(`{"script": {"agents": [{"sponsor": -1, "join": 1, "customers": [{"from": 2, "value": 100}]}], "ir_agent": 0}}`)
	f.Add(`{"p_max": -1}`)
	f.Add(`{"unknown": 1}`)
	f.Add(`[`)
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ReadParams(strings.NewReader(s))
		if err != nil {
			return
		}
		if err := p.Validate(); err != nil {
			t.Fatalf("ReadParams accepted parameters that Validate rejects: %v", err)
		}
	})
}

func TestRunGrid(t *testing.T) {
	plan := mustPlan(t, "testdata/reference.yaml")
	base := smallParams(2)
	base.Months, base.Replications = 12, 1
	sc := SensitivityGrid(base)
	if len(sc) != 27 {
		t.Fatalf("grid has %d scenarios, want 27", len(sc))
	}
	res, gate, err := RunGrid(context.Background(), plan, sc[:3], Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 3 || gate.ID != "SIM-01" || (gate.Status != "PASS" && gate.Status != "FAIL") {
		t.Errorf("RunGrid = %d results, gate %+v", len(res), gate)
	}
	for _, r := range res {
		if r.IR < 0 || r.LossRate < 0 || r.LossRate > 1 {
			t.Errorf("scenario %s: IR %v, loss %v", r.Scenario, r.IR, r.LossRate)
		}
	}
}
