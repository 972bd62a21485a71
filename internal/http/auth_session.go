package http

import (
	"net/http"
	"time"

	"github.com/downline/downline"
)

type signInRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

// meJSON describes the signed-in user; CSRFToken is set for sessions.
type meJSON struct {
	UserID        int64  `json:"user_id"`
	Email         string `json:"email"`
	Name          string `json:"name,omitempty"`
	Role          string `json:"role"`
	DistributorID int64  `json:"distributor_id,omitempty"`
	CSRFToken     string `json:"csrf_token,omitempty"`
}

func newMeJSON(u *downline.User, sessionID string) meJSON {
	m := meJSON{UserID: int64(u.ID), Email: u.Email, Name: u.Name, Role: string(u.Role), DistributorID: int64(u.DistributorID)}
	if sessionID != "" {
		m.CSRFToken = csrfToken(sessionID)
	}
	return m
}

// errBadSignIn is the one answer to every failed sign-in, so that it does
// not reveal which accounts exist or are locked.
var errBadSignIn = downline.Errorf(downline.CodeUnauthorized, "Wrong email or password, or the account is locked for a while.")

func (s *Server) sessionTTL() time.Duration {
	if s.SessionTTL > 0 {
		return s.SessionTTL
	}
	return 12 * time.Hour
}

// signInPolicy returns SignIn with defaults for its zero fields.
func (s *Server) signInPolicy() downline.SignInPolicy {
	p, def := s.SignIn, downline.DefaultSignInPolicy()
	if p.MaxFailures <= 0 {
		p.MaxFailures, p.LockFor = def.MaxFailures, def.LockFor
	}
	if p.Every <= 0 || p.Burst <= 0 {
		p.Every, p.Burst = def.Every, def.Burst
	}
	return p
}

// handleAPISessionCreate signs in with email and password: throttled per
// IP address, locked per account after repeated failures, and answered
// with a session cookie and the session's CSRF token.
func (s *Server) handleAPISessionCreate(w http.ResponseWriter, r *http.Request) {
	now := s.now()
	if !s.state.signIns.allow(clientIP(r), now) {
		tooMany(s, w, r)
		return
	}
	req, err := decode[signInRequest](r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	u, id, err := s.signIn(w, r, req.Email, req.Password)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, newMeJSON(u, id))
}

// signIn checks email and password under the account lockout, and on
// success starts a session, sets its cookie and audits the sign-in; the
// caller has applied the per-IP throttle. It returns the user and the
// session id, errBadSignIn for any refusal (without saying which), or
// another error. The API and the back office both sign in through it.
func (s *Server) signIn(w http.ResponseWriter, r *http.Request, email, password string) (*downline.User, string, error) {
	now := s.now()
	u, err := s.Users.FindUserByEmail(r.Context(), email)
	if downline.ErrorCode(err) == downline.CodeNotFound {
		// Spend the same time as a real check, so timing does not reveal
		// whether the account exists.
		_, _ = VerifyPassword(s.dummyHash(), password)
		return nil, "", errBadSignIn
	}
	if err != nil {
		return nil, "", err
	}
	if u.Disabled || u.IsLocked(now) || u.PasswordHash == "" {
		return nil, "", errBadSignIn
	}
	ok, err := VerifyPassword(u.PasswordHash, password)
	if err != nil {
		return nil, "", err
	}
	if !ok {
		n, until := s.signInPolicy().AfterFailure(u, now)
		if _, err := s.Users.UpdateUser(r.Context(), u.ID, downline.UserUpdate{FailedSignIns: &n, LockedUntil: &until}); err != nil {
			return nil, "", err
		}
		if !until.IsZero() && until.After(now) {
			s.auditAs(r, u.Actor(), "user.lock", "user", idString(int64(u.ID)), nil, nil)
		}
		return nil, "", errBadSignIn
	}
	if u.FailedSignIns != 0 || !u.LockedUntil.IsZero() {
		zero, never := 0, time.Time{}
		if _, err := s.Users.UpdateUser(r.Context(), u.ID, downline.UserUpdate{FailedSignIns: &zero, LockedUntil: &never}); err != nil {
			return nil, "", err
		}
	}
	id, err := s.newSecret("")
	if err != nil {
		return nil, "", err
	}
	sess := &downline.Session{Hash: secretHash(id), UserID: u.ID, ExpiresAt: now.Add(s.sessionTTL())}
	if err := s.Sessions.CreateSession(r.Context(), sess); err != nil {
		return nil, "", err
	}
	// MaxAge rather than Expires: a relative lifetime does not depend on
	// the browser's clock agreeing with the server's.
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: id, Path: "/", MaxAge: int(s.sessionTTL() / time.Second),
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
	s.auditAs(r, u.Actor(), "session.create", "user", idString(int64(u.ID)), nil, nil)
	return u, id, nil
}

