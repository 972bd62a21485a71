package simulate

import (
	"bytes"
	"context"
	"flag"
	"math"
	"os"
	"testing"

	"github.com/downline/downline/compplan"
	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite golden files")

func mustPlan(t testing.TB, path string) *compplan.Plan {
	t.Helper()
	p, err := compplan.LoadPlan(path)
	if err != nil {
		t.Fatalf("LoadPlan(%s): %v", path, err)
	}
	return p
}

// section66 is the deterministic example of compliance.md §6.6: one root
// and 3 recruits at month 1, each recruit recruits 1 at month 4; everyone
// gets one $100/month customer the month after joining; x_fix $30; 12
// months; no attrition.
func section66() Params {
	p := DefaultParams()
	p.Months, p.Replications, p.XFix, p.CustomerMedian = 12, 1, 3000, 10000
	p.NoAttrition, p.PerturbMonth, p.Window = true, 1, 12
	s := &Script{RecruitCustomers: 1, IRAgent: 0}
	s.Agents = append(s.Agents, ScriptAgent{Sponsor: -1, Join: 1, Customers: []ScriptCustomer{{From: 2, Value: 10000}}})
	for range 3 {
		s.Agents = append(s.Agents, ScriptAgent{Sponsor: 0, Join: 1, Customers: []ScriptCustomer{{From: 2, Value: 10000}}})
	}
	for l1 := 1; l1 <= 3; l1++ {
		s.Agents = append(s.Agents, ScriptAgent{Sponsor: l1, Join: 4, Customers: []ScriptCustomer{{From: 5, Value: 10000}}})
	}
	p.Script = s
	return p
}

func TestSection66Golden(t *testing.T) {
	plan := mustPlan(t, "testdata/section66.yaml")
	p := section66()
	w := newWorld(&p, plan, 0)
	for m := 1; m <= p.Months; m++ {
		if err := w.step(m); err != nil {
			t.Fatal(err)
		}
	}
	_, net := w.outcomes(0)
	// Root: 11×$20 + 3×11×$6 + 3×8×$3 = 220 + 198 + 72 = $490; − 12×$30 = +$130.
	// L1:   11×$20 + 8×$6 = $268; − $360 = −$92.
	// L2:   8×$20 = $160; − 9×$30 = −$110.
	want := []int64{13000, -9200, -9200, -9200, -11000, -11000, -11000}
	for i := range want {
		if net[i] != want[i] {
			t.Errorf("agent %d net = %d, want %d", i, net[i], want[i])
		}
	}
	rep, err := Run(context.Background(), plan, p, Options{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	// Loss rate 6/7 = 85.7 %.
	if got := rep.LossRate.Mean; math.Abs(got-6.0/7) > 1e-6 {
		t.Errorf("loss rate = %.6f, want 6/7", got)
	}
	// +1 customer: 12 × $20 = $240; +1 recruit with 1 customer: 11 × $6 = $66.
	if rep.IRCustomerValue != 240 || rep.IRRecruitValue != 66 {
		t.Errorf("IR values = %.2f / %.2f, want 240 / 66", rep.IRCustomerValue, rep.IRRecruitValue)
	}
	if math.Abs(rep.IncentiveRatio-240.0/66) > 1e-5 || rep.Gates[0].Status != "PASS" {
		t.Errorf("incentive ratio = %.4f (%s), want 3.64 PASS", rep.IncentiveRatio, rep.Gates[0].Status)
	}
	// Break-even: 30 / (0.20 × 100) = 1.5 customers.
	if rep.BreakEvenCustomers != 1.5 {
		t.Errorf("break-even customers = %v, want 1.5", rep.BreakEvenCustomers)
	}
	// No recruiting reward exists, yet only the root breaks even.
	if rep.ZeroShare.Mean != 0 || rep.RecoupRate.Mean != 1 {
		t.Errorf("zero share %v, recoup %v; want 0, 1", rep.ZeroShare.Mean, rep.RecoupRate.Mean)
	}
}

// TestSection66GoldenFile holds the whole §6.6 report (figures, series,
// charts' data and gates) in testdata/section66.json; refresh it with
// go test ./simulate -run GoldenFile -update after checking the diff.
func TestSection66GoldenFile(t *testing.T) {
	r, err := Run(context.Background(), mustPlan(t, "testdata/section66.yaml"), section66(), Options{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	if err := r.WriteJSON(&got); err != nil {
		t.Fatal(err)
	}
	const golden = "testdata/section66.json"
	if *update {
		if err := os.WriteFile(golden, got.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(want, got.Bytes()) {
		t.Errorf("report differs from %s (-want +got):\n%s", golden, cmp.Diff(string(want), got.String()))
	}
}
