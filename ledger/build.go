package ledger

import (
	"errors"
	"fmt"
	"slices"
)

// ErrSelfApproval marks a manual adjustment approved by the person who
// requested it while the two-person rule is on.
var ErrSelfApproval = errors.New("requester cannot approve")

// Earning is one distributor's total commission from a closed run.
type Earning struct {
	Distributor int64
	Amount      int64
}

// Earnings builds the transaction that posts a closed run: for each
// distributor, credit their Earned account with the total; debit
// CommissionExpense with the sum. Several entries for one distributor are
// added up; zero totals are left out. The id is "run:" + runKey + ":close"
// (runKey is the period, e.g. "2026-10"). It fails with ErrNothingToPost
// when every total is zero.
func Earnings(runKey, currency string, earnings []Earning) (Transaction, error) {
	id := "run:" + runKey + ":close"
	// Sort a copy and merge neighbours: cheaper than a map at a million
	// distributors, and it gives the postings their order.
	es := slices.Clone(earnings)
	slices.SortFunc(es, func(a, b Earning) int { return compareInt64(a.Distributor, b.Distributor) })
	t := Transaction{ID: id, Kind: KindEarnings, Memo: "commissions of run " + runKey, Postings: make([]Posting, 0, len(es)+1)}
	var sum int64
	for i := 0; i < len(es); {
		d, total := es[i].Distributor, int64(0)
		for ; i < len(es) && es[i].Distributor == d; i++ {
			var ok bool
			if total, ok = addInt64(total, es[i].Amount); !ok {
				return Transaction{}, fmt.Errorf("earnings %q: distributor %d: total overflows: %w", id, d, ErrInvalid)
			}
		}
		if total == 0 {
			continue
		}
		var ok bool
		if sum, ok = addInt64(sum, total); !ok {
			return Transaction{}, fmt.Errorf("earnings %q: run total overflows: %w", id, ErrInvalid)
		}
		t.Postings = append(t.Postings, Posting{Account: DistributorAccount(Earned, d), Amount: -total, Currency: currency})
	}
	if len(t.Postings) == 0 {
		return Transaction{}, fmt.Errorf("earnings %q: %w", id, ErrNothingToPost)
	}
	if sum != 0 {
		t.Postings = append(t.Postings, Posting{Account: CompanyAccount(CommissionExpense), Amount: sum, Currency: currency})
	}
	return t, checked(t)
}

// Release is an amount of a distributor's earned commission whose hold
// has ended.
type Release struct {
	Distributor int64
	Amount      int64 // positive
}

// HoldRelease builds the transaction that moves held commissions from
// Earned to Payable once the hold (30 days by default, TX-09) is over.
// The id is "release:" + key; key names what is released, e.g. the run
// and release date "2026-10:2026-12-01".
func HoldRelease(key, currency string, releases []Release) (Transaction, error) {
	id := "release:" + key
	t := Transaction{ID: id, Kind: KindHoldRelease, Memo: "hold ended: " + key}
	rs := slices.Clone(releases)
	slices.SortStableFunc(rs, func(a, b Release) int { return compareInt64(a.Distributor, b.Distributor) })
	for _, r := range rs {
		if r.Amount <= 0 {
			return Transaction{}, fmt.Errorf("hold release %q: distributor %d: amount %d is not positive: %w", id, r.Distributor, r.Amount, ErrInvalid)
		}
		t.Postings = append(t.Postings,
			Posting{Account: DistributorAccount(Earned, r.Distributor), Amount: r.Amount, Currency: currency},
			Posting{Account: DistributorAccount(Payable, r.Distributor), Amount: -r.Amount, Currency: currency})
	}
	if len(t.Postings) == 0 {
		return Transaction{}, fmt.Errorf("hold release %q: %w", id, ErrNothingToPost)
	}
	return t, checked(t)
}

// PayoutItem is one distributor's share of a payout batch.
type PayoutItem struct {
	Batch       string
	Item        string
	Distributor int64
	Currency    string
	// Amount is what is sent to the distributor: Payable minus Receivable.
	Amount int64
	// Receivable is the outstanding clawback receivable netted against
	// the payable balance in this payout (0 when there is none).
	Receivable int64
}

