package ledger

import (
	"cmp"
	"fmt"
	"slices"
)

// Balance is the balance of one account in one currency, debit-positive.
type Balance struct {
	Account  Account
	Currency string
	Amount   int64
}

type balanceKey struct {
	account  Account
	currency string
}

// Book is an in-memory ledger. It applies transactions idempotently,
// derives balances from their postings only, and enforces the payout
// rules. A Book is not safe for concurrent use; the store serialises
// writers in its own transactions and uses a Book (or the same rules) to
// decide.
type Book struct {
	txs        map[string]Transaction
	order      []string
	balances   map[balanceKey]int64
	reversedBy map[string]string
}

// NewBook returns an empty book.
func NewBook() *Book {
	return &Book{
		txs:        map[string]Transaction{},
		balances:   map[balanceKey]int64{},
		reversedBy: map[string]string{},
	}
}

// Apply records t. It reports whether t was new: applying a transaction
// whose id is already in the book with equal content is a no-op (false,
// nil); with other content it fails with ErrConflict. Apply also fails
// when t is not valid (ErrInvalid, ErrUnbalanced), when a reversal does not
// mirror a transaction in the book (ErrNotFound, ErrInvalid, ErrConflict),
// when a payout exceeds what a distributor is owed or is made while the
// net balance is not positive (ErrPayoutBlocked), or when a hold release
// releases more than was earned (ErrInvalid). On error the book is
// unchanged.
func (b *Book) Apply(t Transaction) (bool, error) {
	if err := t.Validate(); err != nil {
		return false, fmt.Errorf("apply: %w", err)
	}
	if old, ok := b.txs[t.ID]; ok {
		if old.Equal(t) {
			return false, nil
		}
		return false, fmt.Errorf("apply transaction %q: id already used with other content: %w", t.ID, ErrConflict)
	}
	if t.Kind == KindReversal {
		if err := b.checkReversal(t); err != nil {
			return false, fmt.Errorf("apply transaction %q: %w", t.ID, err)
		}
	}
	// Postings sorted by account and currency put every account's
	// postings next to each other: sum each run onto the old balance.
	sorted := sortedPostings(t.Postings)
	changes := make([]Balance, 0, len(sorted))
	for i := 0; i < len(sorted); {
		a, cur := sorted[i].Account, sorted[i].Currency
		v := b.balances[balanceKey{a, cur}]
		for ; i < len(sorted) && sorted[i].Account == a && sorted[i].Currency == cur; i++ {
			var ok bool
			if v, ok = addInt64(v, sorted[i].Amount); !ok {
				return false, fmt.Errorf("apply transaction %q: balance of %s overflows: %w", t.ID, a, ErrInvalid)
			}
		}
		changes = append(changes, Balance{Account: a, Currency: cur, Amount: v})
	}
	if t.Kind == KindPayout || t.Kind == KindHoldRelease {
		next := make(map[balanceKey]int64, len(changes))
		for _, c := range changes {
			next[balanceKey{c.Account, c.Currency}] = c.Amount
		}
		if err := b.checkRules(t, next); err != nil {
			return false, fmt.Errorf("apply transaction %q: %w", t.ID, err)
		}
	}
	for _, c := range changes {
		k := balanceKey{c.Account, c.Currency}
		if c.Amount == 0 {
			delete(b.balances, k)
		} else {
			b.balances[k] = c.Amount
		}
	}
	stored := t
	stored.Postings = sorted
	b.txs[t.ID] = stored
	b.order = append(b.order, t.ID)
	if t.Kind == KindReversal {
		b.reversedBy[t.Reverses] = t.ID
	}
	return true, nil
}

