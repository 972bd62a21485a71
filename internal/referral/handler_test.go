package referral_test

import (
	"context"
	"crypto/tls"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/downline/downline/internal/referral"
)

// codeSet is an in-memory Codes.
type codeSet struct {
	codes map[string]bool
	calls int
	err   error
}

func (c *codeSet) IsActiveReferralCode(_ context.Context, code string) (bool, error) {
	c.calls++
	return c.codes[code], c.err
}

var (
	testSalt = []byte("0123456789abcdef-salt")
	testNow  = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
)

const browserUA = "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"

type rig struct {
	h     *referral.Handler
	mux   *http.ServeMux
	sink  *memSink
	rec   *referral.Recorder
	codes *codeSet
}

func newRig(t *testing.T, edit func(*referral.Config)) *rig {
	t.Helper()
	sink := &memSink{}
	rec := referral.NewRecorder(sink, referral.RecorderConfig{FlushInterval: time.Millisecond})
	codes := &codeSet{codes: map[string]bool{"ALICE": true, "BOB": true}}
	cfg := referral.Config{
		LandingURL: "https://vendor.example/start?utm_source=partner&ref=stale",
		Codes:      codes, Recorder: rec, Salt: testSalt,
		Now: func() time.Time { return testNow },
	}
	if edit != nil {
		edit(&cfg)
	}
	h, err := referral.NewHandler(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &rig{h: h, mux: newMux(h), sink: sink, rec: rec, codes: codes}
}

// newMux mounts h the way internal/http does.
func newMux(h http.Handler) *http.ServeMux {
	mux := http.NewServeMux()
	mux.Handle("GET /r/{code}", h)
	mux.Handle("GET /r/{code}/{campaign}", h)
	return mux
}

// serve sends a browser GET from a fixed address to mux.
func serve(mux http.Handler, path string) *http.Response {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.RemoteAddr = "203.0.113.7:5555"
	req.Header.Set("User-Agent", browserUA)
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, req)
	return rec.Result()
}

// get serves one request and returns the response; clicks are flushed by
// closing the recorder in clicks().
func (rg *rig) get(path string, edit func(*http.Request)) *http.Response {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.RemoteAddr = "203.0.113.7:5555"
	req.Header.Set("User-Agent", browserUA)
	if edit != nil {
		edit(req)
	}
	rec := httptest.NewRecorder()
	rg.mux.ServeHTTP(rec, req)
	return rec.Result()
}

func (rg *rig) clicks(t *testing.T) []referral.Click {
	t.Helper()
	if err := rg.rec.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	return rg.sink.clicks
}

func TestHandlerRedirectsRecordsAndSetsCookie(t *testing.T) {
	rg := newRig(t, nil)
	resp := rg.get("/r/ALICE/spring-26", func(r *http.Request) { r.Header.Set("Referer", "https://blog.example/post") })
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("status = %d, want 302", resp.StatusCode)
	}
	// The landing's own query is kept, a stale ref replaced.
	if got, want := resp.Header.Get("Location"), "https://vendor.example/start?utm_source=partner&ref=ALICE"; got != want {
		t.Errorf("Location = %q, want %q", got, want)
	}
	if got := resp.Header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store", got)
	}
	cookies := resp.Cookies()
	if len(cookies) != 1 {
		t.Fatalf("got %d cookies, want 1", len(cookies))
	}
	ck := cookies[0]
	// 90 days = 7,776,000 s.
	if ck.Name != "downline_ref" || ck.Value != "ALICE" || ck.MaxAge != 7_776_000 || !ck.HttpOnly ||
		ck.SameSite != http.SameSiteLaxMode || ck.Secure || ck.Path != "/" {
		t.Errorf("cookie = %+v, want downline_ref=ALICE, Max-Age 7776000, HttpOnly, Lax, not Secure over plain HTTP", ck)
	}
	got := rg.clicks(t)
	want := []referral.Click{{At: testNow, Code: "ALICE", Campaign: "spring-26", Referrer: "https://blog.example/post"}}
	if diff := cmp.Diff(want, got, cmpIgnoreHashes); diff != "" {
		t.Errorf("clicks diff (-want +got):\n%s", diff)
	}
	if h := got[0].IPHash; len(h) != 64 || strings.Contains(h, "203.0.113.7") {
		t.Errorf("IPHash = %q, want a 64-hex-digit keyed hash", h)
	}
}