// PayoutID returns the id of the payout transaction of an item.
func PayoutID(batch, item string) string { return "payout:" + batch + ":item:" + item }

// Payout builds the transaction that pays an item: debit the
// distributor's Payable with Amount + Receivable, credit their
// ClawbackReceivable with Receivable and PayoutsClearing with Amount. The
// id is "payout:" + batch + ":item:" + item. The Book rejects it when it
// exceeds what the distributor is owed.
func Payout(p PayoutItem) (Transaction, error) {
	id := PayoutID(p.Batch, p.Item)
	if p.Amount <= 0 || p.Receivable < 0 {
		return Transaction{}, fmt.Errorf("payout %q: amount %d and receivable %d: want a positive amount and no negative receivable: %w", id, p.Amount, p.Receivable, ErrInvalid)
	}
	gross, ok := addInt64(p.Amount, p.Receivable)
	if !ok {
		return Transaction{}, fmt.Errorf("payout %q: amount overflows: %w", id, ErrInvalid)
	}
	t := Transaction{ID: id, Kind: KindPayout, Memo: fmt.Sprintf("payout batch %s item %s", p.Batch, p.Item)}
	t.Postings = append(t.Postings, Posting{Account: DistributorAccount(Payable, p.Distributor), Amount: gross, Currency: p.Currency})
	if p.Receivable > 0 {
		t.Postings = append(t.Postings, Posting{Account: DistributorAccount(ClawbackReceivable, p.Distributor), Amount: -p.Receivable, Currency: p.Currency})
	}
	t.Postings = append(t.Postings, Posting{Account: CompanyAccount(PayoutsClearing), Amount: -p.Amount, Currency: p.Currency})
	return t, checked(t)
}

// PayoutFailure builds the transaction that returns a failed item's
// Amount from PayoutsClearing to the distributor's Payable. The id is the
// payout's id + ":failed". Other items of the batch are unaffected.
func PayoutFailure(p PayoutItem, reason string) (Transaction, error) {
	id := PayoutID(p.Batch, p.Item) + ":failed"
	if p.Amount <= 0 {
		return Transaction{}, fmt.Errorf("payout failure %q: amount %d is not positive: %w", id, p.Amount, ErrInvalid)
	}
	t := Transaction{ID: id, Kind: KindPayoutFailure, Memo: reason, Postings: []Posting{
		{Account: CompanyAccount(PayoutsClearing), Amount: p.Amount, Currency: p.Currency},
		{Account: DistributorAccount(Payable, p.Distributor), Amount: -p.Amount, Currency: p.Currency},
	}}
	return t, checked(t)
}

// Settlement builds the transaction that settles a batch's sent items
// from PayoutsClearing against the Bank account. The id is "payout:" +
// batch + ":settled".
func Settlement(batch, currency string, amount int64) (Transaction, error) {
	id := "payout:" + batch + ":settled"
	if amount <= 0 {
		return Transaction{}, fmt.Errorf("settlement %q: amount %d is not positive: %w", id, amount, ErrInvalid)
	}
	t := Transaction{ID: id, Kind: KindSettlement, Memo: "bank settlement of batch " + batch, Postings: []Posting{
		{Account: CompanyAccount(PayoutsClearing), Amount: amount, Currency: currency},
		{Account: CompanyAccount(Bank), Amount: -amount, Currency: currency},
	}}
	return t, checked(t)
}

// ClawbackLine is one commission line produced by a refunded order.
type ClawbackLine struct {
	Distributor int64
	Amount      int64  // the line's original amount
	Ref         string // the line's id, e.g. "line:1234"
}

