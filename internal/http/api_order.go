package http

import (
	"net/http"
	"strconv"
	"time"

	"github.com/downline/downline"
)

// orderJSON is the API shape of an order; amounts are decimal strings in
// major units of the order's currency.
type orderJSON struct {
	ID            int64     `json:"id"`
	ExternalID    string    `json:"external_id"`
	DistributorID int64     `json:"distributor_id"`
	CustomerID    int64     `json:"customer_id,omitempty"`
	Purpose       string    `json:"purpose"`
	Currency      string    `json:"currency"`
	PaidAt        time.Time `json:"paid_at"`
	Period        string    `json:"period"`
	Status        string    `json:"status"`
	Total         string    `json:"total"`
	CV            string    `json:"cv"`
	BuyerType     string    `json:"buyer_type"`
	// VolumeState is counted, pending_ack (TX-11: no CuV until someone
	// at the customer acknowledges) or released.
	VolumeState string          `json:"volume_state,omitempty"`
	Lines       []orderLineJSON `json:"lines"`
	// OriginalDistributorID and OriginalPurpose are set when the intake
	// reclassified a circular customer order as personal use (TX-02).
	OriginalDistributorID int64  `json:"original_distributor_id,omitempty"`
	OriginalPurpose       string `json:"original_purpose,omitempty"`
	// Notices are advice on a created order, such as TX-10's nudge.
	Notices []string `json:"notices,omitempty"`
}

// customerDirectNudge is TX-10's "customer-direct is available" notice on
// an allowed resale-stock purchase.
const customerDirectNudge = "Customer-direct is available: your customers can buy directly from the company, " +
	"credited to you, without you holding stock (TX-10)."

type orderLineJSON struct {
	LineNo    int    `json:"line_no"`
	ProductID int64  `json:"product_id"`
	Quantity  int64  `json:"quantity"`
	UnitPrice string `json:"unit_price"`
	CV        string `json:"cv"`
	QV        string `json:"qv"`
	Refunded  string `json:"refunded"`
}

func newOrderJSON(o *downline.Order) orderJSON {
	out := orderJSON{
		ID: int64(o.ID), ExternalID: o.ExternalID, DistributorID: int64(o.DistributorID),
		CustomerID: int64(o.CustomerID), Purpose: string(o.Purpose), Currency: o.Currency,
		PaidAt: o.PaidAt.UTC(), Period: o.Period, Status: string(o.Status), VolumeState: string(o.VolumeState),
		BuyerType: string(o.BuyerType()), OriginalDistributorID: int64(o.OriginalDistributorID),
		OriginalPurpose: string(o.OriginalPurpose),
		Total:           formatMoney(o.Total(), o.Currency), CV: formatMoney(o.TotalCV(), o.Currency),
		Lines: make([]orderLineJSON, 0, len(o.Lines)),
	}
	for _, l := range o.Lines {
		out.Lines = append(out.Lines, orderLineJSON{
			LineNo: l.LineNo, ProductID: int64(l.ProductID), Quantity: l.Quantity,
			UnitPrice: formatMoney(l.UnitPrice, o.Currency), CV: formatMoney(l.CV, o.Currency),
			QV: formatMoney(l.QV, o.Currency), Refunded: formatMoney(l.RefundedAmount, o.Currency),
		})
	}
	return out
}

// handleAPIOrderList lists orders by ID with keyset pagination. Filters:
// distributor_id, period (YYYY-MM), purpose, status. A distributor sees
// only the orders credited to it.
func (s *Server) handleAPIOrderList(w http.ResponseWriter, r *http.Request) {
	dist, err := s.ownedFilter(r, downline.PermOrderRead)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	after, limit, err := pageParams(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	f := downline.OrderFilter{AfterID: downline.OrderID(after), Limit: limit, DistributorID: dist}
	q := r.URL.Query()
	if v := q.Get("period"); v != "" {
		f.Period = &v
	}
	if v := q.Get("purpose"); v != "" {
		p := downline.OrderPurpose(v)
		if !p.IsValid() {
			s.writeError(w, r, downline.Errorf(downline.CodeInvalid, "query parameter purpose: is not an order purpose"))
			return
		}
		f.Purpose = &p
	}
	if v := q.Get("status"); v != "" {
		st := downline.OrderStatus(v)
		f.Status = &st
	}
	if f.Period != nil && !downline.IsPeriodName(*f.Period) {
		s.writeError(w, r, downline.Errorf(downline.CodeInvalid, "query parameter period: must be YYYY-MM"))
		return
	}
	os, total, err := s.Orders.FindOrders(r.Context(), f)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := page[orderJSON]{Items: make([]orderJSON, 0, len(os)), Total: total}
	for _, o := range os {
		out.Items = append(out.Items, newOrderJSON(o))
	}
	if len(os) == limit {
		out.NextCursor = strconv.FormatInt(int64(os[len(os)-1].ID), 10)
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) handleAPIOrderGet(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "order")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := s.authorize(r, downline.PermOrderRead, downline.RelOwn); err != nil {
		s.writeError(w, r, err)
		return
	}
	o, err := s.Orders.FindOrderByID(r.Context(), downline.OrderID(id))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if _, _, err := s.authorizeDistributor(r, downline.PermOrderRead, o.DistributorID); err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, newOrderJSON(o))
}
