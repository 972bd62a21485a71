package http

import (
	"net/http"
	"time"

	"github.com/downline/downline"
)

// The risk review queue (issue 6 item 8): compliance lists the flags the
// intake and the attribution paths raise and confirms or dismisses each.

type riskFlagJSON struct {
	ID                   int64      `json:"id"`
	Kind                 string     `json:"kind"`
	OrderID              int64      `json:"order_id,omitempty"`
	CustomerID           int64      `json:"customer_id,omitempty"`
	DistributorID        int64      `json:"distributor_id,omitempty"`
	RelatedDistributorID int64      `json:"related_distributor_id,omitempty"`
	Reason               string     `json:"reason"`
	CreatedAt            time.Time  `json:"created_at"`
	Status               string     `json:"status"`
	ReviewedAt           *time.Time `json:"reviewed_at,omitempty"`
	ReviewedBy           string     `json:"reviewed_by,omitempty"`
	ReviewNote           string     `json:"review_note,omitempty"`
}

func riskFlagToJSON(f *downline.RiskFlag) riskFlagJSON {
	v := riskFlagJSON{ID: f.ID, Kind: f.Kind, OrderID: int64(f.OrderID), CustomerID: int64(f.CustomerID),
		DistributorID: int64(f.DistributorID), RelatedDistributorID: int64(f.RelatedDistributorID), Reason: f.Reason,
		CreatedAt: f.CreatedAt.UTC(), Status: string(f.Status), ReviewedBy: f.ReviewedBy, ReviewNote: f.ReviewNote}
	if !f.ReviewedAt.IsZero() {
		t := f.ReviewedAt.UTC()
		v.ReviewedAt = &t
	}
	return v
}

// riskReady authorises p and checks that the risk service is wired.
func (s *Server) riskReady(r *http.Request, p downline.Permission) error {
	if err := s.authorize(r, p, downline.RelNone); err != nil {
		return err
	}
	if s.Risk == nil {
		return downline.Errorf(downline.CodeNotFound, "Risk review is not available.")
	}
	return nil
}

// handleAPIRiskFlagList lists risk flags by id. Filters: status, kind,
// order_id.
func (s *Server) handleAPIRiskFlagList(w http.ResponseWriter, r *http.Request) {
	if err := s.riskReady(r, downline.PermRiskRead); err != nil {
		s.writeError(w, r, err)
		return
	}
	after, limit, err := pageParams(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	q := r.URL.Query()
	f := downline.RiskFlagFilter{AfterID: after, Limit: limit, Kind: q.Get("kind"), Status: downline.RiskFlagStatus(q.Get("status"))}
	switch f.Status {
	case "", downline.RiskOpen, downline.RiskConfirmed, downline.RiskDismissed:
	default:
		s.writeError(w, r, downline.Errorf(downline.CodeInvalid, "query parameter status: must be open, confirmed or dismissed"))
		return
	}
	id, err := queryID(r, "order_id")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	f.OrderID = downline.OrderID(id)
	fl, total, err := s.Risk.FindRiskFlags(r.Context(), f)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := page[riskFlagJSON]{Items: make([]riskFlagJSON, 0, len(fl)), Total: total}
	for _, x := range fl {
		out.Items = append(out.Items, riskFlagToJSON(x))
	}
	if len(fl) == limit {
		out.NextCursor = idString(fl[len(fl)-1].ID)
	}
	writeJSON(w, http.StatusOK, out)
}

type riskReviewRequest struct {
	Status string `json:"status"`
	By     string `json:"by"`
	Note   string `json:"note"`
}

// handleAPIRiskFlagReview closes a flag: 200 with the flag when it changed
// or was already so reviewed, 409 when it was reviewed otherwise. Each
// change is audited.
func (s *Server) handleAPIRiskFlagReview(w http.ResponseWriter, r *http.Request) {
	if err := s.riskReady(r, downline.PermRiskReview); err != nil {
		s.writeError(w, r, err)
		return
	}
	id, err := pathID(r, "risk flag")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	req, err := decode[riskReviewRequest](r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	by := req.By
	if a := downline.ActorFromContext(r.Context()); by == "" && a != nil {
		by = a.Name
	}
	f, changed, err := s.Risk.ReviewRiskFlag(r.Context(), id,
		downline.RiskReview{Status: downline.RiskFlagStatus(req.Status), By: by, Note: req.Note})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := riskFlagToJSON(f)
	if changed {
		if err := s.audit(r, "risk.review", "risk_flag", idString(id), nil, out); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	writeJSON(w, http.StatusOK, out)
}
