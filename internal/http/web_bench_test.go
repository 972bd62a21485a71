package http_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
)

// signInCookie signs in through the form and returns the session cookie.
func signInCookie(tb testing.TB, h http.Handler, email string) *http.Cookie {
	tb.Helper()
	form := url.Values{"email": {email}, "password": {webPassword}, "next": {"/"}}
	req := httptest.NewRequest("POST", "/signin", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	for _, c := range rec.Result().Cookies() {
		if c.Name == "downline_session" && c.Value != "" {
			return c
		}
	}
	tb.Fatalf("sign in as %s: status %d, no session cookie", email, rec.Code)
	return nil
}

// BenchmarkWebPages measures the server time of each back-office page on
// a generated programme of DOWNLINE_BENCH_DISTRIBUTORS distributors
// (default 20,000), without the network: the handler is called directly.
func BenchmarkWebPages(b *testing.B) {
	n := 20000
	if v, err := strconv.Atoi(os.Getenv("DOWNLINE_BENCH_DISTRIBUTORS")); err == nil && v > 0 {
		n = v
	}
	f := newWebFixture(b, n)
	admin := signInCookie(b, f.handler, adminEmail)
	dist := signInCookie(b, f.handler, distributorEmail)
	last := f.periods[len(f.periods)-2]
	pages := []struct {
		path string
		who  *http.Cookie
	}{
		{"/portal", dist}, {"/portal/team", dist}, {"/portal/statements", dist}, {"/portal/payouts", dist},
		{"/portal/referral", dist}, {"/portal/deals", dist},
		{"/admin", admin}, {"/admin/periods", admin}, {"/admin/periods/" + last, admin}, {"/admin/payouts", admin},
		{"/admin/distributors", admin}, {fmt.Sprintf("/admin/distributors/%d", f.me.ID), admin}, {"/admin/orders", admin},
		{"/admin/compliance", admin}, {"/admin/plan", admin}, {"/admin/audit", admin},
	}
	for _, pg := range pages {
		b.Run(strings.ReplaceAll(strings.TrimPrefix(pg.path, "/"), "/", "_"), func(b *testing.B) {
			for b.Loop() {
				req := httptest.NewRequest("GET", pg.path, nil)
				req.AddCookie(pg.who)
				rec := httptest.NewRecorder()
				f.handler.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("GET %s = %d:\n%.500s", pg.path, rec.Code, rec.Body.String())
				}
			}
		})
	}
}
