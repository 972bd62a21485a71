// Package ledger is Downline's double-entry ledger: accounts, transactions
// made of postings that sum to zero per currency, and an in-memory Book
// that applies transactions idempotently and derives every balance from
// postings. It is pure: no storage, no clock, no randomness. The store
// persists the transactions this package builds and checks.
package ledger

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
)

// Sentinel errors that callers branch on. Errors returned by this package
// wrap one of them with context naming the transaction and field.
var (
	// ErrInvalid marks a malformed account, posting or transaction.
	ErrInvalid = errors.New("invalid")
	// ErrUnbalanced marks a transaction whose postings do not sum to zero
	// in some currency.
	ErrUnbalanced = errors.New("unbalanced")
	// ErrConflict marks a transaction whose id was already applied with
	// other content, or a second reversal of one transaction.
	ErrConflict = errors.New("conflict")
	// ErrNotFound marks a reversal of a transaction the book does not hold.
	ErrNotFound = errors.New("not found")
	// ErrPayoutBlocked marks a payout larger than what the distributor is
	// owed, including a payout while the net balance is zero or negative.
	ErrPayoutBlocked = errors.New("payout blocked")
	// ErrNothingToPost marks a builder call that would yield a transaction
	// without postings (for example a run in which nobody earned).
	ErrNothingToPost = errors.New("nothing to post")
)

// Kind says which business event a transaction records. The Book applies
// rules by kind (payouts must not exceed what is owed).
type Kind string

// The transaction kinds.
const (
	KindEarnings      Kind = "earnings"       // a closed run's commissions
	KindHoldRelease   Kind = "hold_release"   // earned → payable after the hold
	KindPayout        Kind = "payout"         // payable → payouts clearing
	KindPayoutFailure Kind = "payout_failure" // payouts clearing → payable
	KindSettlement    Kind = "settlement"     // payouts clearing → bank
	KindClawback      Kind = "clawback"       // refund of an order in a closed period
	KindAdjustment    Kind = "adjustment"     // manual, with reason and approver
	KindReversal      Kind = "reversal"       // undoes another transaction
)

func (k Kind) valid() bool {
	switch k {
	case KindEarnings, KindHoldRelease, KindPayout, KindPayoutFailure,
		KindSettlement, KindClawback, KindAdjustment, KindReversal:
		return true
	}
	return false
}

// Posting moves Amount minor units of Currency into or out of Account.
// Amounts are debit-positive: a positive amount debits the account, a
// negative one credits it. A transaction's postings sum to zero per
// currency.
type Posting struct {
	Account  Account
	Amount   int64
	Currency string // ISO 4217, three upper-case letters
	Ref      string // optional source reference, e.g. "line:1234"
}

// Transaction is one balanced business event. Its ID is derived from its
// purpose ("run:2026-10:close", "payout:B7:item:42"), so that retrying the
// same event yields the same id and the Book applies it once.
type Transaction struct {
	ID        string
	Kind      Kind
	Memo      string // human explanation; adjustments carry the reason here
	Requester string // who asked for a manual adjustment
	Approver  string // who approved a manual adjustment
	Reverses  string // for KindReversal: the id of the reversed transaction
	Postings  []Posting
}

// Balanced checks the double-entry invariants of t: at least two
// postings, none of them zero, and per currency the amounts sum to zero.
// The error wraps ErrUnbalanced or ErrInvalid.
func Balanced(t Transaction) error {
	if len(t.Postings) < 2 {
		return fmt.Errorf("transaction %q: %d postings, want at least 2: %w", t.ID, len(t.Postings), ErrUnbalanced)
	}
	sums := map[string]int64{}
	for i, p := range t.Postings {
		if p.Amount == 0 {
			return fmt.Errorf("transaction %q: posting %d (%s): zero amount: %w", t.ID, i, p.Account, ErrInvalid)
		}
		s, ok := addInt64(sums[p.Currency], p.Amount)
		if !ok {
			return fmt.Errorf("transaction %q: posting %d (%s): sum overflows: %w", t.ID, i, p.Account, ErrInvalid)
		}
		sums[p.Currency] = s
	}
	for _, cur := range sortedKeys(sums) {
		if sums[cur] != 0 {
			return fmt.Errorf("transaction %q: %s postings sum to %d, want 0: %w", t.ID, cur, sums[cur], ErrUnbalanced)
		}
	}
	return nil
}

