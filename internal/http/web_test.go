package http_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// get requests path with the cookie and returns the status and body.
func get(t *testing.T, h http.Handler, path string, c *http.Cookie) (int, string) {
	t.Helper()
	req := httptest.NewRequest("GET", path, nil)
	if c != nil {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	b, _ := io.ReadAll(rec.Body)
	return rec.Code, string(b)
}

// TestWebAccess checks who may open what: visitors are sent to sign in,
// distributors stay out of the console and staff out of the portal, and
// form posts need the session's CSRF token.
func TestWebAccess(t *testing.T) {
	f := newWebFixture(t, 300)
	admin := signInCookie(t, f.handler, adminEmail)
	dist := signInCookie(t, f.handler, distributorEmail)
	tests := []struct {
		path string
		who  *http.Cookie
		want int
	}{
		{"/admin", nil, http.StatusSeeOther},
		{"/portal", nil, http.StatusSeeOther},
		{"/admin", dist, http.StatusForbidden},
		{"/admin/periods", dist, http.StatusForbidden},
		{"/portal", admin, http.StatusForbidden},
		{"/admin", admin, http.StatusOK},
		{"/portal", dist, http.StatusOK},
		{"/portal/statements/2025-11.pdf", dist, http.StatusOK},
		{"/portal/statements/2025-13.pdf", dist, http.StatusNotFound},
		{"/portal/statements/2025-11.csv", dist, http.StatusNotFound},
		{"/assets/app.css", nil, http.StatusOK},
	}
	for _, tt := range tests {
		who := "visitor"
		if tt.who == admin {
			who = "admin"
		} else if tt.who == dist {
			who = "distributor"
		}
		if got, _ := get(t, f.handler, tt.path, tt.who); got != tt.want {
			t.Errorf("GET %s as %s = %d, want %d", tt.path, who, got, tt.want)
		}
	}

	form := url.Values{"organisation": {"Acme"}, "domain": {"acme.example"}}
	req := httptest.NewRequest("POST", "/portal/deals", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(dist)
	rec := httptest.NewRecorder()
	f.handler.ServeHTTP(rec, req)
	if rec.Code != http.StatusForbidden {
		t.Errorf("POST /portal/deals without a CSRF token = %d, want 403", rec.Code)
	}
}

// TestWebTeamPrivacy checks DP-02 on the team page: below the frontline
// no names appear, only pseudonyms, and never an email.
func TestWebTeamPrivacy(t *testing.T) {
	f := newWebFixture(t, 300)
	dist := signInCookie(t, f.handler, distributorEmail)
	code, body := get(t, f.handler, "/portal/team?depth=5", dist)
	if code != http.StatusOK {
		t.Fatalf("GET /portal/team = %d", code)
	}
	down, err := f.db.Downline(t.Context(), f.me.ID, 5)
	if err != nil {
		t.Fatal(err)
	}
	deep := 0
	for _, m := range down {
		d, err := f.db.FindDistributorByID(t.Context(), m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(body, d.Email) {
			t.Errorf("the team page shows the email of distributor %d", d.ID)
		}
		if m.Depth >= 2 {
			deep++
			if strings.Contains(body, ">"+d.DisplayName+"<") {
				t.Errorf("the team page names distributor %d at level %d", d.ID, m.Depth)
			}
		}
	}
	if deep == 0 {
		t.Fatalf("fixture: distributor %d has no one below its frontline", f.me.ID)
	}
	if !strings.Contains(body, "P-") {
		t.Errorf("the team page shows no pseudonyms")
	}
}

// csrfOf reads the CSRF token from a page's form.
func csrfOf(t *testing.T, body string) string {
	t.Helper()
	_, rest, ok := strings.Cut(body, `name="csrf_token" value="`)
	tok, _, ok2 := strings.Cut(rest, `"`)
	if !ok || !ok2 || tok == "" {
		t.Fatal("the page has no CSRF token")
	}
	return tok
}

// post submits a form with the cookie and returns the response.
func post(t *testing.T, h http.Handler, path string, c *http.Cookie, form url.Values) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(c)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// TestWebPeriodClose closes a period through the console: a wrong
// confirmation is refused, the right one starts the close, and the
// progress page forwards to the closed period.
func TestWebPeriodClose(t *testing.T) {
	f := newWebFixture(t, 300)
	admin := signInCookie(t, f.handler, adminEmail)
	last := f.periods[len(f.periods)-1]
	_, body := get(t, f.handler, "/admin/periods/"+last, admin)
	tok := csrfOf(t, body)

	if rec := post(t, f.handler, "/admin/periods/"+last+"/close", admin, url.Values{"csrf_token": {tok}, "confirm": {"yes"}}); rec.Code != http.StatusBadRequest {
		t.Errorf("close with a wrong confirmation = %d, want 400", rec.Code)
	}
	rec := post(t, f.handler, "/admin/periods/"+last+"/close", admin, url.Values{"csrf_token": {tok}, "confirm": {last}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/admin/periods/"+last+"/close" {
		t.Fatalf("close = %d to %q, want 303 to the progress page", rec.Code, rec.Header().Get("Location"))
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		req := httptest.NewRequest("GET", "/admin/periods/"+last+"/close", nil)
		req.AddCookie(admin)
		rec := httptest.NewRecorder()
		f.handler.ServeHTTP(rec, req)
		if rec.Code == http.StatusSeeOther {
			loc := rec.Header().Get("Location")
			if !strings.HasPrefix(loc, "/admin/periods/"+last+"?flash=") {
				t.Fatalf("after the close, redirect to %q", loc)
			}
			break
		}
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `http-equiv="refresh"`) {
			t.Fatalf("progress page = %d, want 200 with a refresh", rec.Code)
		}
		if time.Now().After(deadline) {
			t.Fatal("the close did not finish in 20 s")
		}
		time.Sleep(50 * time.Millisecond)
	}
	runs, err := f.db.FindRuns(t.Context(), last)
	if err != nil {
		t.Fatal(err)
	}
	closed := 0
	for _, r := range runs {
		if r.Kind == "close" {
			closed++
		}
	}
	if closed != 1 {
		t.Errorf("period %s has %d closes, want 1", last, closed)
	}
}
