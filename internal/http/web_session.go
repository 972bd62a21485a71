package http

import (
	"errors"
	"net/http"
	"strings"

	"github.com/downline/downline"
)

// signInPage is the sign-in form.
type signInPage struct {
	layout
	Email string
	Next  string
}

// safeNext returns next when it is a local path, else "/".
func safeNext(next string) string {
	if strings.HasPrefix(next, "/") && !strings.HasPrefix(next, "//") && !strings.HasPrefix(next, "/\\") {
		return next
	}
	return "/"
}

// handleWebSignInNew shows the sign-in form.
func (s *Server) handleWebSignInNew(w http.ResponseWriter, r *http.Request) {
	if credentialFrom(r.Context()) != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	p := signInPage{layout: s.newLayout(r, "Sign in", ""), Next: safeNext(r.URL.Query().Get("next"))}
	s.render(w, r, http.StatusOK, "signin", p)
}

// handleWebSignInCreate signs in with the form's email and password under
// the same throttle and lockout as the API, then redirects to the page the
// visitor came for.
func (s *Server) handleWebSignInCreate(w http.ResponseWriter, r *http.Request) {
	email := strings.TrimSpace(strings.ToLower(r.PostFormValue("email")))
	password := r.PostFormValue("password")
	next := safeNext(r.PostFormValue("next"))
	fail := func(status int, msg string) {
		p := signInPage{layout: s.newLayout(r, "Sign in", ""), Email: email, Next: next}
		p.Error = msg
		s.render(w, r, status, "signin", p)
	}
	now := s.now()
	if !s.state.signIns.allow(clientIP(r), now) {
		fail(http.StatusTooManyRequests, "Too many attempts from your address. Wait a minute and try again.")
		return
	}
	if _, _, err := s.signIn(w, r, email, password); errors.Is(err, errBadSignIn) {
		fail(http.StatusUnauthorized, downline.ErrorMessage(errBadSignIn))
		return
	} else if err != nil {
		s.webError(w, r, err)
		return
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// handleWebSignOut deletes the session and returns to the sign-in page.
func (s *Server) handleWebSignOut(w http.ResponseWriter, r *http.Request) {
	if c := credentialFrom(r.Context()); c != nil && c.sessionID != "" {
		if err := s.Sessions.DeleteSession(r.Context(), secretHash(c.sessionID)); err != nil {
			s.webError(w, r, err)
			return
		}
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
	redirect(w, r, "/signin", "You are signed out.")
}