// Clawback builds the transaction for a refund of an order whose period
// is closed. For each line the order produced, the distributor owes back
// the refunded fraction (refunded / orderTotal) of the line's amount,
// computed exactly and rounded once to the minor unit, half away from
// zero; that amount is debited to their ClawbackReceivable (one posting
// per line, with its Ref) and the total credited to CommissionExpense.
// The id is "refund:" + refund + ":clawback". Rejecting a second refund of
// the same amount is the caller's job (it knows the refund history); the
// Book rejects a reused refund id with other content.
func Clawback(refund, currency string, refunded, orderTotal int64, lines []ClawbackLine) (Transaction, error) {
	id := "refund:" + refund + ":clawback"
	if orderTotal <= 0 || refunded <= 0 || refunded > orderTotal {
		return Transaction{}, fmt.Errorf("clawback %q: refunded %d of %d: want 0 < refunded <= order total: %w", id, refunded, orderTotal, ErrInvalid)
	}
	t := Transaction{ID: id, Kind: KindClawback, Memo: fmt.Sprintf("refund %s: %d of %d refunded", refund, refunded, orderTotal)}
	ls := slices.Clone(lines)
	slices.SortStableFunc(ls, func(a, b ClawbackLine) int {
		if c := compareInt64(a.Distributor, b.Distributor); c != 0 {
			return c
		}
		return compareString(a.Ref, b.Ref)
	})
	var sum int64
	for _, l := range ls {
		amt, err := mulDiv(l.Amount, refunded, orderTotal)
		if err != nil {
			return Transaction{}, fmt.Errorf("clawback %q: line %q: %w", id, l.Ref, err)
		}
		if amt == 0 {
			continue
		}
		var ok bool
		if sum, ok = addInt64(sum, amt); !ok {
			return Transaction{}, fmt.Errorf("clawback %q: total overflows: %w", id, ErrInvalid)
		}
		t.Postings = append(t.Postings, Posting{Account: DistributorAccount(ClawbackReceivable, l.Distributor), Amount: amt, Currency: currency, Ref: l.Ref})
	}
	if len(t.Postings) == 0 {
		return Transaction{}, fmt.Errorf("clawback %q: %w", id, ErrNothingToPost)
	}
	if sum != 0 {
		t.Postings = append(t.Postings, Posting{Account: CompanyAccount(CommissionExpense), Amount: -sum, Currency: currency})
	}
	return t, checked(t)
}

// Adjustment is a manual correction of a distributor's balance.
type Adjustment struct {
	Key         string // unique key of the request; the id is "adjustment:" + Key
	Distributor int64
	Currency    string
	Amount      int64 // positive credits the distributor, negative debits
	Reason      string
	Requester   string
	Approver    string
	// TwoPerson turns on the two-person rule: the approver must differ
	// from the requester.
	TwoPerson bool
}

// ManualAdjustment builds the transaction of a manual adjustment: credit
// (or debit) the distributor's Payable, against AdjustmentExpense. It
// needs a reason and an approver, and under the two-person rule an
// approver other than the requester (ErrSelfApproval).
func ManualAdjustment(a Adjustment) (Transaction, error) {
	id := "adjustment:" + a.Key
	switch {
	case a.Key == "":
		return Transaction{}, fmt.Errorf("adjustment: empty key: %w", ErrInvalid)
	case a.Amount == 0:
		return Transaction{}, fmt.Errorf("adjustment %q: zero amount: %w", id, ErrInvalid)
	case a.Reason == "":
		return Transaction{}, fmt.Errorf("adjustment %q: empty reason: %w", id, ErrInvalid)
	case a.Approver == "":
		return Transaction{}, fmt.Errorf("adjustment %q: empty approver: %w", id, ErrInvalid)
	case a.TwoPerson && a.Approver == a.Requester:
		return Transaction{}, fmt.Errorf("adjustment %q: %q requested and approved: %w", id, a.Approver, ErrSelfApproval)
	}
	t := Transaction{ID: id, Kind: KindAdjustment, Memo: a.Reason, Requester: a.Requester, Approver: a.Approver, Postings: []Posting{
		{Account: DistributorAccount(Payable, a.Distributor), Amount: -a.Amount, Currency: a.Currency},
		{Account: CompanyAccount(AdjustmentExpense), Amount: a.Amount, Currency: a.Currency},
	}}
	return t, checked(t)
}

// checked validates a built transaction, so that builders never return
// one the Book would refuse as malformed.
func checked(t Transaction) error {
	if err := t.Validate(); err != nil {
		return err
	}
	return nil
}

func compareInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func compareString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
