package http_test

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/downline/downline"
	dlhttp "github.com/downline/downline/internal/http"
	"github.com/downline/downline/internal/sqlstore/sqlstoretest"
)

func TestPasswordHash(t *testing.T) {
	t.Parallel()
	h, err := dlhttp.HashPassword("correct horse battery", testPassword, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Errorf("hash %q: want a PHC argon2id string with the parameters", h)
	}
	h2, _ := dlhttp.HashPassword("correct horse battery", testPassword, rand.Reader)
	if h == h2 {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
	for pw, want := range map[string]bool{"correct horse battery": true, "correct horse batterY": false, "": false} {
		if ok, err := dlhttp.VerifyPassword(h, pw); ok != want || err != nil {
			t.Errorf("VerifyPassword(%q) = %v, %v; want %v", pw, ok, err, want)
		}
	}
	for _, bad := range []string{"", "$argon2i$v=19$m=64,t=1,p=1$AAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA",
		"$argon2id$v=19$m=4294967295,t=1,p=1$AAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA", "$argon2id$v=19$m=64,t=1,p=1$!!$AAAA"} {
		if _, err := dlhttp.VerifyPassword(bad, "x"); err == nil {
			t.Errorf("VerifyPassword(%q) accepted a malformed hash", bad)
		}
	}
}

// signInFixture gives the support user a password.
func signInFixture(t *testing.T) *fixture {
	f := newFixture(t)
	h, err := dlhttp.HashPassword("support password!", testPassword, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	u, err := f.db.FindUserByEmail(ctx, "support@vendor.example")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.UpdateUser(ctx, u.ID, downline.UserUpdate{PasswordHash: &h}); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestSignInLockout(t *testing.T) {
	f := signInFixture(t)
	signIn := func(pw string) response {
		return f.do(t, "", "POST", "/api/v1/sessions", fmt.Sprintf(`{"email":"support@vendor.example","password":%q}`, pw))
	}
	// The fixture locks after 3 failures: the third wrong password locks,
	// and then even the right one is refused, with the same answer.
	for i := 0; i < 3; i++ {
		if res := signIn("wrong"); res.status != http.StatusUnauthorized {
			t.Fatalf("wrong password %d: %d", i+1, res.status)
		}
	}
	res := signIn("support password!")
	if res.status != http.StatusUnauthorized || !strings.Contains(string(res.body), "Wrong email or password") {
		t.Errorf("right password while locked: %d %s, want the generic 401", res.status, res.body)
	}
	u, _ := f.db.FindUserByEmail(ctx, "support@vendor.example")
	if !u.LockedUntil.Equal(sqlstoretest.Now.Add(time.Minute)) {
		t.Errorf("locked until %v, want one minute after %v", u.LockedUntil, sqlstoretest.Now)
	}
	// An unknown account gets the same answer.
	if res := f.do(t, "", "POST", "/api/v1/sessions", `{"email":"nobody@example.com","password":"x"}`); res.status != http.StatusUnauthorized {
		t.Errorf("unknown account: %d, want 401", res.status)
	}
	// After the lockout the right password works and resets the count.
	f.srv.Now = func() time.Time { return sqlstoretest.Now.Add(time.Minute) }
	res = signIn("support password!")
	if res.status != http.StatusCreated {
		t.Fatalf("after the lockout: %d %s", res.status, res.body)
	}
	ck := res.header.Get("Set-Cookie")
	for _, attr := range []string{"downline_session=", "HttpOnly", "SameSite=Lax", "Path=/"} {
		if !strings.Contains(ck, attr) {
			t.Errorf("session cookie %q lacks %s", ck, attr)
		}
	}
	if strings.Contains(ck, "Secure") {
		t.Errorf("session cookie %q is Secure on plain HTTP", ck)
	}
}

func TestSessionCSRF(t *testing.T) {
	f := signInFixture(t)
	res := f.do(t, "", "POST", "/api/v1/sessions", `{"email":"support@vendor.example","password":"support password!"}`)
	var me struct {
		CSRFToken string `json:"csrf_token"`
	}
	res.decode(t, &me)
	cookie := strings.Split(res.header.Get("Set-Cookie"), ";")[0]
	body := `{"name":"t","scopes":["read"]}`
	tests := []struct {
		name    string
		headers []string
		want    int
	}{
		{"no token", []string{"Cookie", cookie}, http.StatusForbidden},
		{"wrong token", []string{"Cookie", cookie, "X-CSRF-Token", "x" + me.CSRFToken}, http.StatusForbidden},
		{"right token", []string{"Cookie", cookie, "X-CSRF-Token", me.CSRFToken}, http.StatusCreated},
	}
	for _, tt := range tests {
		if res := f.do(t, "", "POST", "/api/v1/tokens", body, tt.headers...); res.status != tt.want {
			t.Errorf("%s: %d, want %d: %s", tt.name, res.status, tt.want, res.body)
		}
	}
	// A form post carries the token in a field: it passes the CSRF check
	// (and then fails as a JSON endpoint would: 400, not 403).
	for field, want := range map[string]int{me.CSRFToken: http.StatusBadRequest, "wrong": http.StatusForbidden} {
		form := url.Values{"csrf_token": {field}}.Encode()
		req, _ := http.NewRequest("POST", f.ts.URL+"/api/v1/tokens", strings.NewReader(form))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Cookie", cookie)
		res2, err := f.ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res2.Body.Close()
		if res2.StatusCode != want {
			t.Errorf("form post with csrf_token %q: %d, want %d", field, res2.StatusCode, want)
		}
	}
	if res := f.do(t, "", "DELETE", "/api/v1/sessions/current", "", "Cookie", cookie, "X-CSRF-Token", me.CSRFToken); res.status != http.StatusNoContent {
		t.Errorf("sign out: %d, want 204", res.status)
	}
	// Reads need no CSRF token; the signed-out cookie no longer works.
	if res := f.do(t, "", "GET", "/api/v1/me", "", "Cookie", cookie); res.status != http.StatusUnauthorized {
		t.Errorf("GET /me after sign-out: %d, want 401", res.status)
	}
}

func TestBearerTokens(t *testing.T) {
	f := newFixture(t)
	res := f.do(t, downline.RoleFinance, "POST", "/api/v1/tokens", `{"name":"short","scopes":["read"],"expires_in_days":1}`)
	var tok struct {
		ID    int64  `json:"id"`
		Token string `json:"token"`
	}
	res.decode(t, &tok)
	f.tokens["short"] = tok.Token
	if res := f.do(t, "short", "GET", "/api/v1/me", ""); res.status != http.StatusOK {
		t.Errorf("fresh token: %d", res.status)
	}
	// Listing shows the prefix, never the secret.
	if res := f.do(t, downline.RoleFinance, "GET", "/api/v1/tokens", ""); bytes.Contains(res.body, []byte(tok.Token)) {
		t.Errorf("token list shows the secret: %s", res.body)
	}
	f.srv.Now = func() time.Time { return sqlstoretest.Now.Add(25 * time.Hour) }
	if res := f.do(t, "short", "GET", "/api/v1/me", ""); res.status != http.StatusUnauthorized || res.header.Get("WWW-Authenticate") == "" {
		t.Errorf("expired token: %d, want 401 with WWW-Authenticate", res.status)
	}
	f.srv.Now = func() time.Time { return sqlstoretest.Now }
	if res := f.do(t, downline.RoleFinance, "DELETE", fmt.Sprint("/api/v1/tokens/", tok.ID), ""); res.status != http.StatusNoContent {
		t.Fatalf("revoke: %d %s", res.status, res.body)
	}
	if res := f.do(t, "short", "GET", "/api/v1/me", ""); res.status != http.StatusUnauthorized {
		t.Errorf("revoked token: %d, want 401", res.status)
	}
	// Someone else's token cannot be revoked.
	if res := f.do(t, downline.RoleSupport, "DELETE", "/api/v1/tokens/1", ""); res.status != http.StatusNotFound {
		t.Errorf("revoking another user's token: %d, want 404", res.status)
	}
	for _, h := range []string{"Basic abc", "Bearer nope", "Bearer "} {
		if res := f.do(t, "", "GET", "/api/v1/me", "", "Authorization", h); res.status != http.StatusUnauthorized {
			t.Errorf("Authorization %q: %d, want 401", h, res.status)
		}
	}
}

func TestPasswordResetFlow(t *testing.T) {
	f := newFixture(t)
	res := f.do(t, "", "POST", "/api/v1/password-resets", `{"email":"compliance@vendor.example"}`)
	unknown := f.do(t, "", "POST", "/api/v1/password-resets", `{"email":"nobody@vendor.example"}`)
	if res.status != http.StatusAccepted || unknown.status != http.StatusAccepted || !bytes.Equal(res.body, unknown.body) {
		t.Errorf("reset request: %d and %d for an unknown account; want the same 202", res.status, unknown.status)
	}
	tok := f.resets["compliance@vendor.example"]
	if tok == "" {
		t.Fatal("no reset token sent")
	}
	if res := f.do(t, "", "POST", "/api/v1/password-resets/confirm", fmt.Sprintf(`{"token":%q,"password":"short"}`, tok)); res.status != http.StatusBadRequest {
		t.Errorf("short password: %d, want 400", res.status)
	}
	f.srv.Now = func() time.Time { return sqlstoretest.Now.Add(2 * time.Hour) }
	// The store's clock decides expiry; it stays at Now, so the token is
	// still valid there: a second, expired token shows expiry.
	if res := f.do(t, "", "POST", "/api/v1/password-resets/confirm", fmt.Sprintf(`{"token":%q,"password":"a new long password"}`, tok)); res.status != http.StatusNoContent {
		t.Fatalf("confirm: %d %s", res.status, res.body)
	}
	if res := f.do(t, "", "POST", "/api/v1/password-resets/confirm", fmt.Sprintf(`{"token":%q,"password":"another long password"}`, tok)); res.status != http.StatusBadRequest {
		t.Errorf("second use: %d, want 400", res.status)
	}
	if res := f.do(t, "", "POST", "/api/v1/sessions", `{"email":"compliance@vendor.example","password":"a new long password"}`); res.status != http.StatusCreated {
		t.Errorf("sign in with the new password: %d %s", res.status, res.body)
	}
}

func TestHardening(t *testing.T) {
	f := newFixture(t, func(s *dlhttp.Server) { s.MaxBodyBytes = 512 })
	big := `{"external_id":"` + strings.Repeat("x", 600) + `"}`
	if res := f.do(t, downline.RoleAdmin, "POST", "/api/v1/products", big); res.status != http.StatusRequestEntityTooLarge {
		t.Errorf("body over the limit: %d, want 413: %s", res.status, res.body)
	}
	if res := f.do(t, downline.RoleFinance, "POST", "/api/v1/orders", big, "Idempotency-Key", "k"); res.status != http.StatusRequestEntityTooLarge {
		t.Errorf("idempotent body over the limit: %d, want 413", res.status)
	}
	res := f.do(t, downline.RoleAdmin, "GET", "/api/v1/programme", "")
	for h, want := range map[string]string{"X-Content-Type-Options": "nosniff", "Content-Security-Policy": "frame-ancestors 'none'"} {
		if !strings.Contains(res.header.Get(h), want) {
			t.Errorf("header %s = %q, want %q in it", h, res.header.Get(h), want)
		}
	}
	for _, body := range []string{`{"external_id":1}`, `{"nope":true}`, `{} {}`, `[`} {
		if res := f.do(t, downline.RoleAdmin, "POST", "/api/v1/products", body); res.status != http.StatusBadRequest {
			t.Errorf("bad body %s: %d, want 400", body, res.status)
		}
	}
}

func TestRateLimit(t *testing.T) {
	f := newFixture(t, func(s *dlhttp.Server) { s.RateLimit, s.RateBurst = 1, 3 })
	// The clock is fixed, so the bucket never refills: 3 pass, then 429,
	// per token; another token has its own bucket.
	for i := 1; i <= 4; i++ {
		res := f.do(t, downline.RoleSupport, "GET", "/api/v1/me", "")
		if want := map[bool]int{true: 200, false: 429}[i <= 3]; res.status != want {
			t.Errorf("request %d: %d, want %d", i, res.status, want)
		}
	}
	if res := f.do(t, downline.RoleAdmin, "GET", "/api/v1/me", ""); res.status != http.StatusOK {
		t.Errorf("another token: %d, want 200", res.status)
	}
}
