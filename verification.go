package downline

import (
	"context"
	"time"
)

// VerificationID identifies a VerificationCase.
type VerificationID int64

// VerificationStatus is where a receipt verification (TX-02) stands.
type VerificationStatus string

// The verification statuses.
const (
	VerificationPending   VerificationStatus = "pending"
	VerificationConfirmed VerificationStatus = "confirmed"
	VerificationRejected  VerificationStatus = "rejected"
)

// DefaultVerifySLA is verify_sla of TX-02: a selected receipt must be
// decided within 30 days.
const DefaultVerifySLA = 30 * 24 * time.Hour

// VerificationCase is the verification of one customer order's receipt
// (TX-02 (4)): the company contacts the customer and records whether the
// sale is real. An order has at most one case. It was selected because it
// fell in the period's keyed random sample (Sampled), because it had open
// risk flags (RiskFlagIDs), or both.
//
// A rejection takes the order out of customer volume: its purpose becomes
// non_commissionable (OriginalPurpose keeps what it was). When the order's
// period is still open its volume leaves the customer figures at once;
// when it is closed, every commission line built on it (the direct line
// and each override) is reversed by ReversalID, a clawback transaction
// dated in the first open period, totalling ReversedAmount.
type VerificationCase struct {
	ID            VerificationID
	OrderID       OrderID
	OrderRef      string
	DistributorID DistributorID
	// Period is the period the order's volume landed in.
	Period string
	// Sampled reports that the keyed random sample drew the order;
	// SampleRank is its keyed hash (hex), which an auditor holding the key
	// can recompute.
	Sampled     bool
	SampleRank  string
	RiskFlagIDs []int64
	// OriginalPurpose is the order's purpose when it was selected.
	OriginalPurpose OrderPurpose
	Status          VerificationStatus
	SelectedAt      time.Time
	// DueAt is SelectedAt plus verify_sla; a pending case after it is
	// overdue.
	DueAt     time.Time
	DecidedAt time.Time // zero while pending
	DecidedBy string
	Note      string
	// ReversalID names the ledger transaction that reversed the
	// commissions of a closed period ("" when there was none);
	// ReversedAmount is its total (positive).
	ReversalID     string
	ReversedAmount int64
}

// Overdue reports whether c is still pending after its due time.
func (c *VerificationCase) Overdue(now time.Time) bool {
	return c.Status == VerificationPending && now.After(c.DueAt)
}

// VerificationFilter selects cases; nil fields match everything. Cases are
// ordered by ID; AfterID is the cursor.
type VerificationFilter struct {
	Period  *string
	Status  *VerificationStatus
	OrderID *OrderID
	// Overdue keeps only pending cases past their due time.
	Overdue bool
	AfterID VerificationID
	Limit   int
}

// SampleRequest asks for a period's verification sample.
type SampleRequest struct {
	Period string
	// RateNum/RateDen is verify_sample_rate (0 < rate <= 1).
	RateNum, RateDen int64
	// Key keys the sample's hash; without it nobody can predict which
	// orders are drawn. It must stay the same between runs for a period.
	Key []byte
	// SLA is verify_sla; 0 means DefaultVerifySLA.
	SLA time.Duration
}

// SampleResult reports a period's sample after a SampleVerifications call.
type SampleResult struct {
	Period string
	// Population counts the period's customer_direct and receipted_resale
	// orders; Target is ceil(rate × Population).
	Population, Target int
	// Sampled counts the cases drawn at random, Flagged those with open
	// risk flags (a case may be both), Cases all cases of the period, and
	// Added the cases this call created.
	Sampled, Flagged, Cases, Added int
}

// VerificationDecision records the outcome of a case.
type VerificationDecision struct {
	Status VerificationStatus // confirmed or rejected
	By     string
	Note   string
}

// VerificationSummary counts a period's cases for the RP-03 dashboard.
type VerificationSummary struct {
	Period                                                string
	Population                                            int
	Cases, Sampled, Flagged, Pending, Confirmed, Rejected int
	Overdue                                               int
	ReversedAmount                                        int64
}

// VerificationService runs receipt verification sampling (TX-02).
type VerificationService interface {
	// SampleVerifications selects the period's sample: the ceil(rate × n)
	// customer orders of lowest keyed hash, plus every customer order with
	// an open risk flag, one pending case per order. An order the intake
	// reclassified as a participant's personal use (TX-02 circularity) is
	// no longer a customer order: it gets no case, and its flag is
	// reviewed in the risk queue. Running it again adds
	// nothing unless the period gained orders or flags. Returns
	// CodeInvalid for a bad request and CodeConflict when the period was
	// sampled with another key.
	SampleVerifications(ctx context.Context, req SampleRequest) (*SampleResult, error)

	// FindVerifications returns the matching cases ordered by ID and the
	// number of matches ignoring the cursor and Limit.
	FindVerifications(ctx context.Context, f VerificationFilter) ([]*VerificationCase, int, error)

	// FindVerification returns one case. Returns CodeNotFound.
	FindVerification(ctx context.Context, id VerificationID) (*VerificationCase, error)

	// DecideVerification records a pending case's outcome and, for a
	// rejection, takes the order out of customer volume (see
	// VerificationCase), all in one transaction. It reports whether the
	// case changed: the same decision again is a no-op; another decision
	// is CodeConflict. Returns CodeNotFound and CodeInvalid.
	DecideVerification(ctx context.Context, id VerificationID, d VerificationDecision) (*VerificationCase, bool, error)

	// VerificationSummary counts the cases of a period ("" for all).
	VerificationSummary(ctx context.Context, period string) (*VerificationSummary, error)
}