var cmpIgnoreHashes = cmp.Transformer("dropHashes", func(c referral.Click) referral.Click {
	c.IPHash, c.UserAgentHash = "", ""
	return c
})

func TestHandlerSecureCookieUnderTLS(t *testing.T) {
	rg := newRig(t, nil)
	resp := rg.get("/r/ALICE", func(r *http.Request) { r.TLS = &tls.ConnectionState{} })
	if ck := resp.Cookies(); len(ck) != 1 || !ck[0].Secure {
		t.Errorf("cookies = %+v, want one Secure cookie", ck)
	}
	rg = newRig(t, func(c *referral.Config) { c.TrustProxy = true })
	resp = rg.get("/r/ALICE", func(r *http.Request) { r.Header.Set("X-Forwarded-Proto", "https") })
	if ck := resp.Cookies(); len(ck) != 1 || !ck[0].Secure {
		t.Errorf("behind a TLS proxy: cookies = %+v, want one Secure cookie", ck)
	}
}

func TestHandlerFirstAndLastTouch(t *testing.T) {
	withBob := func(r *http.Request) { r.AddCookie(&http.Cookie{Name: "downline_ref", Value: "BOB"}) }
	first := newRig(t, nil)
	if ck := first.get("/r/ALICE", withBob).Cookies(); len(ck) != 0 {
		t.Errorf("first-touch replaced the existing cookie: %+v", ck)
	}
	if n := len(first.clicks(t)); n != 1 {
		t.Errorf("first-touch recorded %d clicks, want 1 (the click still counts)", n)
	}
	last := newRig(t, func(c *referral.Config) { c.LastTouch = true })
	if ck := last.get("/r/ALICE", withBob).Cookies(); len(ck) != 1 || ck[0].Value != "ALICE" {
		t.Errorf("last-touch cookies = %+v, want ALICE", ck)
	}
}

func TestHandlerUnknownOrBadCode(t *testing.T) {
	tests := []struct {
		name, path string
		codesErr   error
	}{
		{"unknown code", "/r/MALLORY", nil},
		{"malformed code", "/r/bad%20code", nil},
		{"store failure", "/r/ALICE", errors.New("db down")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rg := newRig(t, nil)
			rg.codes.err = tt.codesErr
			resp := rg.get(tt.path, nil)
			if got, want := resp.Header.Get("Location"), "https://vendor.example/start?utm_source=partner"; resp.StatusCode != 302 || got != want {
				t.Errorf("%d %q, want 302 %q", resp.StatusCode, got, want)
			}
			if len(resp.Cookies()) != 0 {
				t.Errorf("cookie set for a code that was not validated")
			}
			if n := len(rg.clicks(t)); n != 0 {
				t.Errorf("%d clicks recorded, want 0", n)
			}
		})
	}
}

