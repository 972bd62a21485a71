package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/downline/downline"
	dlhttp "github.com/downline/downline/internal/http"
	"github.com/downline/downline/internal/referral"
	"github.com/downline/downline/internal/sqlstore"
	"github.com/downline/downline/internal/stripe"
)

// clickSink stores the referral recorder's batches of clicks.
type clickSink struct{ db *sqlstore.DB }

func (s clickSink) RecordClicks(ctx context.Context, cs []referral.Click) error {
	rows := make([]sqlstore.Click, len(cs))
	for i, c := range cs {
		rows[i] = sqlstore.Click(c)
	}
	return s.db.RecordClicks(ctx, rows)
}

// mountAdapters builds the integrations' handlers — the referral redirect
// and the Stripe webhook — and mounts them on srv. The returned function
// drains what they buffer; call it after the server has stopped.
func mountAdapters(ctx context.Context, cfg Config, logger *slog.Logger, db *sqlstore.DB, srv *dlhttp.Server) (func(context.Context) error, error) {
	done := func(context.Context) error { return nil }
	prog, err := db.FindProgramme(ctx)
	if downline.ErrorCode(err) == downline.CodeNotFound {
		logger.Info("no programme yet: referral links and billing webhooks are off until one exists")
		return done, nil
	} else if err != nil {
		return nil, fmt.Errorf("find programme: %w", err)
	}
	secret := []byte(cfg.SecretKey)
	if len(secret) < 16 {
		secret = make([]byte, 32)
		if _, err := rand.Read(secret); err != nil {
			return nil, fmt.Errorf("make a salt: %w", err)
		}
	}

	if prog.LandingURL != "" {
		rec := referral.NewRecorder(clickSink{db}, referral.RecorderConfig{})
		h, err := referral.NewHandler(referral.Config{LandingURL: prog.LandingURL, Codes: db, Recorder: rec,
			Salt: secret, Log: logger, Now: time.Now})
		if err != nil {
			return nil, fmt.Errorf("referral links: %w", err)
		}
		srv.Mounts["GET /r/{code}"] = h
		srv.Mounts["GET /r/{code}/{campaign}"] = h
		done = rec.Close
	}

	if cfg.StripeSecrets != "" {
		v, err := stripe.NewVerifier(strings.Split(cfg.StripeSecrets, ","), 5*time.Minute, time.Now)
		if err != nil {
			return nil, fmt.Errorf("stripe webhook: %w", err)
		}
		app := &stripe.Applier{Events: db, Prices: db, Customers: db, Distributors: db, Orders: db, Refunds: db,
			Mover: db, HouseRef: prog.DefaultSponsorRef, Currency: prog.Currency, Livemode: cfg.StripeLivemode}
		srv.Mounts["POST /webhooks/stripe"] = stripe.NewWebhookHandler(v, app, logger)
	}
	return done, nil
}
