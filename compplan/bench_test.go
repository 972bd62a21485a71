package compplan_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/downline/downline/compplan"
)

// benchTree draws a heavy-tailed sponsor tree of n distributors: each
// sponsor is drawn with a bias towards early (older) distributors.
func benchTree(n int, seed uint64) []compplan.Distributor {
	rng := rand.New(rand.NewPCG(seed, 2))
	ds := make([]compplan.Distributor, n)
	join := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range ds {
		ds[i] = compplan.Distributor{ID: compplan.ID(i + 1), JoinedAt: join}
		if i > 0 {
			// Binary placement filled breadth-first: i's placement parent is
			// (i-1)/2, left for odd i.
			ds[i].Placement, ds[i].Side = compplan.ID((i-1)/2+1), compplan.Side(2-i%2)
		}
		if i > 0 {
			u := rng.Float64()
			ds[i].Sponsor = compplan.ID(1 + int(float64(i)*u*u))
		}
	}
	return ds
}

// benchAggregate streams about ordersPer orders per distributor into an
// aggregator (60 % of distributors buy; no orders are held).
func benchAggregate(b testing.TB, p *compplan.Plan, t *compplan.Tree, per compplan.Period, ordersPer int, seed uint64) *compplan.Aggregator {
	rng := rand.New(rand.NewPCG(seed, 3))
	a := compplan.NewAggregator(p, t, per)
	n := t.Len()
	o := compplan.Order{ID: "o", Customer: "c", PaidAt: per.Start.Add(time.Hour)}
	total := n * ordersPer
	for k := 0; k < total; k++ {
		o.Distributor = compplan.ID(1 + rng.IntN(n*10/6)%n)
		o.Purpose = compplan.PurposeCustomerDirect
		if k%10 == 0 {
			o.Purpose = compplan.PurposePersonalUse
		}
		o.CV = int64(1000 + rng.IntN(20000))
		o.QV, o.BV = o.CV, o.CV
		if err := a.Add(o); err != nil {
			panic(err)
		}
	}
	return a
}

func BenchmarkEvaluate(b *testing.B) {
	for _, c := range []struct {
		plan string
		n    int
	}{{"unilevel-ranks", 100_000}, {"unilevel-ranks", 1_000_000}, {"binary-hybrid", 1_000_000}} {
		n := c.n
		b.Run(fmt.Sprintf("%s/%d", c.plan, n), func(b *testing.B) {
			p, err := compplan.LoadPlan("../examples/plans/" + c.plan + ".yaml")
			if err != nil {
				b.Fatal(err)
			}
			per, _ := compplan.ParsePeriod("2026-10", time.UTC)
			t, err := compplan.NewTree(benchTree(n, 1))
			if err != nil {
				b.Fatal(err)
			}
			a := benchAggregate(b, p, t, per, 10, 1)
			b.ReportAllocs()
			b.ResetTimer()
			cpu0 := cpuTime()
			var lines int
			for range b.N {
				res, err := compplan.EvaluateVolumes(a, nil)
				if err != nil {
					b.Fatal(err)
				}
				lines = res.NumLines()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/distributor")
			b.ReportMetric(float64(lines), "lines")
			b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N)/1e6, "cpu-ms/op")
		})
	}
}

// BenchmarkEvaluateGates is the 1M unilevel benchmark with the TX-05,
// TX-07 and TX-12 gates on: 1 % of distributors with sell-through figures
// (a third of them failing), 0.1 % resident in CN, and company figures
// that fail TX-07 (f = 0.9625), so that every override line is rescaled.
func BenchmarkEvaluateGates(b *testing.B) {
	const n = 1_000_000
	p, err := compplan.LoadPlan("../examples/plans/unilevel-ranks.yaml")
	if err != nil {
		b.Fatal(err)
	}
	g := *p
	g.Gates.SellThroughMin = compplan.Rate{Num: 7, Den: 10}
	g.Gates.EndUserMin = compplan.Rate{Num: 4, Den: 5}
	g.Gates.CustomerCVMin = compplan.Rate{Num: 2, Den: 3}
	g.Gates.CNOwnSalesCap = compplan.Rate{Num: 3, Den: 10}
	per, _ := compplan.ParsePeriod("2026-10", time.UTC)
	ds := benchTree(n, 1)
	for i := 0; i < n; i += 1000 {
		ds[i].Jurisdiction = compplan.JurisdictionCN
	}
	t, err := compplan.NewTree(ds)
	if err != nil {
		b.Fatal(err)
	}
	a := benchAggregate(b, &g, t, per, 10, 1)
	for i := 1; i <= n; i += 100 {
		st := compplan.SellThrough{Bought: 10, Resold: int64(5 + i%3)}
		if err := a.AddVolume(compplan.DistributorVolume{ID: compplan.ID(i), SellThrough: &st}); err != nil {
			b.Fatal(err)
		}
	}
	a.SetCompany(compplan.CompanyVolume{Revenue: 10_000_000_00, CuV: 6_500_000_00, RPCV: 1_200_000_00})
	b.ResetTimer()
	cpu0 := cpuTime()
	for range b.N {
		res, err := compplan.EvaluateVolumes(a, nil)
		if err != nil {
			b.Fatal(err)
		}
		if !res.Company().Fired {
			b.Fatal("TX-07 did not fire")
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/distributor")
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N)/1e6, "cpu-ms/op")
}

