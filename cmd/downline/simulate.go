package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/downline/downline/compliance"
	"github.com/downline/downline/compplan"
	"github.com/downline/downline/simulate"
)

// runSimulate runs the pre-launch plan simulator (compliance.md §6).
func runSimulate(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "simulate", "", "Simulate a compensation plan before launch: an agent-based model of recruiting, customers,\n"+
		"personal use, attrition and costs, paid month by month by the production engine. Prints the\n"+
		"outcomes of compliance.md §6.4 and the launch gates SIM-01…SIM-05; with --out, writes\n"+
		"simulation.json, simulation.csv and simulation.html there. Exit status 3 when a gate fails.")
	planPath := fs.String("plan", "", "plan file (required)")
	months := fs.Int("months", 0, "horizon in months (default 36, or the --params value)")
	reps := fs.Int("replications", 0, "Monte Carlo replications (default 200, or the --params value)")
	seed := fs.Uint64("seed", 0, "random seed (default 1, or the --params value)")
	paramsPath := fs.String("params", "", "JSON file of model parameters over the defaults")
	compare := fs.String("compare", "", "a second plan simulated with the same parameters and seed")
	out := fs.String("out", "", "directory for the JSON, CSV and HTML reports")
	workers := fs.Int("workers", 0, "replications run at once (default GOMAXPROCS; the output does not depend on it)")
	quiet := fs.Bool("quiet", false, "no progress bar")
	grid := fs.Bool("grid", false, "also run the §6.5 sensitivity grid (λ_c × λ_r × σ_e, 27 scenarios) and judge SIM-01 over it")
	gridReps := fs.Int("grid-replications", 10, "replications per grid scenario")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("simulate: unexpected argument %q", fs.Arg(0))}
	}
	if *planPath == "" {
		return usageError{errors.New("simulate: --plan is required")}
	}
	p := simulate.DefaultParams()
	if *paramsPath != "" {
		f, err := os.Open(*paramsPath)
		if err != nil {
			return usageError{fmt.Errorf("simulate: %w", err)}
		}
		p, err = simulate.ReadParams(f)
		f.Close()
		if err != nil {
			return usageError{fmt.Errorf("simulate: %s: %w", *paramsPath, err)}
		}
	}
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "months":
			p.Months = *months
		case "replications":
			p.Replications = *reps
		case "seed":
			p.Seed = *seed
		}
	})
	if err := p.Validate(); err != nil {
		return usageError{fmt.Errorf("simulate: %w", err)}
	}
	paths := []string{*planPath}
	if *compare != "" {
		paths = append(paths, *compare)
	}
	var reports []*simulate.Report
	for _, path := range paths {
		plan, err := compplan.LoadPlan(path)
		if err != nil {
			return usageError{err}
		}
		lint := compliance.Lint(plan, compliance.Terms{MarketSize: p.PMax}, nil, compliance.DefaultParams())
		o := simulate.Options{Workers: *workers, MinDownline: lint.MinDownline}
		if !*quiet {
			o.Progress = progressBar(e.stderr, plan.ID)
		}
		r, err := simulate.Run(ctx, plan, p, o)
		if !*quiet {
			fmt.Fprintln(e.stderr)
		}
		if err != nil {
			return fmt.Errorf("simulate %s: %w", path, err)
		}
		reports = append(reports, r)
		if *out != "" {
			if err := writeSimulation(*out, len(paths) > 1, r); err != nil {
				return err
			}
		}
	}
	if err := writeSimulationText(e.stdout, reports); err != nil {
		return fmt.Errorf("simulate: %w", err)
	}
	var failed []string
	if *grid {
		plan, err := compplan.LoadPlan(*planPath)
		if err != nil {
			return usageError{err}
		}
		base := p
		base.Replications = *gridReps
		scenarios := simulate.SensitivityGrid(base)
		o := simulate.Options{Workers: *workers}
		if !*quiet {
			o.Progress = progressBar(e.stderr, plan.ID+" grid")
		}
		res, gate, err := simulate.RunGrid(ctx, plan, scenarios, o)
		if !*quiet {
			fmt.Fprintln(e.stderr)
		}
		if err != nil {
			return fmt.Errorf("simulate grid: %w", err)
		}
		ew := &errWriter{w: e.stdout}
		ew.printf("\nsensitivity grid (%d replications each)\n%-32s %10s %10s %8s\n", *gridReps, "scenario", "IR", "loss rate", "RDI")
		for _, g := range res {
			ir := fmt.Sprintf("%.2f", g.IR)
			if g.Unbounded {
				ir = "unbounded"
			}
			ew.printf("%-32s %10s %9.1f%% %8.3f\n", g.Scenario, ir, 100*g.LossRate, g.RDI)
		}
		ew.printf("%s grid %-6s %s: %s\n", plan.ID, gate.Status, gate.ID, gate.Detail)
		if ew.err != nil {
			return fmt.Errorf("simulate: %w", ew.err)
		}
		if gate.Status == "FAIL" {
			failed = append(failed, plan.ID+" grid "+gate.ID)
		}
	}
	for _, r := range reports {
		for _, g := range r.Gates {
			if g.Status == "FAIL" {
				failed = append(failed, r.Plan+" "+g.ID)
			}
		}
	}
	if len(failed) > 0 {
		return blockedError{"simulate: launch gates failed: " + strings.Join(failed, ", ")}
	}
	return nil
}

