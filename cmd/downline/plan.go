package main

import (
	"context"
	"fmt"
	"os"

	"github.com/downline/downline"
)

// runPlan dispatches "downline plan activate".
func runPlan(ctx context.Context, e *env, args []string) error {
	if groupHelp(e, "plan", "activate", args) {
		return nil
	}
	if len(args) == 0 || args[0] != "activate" {
		return usageError{fmt.Errorf("plan: want the subcommand activate")}
	}
	cfg := DefaultConfig()
	fs := newFlagSet(e, "plan activate", "FILE", `Store the plan file as a plan version applying from a period on. Runs name the
exact version (text and SHA-256) they evaluated. Activating the same text for the
same period again changes nothing.`)
	configFlags(fs, e, &cfg, false)
	from := fs.String("from", "", "the first period the plan applies to (YYYY-MM; required)")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{fmt.Errorf("plan activate: want one plan file, got %d arguments", fs.NArg())}
	}
	if !downline.IsPeriodName(*from) {
		return usageError{fmt.Errorf("plan activate: --from %q: want YYYY-MM", *from)}
	}
	text, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return usageError{fmt.Errorf("plan activate: %w", err)}
	}
	db, err := openRunStore(ctx, &cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	pv, err := db.ActivatePlan(ctx, string(text), *from)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Plan %s version %s (sha256 %s) applies from %s (plan version %d).\n",
		pv.PlanID, pv.Version, pv.Hash, pv.ActiveFrom, pv.ID)
	return nil
}
