package http

import (
	"fmt"
	"net/http"

	"github.com/downline/downline"
)

// adminHoldsPage lists the TX-11 self-dealing holds for compliance: which
// customer and distributor pairs wait for an acknowledgement, since when,
// and the orders, revenue and CV they hold.
type adminHoldsPage struct {
	layout
	Status string
	Holds  []*downline.SelfDealingHoldView
	Total  int
	Next   string
}

// handleWebHoldsIndex lists holds, 100 a page, open ones by default.
func (s *Server) handleWebHoldsIndex(w http.ResponseWriter, r *http.Request) {
	_, err := requireStaff(r)
	if err == nil {
		err = s.authorize(r, downline.PermRiskRead, downline.RelNone)
	}
	if err != nil {
		s.webError(w, r, err)
		return
	}
	if s.SelfDealing == nil {
		s.webError(w, r, downline.Errorf(downline.CodeNotFound, "Self-dealing holds are not available."))
		return
	}
	p := adminHoldsPage{layout: s.newLayout(r, "Self-dealing holds", "compliance")}
	f, err := selfDealingFilter(r)
	if err != nil {
		s.webError(w, r, err)
		return
	}
	if !r.URL.Query().Has("status") {
		f.Status = downline.HoldOpen
	}
	p.Status = string(f.Status)
	after, limit, err := pageParams(r)
	if err != nil {
		s.webError(w, r, err)
		return
	}
	f.AfterID, f.Limit = after, min(limit, 100)
	if p.Holds, p.Total, err = s.SelfDealing.FindSelfDealingHolds(r.Context(), f); err != nil {
		s.webError(w, r, err)
		return
	}
	if len(p.Holds) == f.Limit {
		p.Next = fmt.Sprintf("?status=%s&cursor=%d", p.Status, p.Holds[len(p.Holds)-1].ID)
	}
	s.render(w, r, http.StatusOK, "admin_holds", p)
}
