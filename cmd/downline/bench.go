package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"

	"github.com/downline/downline/compplan"
	"github.com/downline/downline/gen"
	"github.com/downline/downline/internal/sqlref"
)

// The benchmark plans (issue 3 §6 and issue 4 §9). benchUnilevelPlan is
// unilevel seven levels with dynamic compression and rank-unlocked depth,
// ranks with leg caps, direct commission and the TX-08 payout cap (set
// at 25 %, below what gen's programmes pay without it (about 30 % of CV),
// so that it binds and the overrides are scaled).
const benchUnilevelPlan = `plan: bench-unilevel
version: "1"
currency: USD
volume:
  receipted_resale: true
  personal_use: {cap: "200", share: "1/3"}
active: {min_cuv: "100"}
ranks:
  - id: bronze
    requires: [{metric: cuv, min: "100"}]
  - id: silver
    requires: [{metric: cuv, min: "100"}, {metric: qualifying_gv, min: "2000", leg_cap_pct: "50"}]
  - id: gold
    requires: [{metric: cuv, min: "200"}, {metric: qualifying_gv, min: "10000", leg_cap_pct: "40"},
               {metric: legs_with_rank, count: 2, rank: silver}]
  - id: diamond
    requires: [{metric: cuv, min: "300"}, {metric: qualifying_gv, min: "50000", leg_cap_pct: "33.333"},
               {metric: legs_with_rank, count: 3, rank: gold}]
gates: {payout_cap_pct: "25"}
bonuses:
  - {id: direct, kind: direct, rate_pct: "20"}
  - id: unilevel
    kind: unilevel
    compression: dynamic
    levels:
      - {rate_pct: "5"}
      - {rate_pct: "4"}
      - {rate_pct: "3", min_rank: silver}
      - {rate_pct: "2", min_rank: silver}
      - {rate_pct: "2", min_rank: gold}
      - {rate_pct: "1", min_rank: gold}
      - {rate_pct: "1", min_rank: diamond}
`

// benchHybridExtra turns the unilevel plan into the hybrid of issue 4 §9:
// binary with carry (capped, flushed when inactive) and a matching bonus
// of three generations on unilevel and binary earnings.
const benchHybridExtra = `  - id: binary
    kind: binary
    rate_pct: "10"
    carry_cap: "50000"
    flush_inactive: true
  - id: matching
    kind: matching
    matches: [unilevel, binary]
    generations:
      - {rate_pct: "10", min_rank: silver}
      - {rate_pct: "5", min_rank: gold}
      - {rate_pct: "5", min_rank: diamond}
`

// benchSQLPlan is the part of the benchmark plan the SQL reference
// computes: the same volumes and active rule, unilevel seven levels with
// dynamic compression, no ranks, no cap. Both sides of the --sqlref ratio
// run it.
const benchSQLPlan = `plan: bench-sqlref
version: "1"
currency: USD
volume:
  receipted_resale: true
  personal_use: {cap: "200", share: "1/3"}
active: {min_cuv: "100"}
bonuses:
  - id: unilevel
    kind: unilevel
    compression: dynamic
    levels: [{rate_pct: "5"}, {rate_pct: "4"}, {rate_pct: "3"}, {rate_pct: "2"}, {rate_pct: "2"}, {rate_pct: "1"}, {rate_pct: "1"}]
`

// benchOptions are the flags of downline bench.
type benchOptions struct {
	cfg        gen.Config
	plan       string
	sqlref     bool
	sqlrefDB   string
	gomaxprocs int
	runs       int
}

