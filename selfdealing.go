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

// HeldAmount is what a hold's orders in one currency still hold, net of
// refunds: how many, their revenue and their CV, in minor units (CV is
// money, in the orders' currency, as on the orders).
type HeldAmount struct {
	Currency string
	Orders   int
	Amount   int64
	CV       int64
}

// SelfDealingHoldView is one TX-11 hold (compliance.md TX-11) as an
// operator sees it: the customer and distributor pair it holds, why, since
// when, who acknowledged, and what it still holds: the orders in volume
// state pending_ack, and their revenue and CV per currency (net of
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
	PendingOrders  int          // over all currencies
	PendingAmounts []HeldAmount // by currency code; none when nothing is held
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

	// AcknowledgeSelfDealing records that name (email) at the customer
	// acknowledged hold id, and releases the volume of its held orders into
	// the first open period, in one transaction. The caller has verified
	// the signed link and the person. The same acknowledgement again is a
	// no-op; returns CodeNotFound, and CodeConflict when someone else
	// already acknowledged.
	AcknowledgeSelfDealing(ctx context.Context, id int64, name, email string) error
}
