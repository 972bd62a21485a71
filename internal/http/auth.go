package http

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/downline/downline"
)

// sessionCookie names the cookie that carries the session id.
const sessionCookie = "downline_session"

// csrfHeader carries the CSRF token of cookie-authenticated API writes;
// csrfField carries it in form posts.
const (
	csrfHeader = "X-CSRF-Token"
	csrfField  = "csrf_token"
)

// credential is how the request authenticated.
type credential struct {
	user  *downline.User
	actor *downline.Actor
	// token is set for "Authorization: Bearer"; sessionID (the raw secret)
	// for the session cookie.
	token     *downline.APIToken
	sessionID string
}

type credentialKey struct{}

func credentialFrom(ctx context.Context) *credential {
	c, _ := ctx.Value(credentialKey{}).(*credential)
	return c
}

// newSecret returns a random secret of 32 bytes, base64url-encoded, with
// a prefix naming its kind (so leaked tokens are recognisable in scans).
func (s *Server) newSecret(prefix string) (string, error) {
	return newSecretFrom(s.rand(), prefix)
}

func newSecretFrom(random io.Reader, prefix string) (string, error) {
	b := make([]byte, 32)
	if _, err := io.ReadFull(random, b); err != nil {
		return "", fmt.Errorf("new secret: %w", err)
	}
	return prefix + base64.RawURLEncoding.EncodeToString(b), nil
}

