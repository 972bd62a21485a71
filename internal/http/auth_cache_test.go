package http_test

import (
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/downline/downline"
	dlhttp "github.com/downline/downline/internal/http"
	"github.com/downline/downline/internal/sqlstore/sqlstoretest"
)

// TestTokenCache: a token found usable is trusted for TokenCacheTTL, so a
// revocation made behind the server's back (here straight in the store)
// takes effect when the TTL runs out, and a token unknown a moment ago is
// accepted as soon as it exists (a miss is never cached).
func TestTokenCache(t *testing.T) {
	var offset atomic.Int64
	f := newFixture(t, func(s *dlhttp.Server) {
		s.TokenCacheTTL = 10 * time.Second
		s.Now = func() time.Time { return sqlstoretest.Now.Add(time.Duration(offset.Load())) }
	})
	me := func() int { return f.do(t, downline.RoleFinance, "GET", "/api/v1/me", "").status }
	if got := me(); got != http.StatusOK {
		t.Fatalf("first request: %d", got)
	}
	u, err := f.db.FindUserByEmail(ctx, "finance@vendor.example")
	if err != nil {
		t.Fatal(err)
	}
	ts, err := f.db.FindAPITokens(ctx, u.ID)
	if err != nil || len(ts) != 1 {
		t.Fatalf("tokens of finance: %v, %v", ts, err)
	}
	if err := f.db.RevokeAPIToken(ctx, u.ID, ts[0].ID); err != nil {
		t.Fatal(err)
	}
	offset.Store(int64(9 * time.Second))
	if got := me(); got != http.StatusOK {
		t.Errorf("revoked in the store, within the TTL: %d, want 200 from the cache", got)
	}
	offset.Store(int64(10 * time.Second))
	if got := me(); got != http.StatusUnauthorized {
		t.Errorf("revoked in the store, TTL over: %d, want 401", got)
	}

	const late = "dlt_test_late"
	f.tokens["late"] = late
	if got := f.do(t, "late", "GET", "/api/v1/me", "").status; got != http.StatusUnauthorized {
		t.Fatalf("unknown token: %d, want 401", got)
	}
	if err := f.db.CreateAPIToken(ctx, &downline.APIToken{UserID: u.ID, Name: "late", Prefix: late[:10], Hash: sha(late),
		Scopes: []downline.Scope{downline.ScopeRead}, ExpiresAt: sqlstoretest.Now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if got := f.do(t, "late", "GET", "/api/v1/me", "").status; got != http.StatusOK {
		t.Errorf("token created after a failed attempt: %d, want 200", got)
	}
}