// progressBar returns a Progress that redraws one line on w whenever the
// percentage changes.
func progressBar(w io.Writer, label string) simulate.Progress {
	last := -1
	return func(done, total int) {
		pc := 100 * done / max(total, 1)
		if pc == last {
			return
		}
		last = pc
		n := pc / 4
		fmt.Fprintf(w, "\rsimulating %s [%s%s] %3d%% (%d/%d months)", label, strings.Repeat("#", n), strings.Repeat(".", 25-n), pc, done, total)
	}
}

// writeSimulation writes simulation.{json,csv,html} into dir (prefixed by
// the plan id when several plans are compared).
func writeSimulation(dir string, prefixed bool, r *simulate.Report) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("simulate: %w", err)
	}
	base := "simulation"
	if prefixed {
		base = r.Plan + "-simulation"
	}
	for _, f := range []struct {
		ext   string
		write func(io.Writer) error
	}{{".json", r.WriteJSON}, {".csv", r.WriteCSV}, {".html", r.WriteHTML}} {
		path := filepath.Join(dir, base+f.ext)
		fh, err := os.Create(path)
		if err != nil {
			return fmt.Errorf("simulate: %w", err)
		}
		werr := f.write(fh)
		if cerr := fh.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			return fmt.Errorf("simulate: write %s: %w", path, werr)
		}
	}
	return nil
}

// writeSimulationText prints the results table, one column per plan.
func writeSimulationText(w io.Writer, rs []*simulate.Report) error {
	ew := &errWriter{w: w}
	pc := func(s simulate.Stat) string { return fmt.Sprintf("%.1f %%", 100*s.Mean) }
	mo := func(s simulate.Stat) string { return fmt.Sprintf("%.2f", s.Mean) }
	rows := []struct {
		name string
		f    func(*simulate.Report) string
	}{
		{"participants", func(r *simulate.Report) string { return fmt.Sprintf("%.0f", r.Participants.Mean) }},
		{"loss rate", func(r *simulate.Report) string { return pc(r.LossRate) }},
		{"loss rate (PCV as cost)", func(r *simulate.Report) string { return pc(r.LossRatePCVAsCost) }},
		{"zero-compensation share", func(r *simulate.Report) string { return pc(r.ZeroShare) }},
		{"recoup rate", func(r *simulate.Report) string { return pc(r.RecoupRate) }},
		{"median net", func(r *simulate.Report) string { return mo(r.MedianNet) }},
		{"Gini", func(r *simulate.Report) string { return fmt.Sprintf("%.3f", r.Gini.Mean) }},
		{"top-1 % share", func(r *simulate.Report) string { return pc(r.Top1Share) }},
		{"payout ratio", func(r *simulate.Report) string { return pc(r.PayoutRatio) }},
		{"end-user share", func(r *simulate.Report) string { return pc(r.EndUserShare) }},
		{"Vemma pass (median)", func(r *simulate.Report) string { return fmt.Sprintf("%.1f %%", 100*r.VemmaPassMedian) }},
		{"incentive ratio", func(r *simulate.Report) string {
			if r.IncentiveUnbounded {
				return "unbounded"
			}
			return fmt.Sprintf("%.2f", r.IncentiveRatio)
		}},
		{"RDI(12)", func(r *simulate.Report) string { return fmt.Sprintf("%.3f", r.RDI) }},
		{"break-even customers", func(r *simulate.Report) string { return fmt.Sprintf("%.2f", r.BreakEvenCustomers) }},
	}
	ew.printf("%-26s", "")
	for _, r := range rs {
		ew.printf(" %18s", r.Plan)
	}
	ew.printf("\n")
	for _, row := range rows {
		ew.printf("%-26s", row.name)
		for _, r := range rs {
			ew.printf(" %18s", row.f(r))
		}
		ew.printf("\n")
	}
	for _, r := range rs {
		for _, g := range r.Gates {
			ew.printf("%s %-6s %s: %s\n", r.Plan, g.Status, g.ID, g.Detail)
		}
	}
	return ew.err
}
