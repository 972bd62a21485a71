package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/downline/downline"
)

// runHolds dispatches "downline holds list": the TX-11 self-dealing holds
// (read-only; the acknowledgement comes from someone at the customer).
func runHolds(ctx context.Context, e *env, args []string) error {
	if groupHelp(e, "holds", "list", args) {
		return nil
	}
	if len(args) == 0 {
		return usageError{fmt.Errorf("holds: want a subcommand: list")}
	}
	if args[0] != "list" {
		return usageError{fmt.Errorf("holds: unknown subcommand %q: want list", args[0])}
	}
	return runHoldsList(ctx, e, args[1:])
}

func runHoldsList(ctx context.Context, e *env, args []string) error {
	cfg := DefaultConfig()
	fs := newFlagSet(e, "holds list", "", `List the TX-11 self-dealing holds, oldest first: each customer and
distributor pair whose customer orders wait for someone at the customer to
acknowledge the relationship, why, since when, and the orders still pending
acknowledgement with their revenue and CV, net of refunds. An acknowledged
hold shows who acknowledged and when.`)
	configFlags(fs, e, &cfg, false)
	status := fs.String("status", "", "only open or acknowledged holds")
	limit := fs.Int("limit", 0, "at most this many holds (0: all)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	switch downline.HoldStatus(*status) {
	case "", downline.HoldOpen, downline.HoldAcknowledged:
	default:
		return usageError{fmt.Errorf("holds list: --status %q: want open or acknowledged", *status)}
	}
	if *limit < 0 {
		return usageError{fmt.Errorf("holds list: --limit must not be negative")}
	}
	db, err := openRunStore(ctx, &cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	hs, total, err := db.FindSelfDealingHolds(ctx, downline.SelfDealingHoldFilter{Status: downline.HoldStatus(*status), Limit: *limit})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%6s  %-12s  %-10s  %-16s  %-16s  %6s  %s\n", "HOLD", "STATUS", "SINCE", "CUSTOMER", "DISTRIBUTOR", "ORDERS", "HELD")
	for _, h := range hs {
		held := make([]string, 0, len(h.PendingAmounts))
		for _, a := range h.PendingAmounts {
			held = append(held, fmt.Sprintf("%s %s (CV %s)", downline.NewMoney(a.Amount, a.Currency).FormatMajor(), a.Currency,
				downline.NewMoney(a.CV, a.Currency).FormatMajor()))
		}
		if len(held) == 0 {
			held = append(held, "-")
		}
		fmt.Fprintf(e.stdout, "%6d  %-12s  %-10s  %-16s  %-16s  %6d  %s\n", h.ID, h.Status(), h.CreatedAt.Format(time.DateOnly),
			h.CustomerRef, h.DistributorRef, h.PendingOrders, strings.Join(held, ", "))
		fmt.Fprintf(e.stdout, "%6s  %s\n", "", h.Reason)
		if h.Status() == downline.HoldAcknowledged {
			fmt.Fprintf(e.stdout, "%6s  acknowledged by %s <%s> on %s\n", "", h.AckName, h.AckEmail, h.AcknowledgedAt.Format(time.DateOnly))
		}
	}
	if len(hs) == 0 {
		fmt.Fprintln(e.stdout, "no holds")
	} else if total > len(hs) {
		fmt.Fprintf(e.stdout, "%d of %d holds shown\n", len(hs), total)
	}
	return nil
}
