package http

import (
	"io"
	"net/http"
	"time"

	"github.com/downline/downline"
)

type tokenRequest struct {
	Name      string   `json:"name"`
	Scopes    []string `json:"scopes"`
	ExpiresIn int64    `json:"expires_in_days"`
}

// tokenJSON describes an API token; Token (the secret) is set only in the
// answer that creates it.
type tokenJSON struct {
	ID        int64      `json:"id"`
	Name      string     `json:"name"`
	Prefix    string     `json:"prefix"`
	Scopes    []string   `json:"scopes"`
	ExpiresAt time.Time  `json:"expires_at"`
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
	Token     string     `json:"token,omitempty"`
}

func newTokenJSON(t *downline.APIToken) tokenJSON {
	out := tokenJSON{ID: int64(t.ID), Name: t.Name, Prefix: t.Prefix, ExpiresAt: t.ExpiresAt.UTC(), CreatedAt: t.CreatedAt.UTC(),
		Scopes: make([]string, 0, len(t.Scopes))}
	for _, sc := range t.Scopes {
		out.Scopes = append(out.Scopes, string(sc))
	}
	if !t.RevokedAt.IsZero() {
		rv := t.RevokedAt.UTC()
		out.RevokedAt = &rv
	}
	return out
}

// NewAPIToken returns a new API token for a user, to be stored with
// APITokenService.CreateAPIToken, and its secret, to be shown once. The
// secret is "dlt_" and 43 base64url characters of 32 random bytes; the
// token keeps its SHA-256 and the first ten characters.
func NewAPIToken(random io.Reader, user downline.UserID, name string, scopes []downline.Scope, expiresAt time.Time) (*downline.APIToken, string, error) {
	secret, err := newSecretFrom(random, "dlt_")
	if err != nil {
		return nil, "", err
	}
	t := &downline.APIToken{UserID: user, Name: name, Prefix: secret[:10], Hash: secretHash(secret),
		Scopes: scopes, ExpiresAt: expiresAt}
	return t, secret, nil
}

// maxTokenDays bounds a token's lifetime.
const maxTokenDays = 366

// handleAPITokenCreate creates an API token for the signed-in user and
// shows it once. Its scopes may not exceed what the user's role allows.
func (s *Server) handleAPITokenCreate(w http.ResponseWriter, r *http.Request) {
	if err := s.authorize(r, downline.PermTokenManage, downline.RelOwn); err != nil {
		s.writeError(w, r, err)
		return
	}
	req, err := decode[tokenRequest](r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if req.ExpiresIn == 0 {
		req.ExpiresIn = 90
	}
	if req.ExpiresIn < 1 || req.ExpiresIn > maxTokenDays {
		s.writeError(w, r, downline.Errorf(downline.CodeInvalid, "API token %q: expires_in_days must be 1 to %d", req.Name, maxTokenDays))
		return
	}
	c := credentialFrom(r.Context())
	t, secret, err := NewAPIToken(s.rand(), c.user.ID, req.Name, nil, s.now().Add(time.Duration(req.ExpiresIn)*24*time.Hour))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	for _, sc := range req.Scopes {
		scope := downline.Scope(sc)
		// A token made with a token cannot gain scopes its maker lacks.
		if c.token != nil && !c.token.HasScope(scope) {
			s.writeError(w, r, downline.Errorf(downline.CodeForbidden, "A token cannot grant the %s scope it lacks.", sc))
			return
		}
		t.Scopes = append(t.Scopes, scope)
	}
	if err := s.Tokens.CreateAPIToken(r.Context(), t); err != nil {
		s.writeError(w, r, err)
		return
	}
	out := newTokenJSON(t)
	if err := s.audit(r, "token.create", "api_token", idString(int64(t.ID)), nil, out); err != nil {
		s.writeError(w, r, err)
		return
	}
	out.Token = secret
	writeJSON(w, http.StatusCreated, out)
}

func (s *Server) handleAPITokenList(w http.ResponseWriter, r *http.Request) {
	if err := s.authorize(r, downline.PermTokenManage, downline.RelOwn); err != nil {
		s.writeError(w, r, err)
		return
	}
	ts, err := s.Tokens.FindAPITokens(r.Context(), credentialFrom(r.Context()).user.ID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := page[tokenJSON]{Items: make([]tokenJSON, 0, len(ts)), Total: len(ts)}
	for _, t := range ts {
		out.Items = append(out.Items, newTokenJSON(t))
	}
	writeJSON(w, http.StatusOK, out)
}

// handleAPITokenDelete revokes one of the user's tokens.
func (s *Server) handleAPITokenDelete(w http.ResponseWriter, r *http.Request) {
	if err := s.authorize(r, downline.PermTokenManage, downline.RelOwn); err != nil {
		s.writeError(w, r, err)
		return
	}
	id, err := pathID(r, "API token")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	err = s.Tokens.RevokeAPIToken(r.Context(), credentialFrom(r.Context()).user.ID, downline.APITokenID(id))
	s.state.tokens.forget()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := s.audit(r, "token.revoke", "api_token", idString(id), nil, nil); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
