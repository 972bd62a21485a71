package http

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/downline/downline"
)

type orderRequest struct {
	ExternalID     string             `json:"external_id"`
	DistributorID  int64              `json:"distributor_id"`
	DistributorRef string             `json:"distributor_ref"`
	CustomerID     int64              `json:"customer_id"`
	CustomerRef    string             `json:"customer_ref"`
	Purpose        string             `json:"purpose"`
	Currency       string             `json:"currency"`
	PaidAt         time.Time          `json:"paid_at"`
	Lines          []orderLineRequest `json:"lines"`
	// PaymentFingerprint and BillingAddress describe the payer for the
	// TX-02 circularity check; both optional.
	PaymentFingerprint string `json:"payment_fingerprint"`
	BillingAddress     string `json:"billing_address"`
}

type orderLineRequest struct {
	ProductID  int64  `json:"product_id"`
	ProductRef string `json:"product_ref"`
	Quantity   int64  `json:"quantity"`
	UnitPrice  string `json:"unit_price"`
	CV         string `json:"cv"`
	QV         string `json:"qv"`
}

type orderBatchRequest struct {
	Orders []orderRequest `json:"orders"`
}

// maxBatch bounds the orders of one batch request.
const maxBatch = 1000

// order converts the request into a domain order, naming the record and
// field of a bad amount.
func (req orderRequest) order() (*downline.Order, error) {
	if req.Purpose == "" {
		return nil, purposeRequired(req.ExternalID)
	}
	o := &downline.Order{ExternalID: req.ExternalID, DistributorID: downline.DistributorID(req.DistributorID),
		DistributorRef: req.DistributorRef, CustomerID: downline.CustomerID(req.CustomerID), CustomerRef: req.CustomerRef,
		Purpose: downline.OrderPurpose(req.Purpose), Currency: req.Currency, PaidAt: req.PaidAt,
		PaymentFingerprint: req.PaymentFingerprint, BillingAddress: req.BillingAddress}
	if !downline.IsCurrency(req.Currency) {
		return nil, downline.Errorf(downline.CodeInvalid, "order %q: currency must be an ISO 4217 code such as EUR", req.ExternalID)
	}
	for i, l := range req.Lines {
		rec := fmt.Sprintf("order %q: line %d", req.ExternalID, i+1)
		line := &downline.OrderLine{ProductID: downline.ProductID(l.ProductID), ProductRef: l.ProductRef, Quantity: l.Quantity}
		var err error
		if line.UnitPrice, err = parseAmount(rec, "unit_price", l.UnitPrice, req.Currency); err != nil {
			return nil, err
		}
		if line.CV, err = parseAmount(rec, "cv", l.CV, req.Currency); err != nil {
			return nil, err
		}
		if line.QV, err = parseAmount(rec, "qv", l.QV, req.Currency); err != nil {
			return nil, err
		}
		o.Lines = append(o.Lines, line)
	}
	if err := o.Validate(); err != nil {
		return nil, err
	}
	return o, nil
}

// errPurposeRequired is TX-01 (d): an order submitted without a purpose is
// answered 422 with code E_PURPOSE_REQUIRED; other validation errors keep
// their status. It wraps the CodeInvalid error every other layer sees.
type errPurposeRequired struct{ err *downline.Error }

func purposeRequired(externalID string) errPurposeRequired {
	return errPurposeRequired{downline.Errorf(downline.CodeInvalid, "order %q: purpose is required (TX-01): customer_direct, "+
		"personal_use, resale_stock, receipted_resale or non_commissionable", externalID)}
}

func (e errPurposeRequired) Error() string { return e.err.Error() }
func (e errPurposeRequired) Unwrap() error { return e.err }

// writeOrderError answers err, with TX-01's 422 for a missing purpose.
func (s *Server) writeOrderError(w http.ResponseWriter, r *http.Request, err error) {
	var pr errPurposeRequired
	if errors.As(err, &pr) {
		s.writeProblem(w, r, http.StatusUnprocessableEntity, &downline.Error{Code: "E_PURPOSE_REQUIRED", Message: pr.err.Message})
		return
	}
	s.writeError(w, r, err)
}

// newCreatedOrderJSON is the answer to a create: the order and its notices.
func newCreatedOrderJSON(o *downline.Order) orderJSON {
	out := newOrderJSON(o)
	if o.Purpose == downline.PurposeResaleStock {
		out.Notices = []string{customerDirectNudge}
	}
	return out
}