// runBench generates a programme, evaluates a plan on it and reports the
// time of each phase, the peak memory and the result hash.
func runBench(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "bench", "", "Benchmark the commission engine on a generated programme: per-phase times, ns per\n"+
		"distributor and per order, peak memory and the result hash. Close is tree + evaluate + hash\n"+
		"(a period close from per-distributor aggregates); compute adds aggregating the raw orders;\n"+
		"generating the data is part of neither. Run with --gomaxprocs 1 and 2 to\n"+
		"check that the hash does not depend on parallelism. scripts/bench.sh runs the long sizes.")
	var o benchOptions
	shape := fs.String("shape", string(gen.ShapePA), fmt.Sprintf("sponsor tree shape: one of %v", gen.Shapes))
	fs.IntVar(&o.cfg.Distributors, "distributors", 100000, "number of distributors")
	fs.IntVar(&o.cfg.Orders, "orders", 1000000, "number of order rows, refunds included")
	fs.Uint64Var(&o.cfg.Seed, "seed", 1, "random seed of the generated programme")
	fs.StringVar(&o.cfg.Period, "period", "2026-10", "period, YYYY-MM")
	fs.StringVar(&o.plan, "plan", "unilevel", "unilevel (issue 3), hybrid (issue 4: + binary and matching), or a plan file")
	fs.BoolVar(&o.sqlref, "sqlref", false, "also run the SQL reference and print its time against the engine's")
	fs.StringVar(&o.sqlrefDB, "sqlref-db", "sqlite", "database for --sqlref: sqlite (a temporary file) or a postgres:// URL")
	fs.IntVar(&o.gomaxprocs, "gomaxprocs", 0, "GOMAXPROCS for the run (0: leave as is)")
	fs.IntVar(&o.runs, "runs", 1, "repeat the compute phases this many times and report the fastest")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("bench: unexpected argument %q", fs.Arg(0))}
	}
	s, err := gen.ParseShape(*shape)
	if err != nil {
		return usageError{fmt.Errorf("bench: --shape: %w", err)}
	}
	o.cfg.Shape = s
	if o.sqlrefDB != "sqlite" && !strings.HasPrefix(o.sqlrefDB, "postgres://") && !strings.HasPrefix(o.sqlrefDB, "postgresql://") {
		return usageError{fmt.Errorf("bench: --sqlref-db %q: want sqlite or a postgres:// URL", o.sqlrefDB)}
	}
	if o.runs < 1 || o.gomaxprocs < 0 {
		return usageError{errors.New("bench: --runs must be at least 1 and --gomaxprocs at least 0")}
	}
	plan, err := benchPlan(o.plan)
	if err != nil {
		return usageError{fmt.Errorf("bench: --plan: %w", err)}
	}
	if hasKind(plan, compplan.KindBinary) {
		o.cfg.Placement = true
	}
	if o.gomaxprocs > 0 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(o.gomaxprocs))
	}
	return bench(ctx, e.stdout, plan, o)
}

// benchPlan returns the named built-in plan or loads a plan file.
func benchPlan(name string) (*compplan.Plan, error) {
	switch name {
	case "unilevel":
		return compplan.ParsePlan(strings.NewReader(benchUnilevelPlan))
	case "hybrid":
		hybrid := strings.Replace(benchUnilevelPlan, "plan: bench-unilevel", "plan: bench-hybrid", 1) + benchHybridExtra
		return compplan.ParsePlan(strings.NewReader(hybrid))
	}
	return compplan.LoadPlan(name)
}

func hasKind(p *compplan.Plan, k compplan.BonusKind) bool {
	for _, b := range p.Bonuses {
		if b.Kind == k {
			return true
		}
	}
	return false
}

// needsCustomerIDs reports whether the plan counts distinct customers, so
// orders must carry customer IDs.
func needsCustomerIDs(p *compplan.Plan) bool {
	if p.Gates.MinActiveCustomers > 0 {
		return true
	}
	for _, r := range p.Ranks {
		for _, q := range r.Requires {
			if q.Metric == compplan.MetricActiveCustomers {
				return true
			}
		}
	}
	return false
}

// phases are the measured times of one engine run.
type phases struct {
	generate              time.Duration // producing orders and engine rows; not compute
	tree, aggregate, eval time.Duration
	hash                  time.Duration
	close                 time.Duration // tree + eval + hash: a close from per-distributor aggregates
	compute               time.Duration // close + aggregate: from raw orders
	result                *compplan.Result
	digest                string
}

func (p *phases) keepFaster(q phases) {
	if p.result == nil || q.compute < p.compute {
		*p = q
	}
}

// engineRun evaluates plan on g's programme, streaming the orders in
// batches so that they are never all in memory.
func engineRun(ctx context.Context, g *gen.Generator, plan *compplan.Plan, period compplan.Period) (phases, error) {
	var ph phases
	t0 := time.Now()
	ds := g.Tree().EngineDistributors()
	t1 := time.Now()
	tree, err := compplan.NewTree(ds)
	if err != nil {
		return ph, fmt.Errorf("bench: build tree: %w", err)
	}
	t2 := time.Now()
	ph.generate, ph.tree = t1.Sub(t0), t2.Sub(t1)
	ds = nil
	agg := compplan.NewAggregator(plan, tree, period)
	ids := needsCustomerIDs(plan)
	batch := make([]compplan.Order, 0, 1<<16)
	t25 := time.Now()
	err = g.OrderBatches(1<<16, func(os []gen.Order) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		batch = batch[:0]
		for k := range os {
			batch = append(batch, gen.EngineOrder(&os[k], ids))
		}
		b := time.Now()
		for k := range batch {
			if err := agg.Add(batch[k]); err != nil {
				return err
			}
		}
		ph.aggregate += time.Since(b)
		return nil
	})
	if err != nil {
		return ph, fmt.Errorf("bench: aggregate: %w", err)
	}
	t3 := time.Now()
	ph.generate += t3.Sub(t25) - ph.aggregate // producing the orders and converting them
	res, err := compplan.EvaluateVolumes(agg, nil)
	if err != nil {
		return ph, fmt.Errorf("bench: evaluate: %w", err)
	}
	t4 := time.Now()
	ph.digest = res.HashHex()
	ph.hash = time.Since(t4)
	ph.eval = t4.Sub(t3)
	ph.result = res
	ph.close = ph.tree + ph.eval + ph.hash
	ph.compute = ph.close + ph.aggregate
	return ph, nil
}

