// Package http serves Downline over HTTP: the JSON API under /api/v1, the
// health check and, later, the back office. It knows only the service
// interfaces of package downline; cmd/downline wires real implementations.
package http

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/downline/downline"
)

// Server is the HTTP front of Downline. Set the fields, then call Handler
// or Serve. Fields left nil disable the routes that need them.
type Server struct {
	Logger *slog.Logger

	// Ping reports whether the store answers; /healthz calls it.
	Ping func(ctx context.Context) error

	Programme    downline.ProgrammeService
	Products     downline.ProductService
	Distributors downline.DistributorService
	Customers    downline.CustomerService
	Orders       downline.OrderService

	// Mounts are extra handlers by route pattern (for example the referral
	// redirect or a billing webhook), built by cmd/downline from adapters
	// this package must not import.
	Mounts map[string]http.Handler

	// MaxBodyBytes bounds request bodies; 0 means 1 MiB.
	MaxBodyBytes int64
}

// Handler returns the complete handler with its middleware.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	s.routes(mux)
	return s.recoverPanics(s.logRequests(securityHeaders(mux)))
}

// Serve accepts connections on l until ctx is done, then shuts down
// gracefully, letting requests in flight finish within 10 seconds.
func (s *Server) Serve(ctx context.Context, l net.Listener) error {
	hs := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(s.logger().Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(l) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve http: %w", err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shut down http: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve http: %w", err)
	}
	return nil
}

func (s *Server) logger() *slog.Logger {
	if s.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Logger
}

func (s *Server) maxBody() int64 {
	if s.MaxBodyBytes > 0 {
		return s.MaxBodyBytes
	}
	return 1 << 20
}
