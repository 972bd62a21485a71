package ledger

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// must returns tx and panics on a builder error: a programmer error in
// the test's own fixtures.
func must(tx Transaction, err error) Transaction {
	if err != nil {
		panic(err)
	}
	return tx
}

func mustApply(t *testing.T, b *Book, tx Transaction) {
	t.Helper()
	if _, err := b.Apply(tx); err != nil {
		t.Fatal(err)
	}
}

func TestBookIdempotent(t *testing.T) {
	t.Parallel()
	b := NewBook()
	tx := must(Earnings("2026-10", "EUR", []Earning{{Distributor: 1, Amount: 100}}))
	if ok, err := b.Apply(tx); !ok || err != nil {
		t.Fatalf("first Apply = %v, %v; want true, nil", ok, err)
	}
	// The same content with postings in another order is a retry.
	retry := tx
	retry.Postings = []Posting{tx.Postings[1], tx.Postings[0]}
	if ok, err := b.Apply(retry); ok || err != nil {
		t.Fatalf("retry Apply = %v, %v; want false, nil", ok, err)
	}
	other := must(Earnings("2026-10", "EUR", []Earning{{Distributor: 1, Amount: 101}}))
	if _, err := b.Apply(other); !errors.Is(err, ErrConflict) {
		t.Fatalf("conflicting Apply error = %v, want ErrConflict", err)
	}
	if got := b.Balance(DistributorAccount(Earned, 1), "EUR"); got != -100 {
		t.Errorf("earned balance = %d, want -100 (credited once)", got)
	}
	if n := len(b.Transactions()); n != 1 {
		t.Errorf("len(Transactions) = %d, want 1", n)
	}
}

func TestBookRejectsInvalid(t *testing.T) {
	t.Parallel()
	eur := func(a Account, amt int64) Posting { return Posting{Account: a, Amount: amt, Currency: "EUR"} }
	d1, exp := DistributorAccount(Payable, 1), CompanyAccount(AdjustmentExpense)
	tests := []struct {
		name string
		tx   Transaction
		want error
	}{
		{"unbalanced", Transaction{ID: "x", Kind: KindSettlement, Postings: []Posting{eur(d1, 5), eur(exp, -4)}}, ErrUnbalanced},
		{"one posting", Transaction{ID: "x", Kind: KindSettlement, Postings: []Posting{eur(d1, 0)}}, ErrUnbalanced},
		{"zero posting", Transaction{ID: "x", Kind: KindSettlement, Postings: []Posting{eur(d1, 5), eur(exp, -5), eur(exp, 0)}}, ErrInvalid},
		{"currencies unbalanced", Transaction{ID: "x", Kind: KindSettlement, Postings: []Posting{eur(d1, 5), {Account: exp, Amount: -5, Currency: "USD"}}}, ErrUnbalanced},
		{"no id", Transaction{Kind: KindSettlement, Postings: []Posting{eur(d1, 5), eur(exp, -5)}}, ErrInvalid},
		{"unknown kind", Transaction{ID: "x", Kind: "gift", Postings: []Posting{eur(d1, 5), eur(exp, -5)}}, ErrInvalid},
		{"company account with owner", Transaction{ID: "x", Kind: KindSettlement, Postings: []Posting{eur(d1, 5), eur(Account{Kind: Bank, Distributor: 3}, -5)}}, ErrInvalid},
		{"reversal of nothing", Reverse(Transaction{ID: "y", Kind: KindSettlement, Postings: []Posting{eur(d1, 5), eur(exp, -5)}}, "oops"), ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := NewBook()
			if _, err := b.Apply(tt.tx); !errors.Is(err, tt.want) {
				t.Errorf("Apply error = %v, want %v", err, tt.want)
			}
			if len(b.Balances()) != 0 || len(b.Transactions()) != 0 {
				t.Errorf("book changed after a rejected transaction")
			}
		})
	}
}

