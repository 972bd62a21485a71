package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/downline/downline"
	"github.com/downline/downline/attribution"
)

// runHolds dispatches "downline holds list": the TX-11 self-dealing holds
// (read-only; the acknowledgement comes from someone at the customer).
func runHolds(ctx context.Context, e *env, args []string) error {
	if groupHelp(e, "holds", "list|link", args) {
		return nil
	}
	if len(args) == 0 {
		return usageError{fmt.Errorf("holds: want a subcommand: list or link")}
	}
	switch args[0] {
	case "list":
		return runHoldsList(ctx, e, args[1:])
	case "link":
		return runHoldsLink(ctx, e, args[1:])
	}
	return usageError{fmt.Errorf("holds: unknown subcommand %q: want list or link", args[0])}
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

// runHoldsLink prints the signed acknowledgement link of an open hold, to
// send to someone at the customer other than the distributor.
func runHoldsLink(ctx context.Context, e *env, args []string) error {
	cfg := DefaultConfig()
	fs := newFlagSet(e, "holds link", "HOLD", `Print the signed TX-11 acknowledgement link of an open hold, to send to
someone at the customer other than the distributor. Following it, that person
names themselves with an email address at the customer's domain and so
acknowledges that the distributor earns commission on the customer's orders;
the held orders' volume is then released into the first open period. The link
is signed with DOWNLINE_SECRET_KEY (at least 32 bytes; serve must run with the
same key) and expires.`)
	configFlags(fs, e, &cfg, false)
	base := fs.String("base-url", "http://"+cfg.Listen, "the server's public address")
	days := fs.Int("days", 30, "days until the link expires")
	id, err := parseFlagsWithID(fs, args, "hold id")
	switch {
	case err != nil:
		return err
	case *days <= 0:
		return usageError{fmt.Errorf("holds link: --days must be positive")}
	case len(cfg.SecretKey) < attribution.MinAckKeyLen:
		return usageError{fmt.Errorf("holds link: DOWNLINE_SECRET_KEY must hold at least %d bytes", attribution.MinAckKeyLen)}
	}
	db, err := openRunStore(ctx, &cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	hs, _, err := db.FindSelfDealingHolds(ctx, downline.SelfDealingHoldFilter{AfterID: id - 1, Limit: 1})
	if err != nil {
		return err
	}
	if len(hs) == 0 || hs[0].ID != id {
		return downline.Errorf(downline.CodeNotFound, "holds link: hold %d does not exist", id)
	}
	h := hs[0]
	if h.Status() != downline.HoldOpen {
		return downline.Errorf(downline.CodeConflict, "holds link: hold %d was acknowledged by %s on %s", id, h.AckName, h.AcknowledgedAt.Format(time.DateOnly))
	}
	expires := time.Now().Add(time.Duration(*days) * 24 * time.Hour)
	token, err := attribution.SignAck([]byte(cfg.SecretKey), attribution.Ack{HoldID: h.ID, CustomerID: h.CustomerID,
		DistributorID: h.DistributorID, ExpiresAt: expires})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s/ack/%s\n", strings.TrimSuffix(*base, "/"), token)
	fmt.Fprintf(e.stdout, "for %s (customer %s, distributor %s), valid until %s\n", "hold "+strconv.FormatInt(id, 10),
		h.CustomerRef, h.DistributorRef, expires.UTC().Format(time.RFC3339))
	return nil
}
