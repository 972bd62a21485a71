package http

import (
	"net/http"
	"time"

	"github.com/downline/downline"
)

// Receipt verification cases (TX-02 (4)): compliance lists them and
// records the outcome of each.

type verificationJSON struct {
	ID              int64      `json:"id"`
	OrderID         int64      `json:"order_id"`
	OrderRef        string     `json:"order_ref"`
	DistributorID   int64      `json:"distributor_id"`
	Period          string     `json:"period"`
	Sampled         bool       `json:"sampled"`
	RiskFlagIDs     []int64    `json:"risk_flag_ids"`
	OriginalPurpose string     `json:"original_purpose"`
	Status          string     `json:"status"`
	Overdue         bool       `json:"overdue"`
	SelectedAt      time.Time  `json:"selected_at"`
	DueAt           time.Time  `json:"due_at"`
	DecidedAt       *time.Time `json:"decided_at,omitempty"`
	DecidedBy       string     `json:"decided_by,omitempty"`
	Note            string     `json:"note,omitempty"`
	ReversalID      string     `json:"reversal_id,omitempty"`
	ReversedAmount  string     `json:"reversed_amount"`
}

func (s *Server) verificationJSON(c *downline.VerificationCase, currency string) verificationJSON {
	v := verificationJSON{ID: int64(c.ID), OrderID: int64(c.OrderID), OrderRef: c.OrderRef, DistributorID: int64(c.DistributorID),
		Period: c.Period, Sampled: c.Sampled, RiskFlagIDs: c.RiskFlagIDs, OriginalPurpose: string(c.OriginalPurpose),
		Status: string(c.Status), Overdue: c.Overdue(s.now()), SelectedAt: c.SelectedAt.UTC(), DueAt: c.DueAt.UTC(),
		DecidedBy: c.DecidedBy, Note: c.Note, ReversalID: c.ReversalID, ReversedAmount: formatMoney(c.ReversedAmount, currency)}
	if v.RiskFlagIDs == nil {
		v.RiskFlagIDs = []int64{}
	}
	if !c.DecidedAt.IsZero() {
		t := c.DecidedAt.UTC()
		v.DecidedAt = &t
	}
	return v
}

// verificationsReady authorises p and checks that the services the
// verification routes need are wired; it returns the programme currency.
func (s *Server) verificationsReady(r *http.Request, p downline.Permission) (string, error) {
	if err := s.authorize(r, p, downline.RelNone); err != nil {
		return "", err
	}
	if s.Verifications == nil || s.Programme == nil {
		return "", downline.Errorf(downline.CodeNotFound, "Receipt verification is not available.")
	}
	prog, err := s.Programme.FindProgramme(r.Context())
	if err != nil {
		return "", err
	}
	return prog.Currency, nil
}

// handleAPIVerificationList lists verification cases by id. Filters:
// period, status, overdue=true.
func (s *Server) handleAPIVerificationList(w http.ResponseWriter, r *http.Request) {
	currency, err := s.verificationsReady(r, downline.PermVerificationRead)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	after, limit, err := pageParams(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	f := downline.VerificationFilter{AfterID: downline.VerificationID(after), Limit: limit}
	q := r.URL.Query()
	if v := q.Get("period"); v != "" {
		if !downline.IsPeriodName(v) {
			s.writeError(w, r, downline.Errorf(downline.CodeInvalid, "query parameter period: must be YYYY-MM"))
			return
		}
		f.Period = &v
	}
	if v := q.Get("status"); v != "" {
		st := downline.VerificationStatus(v)
		if st != downline.VerificationPending && st != downline.VerificationConfirmed && st != downline.VerificationRejected {
			s.writeError(w, r, downline.Errorf(downline.CodeInvalid, "query parameter status: must be pending, confirmed or rejected"))
			return
		}
		f.Status = &st
	}
	switch q.Get("overdue") {
	case "", "false":
	case "true":
		f.Overdue = true
	default:
		s.writeError(w, r, downline.Errorf(downline.CodeInvalid, "query parameter overdue: must be true or false"))
		return
	}
	cs, total, err := s.Verifications.FindVerifications(r.Context(), f)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := page[verificationJSON]{Items: make([]verificationJSON, 0, len(cs)), Total: total}
	for _, c := range cs {
		out.Items = append(out.Items, s.verificationJSON(c, currency))
	}
	if len(cs) == limit {
		out.NextCursor = idString(int64(cs[len(cs)-1].ID))
	}
	writeJSON(w, http.StatusOK, out)
}

type verificationDecisionRequest struct {
	Status string `json:"status"`
	By     string `json:"by"`
	Note   string `json:"note"`
}

// handleAPIVerificationDecide records a case's outcome: 200 with the case
// when it changed or was already so decided (the retry of a decision),
// 409 when it was decided otherwise. Each change is audited.
func (s *Server) handleAPIVerificationDecide(w http.ResponseWriter, r *http.Request) {
	currency, err := s.verificationsReady(r, downline.PermVerificationDecide)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	id, err := pathID(r, "verification case")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	req, err := decode[verificationDecisionRequest](r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	by := req.By
	if a := downline.ActorFromContext(r.Context()); by == "" && a != nil {
		by = a.Name
	}
	c, changed, err := s.Verifications.DecideVerification(r.Context(), downline.VerificationID(id),
		downline.VerificationDecision{Status: downline.VerificationStatus(req.Status), By: by, Note: req.Note})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := s.verificationJSON(c, currency)
	if changed {
		if err := s.audit(r, "verification.decide", "verification", idString(id), nil, out); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	writeJSON(w, http.StatusOK, out)
}
