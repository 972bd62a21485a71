package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"runtime/debug"
	"time"

	"github.com/downline/downline/attribution"
	"github.com/downline/downline/compliance"
	dlhttp "github.com/downline/downline/internal/http"
	"github.com/downline/downline/internal/sqlstore"
)

// runServe serves the API and back office until interrupted.
func runServe(ctx context.Context, e *env, args []string) error {
	cfg := DefaultConfig()
	fs := newFlagSet(e, "serve", "", "Serve the JSON API and the back office over HTTP until interrupted.")
	configFlags(fs, e, &cfg, true)
	noMigrate := fs.Bool("no-migrate", false, "do not apply pending migrations at start-up")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		return usageError{err}
	}
	logger := cfg.Logger(e.stderr)
	db, err := openStore(ctx, cfg, !*noMigrate)
	if err != nil {
		return err
	}
	defer db.Close()
	// Orders arriving live pass the TX-10 inventory-loading guard.
	guard := compliance.DefaultParams()
	db.ResaleGuard = &guard
	return serveHTTP(ctx, e, cfg, logger, db)
}

// serveHTTP listens on cfg.Listen and serves db until ctx is done. It
// prints the address it listens on, so that tests can use port 0.
func serveHTTP(ctx context.Context, e *env, cfg Config, logger *slog.Logger, db *sqlstore.DB) error {
	l, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	if e.getenv("GOGC") == "" {
		debug.SetGCPercent(dlhttp.GCPercent)
	}
	srv := newServer(e, logger, cfg, db)
	drain, err := mountAdapters(ctx, cfg, logger, db, srv)
	if err != nil {
		l.Close()
		return err
	}
	logger.Info("listening", "addr", l.Addr().String(), "db", redact(cfg.DB))
	fmt.Fprintf(e.stdout, "listening on http://%s\n", l.Addr())
	senderCtx, stopSender := context.WithCancel(ctx)
	senderDone := make(chan struct{})
	go func() {
		defer close(senderDone)
		sendWebhooks(senderCtx, logger, db, 5*time.Second)
	}()
	err = srv.Serve(ctx, l)
	stopSender()
	<-senderDone
	// The server has stopped: write the clicks still buffered.
	drainCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if derr := drain(drainCtx); derr != nil && err == nil {
		err = fmt.Errorf("drain referral clicks: %w", derr)
	}
	return err
}

// newServer wires the HTTP server to the store and the adapters.
func newServer(e *env, logger *slog.Logger, cfg Config, db *sqlstore.DB) *dlhttp.Server {
	srv := &dlhttp.Server{
		Logger:           logger,
		Ping:             func(ctx context.Context) error { return db.SQL().PingContext(ctx) },
		Programme:        db,
		Products:         db,
		Distributors:     db,
		Customers:        db,
		Orders:           dlhttp.NewOrderGroup(db), // concurrent creates share a commit
		Refunds:          db,
		Genealogy:        db,
		Users:            db,
		Sessions:         db,
		Tokens:           db,
		Resets:           db,
		Enrolments:       db,
		Audit:            db,
		Idempotency:      db,
		Runs:             db,
		Payouts:          db,
		Verifications:    db,
		Risk:             db,
		SelfDealing:      db,
		AgreementVersion: cfg.AgreementVersion,
		Mounts:           map[string]http.Handler{},
		Web:              webServices(e, db),
	}
	if len(cfg.SecretKey) >= attribution.MinAckKeyLen {
		// TX-11 acknowledgement links (`downline holds link`).
		srv.AckKey = []byte(cfg.SecretKey)
	}
	if cfg.SecretKey != "" {
		srv.PseudonymKey = []byte(cfg.SecretKey)
	} else {
		logger.Warn("no DOWNLINE_SECRET_KEY: pseudonyms in genealogy views change at every restart")
	}
	return srv
}

// redact hides a password in a database URL.
func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return dsn
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}
