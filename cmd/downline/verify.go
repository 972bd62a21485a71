package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/downline/downline"
	"github.com/downline/downline/compplan"
)

// runVerify dispatches "downline verify sample|decide|list": receipt
// verification sampling (TX-02 (4)).
func runVerify(ctx context.Context, e *env, args []string) error {
	const sub = "sample, decide or list"
	if groupHelp(e, "verify", "sample|decide|list", args) {
		return nil
	}
	if len(args) == 0 {
		return usageError{fmt.Errorf("verify: want a subcommand: %s", sub)}
	}
	switch args[0] {
	case "sample":
		return runVerifySample(ctx, e, args[1:])
	case "decide":
		return runVerifyDecide(ctx, e, args[1:])
	case "list":
		return runVerifyList(ctx, e, args[1:])
	}
	return usageError{fmt.Errorf("verify: unknown subcommand %q: want %s", args[0], sub)}
}

// minSampleKey is the shortest DOWNLINE_SECRET_KEY that may key a sample.
const minSampleKey = 16

func runVerifySample(ctx context.Context, e *env, args []string) error {
	cfg := DefaultConfig()
	fs := newFlagSet(e, "verify sample", "", `Select a period's receipts for verification (TX-02): ceil(rate × n) of its
customer-direct and receipted-resale orders, drawn by a hash keyed with
DOWNLINE_SECRET_KEY (repeatable, unpredictable without the key), plus every
order with an open risk flag. Running it again adds nothing; keep the key.`)
	configFlags(fs, e, &cfg, false)
	period := fs.String("period", "", "the period to sample, YYYY-MM (required; open or closed)")
	rate := fs.String("rate", "0.02", "verify_sample_rate: a decimal (0.02) or fraction (1/50), above 0 and at most 1")
	sla := fs.Int("sla-days", 30, "verify_sla: days to decide each case")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	r, err := compplan.ParseFraction(*rate)
	switch {
	case err != nil || r.Num <= 0:
		return usageError{fmt.Errorf("verify sample: --rate %q: want a share above 0 and at most 1", *rate)}
	case *period == "":
		return usageError{fmt.Errorf("verify sample: --period is required")}
	case *sla < 1:
		return usageError{fmt.Errorf("verify sample: --sla-days must be at least 1")}
	case len(cfg.SecretKey) < minSampleKey:
		return usageError{fmt.Errorf("verify sample: set DOWNLINE_SECRET_KEY (%d+ bytes, stable): it keys the sample, "+
			"so that re-running draws the same orders and nobody without it can predict them", minSampleKey)}
	}
	db, err := openRunStore(ctx, &cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	res, err := db.SampleVerifications(ctx, downline.SampleRequest{Period: *period, RateNum: r.Num, RateDen: r.Den,
		Key: []byte(cfg.SecretKey), SLA: time.Duration(*sla) * 24 * time.Hour})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "verification sample of %s: %d customer orders, target %d at %s\n", res.Period, res.Population, res.Target, *rate)
	fmt.Fprintf(e.stdout, "  sampled %d, flagged %d, cases %d (%d added now)\n", res.Sampled, res.Flagged, res.Cases, res.Added)
	return nil
}

func runVerifyDecide(ctx context.Context, e *env, args []string) error {
	cfg := DefaultConfig()
	fs := newFlagSet(e, "verify decide", "CASE", `Record the outcome of verification case CASE. A rejection takes the order out of
customer volume; if its period is closed, the commissions built on it are
reversed in the open period. The decision closes the order's open risk flags
(rejected: confirmed; confirmed: dismissed). Deciding the same way again
changes nothing.`)
	configFlags(fs, e, &cfg, false)
	confirmed := fs.Bool("confirmed", false, "the customer confirmed the purchase")
	rejected := fs.Bool("rejected", false, "the receipt was rejected")
	by := fs.String("by", "", "who contacted the customer (required)")
	note := fs.String("note", "", "what was found")
	id, err := parseFlagsWithID(fs, args, "case number")
	switch {
	case err != nil:
		return err
	case *confirmed == *rejected:
		return usageError{fmt.Errorf("verify decide: give exactly one of --confirmed and --rejected")}
	case strings.TrimSpace(*by) == "":
		return usageError{fmt.Errorf("verify decide: --by is required")}
	}
	status := downline.VerificationConfirmed
	if *rejected {
		status = downline.VerificationRejected
	}
	db, err := openRunStore(ctx, &cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	c, changed, err := db.DecideVerification(ctx, downline.VerificationID(id), downline.VerificationDecision{Status: status, By: *by, Note: *note})
	if err != nil {
		return err
	}
	if !changed {
		fmt.Fprintf(e.stdout, "case %d was already %s by %s; nothing changed\n", c.ID, c.Status, c.DecidedBy)
		return nil
	}
	after, _ := json.Marshal(c)
	err = db.AppendAudit(ctx, &downline.AuditEntry{ActorName: "downline verify decide (" + *by + ")", ActorRole: downline.RoleSystem,
		Action: "verification.decide", TargetType: "verification", TargetID: strconv.FormatInt(int64(c.ID), 10),
		AfterDigest: downline.AuditDigest(after)})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "case %d (order %s): %s by %s\n", c.ID, c.OrderRef, c.Status, c.DecidedBy)
	if c.ReversalID != "" {
		prog, err := db.FindProgramme(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "  commissions of %s reversed: %s (ledger transaction %s)\n", c.Period,
			downline.NewMoney(c.ReversedAmount, prog.Currency), c.ReversalID)
	} else if c.Status == downline.VerificationRejected {
		fmt.Fprintf(e.stdout, "  period %s is open: the order no longer counts as customer volume\n", c.Period)
	}
	return nil
}

func runVerifyList(ctx context.Context, e *env, args []string) error {
	cfg := DefaultConfig()
	fs := newFlagSet(e, "verify list", "", "List verification cases, oldest first.")
	configFlags(fs, e, &cfg, false)
	period := fs.String("period", "", "only cases of this period (YYYY-MM)")
	status := fs.String("status", "", "only pending, confirmed or rejected cases")
	overdue := fs.Bool("overdue", false, "only pending cases past their due date")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	f := downline.VerificationFilter{Overdue: *overdue}
	if *period != "" {
		f.Period = period
	}
	if *status != "" {
		s := downline.VerificationStatus(*status)
		f.Status = &s
	}
	db, err := openRunStore(ctx, &cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	cs, _, err := db.FindVerifications(ctx, f)
	if err != nil {
		return err
	}
	now := time.Now()
	fmt.Fprintf(e.stdout, "%6s  %-7s  %-20s  %-9s  %-10s  %-10s  %s\n", "CASE", "PERIOD", "ORDER", "STATUS", "DUE", "WHY", "DECIDED BY")
	for _, c := range cs {
		why := []string{}
		if c.Sampled {
			why = append(why, "sampled")
		}
		if len(c.RiskFlagIDs) > 0 {
			why = append(why, "flagged")
		}
		st := string(c.Status)
		if c.Overdue(now) {
			st = "OVERDUE"
		}
		fmt.Fprintf(e.stdout, "%6d  %-7s  %-20s  %-9s  %-10s  %-10s  %s\n", c.ID, c.Period, c.OrderRef, st,
			c.DueAt.Format(time.DateOnly), strings.Join(why, "+"), c.DecidedBy)
	}
	if len(cs) == 0 {
		fmt.Fprintln(e.stdout, "no cases")
	}
	return nil
}
