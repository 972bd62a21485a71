package downline

import (
	"context"
	"time"
)

// HoldStatus is where a TX-11 self-dealing hold stands: open until someone
// at the customer acknowledges the relationship, then acknowledged.
type HoldStatus string

// The hold statuses.
const (
	HoldOpen         HoldStatus = "open"
	HoldAcknowledged HoldStatus = "acknowledged"
)

// HeldAmount is the revenue, in minor units of one currency, of a hold's
// orders still pending acknowledgement, net of refunds.
type HeldAmount struct {
	Currency string
	Amount   int64
}

// SelfDealingHoldView is one TX-11 hold (compliance.md TX-11) as an
// operator sees it: the customer and distributor pair it holds, why, since
// when, who acknowledged, and what it still holds: the orders in volume
// state pending_ack, their CV and their revenue per currency (all net of
// refunds).
type SelfDealingHoldView struct {
	ID             int64
	CustomerID     CustomerID
	CustomerRef    string
	CustomerName   string
	DistributorID  DistributorID
	DistributorRef string
	Reason         string
	CreatedAt      time.Time
	AcknowledgedAt time.Time // zero while open
	AckName        string
	AckEmail       string
	PendingOrders  int
	PendingCV      int64
	PendingAmounts []HeldAmount // by currency code
}

// Status is open while unacknowledged, else acknowledged.
func (h *SelfDealingHoldView) Status() HoldStatus {
	if h.AcknowledgedAt.IsZero() {
		return HoldOpen
	}
	return HoldAcknowledged
}

// SelfDealingHoldFilter selects holds; empty fields match everything.
// Holds are ordered by ID (creation order); AfterID is the cursor.
type SelfDealingHoldFilter struct {
	Status        HoldStatus
	CustomerID    CustomerID
	DistributorID DistributorID
	AfterID       int64
	Limit         int
}

// SelfDealingService lists the TX-11 holds; reading needs PermRiskRead.
type SelfDealingService interface {
	// FindSelfDealingHolds returns the matching holds ordered by ID and
	// the number of matches ignoring the cursor and Limit. Returns
	// CodeInvalid for an unknown status.
	FindSelfDealingHolds(ctx context.Context, f SelfDealingHoldFilter) ([]*SelfDealingHoldView, int, error)
}