// Validate checks that t is well formed and Balanced: a non-empty id, a
// known kind, valid accounts and currencies, a Reverses id exactly for
// reversals, and a reason and approver for adjustments.
func (t Transaction) Validate() error {
	if t.ID == "" {
		return fmt.Errorf("transaction: empty id: %w", ErrInvalid)
	}
	if !t.Kind.valid() {
		return fmt.Errorf("transaction %q: kind %q: unknown: %w", t.ID, t.Kind, ErrInvalid)
	}
	if (t.Kind == KindReversal) != (t.Reverses != "") {
		return fmt.Errorf("transaction %q: reverses %q does not fit kind %s: %w", t.ID, t.Reverses, t.Kind, ErrInvalid)
	}
	if t.Kind == KindAdjustment && (t.Memo == "" || t.Approver == "") {
		return fmt.Errorf("transaction %q: adjustment needs a reason and an approver: %w", t.ID, ErrInvalid)
	}
	for i, p := range t.Postings {
		if err := p.Account.Validate(); err != nil {
			return fmt.Errorf("transaction %q: posting %d: %w", t.ID, i, err)
		}
		if !isCurrency(p.Currency) {
			return fmt.Errorf("transaction %q: posting %d: currency %q: want three upper-case letters: %w", t.ID, i, p.Currency, ErrInvalid)
		}
	}
	return Balanced(t)
}

// Equal reports whether t and u have the same content: the same fields
// and the same postings in any order. The Book uses it to tell a harmless
// retry from a conflicting reuse of an id.
func (t Transaction) Equal(u Transaction) bool {
	if t.ID != u.ID || t.Kind != u.Kind || t.Memo != u.Memo || t.Requester != u.Requester ||
		t.Approver != u.Approver || t.Reverses != u.Reverses || len(t.Postings) != len(u.Postings) {
		return false
	}
	a, b := sortedPostings(t.Postings), sortedPostings(u.Postings)
	return slices.Equal(a, b)
}

// Reverse returns the transaction that undoes t: the same postings with
// the opposite sign, id "reverse:" + t.ID and the given reason as memo.
// Corrections are always reversals plus new transactions, never edits.
func Reverse(t Transaction, reason string) Transaction {
	ps := make([]Posting, len(t.Postings))
	for i, p := range t.Postings {
		p.Amount = -p.Amount
		ps[i] = p
	}
	return Transaction{
		ID:       "reverse:" + t.ID,
		Kind:     KindReversal,
		Memo:     reason,
		Reverses: t.ID,
		Postings: ps,
	}
}

// sortedPostings returns a sorted copy of ps: by account, currency,
// reference, then amount.
func sortedPostings(ps []Posting) []Posting {
	out := slices.Clone(ps)
	slices.SortFunc(out, comparePostings)
	return out
}

func comparePostings(a, b Posting) int {
	if c := a.Account.compare(b.Account); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Currency, b.Currency); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Ref, b.Ref); c != 0 {
		return c
	}
	return cmp.Compare(a.Amount, b.Amount)
}

func isCurrency(s string) bool {
	if len(s) != 3 {
		return false
	}
	for i := 0; i < 3; i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

// addInt64 returns a + b and reports whether it fits int64.
func addInt64(a, b int64) (int64, bool) {
	s := a + b
	if (a > 0 && b > 0 && s < 0) || (a < 0 && b < 0 && s >= 0) {
		return 0, false
	}
	return s, true
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