func bench(ctx context.Context, w io.Writer, plan *compplan.Plan, o benchOptions) error {
	loc, err := time.LoadLocation(plan.TimeZone)
	if err != nil {
		return fmt.Errorf("bench: plan time zone: %w", err)
	}
	period, err := compplan.ParsePeriod(o.cfg.Period, loc)
	if err != nil {
		return usageError{fmt.Errorf("bench: --period: %w", err)}
	}
	t0 := time.Now()
	g, err := gen.New(o.cfg)
	if err != nil {
		return usageError{fmt.Errorf("bench: %w", err)}
	}
	genTree := time.Since(t0)
	n, m := g.Tree().Len(), g.NumOrders()
	fmt.Fprintf(w, "downline bench: plan %s, shape %s, %d distributors, %d orders, seed %d, GOMAXPROCS %d, %s\n",
		plan.ID, g.Config().Shape, n, m, o.cfg.Seed, runtime.GOMAXPROCS(0), runtime.Version())

	var best phases
	for run := range o.runs {
		if err := ctx.Err(); err != nil {
			return err
		}
		best.result = nil // let the previous run's result be collected
		runtime.GC()
		ph, err := engineRun(ctx, g, plan, period)
		if err != nil {
			return err
		}
		if run > 0 && ph.digest != best.digest {
			return fmt.Errorf("bench: run %d hash %s differs from %s", run+1, ph.digest, best.digest)
		}
		best.keepFaster(ph)
	}
	res := best.result
	fmt.Fprintf(w, "generate   %9s  (tree and order counts %s, orders and engine rows %s; not compute)\n",
		dur(genTree+best.generate), dur(genTree), dur(best.generate))
	fmt.Fprintf(w, "tree       %9s  (NewTree: validate, index, order)\n", dur(best.tree))
	fmt.Fprintf(w, "aggregate  %9s  (Aggregator.Add, %.1f ns/order; a store does this at ingestion)\n", dur(best.aggregate), per(best.aggregate, m))
	fmt.Fprintf(w, "evaluate   %9s  (EvaluateVolumes)\n", dur(best.eval))
	fmt.Fprintf(w, "hash       %9s\n", dur(best.hash))
	fmt.Fprintf(w, "close      %9s  (tree + evaluate + hash, from per-distributor aggregates: %.1f ns/distributor)\n",
		dur(best.close), per(best.close, int64(n)))
	fmt.Fprintf(w, "compute    %9s  (close + aggregate, from raw orders: %.1f ns/distributor, %.1f ns/order; fastest of %d)\n",
		dur(best.compute), per(best.compute, int64(n)), per(best.compute, m), o.runs)
	fmt.Fprintf(w, "peak mem   %s\n", peakMemory())
	fmt.Fprintf(w, "lines      %d; paid %s of CV %s; payout scale %s\n", res.NumLines(),
		compplan.FormatMoney(res.Total(), plan.MinorDigits), compplan.FormatMoney(res.TotalCV(), plan.MinorDigits), res.Scale())
	fmt.Fprintf(w, "hash       %s\n", best.digest)
	if !o.sqlref {
		return nil
	}
	best = phases{}
	runtime.GC()
	return benchSQL(ctx, w, g, period, o.sqlrefDB)
}

func dur(d time.Duration) string {
	return fmt.Sprintf("%.3fs", d.Seconds())
}

func per(d time.Duration, n int64) float64 {
	if n == 0 {
		return 0
	}
	return float64(d.Nanoseconds()) / float64(n)
}

// peakMemory returns the process's peak resident set (VmHWM), which
// includes generating the data, or a note where /proc is missing.
func peakMemory() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "unknown (no /proc/self/status)"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb int64
			fmt.Sscan(strings.TrimSuffix(strings.TrimSpace(v), " kB"), &kb)
			return fmt.Sprintf("%.2f GB peak resident (VmHWM, generation included)", float64(kb)/(1<<20))
		}
	}
	return "unknown"
}