// dummyHash is a valid hash of nothing in particular, for constant-time
// answers about unknown accounts.
func (s *Server) dummyHash() string {
	return "$argon2id$v=19$m=19456,t=2,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
}

// handleAPISessionDelete signs out: the session is deleted and the cookie
// cleared.
func (s *Server) handleAPISessionDelete(w http.ResponseWriter, r *http.Request) {
	c := credentialFrom(r.Context())
	if c == nil || c.sessionID == "" {
		s.writeError(w, r, downline.Errorf(downline.CodeUnauthorized, "Not signed in with a session."))
		return
	}
	if err := s.Sessions.DeleteSession(r.Context(), secretHash(c.sessionID)); err != nil {
		s.writeError(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) handleAPIMeGet(w http.ResponseWriter, r *http.Request) {
	c := credentialFrom(r.Context())
	if c == nil {
		s.writeError(w, r, downline.Errorf(downline.CodeUnauthorized, "Sign in or send an API token."))
		return
	}
	writeJSON(w, http.StatusOK, newMeJSON(c.user, c.sessionID))
}

type resetRequest struct {
	Email string `json:"email"`
}

type resetConfirm struct {
	Token    string `json:"token"`
	Password string `json:"password"`
}

// resetTTL is how long a password reset token works.
const resetTTL = time.Hour

// handleAPIPasswordResetCreate starts a password reset: a single-use token
// valid for an hour goes to the account's owner through
// SendPasswordReset. The answer is the same whether or not the account
// exists.
func (s *Server) handleAPIPasswordResetCreate(w http.ResponseWriter, r *http.Request) {
	if !s.state.signIns.allow(clientIP(r), s.now()) {
		tooMany(s, w, r)
		return
	}
	req, err := decode[resetRequest](r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if s.SendPasswordReset == nil {
		s.writeError(w, r, downline.Errorf(downline.CodeNotFound, "Password reset is not configured."))
		return
	}
	u, err := s.Users.FindUserByEmail(r.Context(), req.Email)
	if err == nil && !u.Disabled {
		if _, err := s.issueReset(r, u); err != nil {
			s.writeError(w, r, err)
			return
		}
	} else if err != nil && downline.ErrorCode(err) != downline.CodeNotFound {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]string{"status": "If the account exists, a reset link is on its way."})
}

// issueReset stores a new reset token for u and sends it when a sender is
// configured; it returns the token.
func (s *Server) issueReset(r *http.Request, u *downline.User) (string, error) {
	tok, err := s.newSecret("dlr_")
	if err != nil {
		return "", err
	}
	if err := s.Resets.CreatePasswordReset(r.Context(), &downline.PasswordReset{Hash: secretHash(tok), UserID: u.ID,
		ExpiresAt: s.now().Add(resetTTL)}); err != nil {
		return "", err
	}
	if s.SendPasswordReset != nil {
		if err := s.SendPasswordReset(r.Context(), u, tok); err != nil {
			return "", err
		}
	}
	return tok, nil
}

// handleAPIPasswordResetConfirm sets a new password with a reset token,
// which then stops working, and signs out every session of the account.
func (s *Server) handleAPIPasswordResetConfirm(w http.ResponseWriter, r *http.Request) {
	if !s.state.signIns.allow(clientIP(r), s.now()) {
		tooMany(s, w, r)
		return
	}
	req, err := decode[resetConfirm](r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := checkPassword(req.Password); err != nil {
		s.writeError(w, r, err)
		return
	}
	uid, err := s.Resets.UsePasswordReset(r.Context(), secretHash(req.Token))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	h, err := HashPassword(req.Password, s.Password, s.rand())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	zero, never := 0, time.Time{}
	u, err := s.Users.UpdateUser(r.Context(), uid, downline.UserUpdate{PasswordHash: &h, FailedSignIns: &zero, LockedUntil: &never})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := s.Sessions.DeleteUserSessions(r.Context(), uid); err != nil {
		s.writeError(w, r, err)
		return
	}
	s.auditAs(r, u.Actor(), "user.password_reset", "user", idString(int64(uid)), nil, nil)
	w.WriteHeader(http.StatusNoContent)
}

// checkPassword enforces the password rules: 12 to 1024 bytes.
func checkPassword(p string) error {
	if len(p) < minPasswordLen || len(p) > maxPasswordLen {
		return downline.Errorf(downline.CodeInvalid, "password: must be %d to %d characters", minPasswordLen, maxPasswordLen)
	}
	return nil
}
