package referral

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"hash"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// DefaultCookieWindow is how long the attribution cookie lasts.
const DefaultCookieWindow = 90 * 24 * time.Hour

// DefaultCookieName names the attribution cookie.
const DefaultCookieName = "downline_ref"

// isCode reports whether s is a well-formed referral code: 1 to 64
// letters, digits, '-' or '_'. (A loop, not a regexp: it runs on every
// redirect.)
func isCode(s string) bool { return isToken(s, false) }

// isCampaign is isCode that also allows '.'.
func isCampaign(s string) bool { return isToken(s, true) }

func isToken(s string, dot bool) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || dot && c == '.') {
			return false
		}
	}
	return true
}

// Config configures a Handler. LandingURL, Codes, Recorder, Salt and Now
// are required.
type Config struct {
	// LandingURL is where visitors are sent, with ?ref=CODE added to any
	// query it already has.
	LandingURL string
	Codes      Codes
	Recorder   *Recorder
	// Detector flags repeated and burst clicks; nil means a Detector with
	// the default windows.
	Detector *Detector
	// Salt keys the IP and user-agent hashes. It must be secret and at
	// least 16 bytes, or the hashes of the small IPv4 space could be
	// reversed by brute force.
	Salt []byte
	// CookieName defaults to DefaultCookieName; CookieWindow to
	// DefaultCookieWindow.
	CookieName   string
	CookieWindow time.Duration
	// LastTouch makes a new click replace an existing attribution cookie.
	// By default the first click within the window keeps the cookie
	// (first-touch attribution); every click is recorded either way.
	LastTouch bool
	// TrustProxy takes the client IP from X-Forwarded-For and the scheme
	// from X-Forwarded-Proto; set it only behind a proxy that sets them.
	TrustProxy bool
	// CodeCacheTTL is how long a valid code is remembered, keeping the
	// store off the redirect path; default 1 minute. Unknown codes are not
	// cached.
	CodeCacheTTL time.Duration
	Now          func() time.Time
	Log          *slog.Logger
}

// Handler serves GET /r/{code} and GET /r/{code}/{campaign}. The lead
// mounts it in internal/http's routes under both patterns.
type Handler struct {
	cfg        Config
	landing    *url.URL
	landingQ   string // landing query without any "ref" parameter
	detector   *Detector
	cookieName string
	window     time.Duration
	cacheTTL   time.Duration

	mu    sync.RWMutex
	valid map[string]time.Time // code → cached until

	macs sync.Pool // of keyed HMAC-SHA256 hashes, reset after use
}

// NewHandler checks cfg and returns a Handler.
func NewHandler(cfg Config) (*Handler, error) {
	switch {
	case cfg.Codes == nil:
		return nil, errors.New("new referral handler: no code validator")
	case cfg.Recorder == nil:
		return nil, errors.New("new referral handler: no click recorder")
	case len(cfg.Salt) < 16:
		return nil, errors.New("new referral handler: salt must be at least 16 bytes")
	case cfg.Now == nil:
		return nil, errors.New("new referral handler: no clock")
	}
	u, err := url.Parse(cfg.LandingURL)
	if err != nil || !u.IsAbs() || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, errors.New("new referral handler: landing URL must be an absolute http(s) URL")
	}
	q := u.Query()
	q.Del("ref")
	h := &Handler{cfg: cfg, landing: u, landingQ: q.Encode(), detector: cfg.Detector,
		cookieName: cfg.CookieName, window: cfg.CookieWindow, cacheTTL: cfg.CodeCacheTTL,
		valid: make(map[string]time.Time)}
	if h.detector == nil {
		h.detector = NewDetector(DetectorConfig{})
	}
	if h.cookieName == "" {
		h.cookieName = DefaultCookieName
	}
	if h.window <= 0 {
		h.window = DefaultCookieWindow
	}
	if h.cacheTTL <= 0 {
		h.cacheTTL = time.Minute
	}
	if h.cfg.Log == nil {
		h.cfg.Log = slog.New(slog.DiscardHandler)
	}
	return h, nil
}