// benchSQL runs the SQL reference on g's programme and the engine on the
// same plan subset (benchSQLPlan), prints both times and their ratio, and
// checks that they agree on every distributor's volumes and earnings.
func benchSQL(ctx context.Context, w io.Writer, g *gen.Generator, period compplan.Period, where string) error {
	plan, err := compplan.ParsePlan(strings.NewReader(benchSQLPlan))
	if err != nil {
		return fmt.Errorf("bench: sql plan: %w", err)
	}
	params, err := sqlref.ParamsFromPlan(plan, "unilevel")
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	db, driver, cleanup, err := openBenchDB(ctx, where)
	if err != nil {
		return fmt.Errorf("bench: sqlref database: %w", err)
	}
	defer cleanup()
	ref, err := sqlref.New(db, driver)
	if err != nil {
		return err
	}
	t0 := time.Now()
	dists := func(yield func(sqlref.Distributor) bool) {
		t := g.Tree()
		for i := range t.Len() {
			if !yield(sqlref.Distributor{ID: int64(i) + 1, SponsorID: int64(t.Sponsor[i]) + 1, InGoodStanding: t.Status[i] == gen.StatusActive}) {
				return
			}
		}
	}
	orders := func(yield func(sqlref.Order) bool) {
		g.Orders(func(o *gen.Order) error {
			if !yield(sqlref.Order{DistributorID: o.DistributorID, Purpose: o.Purpose.String(), CV: o.CV, Refund: o.RefundOf != 0}) {
				return io.EOF
			}
			return nil
		})
	}
	if err := ref.Load(ctx, dists, orders); err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	load := time.Since(t0)
	t1 := time.Now()
	want, err := ref.Compute(ctx, params)
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	sqlTime := time.Since(t1)
	ph, err := engineRun(ctx, g, plan, period)
	if err != nil {
		return err
	}
	agree := "yes"
	res := ph.result
	for _, v := range want.Distributors {
		i, ok := res.Index(compplan.ID(v.ID))
		if !ok {
			agree = fmt.Sprintf("NO: distributor %d missing from the engine's result", v.ID)
			break
		}
		d := res.Distributor(i)
		if d.CuV != v.CuV || d.RPCV != v.RPCV || d.PV != v.PV || d.GV != v.GV || d.Active != v.Active || d.Total != v.Unilevel {
			agree = fmt.Sprintf("NO: distributor %d: engine %+v, SQL %+v", v.ID, d, v)
			break
		}
	}
	if agree == "yes" && len(want.Lines) != res.NumLines() {
		agree = fmt.Sprintf("NO: %d lines from SQL, %d from the engine", len(want.Lines), res.NumLines())
	}
	fmt.Fprintf(w, "sqlref     %s: load %s, compute %s; engine on the same plan (%s) %s → %.0f× faster; agree: %s (%d lines)\n",
		driver, dur(load), dur(sqlTime), plan.ID, dur(ph.compute), float64(sqlTime)/float64(max(ph.compute, 1)), agree, len(want.Lines))
	if agree != "yes" {
		return fmt.Errorf("bench: the engine and the SQL reference disagree")
	}
	return nil
}

// openBenchDB opens a scratch database for the SQL reference: a temporary
// SQLite file, or a fresh schema in the PostgreSQL database at a URL. The
// cleanup function removes it.
func openBenchDB(ctx context.Context, where string) (*sql.DB, string, func(), error) {
	if where == "sqlite" {
		dir, err := os.MkdirTemp("", "downline-bench-")
		if err != nil {
			return nil, "", nil, err
		}
		// Scratch data: no journal, no fsync, a 256 MB page cache.
		dsn := "file:" + filepath.Join(dir, "ref.db") + "?_pragma=journal_mode(OFF)&_pragma=synchronous(OFF)&_pragma=cache_size(-262144)"
		db, err := sql.Open("sqlite", dsn)
		if err != nil {
			os.RemoveAll(dir)
			return nil, "", nil, err
		}
		return db, "sqlite", func() { db.Close(); os.RemoveAll(dir) }, nil
	}
	if !strings.HasPrefix(where, "postgres://") && !strings.HasPrefix(where, "postgresql://") {
		return nil, "", nil, usageError{fmt.Errorf("--sqlref-db %q: want sqlite or a postgres:// URL", where)}
	}
	admin, err := sql.Open("pgx", where)
	if err != nil {
		return nil, "", nil, err
	}
	schema := fmt.Sprintf("downline_bench_%d_%d", os.Getpid(), time.Now().UnixNano())
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		return nil, "", nil, err
	}
	sep := "?"
	if strings.Contains(where, "?") {
		sep = "&"
	}
	db, err := sql.Open("pgx", where+sep+"search_path="+schema)
	if err != nil {
		admin.Close()
		return nil, "", nil, err
	}
	return db, "pgx", func() {
		db.Close()
		admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		admin.Close()
	}, nil
}
