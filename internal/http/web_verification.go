package http

import (
	"fmt"
	"net/http"
	"time"

	"github.com/downline/downline"
)

// adminVerificationsPage lists receipt verification cases (TX-02) for
// compliance to work through, with a form to decide each pending one.
type adminVerificationsPage struct {
	layout
	Currency string
	Now      time.Time
	Period   string
	Status   string
	Overdue  bool
	Summary  *downline.VerificationSummary
	Cases    []*downline.VerificationCase
	Total    int
	Next     string
}

// verificationStaff returns the signed-in user when it may use p on
// verification cases (admin and compliance), and checks the service is
// wired.
func (s *Server) verificationStaff(r *http.Request, p downline.Permission) (*downline.User, error) {
	u, err := requireStaffFor(r, p, "Only compliance and admins work on receipt verifications.")
	if err != nil {
		return nil, err
	}
	if s.Verifications == nil {
		return nil, downline.Errorf(downline.CodeNotFound, "Receipt verification is not available.")
	}
	return u, nil
}

// handleWebVerificationIndex lists cases, 100 a page, filtered by period,
// status and overdue.
func (s *Server) handleWebVerificationIndex(w http.ResponseWriter, r *http.Request) {
	if _, err := s.verificationStaff(r, downline.PermVerificationRead); err != nil {
		s.webError(w, r, err)
		return
	}
	ctx := r.Context()
	prog, err := s.Programme.FindProgramme(ctx)
	if err != nil {
		s.webError(w, r, err)
		return
	}
	q := r.URL.Query()
	p := adminVerificationsPage{layout: s.newLayout(r, "Receipt verification", "compliance"), Currency: prog.Currency,
		Now: s.now(), Period: q.Get("period"), Status: q.Get("status"), Overdue: q.Get("overdue") == "true"}
	after, limit, err := pageParams(r)
	if err != nil {
		s.webError(w, r, err)
		return
	}
	f := downline.VerificationFilter{AfterID: downline.VerificationID(after), Limit: min(limit, 100), Overdue: p.Overdue}
	if p.Period != "" {
		if !downline.IsPeriodName(p.Period) {
			s.webError(w, r, downline.Errorf(downline.CodeInvalid, "period %q: must be YYYY-MM", p.Period))
			return
		}
		f.Period = &p.Period
	}
	if p.Status != "" {
		st := downline.VerificationStatus(p.Status)
		f.Status = &st
	}
	if p.Cases, p.Total, err = s.Verifications.FindVerifications(ctx, f); err != nil {
		s.webError(w, r, err)
		return
	}
	if len(p.Cases) == f.Limit {
		p.Next = fmt.Sprintf("?period=%s&status=%s&overdue=%t&cursor=%d", p.Period, p.Status, p.Overdue, p.Cases[len(p.Cases)-1].ID)
	}
	if p.Summary, err = s.Verifications.VerificationSummary(ctx, p.Period); err != nil {
		s.webError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "admin_verifications", p)
}

// handleWebVerificationDecide records a decision made from the list; the
// decider is the signed-in user.
func (s *Server) handleWebVerificationDecide(w http.ResponseWriter, r *http.Request) {
	u, err := s.verificationStaff(r, downline.PermVerificationDecide)
	if err != nil {
		s.webError(w, r, err)
		return
	}
	id, err := pathID(r, "verification case")
	if err != nil {
		s.webError(w, r, err)
		return
	}
	by := u.Name
	if by == "" {
		by = u.Email
	}
	c, changed, err := s.Verifications.DecideVerification(r.Context(), downline.VerificationID(id), downline.VerificationDecision{
		Status: downline.VerificationStatus(r.PostFormValue("status")), By: by, Note: r.PostFormValue("note")})
	if err != nil {
		s.webError(w, r, err)
		return
	}
	if changed {
		s.audit(r, "verification.decide", "verification", idString(id), nil, c)
	}
	flash := fmt.Sprintf("Case %d (order %s) %s.", c.ID, c.OrderRef, c.Status)
	if c.ReversalID != "" {
		flash += " Commissions of " + monthText(c.Period) + " reversed in the open period."
	}
	redirect(w, r, "/admin/verifications?period="+r.PostFormValue("period"), flash)
}
