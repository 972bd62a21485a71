package http

import (
	"net/http"
	"time"

	"github.com/downline/downline"
)

// The TX-11 self-dealing holds: compliance sees which customer and
// distributor pairs wait for an acknowledgement, since when, and what
// they hold.

type heldAmountJSON struct {
	Currency string `json:"currency"`
	Orders   int    `json:"orders"`
	Amount   string `json:"amount"`
	CV       string `json:"cv"`
}

type selfDealingHoldJSON struct {
	ID             int64            `json:"id"`
	CustomerID     int64            `json:"customer_id"`
	CustomerRef    string           `json:"customer_ref"`
	CustomerName   string           `json:"customer_name"`
	DistributorID  int64            `json:"distributor_id"`
	DistributorRef string           `json:"distributor_ref"`
	Reason         string           `json:"reason"`
	Status         string           `json:"status"`
	CreatedAt      time.Time        `json:"created_at"`
	AcknowledgedAt *time.Time       `json:"acknowledged_at,omitempty"`
	AckName        string           `json:"ack_name,omitempty"`
	AckEmail       string           `json:"ack_email,omitempty"`
	PendingOrders  int              `json:"pending_orders"`
	Pending        []heldAmountJSON `json:"pending"`
}

func selfDealingHoldToJSON(h *downline.SelfDealingHoldView) selfDealingHoldJSON {
	v := selfDealingHoldJSON{ID: h.ID, CustomerID: int64(h.CustomerID), CustomerRef: h.CustomerRef, CustomerName: h.CustomerName,
		DistributorID: int64(h.DistributorID), DistributorRef: h.DistributorRef, Reason: h.Reason, Status: string(h.Status()),
		CreatedAt: h.CreatedAt.UTC(), AckName: h.AckName, AckEmail: h.AckEmail, PendingOrders: h.PendingOrders,
		Pending: make([]heldAmountJSON, 0, len(h.PendingAmounts))}
	if !h.AcknowledgedAt.IsZero() {
		t := h.AcknowledgedAt.UTC()
		v.AcknowledgedAt = &t
	}
	for _, a := range h.PendingAmounts {
		v.Pending = append(v.Pending, heldAmountJSON{Currency: a.Currency, Orders: a.Orders,
			Amount: formatMoney(a.Amount, a.Currency), CV: formatMoney(a.CV, a.Currency)})
	}
	return v
}

// selfDealingFilter reads the list filters: status, customer_id,
// distributor_id.
func selfDealingFilter(r *http.Request) (downline.SelfDealingHoldFilter, error) {
	q := r.URL.Query()
	f := downline.SelfDealingHoldFilter{Status: downline.HoldStatus(q.Get("status"))}
	switch f.Status {
	case "", downline.HoldOpen, downline.HoldAcknowledged:
	default:
		return f, downline.Errorf(downline.CodeInvalid, "query parameter status: must be open or acknowledged")
	}
	c, err := queryID(r, "customer_id")
	if err != nil {
		return f, err
	}
	d, err := queryID(r, "distributor_id")
	f.CustomerID, f.DistributorID = downline.CustomerID(c), downline.DistributorID(d)
	return f, err
}

// handleAPISelfDealingHoldList lists TX-11 holds by id.
func (s *Server) handleAPISelfDealingHoldList(w http.ResponseWriter, r *http.Request) {
	if err := s.authorize(r, downline.PermRiskRead, downline.RelNone); err != nil {
		s.writeError(w, r, err)
		return
	}
	if s.SelfDealing == nil {
		s.writeError(w, r, downline.Errorf(downline.CodeNotFound, "Self-dealing holds are not available."))
		return
	}
	after, limit, err := pageParams(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	f, err := selfDealingFilter(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	f.AfterID, f.Limit = after, limit
	hs, total, err := s.SelfDealing.FindSelfDealingHolds(r.Context(), f)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := page[selfDealingHoldJSON]{Items: make([]selfDealingHoldJSON, 0, len(hs)), Total: total}
	for _, h := range hs {
		out.Items = append(out.Items, selfDealingHoldToJSON(h))
	}
	if len(hs) == limit {
		out.NextCursor = idString(hs[len(hs)-1].ID)
	}
	writeJSON(w, http.StatusOK, out)
}
