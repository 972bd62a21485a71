package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/downline/downline/compliance"
	"github.com/downline/downline/compplan"
)

// exitBlocked is the exit status of `downline lint` when a finding is a
// BLOCK, and of `downline simulate` when a launch gate fails: distinct
// from 1 (an error) and 2 (bad usage or input), so that scripts and CI can
// tell "the plan is not allowed" from "the tool failed".
const exitBlocked = 3

// blockedError reports that the plan or its simulation is blocked. It
// carries its own exit status (ExitStatus), which main maps.
type blockedError struct{ msg string }

func (b blockedError) Error() string { return b.msg }

// ExitStatus returns exitBlocked.
func (b blockedError) ExitStatus() int { return exitBlocked }

// runLint checks a plan against the compliance rules PL-01…PL-11.
func runLint(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "lint", "PLAN.yaml", "Check a compensation plan against the compliance rules PL-01…PL-11 (compliance.md §4)\n"+
		"under the given jurisdiction profiles. Prints every finding with its severity, rule, plan path,\n"+
		"explanation and citation, and the worst-case payout, seller-first ratio and override depth.\n"+
		"Exit status: 0 when no finding is a BLOCK, 3 when one is, 2 for bad usage or an invalid plan file.")
	jx := fs.String("jurisdiction", "US-FED", "comma-separated jurisdiction profiles (US, US-TX, US-GA, US-MD, US-MODEL, EU, UK, CN, IN, KR, JP, TW, AU)")
	format := fs.String("format", "text", "output format: text or json")
	market := fs.Int("market-size", 0, "prospective participants P_max, for the PL-05 saturation warning (0: skip)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{errors.New("lint: want exactly one PLAN.yaml argument")}
	}
	if *format != "text" && *format != "json" {
		return usageError{fmt.Errorf("lint: --format must be text or json, not %q", *format)}
	}
	profiles, err := compliance.ParseJurisdictions(*jx)
	if err != nil {
		return usageError{fmt.Errorf("lint: %w", err)}
	}
	plan, err := compplan.LoadPlan(fs.Arg(0))
	if err != nil {
		return usageError{err}
	}
	r := compliance.Lint(plan, compliance.Terms{MarketSize: *market}, profiles, compliance.DefaultParams())
	if *format == "json" {
		err = writeLintJSON(e.stdout, fs.Arg(0), r)
	} else {
		err = writeLintText(e.stdout, fs.Arg(0), r)
	}
	if err != nil {
		return fmt.Errorf("lint: write report: %w", err)
	}
	if r.IsBlocked() {
		n := 0
		for _, f := range r.Findings {
			if f.Severity == compliance.LevelBlock {
				n++
			}
		}
		return blockedError{fmt.Sprintf("lint: plan %s is blocked by %d finding(s)", r.Plan, n)}
	}
	return nil
}

func writeLintText(w io.Writer, file string, r compliance.LintReport) error {
	prm := compliance.DefaultParams()
	ew := &errWriter{w: w}
	ew.printf("plan %s %s (%s), jurisdictions %v\n", r.Plan, r.Version, file, r.Jurisdictions)
	if r.WorstCasePayout.IsDefined() {
		ew.printf("worst-case payout:  %s of CV (cap %s)\n", r.WorstCasePayout.Percent(1), prm.PayoutCap.Percent(0))
	} else {
		ew.printf("worst-case payout:  unbounded (cap %s)\n", prm.PayoutCap.Percent(0))
	}
	if r.SellerRatio.IsDefined() {
		ew.printf("seller-first ratio: %s (seller %s vs others %s; min %s)\n", r.SellerRatio.Decimal(2),
			r.SellerReward.Percent(1), r.OthersReward.Percent(1), prm.SellerShareMinRatio.Decimal(2))
	} else {
		ew.printf("seller-first ratio: no overrides (seller %s)\n", r.SellerReward.Percent(1))
	}
	if r.OverrideDepth < 0 {
		ew.printf("override depth:     unbounded (max %d)\n", prm.MaxOverrideLevels)
	} else {
		ew.printf("override depth:     %d (max %d)\n", r.OverrideDepth, prm.MaxOverrideLevels)
	}
	ew.printf("top-rank downline:  %d qualifying participants at least\n", r.MinDownline)
	blocks, warns := 0, 0
	for _, f := range r.Findings {
		loc := f.Path
		if f.Line > 0 {
			loc = fmt.Sprintf("%s:%d %s", file, f.Line, f.Path)
		}
		ew.printf("%-5s %s %s: %s\n      citation: %s\n", f.Severity, f.Rule, loc, f.Message, f.Citation)
		if f.Severity == compliance.LevelBlock {
			blocks++
		} else {
			warns++
		}
	}
	verdict := "PASS"
	if blocks > 0 {
		verdict = "BLOCK"
	}
	ew.printf("result: %s (%d BLOCK, %d WARN)\n", verdict, blocks, warns)
	return ew.err
}

type lintFindingJSON struct {
	Rule     string `json:"rule"`
	Severity string `json:"severity"`
	Path     string `json:"path"`
	Line     int    `json:"line,omitempty"`
	Message  string `json:"message"`
	Citation string `json:"citation"`
}

type lintJSON struct {
	Plan            string            `json:"plan"`
	Version         string            `json:"version"`
	File            string            `json:"file"`
	Jurisdictions   []string          `json:"jurisdictions"`
	Result          string            `json:"result"`
	WorstCasePayout *string           `json:"worst_case_payout"`
	SellerRatio     *string           `json:"seller_ratio"`
	OverrideDepth   int               `json:"override_depth"`
	MinDownline     int               `json:"min_downline"`
	Findings        []lintFindingJSON `json:"findings"`
}

func writeLintJSON(w io.Writer, file string, r compliance.LintReport) error {
	out := lintJSON{Plan: r.Plan, Version: r.Version, File: file, Jurisdictions: r.Jurisdictions, Result: "PASS",
		OverrideDepth: r.OverrideDepth, MinDownline: r.MinDownline, Findings: []lintFindingJSON{}}
	if r.IsBlocked() {
		out.Result = "BLOCK"
	}
	if r.WorstCasePayout.IsDefined() {
		s := r.WorstCasePayout.Decimal(6)
		out.WorstCasePayout = &s
	}
	if r.SellerRatio.IsDefined() {
		s := r.SellerRatio.Decimal(6)
		out.SellerRatio = &s
	}
	for _, f := range r.Findings {
		out.Findings = append(out.Findings, lintFindingJSON{f.Rule, string(f.Severity), f.Path, f.Line, f.Message, f.Citation})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// errWriter keeps the first write error so that a report can be printed
// without checking every line.
type errWriter struct {
	w   io.Writer
	err error
}

func (ew *errWriter) printf(format string, args ...any) {
	if ew.err == nil {
		_, ew.err = fmt.Fprintf(ew.w, format, args...)
	}
}