// secretHash is the hex SHA-256 under which a secret is stored.
func secretHash(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// csrfToken derives the synchronizer token of a session from its secret
// id: it need not be stored, and it changes with every new session.
func csrfToken(sessionID string) string {
	m := hmac.New(sha256.New, []byte(sessionID))
	m.Write([]byte("downline csrf v1"))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// isSafeMethod reports whether m changes nothing by definition.
func isSafeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// authenticate puts the actor of a valid API token or session cookie in
// the request context. A bad or unusable bearer token is refused at once;
// a stale cookie is ignored (the request goes on unauthenticated). Writes
// authenticated by cookie must carry the session's CSRF token.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := s.credentialOf(r)
		if err != nil {
			if downline.ErrorCode(err) == downline.CodeUnauthorized {
				// Guessing tokens costs sign-in attempts of the address.
				if !s.state.signIns.allow(clientIP(r), s.now()) {
					tooMany(s, w, r)
					return
				}
				w.Header().Set("WWW-Authenticate", `Bearer realm="downline"`)
			}
			s.writeError(w, r, err)
			return
		}
		if c == nil {
			next.ServeHTTP(w, r)
			return
		}
		if c.sessionID != "" && !isSafeMethod(r.Method) {
			got := r.Header.Get(csrfHeader)
			if got == "" && strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
				got = r.PostFormValue(csrfField)
			}
			if subtle.ConstantTimeCompare([]byte(got), []byte(csrfToken(c.sessionID))) != 1 {
				s.writeError(w, r, downline.Errorf(downline.CodeForbidden, "The CSRF token is missing or wrong; reload the page."))
				return
			}
		}
		ctx := context.WithValue(r.Context(), credentialKey{}, c)
		ctx = downline.NewContextWithActor(ctx, c.actor)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// credentialOf reads the request's credential: nil when it has none.
func (s *Server) credentialOf(r *http.Request) (*credential, error) {
	ctx := r.Context()
	if h := r.Header.Get("Authorization"); h != "" {
		raw, ok := strings.CutPrefix(h, "Bearer ")
		if !ok || s.Tokens == nil {
			return nil, downline.Errorf(downline.CodeUnauthorized, "Authorization must be a Bearer API token.")
		}
		hash, now := secretHash(strings.TrimSpace(raw)), s.now()
		if t, u, ok := s.state.tokens.get(hash, now); ok {
			return &credential{user: u, actor: u.Actor(), token: t}, nil
		}
		t, err := s.Tokens.FindAPITokenByHash(ctx, hash)
		if downline.ErrorCode(err) == downline.CodeNotFound || err == nil && !t.IsUsable(now) {
			return nil, downline.Errorf(downline.CodeUnauthorized, "The API token is unknown, expired or revoked.")
		}
		if err != nil {
			return nil, err
		}
		u, err := s.activeUser(ctx, t.UserID)
		if err != nil {
			return nil, err
		}
		s.state.tokens.put(hash, t, u, now)
		return &credential{user: u, actor: u.Actor(), token: t}, nil
	}
	ck, err := r.Cookie(sessionCookie)
	if err != nil || ck.Value == "" || s.Sessions == nil {
		return nil, nil
	}
	sess, err := s.Sessions.FindSession(ctx, secretHash(ck.Value))
	if downline.ErrorCode(err) == downline.CodeNotFound {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if !s.now().Before(sess.ExpiresAt) {
		return nil, nil
	}
	u, err := s.activeUser(ctx, sess.UserID)
	if downline.ErrorCode(err) == downline.CodeUnauthorized {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &credential{user: u, actor: u.Actor(), sessionID: ck.Value}, nil
}

// activeUser returns the user behind a credential, refusing disabled
// accounts.
func (s *Server) activeUser(ctx context.Context, id downline.UserID) (*downline.User, error) {
	u, err := s.Users.FindUserByID(ctx, id)
	if downline.ErrorCode(err) == downline.CodeNotFound || err == nil && u.Disabled {
		return nil, downline.Errorf(downline.CodeUnauthorized, "The account is disabled.")
	}
	return u, err
}

// authorize checks the request's actor against the policy for permission
// p on a record in relation rel. It returns CodeUnauthorized without a
// credential and CodeForbidden when the policy or the token's scopes say
// no.
func (s *Server) authorize(r *http.Request, p downline.Permission, rel downline.Relation) error {
	c := credentialFrom(r.Context())
	if c == nil {
		return downline.Errorf(downline.CodeUnauthorized, "Sign in or send an API token.")
	}
	if c.token != nil {
		need := downline.ScopeRead
		if p.IsWrite() {
			need = downline.ScopeWrite
		}
		if !c.token.HasScope(need) {
			return downline.Errorf(downline.CodeForbidden, "The API token lacks the %s scope.", need)
		}
	}
	if !c.actor.Can(p, rel) {
		return downline.Errorf(downline.CodeForbidden, "You may not do this (%s).", p)
	}
	return nil
}

// relationTo returns how distributor id relates to the request's actor,
// with id's upline (nearest first) for a distributor actor. For a
// distributor actor an unknown id is RelOther, so that the answer does
// not reveal which ids exist.
func (s *Server) relationTo(r *http.Request, id downline.DistributorID) (downline.Relation, []downline.DistributorID, error) {
	a := downline.ActorFromContext(r.Context())
	if a == nil || a.Role != downline.RoleDistributor {
		return downline.RelNone, nil, nil
	}
	if id == a.DistributorID {
		return downline.RelOwn, nil, nil
	}
	up, err := s.Genealogy.Upline(r.Context(), id)
	if downline.ErrorCode(err) == downline.CodeNotFound {
		return downline.RelOther, nil, nil
	}
	if err != nil {
		return 0, nil, err
	}
	return a.RelationOf(id, up), up, nil
}

// authorizeDistributor authorises p on distributor id and returns the
// relation and upline found on the way.
func (s *Server) authorizeDistributor(r *http.Request, p downline.Permission, id downline.DistributorID) (downline.Relation, []downline.DistributorID, error) {
	if credentialFrom(r.Context()) == nil {
		return 0, nil, s.authorize(r, p, downline.RelOther)
	}
	rel, up, err := s.relationTo(r, id)
	if err != nil {
		return 0, nil, err
	}
	return rel, up, s.authorize(r, p, rel)
}