// ServeHTTP records the click and redirects. A malformed or unknown code,
// or a failure to validate it, redirects to the bare landing page without
// recording anything or setting a cookie: the visitor still arrives, but no
// one is credited on unverified grounds.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	code, campaign := r.PathValue("code"), r.PathValue("campaign")
	if code == "" {
		code, campaign = splitPath(r.URL.Path)
	}
	if campaign != "" && !isCampaign(campaign) {
		campaign = ""
	}
	w.Header().Set("Cache-Control", "no-store")
	if !isCode(code) || !h.isValid(r, code) {
		redirect(w, h.target(""))
		return
	}
	now := h.cfg.Now().UTC()
	ua := r.UserAgent()
	c := Click{
		At: now, Code: code, Campaign: campaign,
		IPHash:        h.hash(h.clientIP(r)),
		UserAgentHash: h.hash(ua),
		Referrer:      truncate(r.Referer(), MaxReferrerLen),
		Bot:           IsBotUserAgent(ua),
	}
	c.Repeat, c.Burst = h.detector.Observe(now, code, c.IPHash)
	if err := h.cfg.Recorder.Record(r.Context(), c); err != nil {
		h.cfg.Log.Warn("referral click not recorded", "code", code, "err", err)
	}
	if h.cfg.LastTouch || !h.hasAttribution(r) {
		http.SetCookie(w, &http.Cookie{
			Name: h.cookieName, Value: code, Path: "/",
			Expires: now.Add(h.window), MaxAge: int(h.window / time.Second),
			HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: h.isTLS(r),
		})
	}
	redirect(w, h.target(code))
}

// redirect answers 302 with an empty body: http.Redirect's HTML body costs
// a quarter of the handler's time and no browser shows it.
func redirect(w http.ResponseWriter, target string) {
	w.Header().Set("Location", target)
	w.WriteHeader(http.StatusFound)
}

// target is the landing URL with ref=code appended to its own query.
func (h *Handler) target(code string) string {
	u := *h.landing
	q := h.landingQ
	if code != "" {
		if q != "" {
			q += "&"
		}
		q += "ref=" + url.QueryEscape(code)
	}
	u.RawQuery = q
	return u.String()
}

func (h *Handler) isValid(r *http.Request, code string) bool {
	now := h.cfg.Now()
	h.mu.RLock()
	until, ok := h.valid[code]
	h.mu.RUnlock()
	if ok && now.Before(until) {
		return true
	}
	valid, err := h.cfg.Codes.IsActiveReferralCode(r.Context(), code)
	if err != nil {
		h.cfg.Log.Error("validate referral code", "code", code, "err", err)
		return false
	}
	h.mu.Lock()
	if valid {
		h.valid[code] = now.Add(h.cacheTTL)
	} else {
		delete(h.valid, code)
	}
	h.mu.Unlock()
	return valid
}

// hasAttribution reports whether the request already carries a well-formed
// attribution cookie.
func (h *Handler) hasAttribution(r *http.Request) bool {
	ck, err := r.Cookie(h.cookieName)
	return err == nil && isCode(ck.Value)
}

func (h *Handler) hash(s string) string {
	m, _ := h.macs.Get().(hash.Hash)
	if m == nil {
		m = hmac.New(sha256.New, h.cfg.Salt)
	}
	m.Write([]byte(s))
	var sum [sha256.Size]byte
	out := hex.EncodeToString(m.Sum(sum[:0]))
	m.Reset()
	h.macs.Put(m)
	return out
}

func (h *Handler) clientIP(r *http.Request) string {
	if h.cfg.TrustProxy {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			first, _, _ := strings.Cut(xff, ",")
			return strings.TrimSpace(first)
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func (h *Handler) isTLS(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	return h.cfg.TrustProxy && strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

// splitPath extracts code and campaign from "/r/CODE" or "/r/CODE/CAMPAIGN"
// when the handler is mounted without path wildcards.
func splitPath(p string) (code, campaign string) {
	p = strings.TrimPrefix(p, "/r/")
	code, campaign, _ = strings.Cut(p, "/")
	if strings.Contains(campaign, "/") {
		return "", ""
	}
	return code, campaign
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}