// TestLifecycle walks one distributor through earn, hold, clawback,
// release, blocked payout, adjustment and payout, checking balances by
// hand at each step.
func TestLifecycle(t *testing.T) {
	t.Parallel()
	b := NewBook()
	const d = 2
	// October: seller 2 earns 20000 (20 % of 100000), upline 1 earns 6000.
	mustApply(t, b, must(Earnings("2026-10", "USD", []Earning{{Distributor: d, Amount: 20000}, {Distributor: 1, Amount: 6000}})))
	// The order is refunded in full during the hold (TX-09 (d)).
	mustApply(t, b, must(Clawback("R1", "USD", 100000, 100000, []ClawbackLine{{Distributor: d, Amount: 20000, Ref: "line:1"}, {Distributor: 1, Amount: 6000, Ref: "line:2"}})))
	// The hold ends; the commissions move to payable.
	mustApply(t, b, must(HoldRelease("2026-10:2026-11-30", "USD", []Release{{Distributor: d, Amount: 20000}, {Distributor: 1, Amount: 6000}})))
	if got := b.Available(d, "USD"); got != 0 {
		t.Fatalf("Available after full clawback = %d, want 0", got)
	}
	// No payout: the net balance is 20000 - 20000 = 0.
	pay := must(Payout(PayoutItem{Batch: "B1", Item: "1", Distributor: d, Currency: "USD", Amount: 1}))
	if _, err := b.Apply(pay); !errors.Is(err, ErrPayoutBlocked) {
		t.Fatalf("payout on zero balance error = %v, want ErrPayoutBlocked", err)
	}
	// A deduction of 500 makes the balance negative: carried forward.
	mustApply(t, b, must(ManualAdjustment(Adjustment{Key: "A1", Distributor: d, Currency: "USD", Amount: -500, Reason: "fee", Requester: "ann", Approver: "bob"})))
	if got := b.Available(d, "USD"); got != -500 {
		t.Fatalf("Available after deduction = %d, want -500", got)
	}
	// November earnings of 1200, released: net 1200 - 500 = 700.
	mustApply(t, b, must(Earnings("2026-11", "USD", []Earning{{Distributor: d, Amount: 1200}})))
	mustApply(t, b, must(HoldRelease("2026-11:2026-12-31", "USD", []Release{{Distributor: d, Amount: 1200}})))
	if got := b.Available(d, "USD"); got != 700 {
		t.Fatalf("Available = %d, want 700", got)
	}
	// Paying 701 is more than owed; 700 netting the 20000 receivable works.
	over := must(Payout(PayoutItem{Batch: "B2", Item: "1", Distributor: d, Currency: "USD", Amount: 701, Receivable: 20000}))
	if _, err := b.Apply(over); !errors.Is(err, ErrPayoutBlocked) {
		t.Fatalf("overpayment error = %v, want ErrPayoutBlocked", err)
	}
	item := PayoutItem{Batch: "B2", Item: "1", Distributor: d, Currency: "USD", Amount: 700, Receivable: 20000}
	mustApply(t, b, must(Payout(item)))
	if got := b.Available(d, "USD"); got != 0 {
		t.Fatalf("Available after payout = %d, want 0", got)
	}
	// The bank rejects the item: the 700 returns to payable.
	mustApply(t, b, must(PayoutFailure(item, "closed account")))
	if got := b.Available(d, "USD"); got != 700 {
		t.Fatalf("Available after failed payout = %d, want 700", got)
	}
	want := []Balance{
		{Account: DistributorAccount(Payable, 1), Currency: "USD", Amount: -6000},
		{Account: DistributorAccount(Payable, d), Currency: "USD", Amount: -700},
		{Account: DistributorAccount(ClawbackReceivable, 1), Currency: "USD", Amount: 6000},
		// 20000 + 6000 - 26000 + 1200 = 1200
		{Account: CompanyAccount(CommissionExpense), Currency: "USD", Amount: 1200},
		{Account: CompanyAccount(AdjustmentExpense), Currency: "USD", Amount: -500},
	}
	if diff := cmp.Diff(sortBalances(want), b.Balances()); diff != "" {
		t.Errorf("Balances diff (-want +got):\n%s", diff)
	}
}

func TestHoldReleaseLimitedToEarned(t *testing.T) {
	t.Parallel()
	b := NewBook()
	mustApply(t, b, must(Earnings("2026-10", "EUR", []Earning{{Distributor: 1, Amount: 100}})))
	rel := must(HoldRelease("k", "EUR", []Release{{Distributor: 1, Amount: 101}}))
	if _, err := b.Apply(rel); !errors.Is(err, ErrInvalid) {
		t.Errorf("over-release error = %v, want ErrInvalid", err)
	}
}

func TestReverse(t *testing.T) {
	t.Parallel()
	b := NewBook()
	tx := must(Earnings("2026-10", "EUR", []Earning{{Distributor: 1, Amount: 100}, {Distributor: 2, Amount: 50}}))
	mustApply(t, b, tx)
	rev := Reverse(tx, "wrong plan version")
	mustApply(t, b, rev)
	if got := b.Balances(); len(got) != 0 {
		t.Errorf("Balances after reversal = %v, want none", got)
	}
	// A second reversal under another id is refused.
	again := rev
	again.ID = "reverse-again"
	if _, err := b.Apply(again); !errors.Is(err, ErrConflict) {
		t.Errorf("second reversal error = %v, want ErrConflict", err)
	}
	// A "reversal" that does not mirror the original is refused.
	b2 := NewBook()
	mustApply(t, b2, tx)
	bad := Reverse(tx, "x")
	bad.Postings[0].Amount--
	bad.Postings[2].Amount++
	if _, err := b2.Apply(bad); !errors.Is(err, ErrInvalid) {
		t.Errorf("non-mirroring reversal error = %v, want ErrInvalid", err)
	}
}

func TestParseAccount(t *testing.T) {
	t.Parallel()
	for _, a := range []Account{DistributorAccount(Payable, 42), CompanyAccount(Bank), DistributorAccount(ClawbackReceivable, 1)} {
		got, err := ParseAccount(a.String())
		if err != nil || got != a {
			t.Errorf("ParseAccount(%q) = %v, %v; want %v", a.String(), got, err, a)
		}
	}
	for _, s := range []string{"", "company:earned", "distributor:0:payable", "distributor:x:payable", "company:bank:1", "distributor:1:bank"} {
		if _, err := ParseAccount(s); !errors.Is(err, ErrInvalid) {
			t.Errorf("ParseAccount(%q) error = %v, want ErrInvalid", s, err)
		}
	}
}

func sortBalances(bs []Balance) []Balance {
	b := NewBook()
	for _, x := range bs {
		b.balances[balanceKey{x.Account, x.Currency}] = x.Amount
	}
	return b.Balances()
}
