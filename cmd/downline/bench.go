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

// span is the wall-clock and process CPU time of a phase. On a shared
// machine the wall time of a single-threaded phase includes waiting for a
// core; its CPU time does not.
type span struct{ wall, cpu time.Duration }

// stamp is a point in wall-clock and process CPU time.
type stamp struct {
	wall time.Time
	cpu  time.Duration
}

func now() stamp { return stamp{time.Now(), processCPU()} }

func (s stamp) since() span { t := now(); return span{t.wall.Sub(s.wall), t.cpu - s.cpu} }

func (a span) plus(b span) span  { return span{a.wall + b.wall, a.cpu + b.cpu} }
func (a span) minus(b span) span { return span{a.wall - b.wall, a.cpu - b.cpu} }

// processCPU returns the user and system CPU time of the process so far
// from /proc/self/stat (in clock ticks of 10 ms), or 0 without /proc.
func processCPU() time.Duration {
	b, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return 0
	}
	// The fields after the command name (which may hold spaces): state is
	// the first, utime the 12th and stime the 13th.
	i := strings.LastIndexByte(string(b), ')')
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0
	}
	var ut, st int64
	fmt.Sscan(f[11], &ut)
	fmt.Sscan(f[12], &st)
	return time.Duration(ut+st) * 10 * time.Millisecond
}

// phases are the measured times of one engine run.
type phases struct {
	generate              span // producing orders and engine rows; not compute
	tree, aggregate, eval span
	hash                  span
	close                 span // tree + eval + hash: a close from per-distributor aggregates
	compute               span // close + aggregate: from raw orders
	result                *compplan.Result
	digest                string
}

func (p *phases) keepFaster(q phases) {
	if p.result == nil || q.compute.wall < p.compute.wall {
		*p = q
	}
}

// engineRun evaluates plan on g's programme, streaming the orders in
// batches so that they are never all in memory.
func engineRun(ctx context.Context, g *gen.Generator, plan *compplan.Plan, period compplan.Period) (phases, error) {
	var ph phases
	t0 := now()
	ds := g.Tree().EngineDistributors()
	ph.generate = t0.since()
	t1 := now()
	tree, err := compplan.NewTree(ds)
	if err != nil {
		return ph, fmt.Errorf("bench: build tree: %w", err)
	}
	ph.tree = t1.since()
	ds = nil
	agg := compplan.NewAggregator(plan, tree, period)
	ids := needsCustomerIDs(plan)
	batch := make([]compplan.Order, 0, 1<<16)
	t2 := now()
	err = g.OrderBatches(1<<16, func(os []gen.Order) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		batch = batch[:0]
		for k := range os {
			batch = append(batch, gen.EngineOrder(&os[k], ids))
		}
		b := now()
		for k := range batch {
			if err := agg.Add(batch[k]); err != nil {
				return err
			}
		}
		ph.aggregate = ph.aggregate.plus(b.since())
		return nil
	})
	if err != nil {
		return ph, fmt.Errorf("bench: aggregate: %w", err)
	}
	// Producing the orders and converting them is generation.
	ph.generate = ph.generate.plus(t2.since().minus(ph.aggregate))
	t3 := now()
	res, err := compplan.EvaluateVolumes(agg, nil)
	if err != nil {
		return ph, fmt.Errorf("bench: evaluate: %w", err)
	}
	ph.eval = t3.since()
	t4 := now()
	ph.digest = res.HashHex()
	ph.hash = t4.since()
	ph.result = res
	ph.close = ph.tree.plus(ph.eval).plus(ph.hash)
	ph.compute = ph.close.plus(ph.aggregate)
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
	t0 := now()
	g, err := gen.New(o.cfg)
	if err != nil {
		return usageError{fmt.Errorf("bench: %w", err)}
	}
	genTree := t0.since()
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
	fmt.Fprintf(w, "phase           wall       cpu\n")
	row := func(name string, s span, note string, args ...any) {
		fmt.Fprintf(w, "%-10s %9.3fs %8.2fs  %s\n", name, s.wall.Seconds(), s.cpu.Seconds(), fmt.Sprintf(note, args...))
	}
	row("generate", genTree.plus(best.generate), "tree and order counts %.3fs, orders and engine rows %.3fs; not compute",
		genTree.wall.Seconds(), best.generate.wall.Seconds())
	row("tree", best.tree, "NewTree: validate, index, order")
	row("aggregate", best.aggregate, "Aggregator.Add, %.1f ns/order; a store does this at ingestion", per(best.aggregate.wall, m))
	row("evaluate", best.eval, "EvaluateVolumes")
	row("hash", best.hash, "")
	row("close", best.close, "tree + evaluate + hash, from per-distributor aggregates: %.1f ns/distributor", per(best.close.wall, int64(n)))
	row("compute", best.compute, "close + aggregate, from raw orders: %.1f ns/distributor, %.1f ns/order; fastest of %d",
		per(best.compute.wall, int64(n)), per(best.compute.wall, m), o.runs)
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

func ratio(a, b time.Duration) float64 {
	return float64(a) / float64(max(b, 1))
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
	t0 := now()
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
	load := t0.since()
	t1 := now()
	want, err := ref.Compute(ctx, params)
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	sqlTime := t1.since()
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
	fmt.Fprintf(w, "sqlref     %s: load %s, compute %s wall; engine on the same plan (%s) %s wall → %.0f× faster; agree: %s (%d lines)\n",
		driver, dur(load.wall), dur(sqlTime.wall), plan.ID, dur(ph.compute.wall), ratio(sqlTime.wall, ph.compute.wall), agree, len(want.Lines))
	if driver == "sqlite" {
		// SQLite runs in this process, so CPU time compares the work done
		// whatever else the machine is doing.
		fmt.Fprintf(w, "sqlref cpu SQLite compute %s CPU; engine %s CPU → %.0f× faster\n",
			dur(sqlTime.cpu), dur(ph.compute.cpu), ratio(sqlTime.cpu, ph.compute.cpu))
	}
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
