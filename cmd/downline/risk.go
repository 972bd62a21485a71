package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/downline/downline"
	"github.com/downline/downline/internal/sqlstore"
)

// runRisk dispatches "downline risk list|review|clicks": the review queue
// of fraud and compliance signals (issue 6 item 8), and the referral clicks
// the redirect flagged (read-only).
func runRisk(ctx context.Context, e *env, args []string) error {
	const sub = "list, review or clicks"
	if groupHelp(e, "risk", "list|review|clicks", args) {
		return nil
	}
	if len(args) == 0 {
		return usageError{fmt.Errorf("risk: want a subcommand: %s", sub)}
	}
	switch args[0] {
	case "list":
		return runRiskList(ctx, e, args[1:])
	case "review":
		return runRiskReview(ctx, e, args[1:])
	case "clicks":
		return runRiskClicks(ctx, e, args[1:])
	}
	return usageError{fmt.Errorf("risk: unknown subcommand %q: want %s", args[0], sub)}
}

func runRiskList(ctx context.Context, e *env, args []string) error {
	cfg := DefaultConfig()
	fs := newFlagSet(e, "risk list", "", `List risk flags, oldest first: circular customer orders reclassified at intake
(TX-02), refused circular sponsorship moves, self-referral signals at customer
attribution. Each names what it is about and why.`)
	configFlags(fs, e, &cfg, false)
	status := fs.String("status", "", "only open, confirmed or dismissed flags")
	kind := fs.String("kind", "", "only flags of this kind (circular_customer, circular_sponsorship, self_referral)")
	limit := fs.Int("limit", 0, "at most this many flags (0: all)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	switch downline.RiskFlagStatus(*status) {
	case "", downline.RiskOpen, downline.RiskConfirmed, downline.RiskDismissed:
	default:
		return usageError{fmt.Errorf("risk list: --status %q: want open, confirmed or dismissed", *status)}
	}
	if *limit < 0 {
		return usageError{fmt.Errorf("risk list: --limit must not be negative")}
	}
	db, err := openRunStore(ctx, &cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	fl, total, err := db.FindRiskFlags(ctx, downline.RiskFlagFilter{Kind: *kind, Status: downline.RiskFlagStatus(*status), Limit: *limit})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%6s  %-20s  %-9s  %-10s  %-24s  %s\n", "FLAG", "KIND", "STATUS", "CREATED", "ABOUT", "REASON")
	for _, f := range fl {
		fmt.Fprintf(e.stdout, "%6d  %-20s  %-9s  %-10s  %-24s  %s\n", f.ID, f.Kind, f.Status, f.CreatedAt.Format(time.DateOnly),
			riskSubject(f), f.Reason)
		if f.Status != downline.RiskOpen {
			fmt.Fprintf(e.stdout, "%6s  %s by %s on %s: %s\n", "", f.Status, f.ReviewedBy, f.ReviewedAt.Format(time.DateOnly), f.ReviewNote)
		}
	}
	if len(fl) == 0 {
		fmt.Fprintln(e.stdout, "no flags")
	} else if total > len(fl) {
		fmt.Fprintf(e.stdout, "%d of %d flags shown\n", len(fl), total)
	}
	return nil
}

// riskSubject names what a flag is about, by internal id.
func riskSubject(f *downline.RiskFlag) string {
	var s []string
	if f.OrderID != 0 {
		s = append(s, "order "+strconv.FormatInt(int64(f.OrderID), 10))
	}
	if f.CustomerID != 0 {
		s = append(s, "customer "+strconv.FormatInt(int64(f.CustomerID), 10))
	}
	if f.DistributorID != 0 {
		s = append(s, "distributor "+strconv.FormatInt(int64(f.DistributorID), 10))
	}
	return strings.Join(s, ", ")
}

func runRiskReview(ctx context.Context, e *env, args []string) error {
	cfg := DefaultConfig()
	fs := newFlagSet(e, "risk review", "FLAG", `Close risk flag FLAG: --confirm (the signal was real) or --dismiss (it was
not). A review moves no money: to take an order out of customer volume, reject
its receipt with "downline verify decide", which closes the order's flags
itself. Reviewing the same way again changes nothing.`)
	configFlags(fs, e, &cfg, false)
	confirm := fs.Bool("confirm", false, "the signal was real")
	dismiss := fs.Bool("dismiss", false, "the signal was not real")
	by := fs.String("by", "", "who reviewed it (required)")
	note := fs.String("note", "", "what was found")
	id, err := parseFlagsWithID(fs, args, "flag number")
	switch {
	case err != nil:
		return err
	case *confirm == *dismiss:
		return usageError{fmt.Errorf("risk review: give exactly one of --confirm and --dismiss")}
	case strings.TrimSpace(*by) == "":
		return usageError{fmt.Errorf("risk review: --by is required")}
	}
	status := downline.RiskDismissed
	if *confirm {
		status = downline.RiskConfirmed
	}
	db, err := openRunStore(ctx, &cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	f, changed, err := db.ReviewRiskFlag(ctx, id, downline.RiskReview{Status: status, By: *by, Note: *note})
	if err != nil {
		return err
	}
	if !changed {
		fmt.Fprintf(e.stdout, "flag %d was already %s by %s; nothing changed\n", f.ID, f.Status, f.ReviewedBy)
		return nil
	}
	after, _ := json.Marshal(f)
	if err := db.AppendAudit(ctx, &downline.AuditEntry{ActorName: "downline risk review (" + *by + ")", ActorRole: downline.RoleSystem,
		Action: "risk.review", TargetType: "risk_flag", TargetID: strconv.FormatInt(f.ID, 10),
		AfterDigest: downline.AuditDigest(after)}); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "flag %d (%s, %s): %s by %s\n", f.ID, f.Kind, riskSubject(f), f.Status, f.ReviewedBy)
	return nil
}

func runRiskClicks(ctx context.Context, e *env, args []string) error {
	cfg := DefaultConfig()
	fs := newFlagSet(e, "risk clicks", "", `List the referral clicks flagged as bot-like, repeated or part of a burst,
oldest first. They are kept and counted apart; nothing is reviewed here.`)
	configFlags(fs, e, &cfg, false)
	code := fs.String("code", "", "only clicks on this referral code")
	limit := fs.Int("limit", 100, "at most this many clicks (0: all)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *limit < 0 {
		return usageError{fmt.Errorf("risk clicks: --limit must not be negative")}
	}
	db, err := openRunStore(ctx, &cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	f := sqlstore.ClickFilter{SuspectOnly: true, Limit: *limit}
	if *code != "" {
		f.Code = code
	}
	cs, err := db.FindClicks(ctx, f)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%-20s  %-16s  %-12s  %-16s  %s\n", "CLICKED", "CODE", "CAMPAIGN", "IP (HASH)", "FLAGS")
	for _, c := range cs {
		var why []string
		for _, x := range []struct {
			on   bool
			name string
		}{{c.Bot, "bot"}, {c.Repeat, "repeat"}, {c.Burst, "burst"}} {
			if x.on {
				why = append(why, x.name)
			}
		}
		ip := c.IPHash
		if len(ip) > 16 {
			ip = ip[:16]
		}
		fmt.Fprintf(e.stdout, "%-20s  %-16s  %-12s  %-16s  %s\n", c.At.UTC().Format(time.DateTime), c.Code, c.Campaign, ip, strings.Join(why, "+"))
	}
	if len(cs) == 0 {
		fmt.Fprintln(e.stdout, "no flagged clicks")
	}
	return nil
}