// checkReversal requires that t undoes exactly one transaction in the
// book that has not been reversed yet.
func (b *Book) checkReversal(t Transaction) error {
	orig, ok := b.txs[t.Reverses]
	if !ok {
		return fmt.Errorf("reverses %q: no such transaction: %w", t.Reverses, ErrNotFound)
	}
	if by, ok := b.reversedBy[t.Reverses]; ok {
		return fmt.Errorf("reverses %q: already reversed by %q: %w", t.Reverses, by, ErrConflict)
	}
	want := Reverse(orig, t.Memo).Postings
	if !slices.Equal(sortedPostings(want), sortedPostings(t.Postings)) {
		return fmt.Errorf("reverses %q: postings do not mirror the original: %w", t.Reverses, ErrInvalid)
	}
	return nil
}

// checkRules applies the per-kind rules to the balances t would produce.
func (b *Book) checkRules(t Transaction, next map[balanceKey]int64) error {
	switch t.Kind {
	case KindPayout:
		for _, k := range touched(t, Payable, ClawbackReceivable) {
			before := b.Available(k.account.Distributor, k.currency)
			after := -lookup(next, b.balances, DistributorAccount(Payable, k.account.Distributor), k.currency) -
				lookup(next, b.balances, DistributorAccount(ClawbackReceivable, k.account.Distributor), k.currency)
			if before <= 0 {
				return fmt.Errorf("distributor %d: net balance %d %s is not positive: %w", k.account.Distributor, before, k.currency, ErrPayoutBlocked)
			}
			if after < 0 {
				return fmt.Errorf("distributor %d: payout exceeds net balance %d %s: %w", k.account.Distributor, before, k.currency, ErrPayoutBlocked)
			}
		}
	case KindHoldRelease:
		for _, k := range touched(t, Earned) {
			if owed := -next[k]; owed < 0 {
				return fmt.Errorf("distributor %d: release exceeds earned balance by %d %s: %w", k.account.Distributor, -owed, k.currency, ErrInvalid)
			}
		}
	}
	return nil
}

// touched returns, once per distributor and currency, a key for every
// posting of t to an account of one of the kinds, in a stable order.
func touched(t Transaction, kinds ...AccountKind) []balanceKey {
	var out []balanceKey
	seen := map[balanceKey]bool{}
	for _, p := range sortedPostings(t.Postings) {
		if !slices.Contains(kinds, p.Account.Kind) {
			continue
		}
		k := balanceKey{DistributorAccount(kinds[0], p.Account.Distributor), p.Currency}
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}

func lookup(next, base map[balanceKey]int64, a Account, cur string) int64 {
	k := balanceKey{a, cur}
	if v, ok := next[k]; ok {
		return v
	}
	return base[k]
}

// Balance returns the debit-positive balance of a in currency cur.
func (b *Book) Balance(a Account, cur string) int64 {
	return b.balances[balanceKey{a, cur}]
}

// Available returns what distributor d can be paid in currency cur: the
// payable (credit) balance minus the clawback receivable. A negative
// result is carried forward and blocks payout until it is positive.
func (b *Book) Available(d int64, cur string) int64 {
	return -b.Balance(DistributorAccount(Payable, d), cur) - b.Balance(DistributorAccount(ClawbackReceivable, d), cur)
}

// Balances returns every non-zero balance, sorted by account and currency.
func (b *Book) Balances() []Balance {
	out := make([]Balance, 0, len(b.balances))
	for k, v := range b.balances {
		out = append(out, Balance{Account: k.account, Currency: k.currency, Amount: v})
	}
	slices.SortFunc(out, func(x, y Balance) int {
		if c := x.Account.compare(y.Account); c != 0 {
			return c
		}
		return cmp.Compare(x.Currency, y.Currency)
	})
	return out
}

// Transaction returns the transaction with the given id, with its
// postings sorted, and whether the book holds it.
func (b *Book) Transaction(id string) (Transaction, bool) {
	t, ok := b.txs[id]
	if !ok {
		return Transaction{}, false
	}
	t.Postings = slices.Clone(t.Postings)
	return t, true
}

// Transactions returns the book's transactions in the order they were
// first applied.
func (b *Book) Transactions() []Transaction {
	out := make([]Transaction, len(b.order))
	for i, id := range b.order {
		out[i], _ = b.Transaction(id)
	}
	return out
}