func TestHandlerFlagsButKeepsSuspectClicks(t *testing.T) {
	rg := newRig(t, nil)
	rg.get("/r/ALICE", nil)
	rg.get("/r/ALICE", nil) // same IP, same code: repeat
	rg.get("/r/ALICE", func(r *http.Request) { r.Header.Set("User-Agent", "curl/8.5.0"); r.RemoteAddr = "198.51.100.1:1" })
	rg.get("/r/ALICE/bad%20campaign!", func(r *http.Request) { r.RemoteAddr = "198.51.100.2:1" })
	got := rg.clicks(t)
	want := []referral.Click{
		{At: testNow, Code: "ALICE"},
		{At: testNow, Code: "ALICE", Repeat: true},
		{At: testNow, Code: "ALICE", Bot: true},
		{At: testNow, Code: "ALICE"}, // malformed campaign dropped, click kept
	}
	if diff := cmp.Diff(want, got, cmpIgnoreHashes); diff != "" {
		t.Errorf("clicks diff (-want +got):\n%s", diff)
	}
	if got[0].IPHash != got[1].IPHash || got[0].IPHash == got[2].IPHash {
		t.Errorf("IP hashes do not follow the IPs: %s %s %s", got[0].IPHash, got[1].IPHash, got[2].IPHash)
	}
	if rg.codes.calls != 1 {
		t.Errorf("code validated %d times, want 1 (cached)", rg.codes.calls)
	}
}

func TestHandlerWithoutMuxPattern(t *testing.T) {
	rg := newRig(t, nil)
	req := httptest.NewRequest(http.MethodGet, "/r/BOB/launch", nil)
	req.Header.Set("User-Agent", browserUA)
	w := httptest.NewRecorder()
	rg.h.ServeHTTP(w, req)
	if got := w.Result().Header.Get("Location"); !strings.HasSuffix(got, "ref=BOB") {
		t.Errorf("Location = %q, want ref=BOB", got)
	}
	if c := rg.clicks(t); len(c) != 1 || c[0].Campaign != "launch" {
		t.Errorf("clicks = %+v, want one with campaign launch", c)
	}
}

func TestNewHandlerRejectsBadConfig(t *testing.T) {
	tests := []struct {
		name string
		edit func(*referral.Config)
	}{
		{"short salt", func(c *referral.Config) { c.Salt = []byte("short") }},
		{"relative landing", func(c *referral.Config) { c.LandingURL = "/start" }},
		{"no codes", func(c *referral.Config) { c.Codes = nil }},
		{"no clock", func(c *referral.Config) { c.Now = nil }},
	}
	for _, tt := range tests {
		cfg := referral.Config{LandingURL: "https://x.example/", Codes: &codeSet{},
			Recorder: referral.NewRecorder(&memSink{}, referral.RecorderConfig{}), Salt: testSalt, Now: time.Now}
		tt.edit(&cfg)
		if _, err := referral.NewHandler(cfg); err == nil {
			t.Errorf("%s: NewHandler = nil error", tt.name)
		}
		cfg.Recorder.Close(context.Background())
	}
}

// Whatever the path, the handler redirects to the landing page, and only a
// well-formed, known code reaches the Location and the cookie.
func FuzzHandlerPath(f *testing.F) {
	for _, s := range []string{"/r/ALICE", "/r/ALICE/spring", "/r/", "/r//x", "/r/ALICE/a/b", "/r/%00", "/r/BOB/..%2f"} {
		f.Add(s)
	}
	sink := &memSink{}
	rec := referral.NewRecorder(sink, referral.RecorderConfig{})
	defer rec.Close(context.Background())
	h, err := referral.NewHandler(referral.Config{LandingURL: "https://vendor.example/start?x=1",
		Codes: &codeSet{codes: map[string]bool{"ALICE": true, "BOB": true}}, Recorder: rec, Salt: testSalt,
		Now: func() time.Time { return testNow }})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, path string) {
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.URL.Path = path
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		loc := w.Result().Header.Get("Location")
		if w.Code != http.StatusFound || !strings.HasPrefix(loc, "https://vendor.example/start?x=1") {
			t.Fatalf("path %q: %d %q, want 302 to the landing page", path, w.Code, loc)
		}
		if rest := strings.TrimPrefix(loc, "https://vendor.example/start?x=1"); rest != "" && rest != "&ref=ALICE" && rest != "&ref=BOB" {
			t.Fatalf("path %q: Location %q carries something other than a known code", path, loc)
		}
	})
}
