package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"syscall"
	"time"

	"github.com/downline/downline"
	"github.com/downline/downline/internal/sqlstore"
)

// crashEnv names the test hook of the kill test: when set to "stage:n",
// the close kills its own process with SIGKILL when its progress reaches
// that point, so that a test can prove a close interrupted anywhere leaves
// nothing or everything. Only tests set it.
const crashEnv = "DOWNLINE_TEST_CRASH_AT"

// runRun dispatches "downline run list|preview|diff|close".
func runRun(ctx context.Context, e *env, args []string) error {
	const sub = "list, preview, diff or close"
	if len(args) == 0 {
		return usageError{fmt.Errorf("run: want a subcommand: %s", sub)}
	}
	switch args[0] {
	case "list":
		return runRunList(ctx, e, args[1:])
	case "preview", "close":
		return runRunEvaluate(ctx, e, args[0], args[1:])
	case "diff":
		return runRunDiff(ctx, e, args[1:])
	case "-h", "--help", "help":
		fmt.Fprintf(e.stdout, "Usage: downline run <%s> [flags]\n\nRun 'downline run <subcommand> --help' for its flags.\n", sub)
		return nil
	}
	return usageError{fmt.Errorf("run: unknown subcommand %q: want %s", args[0], sub)}
}

// openRunStore parses the common flags and opens the migrated store.
func openRunStore(ctx context.Context, cfg *Config) (*sqlstore.DB, error) {
	if err := cfg.Validate(); err != nil {
		return nil, usageError{err}
	}
	return openStore(ctx, *cfg, true)
}

func runRunList(ctx context.Context, e *env, args []string) error {
	cfg := DefaultConfig()
	fs := newFlagSet(e, "run list", "", "List the commission runs, newest first.")
	configFlags(fs, e, &cfg, false)
	period := fs.String("period", "", "only runs of this period (YYYY-MM)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	db, err := openRunStore(ctx, &cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	rs, err := db.FindRuns(ctx, *period)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%6s  %-7s  %-7s  %12s  %10s  %16s  %14s  %s\n", "RUN", "PERIOD", "KIND", "DISTRIBUTORS", "LINES", "TOTAL", "CLAWBACKS", "RESULT HASH")
	for _, r := range rs {
		fmt.Fprintf(e.stdout, "%6d  %-7s  %-7s  %12d  %10d  %16s  %14s  %.16s\n", r.ID, r.Period, r.Kind, r.Distributors, r.Lines,
			downline.NewMoney(r.Total, r.Currency), downline.NewMoney(r.Clawbacks, r.Currency), r.ResultHash)
	}
	if len(rs) == 0 {
		fmt.Fprintln(e.stdout, "no runs")
	}
	return nil
}

