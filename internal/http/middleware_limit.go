package http

import (
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/downline/downline"
	"golang.org/x/time/rate"
)

// limiterSet holds one token bucket per key (an API token, a user or an IP
// address). Buckets idle for longer than ten minutes are dropped when the
// set grows, so that a flood of addresses cannot exhaust memory.
type limiterSet struct {
	limit rate.Limit
	burst int

	mu   sync.Mutex
	byID map[string]*limiterEntry
}

type limiterEntry struct {
	lim  *rate.Limiter
	seen time.Time
}

// maxLimiters is the set size from which idle buckets are swept.
const maxLimiters = 10000

// newLimiterSet returns a set with limit and burst, or defLimit and
// defBurst when limit is 0.
func newLimiterSet(limit rate.Limit, burst int, defLimit rate.Limit, defBurst int) *limiterSet {
	if limit == 0 {
		limit, burst = defLimit, defBurst
	}
	if burst <= 0 {
		burst = 1
	}
	return &limiterSet{limit: limit, burst: burst, byID: map[string]*limiterEntry{}}
}

// allow reports whether key may make one more request at now.
func (l *limiterSet) allow(key string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	e, ok := l.byID[key]
	if !ok {
		if len(l.byID) >= maxLimiters {
			for k, old := range l.byID {
				if now.Sub(old.seen) > 10*time.Minute {
					delete(l.byID, k)
				}
			}
		}
		e = &limiterEntry{lim: rate.NewLimiter(l.limit, l.burst)}
		l.byID[key] = e
	}
	e.seen = now
	return e.lim.AllowN(now, 1)
}

// clientIP returns the address of the peer. Forwarding headers are not
// trusted: a proxy in front must be configured to connect per client or
// the limits apply to the proxy as a whole.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// rateLimit refuses requests over the limit of their API token, user or
// (unauthenticated) IP address with 429 and Retry-After.
func (s *Server) rateLimit(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := "ip:" + clientIP(r)
		if c := credentialFrom(r.Context()); c != nil {
			if c.token != nil {
				key = "token:" + strconv.FormatInt(int64(c.token.ID), 10)
			} else {
				key = "user:" + strconv.FormatInt(int64(c.user.ID), 10)
			}
		}
		if !s.state.requests.allow(key, s.now()) {
			tooMany(s, w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func tooMany(s *Server, w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Retry-After", "1")
	s.writeProblem(w, r, http.StatusTooManyRequests, downline.Errorf("rate_limited", "Too many requests; slow down."))
}

// limitBody bounds every request body to MaxBodyBytes.
func (s *Server) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil {
			r.Body = http.MaxBytesReader(w, r.Body, s.maxBody())
		}
		next.ServeHTTP(w, r)
	})
}
