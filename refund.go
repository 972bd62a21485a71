package downline

import (
	"context"
	"time"
)

// Refund returns money against the lines of one order. It reduces the
// volumes of the period it is recorded in (RefundedAt), not those of the
// order's period: closed periods are never edited, and clawbacks of paid
// commission are computed from refunds by the commission run.
//
// A refund without lines refunds everything that remains of the order. A
// line with an Amount but zero CV and QV has its CV and QV derived pro rata
// from the amount (half away from zero; a line refunded to its end gets
// exactly what remains). A refund never exceeds what remains of a line.
type Refund struct {
	ID         RefundID
	ExternalID string
	// OrderID is the refunded order; on create a non-zero ID wins over
	// OrderRef, the order's external id.
	OrderID    OrderID
	OrderRef   string
	RefundedAt time.Time
	Reason     string
	Lines      []RefundLine

	// Set by the store: the refund's period and whether it refunded the
	// whole remaining order.
	Period    string
	Full      bool
	CreatedAt time.Time
}

// RefundLine refunds part of one order line.
type RefundLine struct {
	LineNo int // the order line, from 1
	Amount int64
	CV     int64
	QV     int64
}

// Amount returns the sum of the refund's line amounts.
func (r *Refund) Amount() int64 {
	var t int64
	for _, l := range r.Lines {
		t += l.Amount
	}
	return t
}

// Validate checks r and returns a CodeInvalid *Error naming the refund, the
// line where there is one, and the first bad field. The store checks the
// lines against what remains of the order.
func (r *Refund) Validate() error {
	bad := func(field, why string) error {
		return Errorf(CodeInvalid, "refund %q: %s %s", r.ExternalID, field, why)
	}
	switch {
	case !isExternalID(r.ExternalID):
		return bad("external id", externalIDRule)
	case r.OrderID == 0 && r.OrderRef == "":
		return bad("order", "is required")
	case r.RefundedAt.IsZero():
		return bad("refunded at", "is required")
	case len(r.Reason) > 500:
		return bad("reason", "must be at most 500 characters")
	case len(r.Lines) > maxOrderLines:
		return bad("lines", "are more than an order may have")
	}
	seen := make(map[int]bool, len(r.Lines))
	for i, l := range r.Lines {
		lbad := func(field, why string) error {
			return Errorf(CodeInvalid, "refund %q: line %d: %s %s", r.ExternalID, i+1, field, why)
		}
		switch {
		case l.LineNo < 1:
			return lbad("order line", "must be a line number from 1")
		case seen[l.LineNo]:
			return lbad("order line", "is refunded twice in one refund")
		case l.Amount < 0:
			return lbad("amount", "must not be negative")
		case l.CV < 0:
			return lbad("CV", "must not be negative")
		case l.QV < 0:
			return lbad("QV", "must not be negative")
		case l.Amount == 0 && l.CV == 0 && l.QV == 0:
			return lbad("amount", "must be positive")
		}
		seen[l.LineNo] = true
	}
	return nil
}

// RefundFilter selects refunds; nil fields match everything.
type RefundFilter struct {
	ID         *RefundID
	ExternalID *string
	OrderID    *OrderID
	// Period selects refunds recorded in the named period ("YYYY-MM").
	Period *string

	AfterID RefundID
	Offset  int
	Limit   int
}

// RefundService stores refunds.
type RefundService interface {
	// FindRefunds returns the refunds matching filter with their lines,
	// ordered by ID, and the total number of matches ignoring Offset and
	// Limit.
	FindRefunds(ctx context.Context, filter RefundFilter) ([]*Refund, int, error)

	// CreateRefund stores r against its order, filling lines (for a full
	// refund), IDs, period and timestamps, updates the order's refunded
	// totals and status, and subtracts the volume from the aggregates of
	// the refund's period, all in one transaction. The same external id with
	// the same content is a no-op. Returns CodeInvalid for a bad refund or
	// unknown order or line, CodeConflict when the refund exceeds what
	// remains or the external id exists with other content.
	CreateRefund(ctx context.Context, r *Refund) error

	// CreateRefunds stores rs in one transaction: all or none.
	CreateRefunds(ctx context.Context, rs []*Refund) error
}
