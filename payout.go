package downline

import (
	"context"
	"strconv"
	"time"
)

// PayoutMethod is how a distributor is paid.
type PayoutMethod string

// The payout methods: a SEPA credit transfer (pain.001), a US ACH credit
// (NACHA), PayPal Payouts or Wise batch payments.
const (
	PayoutSEPA   PayoutMethod = "sepa"
	PayoutACH    PayoutMethod = "ach"
	PayoutPayPal PayoutMethod = "paypal"
	PayoutWise   PayoutMethod = "wise"
)

// IsValid reports whether m is one of the payout methods.
func (m PayoutMethod) IsValid() bool {
	switch m {
	case PayoutSEPA, PayoutACH, PayoutPayPal, PayoutWise:
		return true
	}
	return false
}

// TaxStatus is the state of a distributor's tax form (W-9, W-8BEN or a
// VAT registration). Payouts are held until it is received.
type TaxStatus string

// The tax statuses.
const (
	TaxMissing  TaxStatus = "missing"
	TaxReceived TaxStatus = "received"
	TaxVerified TaxStatus = "verified"
)

// PayoutDetails are where and how a distributor is paid. Only the fields of
// the method are used: IBAN and BIC for SEPA, routing and account number
// for ACH, Email for PayPal, IBAN (and optionally Email) for Wise.
type PayoutDetails struct {
	DistributorID DistributorID
	Method        PayoutMethod
	HolderName    string
	IBAN          string
	BIC           string
	RoutingNumber string
	AccountNumber string
	AccountType   string // "checking" or "savings" for ACH
	Email         string
	TaxStatus     TaxStatus
	UpdatedAt     time.Time
}

// Validate checks d and returns a CodeInvalid *Error naming the first bad
// field.
func (d *PayoutDetails) Validate() error {
	bad := func(field, why string) error {
		return Errorf(CodeInvalid, "payout details of distributor %d: %s %s", d.DistributorID, field, why)
	}
	switch {
	case d.DistributorID <= 0:
		return bad("distributor", "is required")
	case !d.Method.IsValid():
		return bad("method", "must be sepa, ach, paypal or wise")
	case d.TaxStatus != TaxMissing && d.TaxStatus != TaxReceived && d.TaxStatus != TaxVerified:
		return bad("tax status", "must be missing, received or verified")
	case d.Method == PayoutSEPA && d.IBAN == "":
		return bad("IBAN", "is required for SEPA")
	case d.Method == PayoutACH && len(d.RoutingNumber) != 9:
		return bad("routing number", "must have 9 digits")
	case d.Method == PayoutACH && d.AccountNumber == "":
		return bad("account number", "is required for ACH")
	case d.Method == PayoutACH && d.AccountType != "checking" && d.AccountType != "savings":
		return bad("account type", "must be checking or savings")
	case d.Method == PayoutPayPal && d.Email == "":
		return bad("email", "is required for PayPal")
	case d.Method == PayoutWise && d.IBAN == "":
		return bad("IBAN", "is required for Wise")
	case d.Method != PayoutACH && d.AccountType != "":
		return bad("account type", "is only for ACH")
	}
	return nil
}

// PayoutItemStatus is the state of one item of a batch.
type PayoutItemStatus string

// The item statuses. A held item moved no money; a sent item moved its
// amount to payouts clearing; paid settles it; failed returns it to the
// distributor's payable balance.
const (
	PayoutHeld   PayoutItemStatus = "held"
	PayoutSent   PayoutItemStatus = "sent"
	PayoutPaid   PayoutItemStatus = "paid"
	PayoutFailed PayoutItemStatus = "failed"
)

// PayoutItem is one distributor's line of a batch.
type PayoutItem struct {
	BatchID       string
	ItemNo        int64
	DistributorID DistributorID
	// Amount is what is sent: the payable balance minus the clawback
	// receivable netted in this payout (Receivable).
	Amount     int64
	Receivable int64
	Status     PayoutItemStatus
	// Reason says why an item is held or failed.
	Reason    string
	Details   *PayoutDetails // nil for a held item without details
	UpdatedAt time.Time
}

// PayoutBatch is one batch of payouts in one method. Its ID is derived from
// its period and sequence ("2026-10-1"), so creating it again is a no-op.
type PayoutBatch struct {
	ID        string
	Period    string
	Seq       int
	Method    PayoutMethod
	Currency  string
	Minimum   int64
	AsOf      time.Time
	CreatedAt time.Time
	Items     []*PayoutItem
}

// PayoutBatchID returns the id of the batch with the given period and
// sequence number.
func PayoutBatchID(period string, seq int) string {
	return period + "-" + strconv.Itoa(seq)
}

// NewPayoutBatch asks for a batch: every distributor paid by Method whose
// available balance (payable minus clawback receivable) at AsOf is at least
// Minimum gets an item; those without payout details or a tax form, or who
// are suspended or terminated, get a held item that moves no money.
type NewPayoutBatch struct {
	Period  string
	Seq     int
	Method  PayoutMethod
	Minimum int64
	AsOf    time.Time
}

// DistributorBalance is what the ledger says a distributor is owed, in
// minor units of the programme currency, as positive amounts: Earned is
// still on hold, Payable released, Receivable owed back after clawbacks.
// Available = Payable − Receivable; a negative Available carries forward
// and blocks payout until it is positive again.
type DistributorBalance struct {
	DistributorID DistributorID
	Earned        int64
	Payable       int64
	Receivable    int64
	Available     int64
}

// PayoutService stores payout details and runs payout batches.
type PayoutService interface {
	// SetPayoutDetails stores a distributor's payout details, replacing
	// earlier ones. Returns CodeInvalid.
	SetPayoutDetails(ctx context.Context, d *PayoutDetails) error

	// ReleaseHolds moves the earnings of every closed run whose hold ended
	// at or before asOf from earned to payable. Releasing again is a
	// no-op. It returns the number of runs released now.
	ReleaseHolds(ctx context.Context, asOf time.Time) (int, error)

	// CreatePayoutBatch creates the batch and posts one payout transaction
	// per sent item, in one transaction. The same request again returns the
	// stored batch. Returns CodeInvalid, CodeConflict when the batch id
	// exists with other parameters.
	CreatePayoutBatch(ctx context.Context, req NewPayoutBatch) (*PayoutBatch, error)

	// FindPayoutBatch returns a batch with its items and details.
	// Returns CodeNotFound.
	FindPayoutBatch(ctx context.Context, id string) (*PayoutBatch, error)

	// MarkPayoutItem records the bank's answer for one sent item: paid
	// settles it, failed returns its amount to the distributor's payable
	// balance. Marking an item again with the same status is a no-op.
	// Returns CodeNotFound, CodeConflict for a held item or a change of a
	// final status.
	MarkPayoutItem(ctx context.Context, batch string, item int64, status PayoutItemStatus, reason string) error

	// Balances returns the balances of the given distributors (all with a
	// posting when ids is empty), ordered by ID.
	Balances(ctx context.Context, ids ...DistributorID) ([]DistributorBalance, error)
}
