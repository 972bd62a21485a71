package simulate

import (
	"context"
	"os"
	"strconv"
	"testing"
)

// benchParams is the benchmark population: a market of 100,000
// prospective participants of whom nearly all join over 36 months (10,000
// founders, fast recruiting), 20 replications. DOWNLINE_SIM_REPS overrides
// the replication count.
func benchParams() Params {
	p := DefaultParams()
	p.Months, p.Replications = 36, 20
	p.PMax, p.Founders, p.CMax = 100000, 10000, 1000000
	p.LambdaR, p.PSell, p.FirstYearAttrition = 0.5, 0.8, 0.3
	if s := os.Getenv("DOWNLINE_SIM_REPS"); s != "" {
		if n, err := strconv.Atoi(s); err == nil {
			p.Replications = n
		}
	}
	return p
}

func BenchmarkRun100k(b *testing.B) {
	plan := mustPlan(b, "testdata/reference.yaml")
	p := benchParams()
	for b.Loop() {
		r, err := Run(context.Background(), plan, p, Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(r.Participants.Mean, "participants")
		b.ReportMetric(float64(p.Replications), "replications")
	}
}