// handleAPIOrderCreate records one paid order. With an Idempotency-Key a
// retry gets the first answer (see idempotent).
func (s *Server) handleAPIOrderCreate(w http.ResponseWriter, r *http.Request) {
	if err := s.authorize(r, downline.PermOrderCreate, downline.RelNone); err != nil {
		s.writeError(w, r, err)
		return
	}
	req, err := decode[orderRequest](r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	o, err := req.order()
	if err != nil {
		s.writeOrderError(w, r, err)
		return
	}
	if rs := recordService(s.Orders); rs != nil {
		s.createOrderRecorded(w, r, rs, o)
		return
	}
	if err := s.Orders.CreateOrder(r.Context(), o); err != nil {
		s.writeError(w, r, err)
		return
	}
	out := newCreatedOrderJSON(o)
	if err := s.audit(r, "order.create", "order", idString(int64(o.ID)), nil, out); err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, out)
}

// createOrderRecorded stores o, its audit entry and the response to the
// request's Idempotency-Key (if any) in one transaction, and sends that
// response.
func (s *Server) createOrderRecorded(w http.ResponseWriter, r *http.Request, rs downline.OrderRecordService, o *downline.Order) {
	claim := idemClaimFrom(r.Context())
	actor := downline.ActorFromContext(r.Context())
	var body []byte
	rec := &downline.OrderRecord{Order: o, Describe: func(o *downline.Order) (*downline.AuditEntry, *downline.IdempotentResponse, error) {
		// This runs in the group's write transaction, so the order is
		// marshalled once: the compact form is what the audit digest
		// covers, the indented form what writeJSON would send.
		compact, err := json.Marshal(newCreatedOrderJSON(o))
		if err != nil {
			return nil, nil, err
		}
		body = indentJSON(compact)
		e := s.auditEntry(r, actor, "order.create", "order", idString(int64(o.ID)), nil, nil)
		if e != nil {
			e.AfterDigest = downline.AuditDigest(compact)
		}
		return e, claim.response(http.StatusCreated, body), nil
	}}
	if err := rs.CreateOrderRecords(r.Context(), []*downline.OrderRecord{rec}); err != nil {
		s.writeError(w, r, err)
		return
	}
	if claim != nil {
		claim.kept = true
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	w.Write(body)
}

// handleAPIOrderBatchCreate records up to 1000 orders in one transaction:
// all or none.
func (s *Server) handleAPIOrderBatchCreate(w http.ResponseWriter, r *http.Request) {
	if err := s.authorize(r, downline.PermOrderCreate, downline.RelNone); err != nil {
		s.writeError(w, r, err)
		return
	}
	req, err := decode[orderBatchRequest](r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if len(req.Orders) == 0 || len(req.Orders) > maxBatch {
		s.writeError(w, r, downline.Errorf(downline.CodeInvalid, "request body: orders must hold 1 to %d orders", maxBatch))
		return
	}
	os := make([]*downline.Order, 0, len(req.Orders))
	for _, or := range req.Orders {
		o, err := or.order()
		if err != nil {
			s.writeOrderError(w, r, err)
			return
		}
		os = append(os, o)
	}
	out := page[orderJSON]{Items: make([]orderJSON, 0, len(os)), Total: len(os)}
	if rs := recordService(s.Orders); rs != nil {
		// The audit entries are written with the orders.
		actor := downline.ActorFromContext(r.Context())
		recs := make([]*downline.OrderRecord, len(os))
		for i, o := range os {
			recs[i] = &downline.OrderRecord{Order: o, Describe: func(o *downline.Order) (*downline.AuditEntry, *downline.IdempotentResponse, error) {
				return s.auditEntry(r, actor, "order.create", "order", idString(int64(o.ID)), nil, newCreatedOrderJSON(o)), nil, nil
			}}
		}
		if err := rs.CreateOrderRecords(r.Context(), recs); err != nil {
			s.writeError(w, r, err)
			return
		}
		for _, o := range os {
			out.Items = append(out.Items, newCreatedOrderJSON(o))
		}
		writeJSON(w, http.StatusCreated, out)
		return
	}
	if err := s.Orders.CreateOrders(r.Context(), os); err != nil {
		s.writeError(w, r, err)
		return
	}
	for _, o := range os {
		oj := newCreatedOrderJSON(o)
		if err := s.audit(r, "order.create", "order", idString(int64(o.ID)), nil, oj); err != nil {
			s.writeError(w, r, err)
			return
		}
		out.Items = append(out.Items, oj)
	}
	writeJSON(w, http.StatusCreated, out)
}

type refundJSON struct {
	ID         int64            `json:"id"`
	ExternalID string           `json:"external_id"`
	OrderID    int64            `json:"order_id"`
	RefundedAt time.Time        `json:"refunded_at"`
	Reason     string           `json:"reason,omitempty"`
	Period     string           `json:"period"`
	Full       bool             `json:"full"`
	Amount     string           `json:"amount"`
	Lines      []refundLineJSON `json:"lines"`
}

type refundLineJSON struct {
	LineNo int    `json:"line_no"`
	Amount string `json:"amount"`
	CV     string `json:"cv"`
	QV     string `json:"qv"`
}

func newRefundJSON(rf *downline.Refund, currency string) refundJSON {
	out := refundJSON{ID: int64(rf.ID), ExternalID: rf.ExternalID, OrderID: int64(rf.OrderID), RefundedAt: rf.RefundedAt.UTC(),
		Reason: rf.Reason, Period: rf.Period, Full: rf.Full, Amount: formatMoney(rf.Amount(), currency),
		Lines: make([]refundLineJSON, 0, len(rf.Lines))}
	for _, l := range rf.Lines {
		out.Lines = append(out.Lines, refundLineJSON{LineNo: l.LineNo, Amount: formatMoney(l.Amount, currency),
			CV: formatMoney(l.CV, currency), QV: formatMoney(l.QV, currency)})
	}
	return out
}

type refundRequest struct {
	ExternalID string              `json:"external_id"`
	OrderID    int64               `json:"order_id"`
	OrderRef   string              `json:"order_ref"`
	RefundedAt time.Time           `json:"refunded_at"`
	Reason     string              `json:"reason"`
	Lines      []refundLineRequest `json:"lines"`
}

type refundLineRequest struct {
	LineNo int    `json:"line_no"`
	Amount string `json:"amount"`
	CV     string `json:"cv"`
	QV     string `json:"qv"`
}

// handleAPIRefundCreate records a refund against an order; without lines
// it refunds everything that remains.
func (s *Server) handleAPIRefundCreate(w http.ResponseWriter, r *http.Request) {
	if err := s.authorize(r, downline.PermRefundCreate, downline.RelNone); err != nil {
		s.writeError(w, r, err)
		return
	}
	req, err := decode[refundRequest](r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	cur, err := s.currency(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if req.RefundedAt.IsZero() {
		req.RefundedAt = s.now()
	}
	rf := &downline.Refund{ExternalID: req.ExternalID, OrderID: downline.OrderID(req.OrderID), OrderRef: req.OrderRef,
		RefundedAt: req.RefundedAt, Reason: req.Reason}
	for i, l := range req.Lines {
		rec := fmt.Sprintf("refund %q: line %d", req.ExternalID, i+1)
		rl := downline.RefundLine{LineNo: l.LineNo}
		if rl.Amount, err = parseAmount(rec, "amount", l.Amount, cur); err == nil {
			if rl.CV, err = parseAmount(rec, "cv", l.CV, cur); err == nil {
				rl.QV, err = parseAmount(rec, "qv", l.QV, cur)
			}
		}
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		rf.Lines = append(rf.Lines, rl)
	}
	if err := s.Refunds.CreateRefund(r.Context(), rf); err != nil {
		s.writeError(w, r, err)
		return
	}
	out := newRefundJSON(rf, cur)
	if err := s.audit(r, "refund.create", "refund", idString(int64(rf.ID)), nil, out); err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, out)
}

// handleAPIRefundList lists refunds by ID. Filters: order_id, period. A
// distributor must name one of its own orders.
func (s *Server) handleAPIRefundList(w http.ResponseWriter, r *http.Request) {
	if err := s.authorize(r, downline.PermRefundRead, downline.RelOwn); err != nil {
		s.writeError(w, r, err)
		return
	}
	after, limit, err := pageParams(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	f := downline.RefundFilter{AfterID: downline.RefundID(after), Limit: limit}
	q := r.URL.Query()
	if n, err := queryID(r, "order_id"); err != nil {
		s.writeError(w, r, err)
		return
	} else if n != 0 {
		id := downline.OrderID(n)
		f.OrderID = &id
	}
	if v := q.Get("period"); v != "" {
		if !downline.IsPeriodName(v) {
			s.writeError(w, r, downline.Errorf(downline.CodeInvalid, "query parameter period: must be YYYY-MM"))
			return
		}
		f.Period = &v
	}
	a := downline.ActorFromContext(r.Context())
	if a.Role == downline.RoleDistributor {
		if f.OrderID == nil {
			s.writeError(w, r, downline.Errorf(downline.CodeForbidden, "Name one of your orders with order_id."))
			return
		}
		o, err := s.Orders.FindOrderByID(r.Context(), *f.OrderID)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if _, _, err := s.authorizeDistributor(r, downline.PermRefundRead, o.DistributorID); err != nil {
			s.writeError(w, r, err)
			return
		}
	} else if err := s.authorize(r, downline.PermRefundRead, downline.RelNone); err != nil {
		s.writeError(w, r, err)
		return
	}
	cur, err := s.currency(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	rs, total, err := s.Refunds.FindRefunds(r.Context(), f)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := page[refundJSON]{Items: make([]refundJSON, 0, len(rs)), Total: total}
	for _, rf := range rs {
		out.Items = append(out.Items, newRefundJSON(rf, cur))
	}
	if len(rs) == limit {
		out.NextCursor = idString(int64(rs[len(rs)-1].ID))
	}
	writeJSON(w, http.StatusOK, out)
}
