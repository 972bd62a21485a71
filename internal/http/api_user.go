package http

import (
	"net/http"
	"strconv"
	"time"

	"github.com/downline/downline"
)

type userJSON struct {
	ID            int64      `json:"id"`
	Email         string     `json:"email"`
	Name          string     `json:"name,omitempty"`
	Role          string     `json:"role"`
	DistributorID int64      `json:"distributor_id,omitempty"`
	Disabled      bool       `json:"disabled"`
	LockedUntil   *time.Time `json:"locked_until,omitempty"`
	CreatedAt     time.Time  `json:"created_at"`
	// ResetToken is set once, on creation: the new user sets its password
	// with it.
	ResetToken string `json:"reset_token,omitempty"`
}

func newUserJSON(u *downline.User) userJSON {
	out := userJSON{ID: int64(u.ID), Email: u.Email, Name: u.Name, Role: string(u.Role),
		DistributorID: int64(u.DistributorID), Disabled: u.Disabled, CreatedAt: u.CreatedAt.UTC()}
	if !u.LockedUntil.IsZero() {
		l := u.LockedUntil.UTC()
		out.LockedUntil = &l
	}
	return out
}

type userRequest struct {
	Email         string `json:"email"`
	Name          string `json:"name"`
	Role          string `json:"role"`
	DistributorID int64  `json:"distributor_id"`
}

// handleAPIUserCreate creates an account without a password and answers
// with a one-time reset token for setting it.
func (s *Server) handleAPIUserCreate(w http.ResponseWriter, r *http.Request) {
	if err := s.authorize(r, downline.PermUserCreate, downline.RelNone); err != nil {
		s.writeError(w, r, err)
		return
	}
	req, err := decode[userRequest](r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	u := &downline.User{Email: req.Email, Name: req.Name, Role: downline.Role(req.Role), DistributorID: downline.DistributorID(req.DistributorID)}
	if err := s.Users.CreateUser(r.Context(), u); err != nil {
		s.writeError(w, r, err)
		return
	}
	out := newUserJSON(u)
	if err := s.audit(r, "user.create", "user", idString(int64(u.ID)), nil, out); err != nil {
		s.writeError(w, r, err)
		return
	}
	tok, err := s.issueReset(r, u)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out.ResetToken = tok
	writeJSON(w, http.StatusCreated, out)
}

// handleAPIUserList lists accounts by ID. Filters: role, distributor_id.
func (s *Server) handleAPIUserList(w http.ResponseWriter, r *http.Request) {
	if err := s.authorize(r, downline.PermUserRead, downline.RelNone); err != nil {
		s.writeError(w, r, err)
		return
	}
	after, limit, err := pageParams(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	f := downline.UserFilter{AfterID: downline.UserID(after), Limit: limit}
	if v := r.URL.Query().Get("role"); v != "" {
		role := downline.Role(v)
		f.Role = &role
	}
	if v := r.URL.Query().Get("distributor_id"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			s.writeError(w, r, downline.Errorf(downline.CodeInvalid, "query parameter distributor_id: must be an integer"))
			return
		}
		id := downline.DistributorID(n)
		f.DistributorID = &id
	}
	us, total, err := s.Users.FindUsers(r.Context(), f)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := page[userJSON]{Items: make([]userJSON, 0, len(us)), Total: total}
	for _, u := range us {
		out.Items = append(out.Items, newUserJSON(u))
	}
	if len(us) == limit {
		out.NextCursor = idString(int64(us[len(us)-1].ID))
	}
	writeJSON(w, http.StatusOK, out)
}
