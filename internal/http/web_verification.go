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

// handleWebVerificationIndex lists cases, 100 a page, filtered by period,
// status and overdue.
func (s *Server) handleWebVerificationIndex(w http.ResponseWriter, r *http.Request) {
	if _, err := requireStaff(r); err != nil {
		s.webError(w, r, err)
		return
	}
	currency, err := s.verificationsReady(r, downline.PermVerificationRead)
	if err != nil {
		s.webError(w, r, err)
		return
	}
	ctx := r.Context()
	q := r.URL.Query()
	p := adminVerificationsPage{layout: s.newLayout(r, "Receipt verification", "compliance"), Currency: currency,
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
	u, err := requireStaff(r)
	if err == nil {
		_, err = s.verificationsReady(r, downline.PermVerificationDecide)
	}
	if err != nil {
		s.webError(w, r, err)
		return
	}
	id, err := pathID(r, "verification case")
	if err != nil {
		s.webError(w, r, err)
		return
	}
	c, changed, err := s.Verifications.DecideVerification(r.Context(), downline.VerificationID(id), downline.VerificationDecision{
		Status: downline.VerificationStatus(r.PostFormValue("status")), By: u.Actor().Name, Note: r.PostFormValue("note")})
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