func runRunEvaluate(ctx context.Context, e *env, verb string, args []string) error {
	cfg := DefaultConfig()
	desc := "Evaluate a period and store the result as a preview; previews can be repeated and compared with 'run diff'."
	if verb == "close" {
		desc = `Close a period: evaluate it, freeze the result with the hash of its inputs and the plan
version, and post the earnings and clawbacks to the ledger, all in one transaction.
Closing a closed period again changes nothing and prints the stored close.`
	}
	fs := newFlagSet(e, "run "+verb, "", desc)
	configFlags(fs, e, &cfg, false)
	period := fs.String("period", "", "the period to evaluate (YYYY-MM; required)")
	hold := fs.Int("hold-days", downline.DefaultHoldDays, "days after the period's end before earnings become payable (TX-09)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if !downline.IsPeriodName(*period) {
		return usageError{fmt.Errorf("run %s: --period %q: want YYYY-MM", verb, *period)}
	}
	if *hold < 0 {
		return usageError{fmt.Errorf("run %s: --hold-days %d: want 0 or more", verb, *hold)}
	}
	db, err := openRunStore(ctx, &cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	p := newProgress(e.stderr)
	progress := p.update
	if at := e.getenv(crashEnv); at != "" {
		progress = func(stage string, done, total int) {
			if at == stage+":"+strconv.Itoa(done) {
				syscall.Kill(os.Getpid(), syscall.SIGKILL)
			}
			p.update(stage, done, total)
		}
	}
	start := time.Now()
	opts := downline.RunOptions{HoldDays: *hold, Progress: progress}
	var r *downline.Run
	if verb == "close" {
		r, err = db.CloseRun(ctx, *period, opts)
	} else {
		r, err = db.PreviewRun(ctx, *period, opts)
	}
	if err != nil {
		return err
	}
	printRun(e.stdout, r, time.Since(start))
	return nil
}

func printRun(w io.Writer, r *downline.Run, took time.Duration) {
	what := "Previewed"
	if r.Kind == downline.RunClose {
		what = "Closed"
	}
	fmt.Fprintf(w, "%s %s as run %d in %s:\n", what, r.Period, r.ID, took.Round(time.Millisecond))
	fmt.Fprintf(w, "  distributors  %d\n  lines         %d\n", r.Distributors, r.Lines)
	fmt.Fprintf(w, "  total         %s (CV %s, payout-cap scale %d/%d)\n", downline.NewMoney(r.Total, r.Currency),
		downline.NewMoney(r.TotalCV, r.Currency), r.ScaleNum, r.ScaleDen)
	if r.ScaledBy != "" || r.CompanyTestFired {
		fmt.Fprintf(w, "  scaled by     %s (TX-07 company tests failed: %t, factor %d/%d)\n", orNone(r.ScaledBy), r.CompanyTestFired,
			r.CompanyFactorNum, r.CompanyFactorDen)
	}
	fmt.Fprintf(w, "  clawbacks     %s\n", downline.NewMoney(r.Clawbacks, r.Currency))
	fmt.Fprintf(w, "  plan          %.16s  state from %s\n", r.PlanHash, orNone(r.StatePeriod))
	fmt.Fprintf(w, "  input hash    %s\n  result hash   %s\n", r.InputHash, r.ResultHash)
	if r.Kind == downline.RunClose {
		fmt.Fprintf(w, "  payable from  %s (hold %d days)\n", r.PayableAt.Format(time.RFC3339), r.HoldDays)
	}
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func runRunDiff(ctx context.Context, e *env, args []string) error {
	cfg := DefaultConfig()
	fs := newFlagSet(e, "run diff", "FROM TO", "Compare two runs: per-distributor totals and lines that differ.")
	configFlags(fs, e, &cfg, false)
	limit := fs.Int("limit", 50, "show at most this many differences of each kind (0: all)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		return usageError{fmt.Errorf("run diff: want two run ids, got %d arguments", fs.NArg())}
	}
	var ids [2]downline.RunID
	for i := range ids {
		n, err := strconv.ParseInt(fs.Arg(i), 10, 64)
		if err != nil || n <= 0 {
			return usageError{fmt.Errorf("run diff: %q is not a run id", fs.Arg(i))}
		}
		ids[i] = downline.RunID(n)
	}
	db, err := openRunStore(ctx, &cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	d, err := db.DiffRuns(ctx, ids[0], ids[1])
	if err != nil {
		return err
	}
	cur := d.From.Currency
	m := func(v int64) string { return downline.NewMoney(v, cur).String() }
	fmt.Fprintf(e.stdout, "Run %d (%s %s) → run %d (%s %s): %d totals and %d lines differ.\n", d.From.ID, d.From.Kind, d.From.Period,
		d.To.ID, d.To.Kind, d.To.Period, len(d.Totals), len(d.Lines))
	for i, t := range d.Totals {
		if *limit > 0 && i == *limit {
			fmt.Fprintf(e.stdout, "  … %d more totals\n", len(d.Totals)-i)
			break
		}
		fmt.Fprintf(e.stdout, "  distributor %d: %s → %s\n", t.DistributorID, m(t.From), m(t.To))
	}
	for i, l := range d.Lines {
		if *limit > 0 && i == *limit {
			fmt.Fprintf(e.stdout, "  … %d more lines\n", len(d.Lines)-i)
			break
		}
		fmt.Fprintf(e.stdout, "  line %s to %d from %d at level %d: %s → %s\n", l.Bonus, l.Earner, l.Source, l.CompressedLevel, m(l.From), m(l.To))
	}
	return nil
}
