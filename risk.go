package downline

import (
	"context"
	"time"
)

// RiskFlagStatus is where a risk flag stands in the review queue.
type RiskFlagStatus string

// The risk flag statuses: open until a reviewer (or a receipt
// verification decision on the flag's order) closes it as confirmed (the
// signal was real) or dismissed (it was not).
const (
	RiskOpen      RiskFlagStatus = "open"
	RiskConfirmed RiskFlagStatus = "confirmed"
	RiskDismissed RiskFlagStatus = "dismissed"
)

// RiskFlag is one entry of the fraud and compliance review queue (issue 6
// item 8: flagged for review with reasons). At least one of OrderID,
// CustomerID and DistributorID is set; Reason says in plain words what
// was seen.
type RiskFlag struct {
	ID                   int64
	Kind                 string
	OrderID              OrderID
	CustomerID           CustomerID
	DistributorID        DistributorID
	RelatedDistributorID DistributorID
	Reason               string
	CreatedAt            time.Time
	Status               RiskFlagStatus
	ReviewedAt           time.Time // zero while open
	ReviewedBy           string
	ReviewNote           string
}

// RiskFlagFilter selects risk flags; empty fields match everything. Flags
// are ordered by ID (creation order); AfterID is the cursor.
type RiskFlagFilter struct {
	Kind    string
	Status  RiskFlagStatus
	OrderID OrderID
	AfterID int64
	Limit   int
}

// RiskReview closes an open flag.
type RiskReview struct {
	Status RiskFlagStatus // confirmed or dismissed
	By     string
	Note   string
}

// RiskService is the review queue of risk flags.
type RiskService interface {
	// FindRiskFlags returns the matching flags ordered by ID and the
	// number of matches ignoring the cursor and Limit.
	FindRiskFlags(ctx context.Context, f RiskFlagFilter) ([]*RiskFlag, int, error)

	// ReviewRiskFlag closes an open flag. It reports whether the flag
	// changed: the same review again is a no-op; another one is
	// CodeConflict. Returns CodeNotFound and CodeInvalid. A review changes
	// no money: an order's volume is changed by its receipt verification
	// (VerificationService), which closes the order's flags itself.
	ReviewRiskFlag(ctx context.Context, id int64, r RiskReview) (*RiskFlag, bool, error)
}
