package http

import (
	"sync"
	"time"

	"github.com/downline/downline"
)

// defaultTokenCacheTTL is how long a verified API token is trusted
// without looking it up again, unless Server.TokenCacheTTL says otherwise.
const defaultTokenCacheTTL = 2 * time.Second

// maxCachedTokens bounds the token cache; a full cache starts again empty.
const maxCachedTokens = 10000

// tokenCache remembers API tokens found usable, with their (enabled)
// users, for a short time, so that a client sending many requests does not
// cost two store reads each. Only successful lookups are kept: an unknown,
// expired or revoked token, or a disabled user, is looked up every time.
// A revocation through this server empties the cache at once; a change
// made elsewhere (another process, the CLI) takes effect within the TTL.
// A cached token is still checked against its own expiry on every use.
type tokenCache struct {
	ttl time.Duration
	mu  sync.Mutex
	m   map[string]cachedToken // by token hash
}

type cachedToken struct {
	token *downline.APIToken
	user  *downline.User
	until time.Time
}

func newTokenCache(ttl time.Duration) *tokenCache {
	return &tokenCache{ttl: ttl, m: map[string]cachedToken{}}
}

// get returns the token and user cached under hash while fresh at now.
func (c *tokenCache) get(hash string, now time.Time) (*downline.APIToken, *downline.User, bool) {
	if c == nil || c.ttl <= 0 {
		return nil, nil, false
	}
	c.mu.Lock()
	e, ok := c.m[hash]
	if ok && !now.Before(e.until) {
		delete(c.m, hash)
		ok = false
	}
	c.mu.Unlock()
	if !ok || !e.token.IsUsable(now) {
		return nil, nil, false
	}
	return e.token, e.user, true
}

// put caches a token found usable and its enabled user.
func (c *tokenCache) put(hash string, t *downline.APIToken, u *downline.User, now time.Time) {
	if c == nil || c.ttl <= 0 {
		return
	}
	c.mu.Lock()
	if len(c.m) >= maxCachedTokens {
		clear(c.m)
	}
	c.m[hash] = cachedToken{token: t, user: u, until: now.Add(c.ttl)}
	c.mu.Unlock()
}

// forget empties the cache, after a revocation.
func (c *tokenCache) forget() {
	if c == nil {
		return
	}
	c.mu.Lock()
	clear(c.m)
	c.mu.Unlock()
}
