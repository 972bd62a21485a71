package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/downline/downline"
	"github.com/downline/downline/examples"
	"github.com/downline/downline/internal/demo"
	"github.com/downline/downline/internal/sqlstore"
)

// runDemo builds the demo programme in the embedded database (or reuses
// the one there), runs commissions and serves the back office.
func runDemo(ctx context.Context, e *env, args []string) error {
	cfg := DefaultConfig()
	fs := newFlagSet(e, "demo", "", `Build a realistic demo programme — a commercial-open-source vendor's catalogue,
2,400 distributors in a heavy-tailed sponsor tree, their customer organisations
and six months of orders with renewals, personal use and refunds — run
commissions, stage a few compliance cases (self-dealing holds, risk flags and a
2 % receipt verification sample of each closed month, keyed with a public demo
key), then serve it over HTTP. A second run reuses the data.`)
	configFlags(fs, e, &cfg, true)
	dataDir := fs.String("data", "", "directory for the demo database (sets --db to sqlite:DIR/downline.db)")
	noServe := fs.Bool("no-serve", false, "prepare the data and exit")
	seed := fs.Uint64("seed", 2026, "seed of the generated programme")
	size := fs.Int("distributors", 2400, "number of distributors")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *dataDir != "" {
		if err := os.MkdirAll(*dataDir, 0o755); err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		cfg.DB = "sqlite:" + filepath.Join(*dataDir, "downline.db")
	}
	if err := cfg.Validate(); err != nil {
		return usageError{err}
	}
	if *size < 2 {
		return usageError{fmt.Errorf("--distributors %d: want at least 2", *size)}
	}
	logger := cfg.Logger(e.stderr)
	db, err := openStore(ctx, cfg, true)
	if err != nil {
		return err
	}
	defer db.Close()

	start := time.Now()
	last := time.Now().UTC().AddDate(0, -1, 0).Format("2006-01") // the last whole month
	p := newProgress(e.stderr)
	sum, err := demo.Build(ctx, demoServices(db), demo.Options{
		Seed: *seed, Distributors: *size, LastPeriod: last, Progress: p.update,
	})
	if err != nil {
		return err
	}
	runs, err := demoRuns(ctx, db, sum.Periods, p.update, func() error {
		return demoCompliance(ctx, db, sum)
	})
	if err != nil {
		return err
	}
	if err := demoUsers(ctx, db); err != nil {
		return err
	}
	printDemoSummary(e.stdout, cfg, sum, time.Since(start))
	if err := printDemoCompliance(ctx, e.stdout, db); err != nil {
		return err
	}
	printDemoRuns(e.stdout, runs)
	printDemoUsers(e.stdout)
	printDemoLinks(e.stdout, cfg)
	if *noServe {
		return nil
	}
	return serveHTTP(ctx, e, cfg, logger, db)
}

// demoRuns activates the customer-first example plan from the first demo
// month, closes every month but the last, and previews the last one, so
// that the back office shows closed periods with ledger balances and one
// open period ready to close. Closing again is a no-op, so a second demo
// run only adds a fresh preview. afterClose runs between the last close and
// the preview.
func demoRuns(ctx context.Context, db *sqlstore.DB, periods []string, progress func(string, int, int), afterClose func() error) ([]*downline.Run, error) {
	if len(periods) == 0 { // reused data: show the runs made before
		runs, err := db.FindRuns(ctx, "")
		if err != nil {
			return nil, fmt.Errorf("demo: find runs: %w", err)
		}
		slices.Reverse(runs)
		return runs, nil
	}
	plan, err := examples.Plan("customer-first")
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	if _, err := db.ActivatePlan(ctx, string(plan), periods[0]); err != nil {
		return nil, fmt.Errorf("demo: activate plan: %w", err)
	}
	opts := downline.RunOptions{HoldDays: -1}
	var runs []*downline.Run
	for i, period := range periods {
		progress("commission runs", i, len(periods))
		run := db.CloseRun
		if i == len(periods)-1 {
			run = db.PreviewRun
			if err := afterClose(); err != nil {
				return nil, err
			}
		}
		r, err := run(ctx, period, opts)
		if err != nil {
			return nil, fmt.Errorf("demo: run %s: %w", period, err)
		}
		runs = append(runs, r)
	}
	progress("commission runs", len(periods), len(periods))
	return runs, nil
}

func printDemoRuns(w io.Writer, runs []*downline.Run) {
	if len(runs) == 0 {
		return
	}
	fmt.Fprintf(w, "\nCommission runs (plan %s):\n", "customer-first")
	for _, r := range runs {
		ratio := "-"
		if r.TotalCV > 0 {
			bp := r.Total * 10000 / r.TotalCV // basis points, rounded down
			ratio = fmt.Sprintf("%d.%02d %%", bp/100, bp%100)
		}
		fmt.Fprintf(w, "  %s  %-7s  CV %12s  paid %11s  (%s of CV)  %5d lines  hash %.12s\n",
			r.Period, r.Kind, downline.NewMoney(r.TotalCV, r.Currency).FormatMajor(),
			downline.NewMoney(r.Total, r.Currency).FormatMajor(), ratio, r.Lines, r.ResultHash)
	}
}

func demoServices(db *sqlstore.DB) demo.Services {
	return demo.Services{Programme: db, Products: db, Distributors: db, Customers: db, Orders: db, Refunds: db}
}

func printDemoSummary(w io.Writer, cfg Config, s demo.Summary, took time.Duration) {
	verb := "Created"
	if s.Reused {
		verb = "Reusing"
	}
	fmt.Fprintf(w, "%s the demo programme %q in %s (%s):\n", verb, s.Programme, redact(cfg.DB), took.Round(time.Millisecond))
	fmt.Fprintf(w, "  %6d products\n  %6d distributors\n  %6d customer organisations\n  %6d orders\n  %6d refunds\n",
		s.Products, s.Distributors, s.Customers, s.Orders, s.Refunds)
	if len(s.Periods) > 0 {
		fmt.Fprintf(w, "  periods %s to %s\n", s.Periods[0], s.Periods[len(s.Periods)-1])
	}
}

func printDemoLinks(w io.Writer, cfg Config) {
	base := "http://" + cfg.Listen
	fmt.Fprintf(w, "\nWhere to look (after the server starts):\n")
	fmt.Fprintf(w, "  back office     %s/signin   (admin console at /admin, distributor portal at /portal)\n", base)
	fmt.Fprintf(w, "  JSON API        %s/api/v1/openapi.json\n", base)
	fmt.Fprintf(w, "  health          %s/healthz\n", base)
}

// progress prints how far a long stage has come, at most twice a second,
// so that anything that takes over a second shows progress.
type progress struct {
	mu    sync.Mutex
	w     io.Writer
	last  time.Time
	stage string
}

func newProgress(w io.Writer) *progress { return &progress{w: w, last: time.Now()} }

func (p *progress) update(stage string, done, total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if stage == p.stage && now.Sub(p.last) < 500*time.Millisecond && done != total {
		return
	}
	p.stage, p.last = stage, now
	pct := 100
	if total > 0 {
		pct = done * 100 / total
	}
	fmt.Fprintf(p.w, "  %-13s %7d/%-7d %3d%%\n", stage, done, total, pct)
}
