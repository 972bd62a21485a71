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
func (l *limiterSet) allow(key string, now time.Time) bool { return l.allowN(key, now, 1) }

// allowN reports whether key may take n tokens at now, and takes them if
// so.
func (l *limiterSet) allowN(key string, now time.Time, n int) bool {
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
	return e.lim.AllowN(now, n)
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

func (s *Server) genealogyDailyCap() int {
	if s.GenealogyDailyCap > 0 {
		return s.GenealogyDailyCap
	}
	return 200
}

// allowHarvest counts n genealogy records shown to a distributor viewer
// against its daily cap (DP-04) and logs the lookup; staff are not
// capped. It returns a 429 error when the cap is reached.
func (s *Server) allowHarvest(r *http.Request, v *viewer, n int) error {
	if v.staff() || n == 0 {
		return nil
	}
	s.logger().Info("genealogy lookup", "user", v.actor.UserID, "distributor", v.self.ID, "records", n, "path", r.URL.Path)
	if !s.state.harvest.allowN("user:"+strconv.FormatInt(v.actor.UserID, 10), s.now(), n) {
		s.logger().Warn("genealogy daily cap reached", "user", v.actor.UserID, "distributor", v.self.ID)
		return errHarvest
	}
	return nil
}

// errHarvest answers 429 when a distributor reached its daily genealogy cap.
var errHarvest = &downline.Error{Code: "rate_limited", Message: "You reached today's limit of genealogy records (DP-04)."}
