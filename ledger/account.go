package ledger

import (
	"fmt"
	"strconv"
	"strings"
)

// AccountKind says what an account holds. Per-distributor kinds carry the
// distributor's id in Account.Distributor; company kinds carry zero.
type AccountKind string

// The account kinds. Amounts follow the debit-positive convention (see
// Posting), so liabilities such as Earned and Payable normally have
// negative (credit) balances.
const (
	// Earned holds a distributor's commissions that are still on hold
	// (the cooling-off window, TX-09). Liability of the company.
	Earned AccountKind = "earned"
	// Payable holds a distributor's commissions released from hold and
	// not yet paid out. Liability of the company.
	Payable AccountKind = "payable"
	// ClawbackReceivable holds what a distributor owes back after refunds
	// of orders whose commissions were already booked. Asset of the
	// company; netted against Payable at payout.
	ClawbackReceivable AccountKind = "clawback_receivable"
	// CommissionExpense is the company's commission cost.
	CommissionExpense AccountKind = "commission_expense"
	// AdjustmentExpense is the company's cost (or recovery) from manual
	// adjustments, kept apart from plan-computed commissions.
	AdjustmentExpense AccountKind = "adjustment_expense"
	// PayoutsClearing holds payouts sent to the bank or a payment provider
	// and not yet settled.
	PayoutsClearing AccountKind = "payouts_clearing"
	// Bank is the company's bank account that payouts settle from.
	Bank AccountKind = "bank"
)

// IsDistributorKind reports whether accounts of kind k belong to one
// distributor.
func (k AccountKind) IsDistributorKind() bool {
	switch k {
	case Earned, Payable, ClawbackReceivable:
		return true
	}
	return false
}

// isCompanyKind reports whether accounts of kind k belong to the company.
func (k AccountKind) isCompanyKind() bool {
	switch k {
	case CommissionExpense, AdjustmentExpense, PayoutsClearing, Bank:
		return true
	}
	return false
}

// Account identifies one account of the ledger. The zero value is not a
// valid account.
type Account struct {
	Kind        AccountKind
	Distributor int64 // owner for distributor kinds; 0 for company kinds
}

// DistributorAccount returns the account of kind k owned by distributor d.
func DistributorAccount(k AccountKind, d int64) Account {
	return Account{Kind: k, Distributor: d}
}

// CompanyAccount returns the company's account of kind k.
func CompanyAccount(k AccountKind) Account { return Account{Kind: k} }

// Validate reports an error when a has an unknown kind, a distributor kind
// without a positive distributor id, or a company kind with one.
func (a Account) Validate() error {
	switch {
	case a.Kind.IsDistributorKind():
		if a.Distributor <= 0 {
			return fmt.Errorf("account %s: distributor id %d is not positive: %w", a.Kind, a.Distributor, ErrInvalid)
		}
	case a.Kind.isCompanyKind():
		if a.Distributor != 0 {
			return fmt.Errorf("account %s: company account has distributor id %d: %w", a.Kind, a.Distributor, ErrInvalid)
		}
	default:
		return fmt.Errorf("account kind %q: unknown: %w", a.Kind, ErrInvalid)
	}
	return nil
}

// String returns a stable text form: "distributor:42:payable" or
// "company:bank". ParseAccount reads it back.
func (a Account) String() string {
	if a.Kind.IsDistributorKind() {
		return "distributor:" + strconv.FormatInt(a.Distributor, 10) + ":" + string(a.Kind)
	}
	return "company:" + string(a.Kind)
}

// ParseAccount parses the form written by Account.String.
func ParseAccount(s string) (Account, error) {
	parts := strings.Split(s, ":")
	var a Account
	switch {
	case len(parts) == 2 && parts[0] == "company":
		a = Account{Kind: AccountKind(parts[1])}
	case len(parts) == 3 && parts[0] == "distributor":
		id, err := strconv.ParseInt(parts[1], 10, 64)
		if err != nil {
			return Account{}, fmt.Errorf("parse account %q: distributor id: %w", s, ErrInvalid)
		}
		a = Account{Kind: AccountKind(parts[2]), Distributor: id}
	default:
		return Account{}, fmt.Errorf("parse account %q: want company:KIND or distributor:ID:KIND: %w", s, ErrInvalid)
	}
	if err := a.Validate(); err != nil {
		return Account{}, fmt.Errorf("parse account %q: %w", s, err)
	}
	return a, nil
}

// compare orders accounts by kind, then distributor, for deterministic
// output.
func (a Account) compare(b Account) int {
	if c := strings.Compare(string(a.Kind), string(b.Kind)); c != 0 {
		return c
	}
	switch {
	case a.Distributor < b.Distributor:
		return -1
	case a.Distributor > b.Distributor:
		return 1
	}
	return 0
}
