package http

import (
	"fmt"
	"net/http"

	"github.com/downline/downline"
)

// adminRiskPage is the risk review queue (issue 6 item 8) for compliance:
// every flag with its reason, and a form to confirm or dismiss each open
// one.
type adminRiskPage struct {
	layout
	Status string
	Kind   string
	Flags  []*downline.RiskFlag
	Total  int
	Next   string
}

// webRiskReady checks that a staff member may use p on risk flags (the
// API's riskReady) and returns the user.
func (s *Server) webRiskReady(r *http.Request, p downline.Permission) (*downline.User, error) {
	u, err := requireStaff(r)
	if err != nil {
		return nil, err
	}
	return u, s.riskReady(r, p)
}

// handleWebRiskIndex lists flags, 100 a page, open ones by default.
func (s *Server) handleWebRiskIndex(w http.ResponseWriter, r *http.Request) {
	if _, err := s.webRiskReady(r, downline.PermRiskRead); err != nil {
		s.webError(w, r, err)
		return
	}
	q := r.URL.Query()
	p := adminRiskPage{layout: s.newLayout(r, "Risk flags", "compliance"), Status: q.Get("status"), Kind: q.Get("kind")}
	if !q.Has("status") {
		p.Status = string(downline.RiskOpen)
	}
	after, limit, err := pageParams(r)
	if err != nil {
		s.webError(w, r, err)
		return
	}
	f := downline.RiskFlagFilter{AfterID: after, Limit: min(limit, 100), Kind: p.Kind, Status: downline.RiskFlagStatus(p.Status)}
	if p.Flags, p.Total, err = s.Risk.FindRiskFlags(r.Context(), f); err != nil {
		s.webError(w, r, err)
		return
	}
	if len(p.Flags) == f.Limit {
		p.Next = fmt.Sprintf("?status=%s&kind=%s&cursor=%d", p.Status, p.Kind, p.Flags[len(p.Flags)-1].ID)
	}
	s.render(w, r, http.StatusOK, "admin_risk", p)
}

// handleWebRiskReview closes a flag from the list; the reviewer is the
// signed-in user. Each change is audited.
func (s *Server) handleWebRiskReview(w http.ResponseWriter, r *http.Request) {
	u, err := s.webRiskReady(r, downline.PermRiskReview)
	if err != nil {
		s.webError(w, r, err)
		return
	}
	id, err := pathID(r, "risk flag")
	if err != nil {
		s.webError(w, r, err)
		return
	}
	f, changed, err := s.Risk.ReviewRiskFlag(r.Context(), id, downline.RiskReview{
		Status: downline.RiskFlagStatus(r.PostFormValue("status")), By: u.Actor().Name, Note: r.PostFormValue("note")})
	if err != nil {
		s.webError(w, r, err)
		return
	}
	if changed {
		s.audit(r, "risk.review", "risk_flag", idString(id), nil, riskFlagToJSON(f))
	}
	redirect(w, r, "/admin/risk-flags", fmt.Sprintf("Flag %d %s.", f.ID, f.Status))
}
