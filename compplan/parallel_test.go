package compplan_test

import (
	"runtime"
	"testing"
	"time"

	"github.com/downline/downline/compplan"
)

// TestParallelDeterminism evaluates a tree big enough for the parallel
// paths with GOMAXPROCS 1 and 2: the hash must not change, and the lines
// must still add up to the totals.
func TestParallelDeterminism(t *testing.T) {
	for _, plan := range []string{"unilevel-ranks", "binary-hybrid", "stairstep-breakaway"} {
		t.Run(plan, func(t *testing.T) { testParallelDeterminism(t, plan) })
	}
}

func testParallelDeterminism(t *testing.T, plan string) {
	p, err := compplan.LoadPlan("../examples/plans/" + plan + ".yaml")
	if err != nil {
		t.Fatal(err)
	}
	per, _ := compplan.ParsePeriod("2026-10", time.UTC)
	tree, err := compplan.NewTree(benchTree(50_000, 7))
	if err != nil {
		t.Fatal(err)
	}
	a := benchAggregate(nil, p, tree, per, 3, 7)
	var hashes [2]string
	for k, procs := range []int{1, 2} {
		old := runtime.GOMAXPROCS(procs)
		res, err := compplan.EvaluateVolumes(a, nil)
		runtime.GOMAXPROCS(old)
		if err != nil {
			t.Fatal(err)
		}
		hashes[k] = res.HashHex()
		var sum int64
		for j := range res.NumLines() {
			sum += res.Line(j).Amount
		}
		if sum != res.Total() {
			t.Errorf("GOMAXPROCS=%d: sum of lines %d, total %d", procs, sum, res.Total())
		}
		checkEarningsAreLineSums(t, p, res)
		if res.NumLines() < 50_000 {
			t.Errorf("only %d lines: the parallel path is not exercised", res.NumLines())
		}
	}
	if hashes[0] != hashes[1] {
		t.Errorf("hash with GOMAXPROCS=1 %s, with 2 %s", hashes[0], hashes[1])
	}
}

// checkEarningsAreLineSums checks that every distributor's earnings in
// each bonus are the sum of its lines in that bonus, which covers the
// earnings that parallelSources sums from the second half's lines.
func checkEarningsAreLineSums(t *testing.T, p *compplan.Plan, res *compplan.Result) {
	t.Helper()
	type key struct {
		id    compplan.ID
		bonus string
	}
	sums := map[key]int64{}
	for j := range res.NumLines() {
		l := res.Line(j)
		sums[key{l.Earner, l.Bonus}] += l.Amount
	}
	bad := 0
	for i := range res.Len() {
		d := res.Distributor(i)
		for bi, b := range p.Bonuses {
			if got, want := d.Earnings[bi], sums[key{d.ID, b.ID}]; got != want && bad < 5 {
				bad++
				t.Errorf("distributor %d bonus %s: earnings %d, sum of its lines %d", d.ID, b.ID, got, want)
			}
		}
	}
}