func BenchmarkNewTree(b *testing.B) {
	ds := benchTree(1_000_000, 1)
	for range b.N {
		if _, err := compplan.NewTree(ds); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkHash(b *testing.B) {
	p, _ := compplan.LoadPlan("../examples/plans/unilevel-ranks.yaml")
	per, _ := compplan.ParsePeriod("2026-10", time.UTC)
	t, _ := compplan.NewTree(benchTree(1_000_000, 1))
	res, err := compplan.EvaluateVolumes(benchAggregate(b, p, t, per, 10, 1), nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		res.Hash()
	}
}

// cpuTime returns the process's user+system CPU time in nanoseconds: on a
// shared machine it is steadier than wall time.
func cpuTime() int64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	if os.Getenv("ENGINE_SYS") == "faults" {
		return ru.Minflt
	}
	if os.Getenv("ENGINE_SYS") != "" {
		return ru.Stime.Nano()
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// BenchmarkPhases10M measures each phase at 10M distributors and 100M
// orders (grouped by distributor, as gen and the store emit them). It
// needs about 3 GB and runs only when DOWNLINE_BENCH_10M is set.
func BenchmarkPhases10M(b *testing.B) {
	if os.Getenv("DOWNLINE_BENCH_10M") == "" {
		b.Skip("set DOWNLINE_BENCH_10M=1 to run the 10M/100M benchmark")
	}
	n, per := 10_000_000, 10
	if s := os.Getenv("DOWNLINE_BENCH_N"); s != "" {
		fmt.Sscan(s, &n)
	}
	plan := "unilevel-ranks"
	if s := os.Getenv("DOWNLINE_BENCH_PLAN"); s != "" {
		plan = s
	}
	p, err := compplan.LoadPlan("../examples/plans/" + plan + ".yaml")
	if err != nil {
		b.Fatal(err)
	}
	period, _ := compplan.ParsePeriod("2026-10", time.UTC)
	ds := benchTree(n, 1)
	for range b.N {
		phase := func(name string, f func()) {
			c0, w0 := cpuTime(), time.Now()
			f()
			b.Logf("%-10s wall %7.3f s  cpu %7.3f s", name, time.Since(w0).Seconds(), float64(cpuTime()-c0)/1e9)
		}
		var t *compplan.Tree
		phase("tree", func() {
			if t, err = compplan.NewTree(ds); err != nil {
				b.Fatal(err)
			}
		})
		a := compplan.NewAggregator(p, t, period)
		phase("aggregate", func() {
			rng := rand.New(rand.NewPCG(1, 3))
			paid := period.Start.Unix() + 3600
			for i := range n {
				if i%10 >= 6 {
					continue // 60 % buy
				}
				for k := range per * 10 / 6 {
					cv := int64(1000 + rng.IntN(20000))
					pu := compplan.PurposeCustomerDirect
					if k == 0 {
						pu = compplan.PurposePersonalUse
					}
					if err := a.AddRow(compplan.ID(i+1), pu, paid, cv, cv, cv, 0, false); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
		var res *compplan.Result
		phase("evaluate", func() {
			if res, err = compplan.EvaluateVolumes(a, nil); err != nil {
				b.Fatal(err)
			}
		})
		var h string
		phase("hash", func() { h = res.HashHex() })
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		b.Logf("lines %d, hash %s, heap sys %.2f GB", res.NumLines(), h[:16], float64(ms.HeapSys)/1e9)
	}
}
