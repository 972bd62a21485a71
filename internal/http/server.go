// Package http serves Downline over HTTP: the JSON API under /api/v1, the
// health check and, later, the back office. It knows only the service
// interfaces of package downline; cmd/downline wires real implementations.
package http

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/downline/downline"
	"github.com/downline/downline/compliance"
	"golang.org/x/time/rate"
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
	Refunds      downline.RefundService
	Genealogy    downline.GenealogyService
	Users        downline.UserService
	Sessions     downline.SessionService
	Tokens       downline.APITokenService
	Resets       downline.PasswordResetService
	Enrolments   downline.EnrolmentService
	Audit        downline.AuditService
	Idempotency  downline.IdempotencyService
	Runs         downline.RunService
	Payouts      downline.PayoutService
	// Verifications serves receipt verification (TX-02); nil disables it.
	Verifications downline.VerificationService
	// Risk serves the risk flag review queue; nil disables it.
	Risk downline.RiskService
	// SelfDealing lists the TX-11 self-dealing holds; nil disables it.
	SelfDealing downline.SelfDealingService
	// AckKey signs the TX-11 acknowledgement links (/ack/{token}); the
	// page is off unless it holds at least 32 bytes.
	AckKey []byte

	// Now is the clock; nil means time.Now. Rand is the source of session
	// ids, tokens and salts; nil means crypto/rand.
	Now  func() time.Time
	Rand io.Reader

	// Password sets the cost of new password hashes; the zero value means
	// DefaultPasswordParams.
	Password PasswordParams
	// SignIn is the lockout policy; the zero value means
	// downline.DefaultSignInPolicy.
	SignIn downline.SignInPolicy
	// SessionTTL is how long a session lasts; 0 means 12 hours.
	SessionTTL time.Duration
	// Params are the compliance parameters (minimum age, cooling-off);
	// the zero value means compliance.DefaultParams.
	Params *compliance.Params
	// AgreementVersion is the distributor agreement in force; enrolments
	// must accept exactly it. Empty accepts any non-empty version.
	AgreementVersion string
	// PseudonymKey keys the pseudonyms of DP-02; it must stay secret and
	// stable. Nil means a random key per process.
	PseudonymKey []byte
	// SendPasswordReset delivers a password reset token to a user (by
	// email, in production). Nil disables password reset requests.
	SendPasswordReset func(ctx context.Context, u *downline.User, token string) error

	// GenealogyDailyCap bounds the genealogy records a distributor may see
	// per day (DP-04 anti-harvesting); 0 means 200.
	GenealogyDailyCap int

	// RateLimit and RateBurst bound requests per API token, per signed-in
	// user and per IP address; 0 means 20 requests a second, burst 40.
	RateLimit rate.Limit
	RateBurst int

	// Mounts are extra handlers by route pattern (for example the referral
	// redirect or a billing webhook), built by cmd/downline from adapters
	// this package must not import.
	Mounts map[string]http.Handler

	// Web are the services of the back office (distributor portal and
	// admin console) beyond those of the API.
	Web WebServices

	// MaxBodyBytes bounds request bodies; 0 means 1 MiB.
	MaxBodyBytes int64

	// TokenCacheTTL is how long an API token found usable is trusted
	// without a store lookup (see tokenCache); 0 means 2 seconds, a
	// negative value looks every token up on every request.
	TokenCacheTTL time.Duration

	state *serverState
}

// Handler returns the complete handler with its middleware.
func (s *Server) Handler() http.Handler {
	s.init()
	mux := http.NewServeMux()
	s.routes(mux)
	return s.recoverPanics(s.logRequests(securityHeaders(s.limitBody(s.authenticate(s.rateLimit(mux))))))
}

// init fills defaults and the per-server state once.
func (s *Server) init() {
	if s.state != nil {
		return
	}
	st := &serverState{
		requests: newLimiterSet(s.RateLimit, s.RateBurst, 20, 40),
		signIns:  newLimiterSet(rate.Every(s.signInPolicy().Every), s.signInPolicy().Burst, 0, 0),
		harvest:  newLimiterSet(rate.Every(24*time.Hour/time.Duration(s.genealogyDailyCap())), s.genealogyDailyCap(), 0, 0),
	}
	ttl := s.TokenCacheTTL
	if ttl == 0 {
		ttl = defaultTokenCacheTTL
	}
	st.tokens = newTokenCache(ttl)
	st.pseudonymKey = s.PseudonymKey
	if st.pseudonymKey == nil {
		st.pseudonymKey = make([]byte, 32)
		if _, err := io.ReadFull(s.rand(), st.pseudonymKey); err != nil {
			panic("http: no randomness for the pseudonym key: " + err.Error())
		}
	}
	s.state = st
}

// serverState is what a Server builds for itself in Handler.
type serverState struct {
	requests *limiterSet
	signIns  *limiterSet
	// harvest counts the genealogy records shown to each distributor
	// (DP-04).
	harvest      *limiterSet
	pseudonymKey []byte
	tokens       *tokenCache
}

func (s *Server) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Server) rand() io.Reader {
	if s.Rand != nil {
		return s.Rand
	}
	return rand.Reader
}

func (s *Server) params() compliance.Params {
	if s.Params != nil {
		return *s.Params
	}
	return compliance.DefaultParams()
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
