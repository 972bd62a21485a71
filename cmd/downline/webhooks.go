package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/downline/downline/internal/sqlstore"
	"github.com/downline/downline/internal/webhook"
)

// outbox lets the webhook sender read and update the store's outbox.
type outbox struct{ db *sqlstore.DB }

func (o outbox) DueDeliveries(ctx context.Context, now time.Time, limit int) ([]webhook.Delivery, error) {
	ds, err := o.db.DueWebhookDeliveries(ctx, now, limit)
	out := make([]webhook.Delivery, len(ds))
	for i, d := range ds {
		out[i] = webhook.Delivery(d)
	}
	return out, err
}

func (o outbox) RecordOutcome(ctx context.Context, oc webhook.Outcome) error {
	return o.db.RecordWebhookOutcome(ctx, sqlstore.WebhookOutcome(oc))
}

// sendWebhooks drains the outbox every interval until ctx is done. One
// sender per database: `serve` runs it.
func sendWebhooks(ctx context.Context, logger *slog.Logger, db *sqlstore.DB, interval time.Duration) {
	s := &webhook.Sender{Client: &http.Client{Timeout: 10 * time.Second}, Now: time.Now, Log: logger}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		for {
			n, err := s.Drain(ctx, outbox{db}, 100)
			if err != nil {
				if ctx.Err() == nil {
					logger.Error("outgoing webhooks", "err", err)
				}
				break
			}
			if n < 100 {
				break
			}
		}
	}
}

// runWebhook registers a receiver of outgoing webhooks.
func runWebhook(ctx context.Context, e *env, args []string) error {
	if groupHelp(e, "webhook", "add", args) {
		return nil
	}
	if len(args) == 0 || args[0] != "add" {
		return usageError{fmt.Errorf("webhook: want the subcommand add")}
	}
	cfg := DefaultConfig()
	fs := newFlagSet(e, "webhook add", "", `Register an endpoint for Downline's outgoing webhooks (distributor.enrolled,
period.closed, payout.paid), signed with HMAC-SHA256 over "timestamp.body" in the
Downline-Signature header and retried with backoff. 'serve' delivers them.`)
	configFlags(fs, e, &cfg, false)
	url := fs.String("url", "", "the receiver's http(s) URL (required)")
	events := fs.String("events", "*", "comma-separated event types, or * for all")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	secret := e.getenv("DOWNLINE_WEBHOOK_SECRET")
	if *url == "" || len(secret) < 16 {
		return usageError{fmt.Errorf("webhook add: --url and a DOWNLINE_WEBHOOK_SECRET of 16+ characters are required")}
	}
	if err := cfg.Validate(); err != nil {
		return usageError{err}
	}
	db, err := openStore(ctx, cfg, true)
	if err != nil {
		return err
	}
	defer db.Close()
	ep := &sqlstore.WebhookEndpoint{URL: *url, Secret: secret, EventTypes: strings.Split(*events, ","), Active: true}
	if err := db.CreateWebhookEndpoint(ctx, ep); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Registered webhook endpoint %d: %s for %s.\n", ep.ID, ep.URL, *events)
	return nil
}
