package ledger

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"
)

// genIndependent draws a transaction whose effect does not depend on the
// book's state: earnings, clawbacks or adjustments (no payout rules).
func genIndependent(t *rapid.T, label string) Transaction {
	cur := rapid.SampledFrom([]string{"EUR", "USD"}).Draw(t, label+"cur")
	d := func(s string) int64 { return rapid.Int64Range(1, 5).Draw(t, label+s) }
	amt := func(s string) int64 { return rapid.Int64Range(-1_000_000, 1_000_000).Draw(t, label+s) }
	key := fmt.Sprintf("%s-%d", label, rapid.IntRange(0, 1_000_000).Draw(t, label+"key"))
	var tx Transaction
	var err error
	switch rapid.IntRange(0, 2).Draw(t, label+"kind") {
	case 0:
		n := rapid.IntRange(1, 4).Draw(t, label+"n")
		es := make([]Earning, n)
		for i := range es {
			es[i] = Earning{Distributor: d(fmt.Sprint("ed", i)), Amount: amt(fmt.Sprint("ea", i))}
		}
		tx, err = Earnings(key, cur, es)
	case 1:
		total := rapid.Int64Range(1, 1_000_000).Draw(t, label+"total")
		refunded := rapid.Int64Range(1, total).Draw(t, label+"refunded")
		n := rapid.IntRange(1, 4).Draw(t, label+"n")
		ls := make([]ClawbackLine, n)
		for i := range ls {
			ls[i] = ClawbackLine{Distributor: d(fmt.Sprint("cd", i)), Amount: amt(fmt.Sprint("ca", i)), Ref: fmt.Sprint("line:", i)}
		}
		tx, err = Clawback(key, cur, refunded, total, ls)
	default:
		a := amt("adj")
		if a == 0 {
			a = 1
		}
		tx, err = ManualAdjustment(Adjustment{Key: key, Distributor: d("ad"), Currency: cur, Amount: a, Reason: "r", Requester: "a", Approver: "b", TwoPerson: true})
	}
	if err != nil {
		t.Skip(err) // all-zero draws: nothing to post
	}
	return tx
}

// genSequence draws a list of independent transactions with distinct ids.
func genSequence(t *rapid.T) []Transaction {
	n := rapid.IntRange(1, 12).Draw(t, "len")
	var txs []Transaction
	seen := map[string]bool{}
	for i := 0; i < n; i++ {
		tx := genIndependent(t, fmt.Sprint("t", i, "-"))
		if !seen[tx.ID] {
			seen[tx.ID] = true
			txs = append(txs, tx)
		}
	}
	return txs
}

func applyAll(t *rapid.T, b *Book, txs []Transaction) {
	for _, tx := range txs {
		if _, err := b.Apply(tx); err != nil {
			t.Fatalf("Apply(%s): %v", tx.ID, err)
		}
	}
}

func TestPropertyBuiltTransactionsBalance(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		tx := genIndependent(t, "x")
		if err := Balanced(tx); err != nil {
			t.Fatalf("Balanced(%+v) = %v", tx, err)
		}
	})
}

func TestPropertyBalancesSumToZero(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		b := NewBook()
		applyAll(t, b, genSequence(t))
		sums := map[string]int64{}
		for _, bal := range b.Balances() {
			sums[bal.Currency] += bal.Amount
		}
		for cur, s := range sums {
			if s != 0 {
				t.Fatalf("balances in %s sum to %d, want 0", cur, s)
			}
		}
	})
}

func TestPropertyApplyTwiceIsOnce(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		txs := genSequence(t)
		once, twice := NewBook(), NewBook()
		applyAll(t, once, txs)
		applyAll(t, twice, txs)
		for _, tx := range txs {
			if ok, err := twice.Apply(tx); ok || err != nil {
				t.Fatalf("re-Apply(%s) = %v, %v; want false, nil", tx.ID, ok, err)
			}
		}
		if diff := cmp.Diff(once.Balances(), twice.Balances()); diff != "" {
			t.Fatalf("balances differ (-once +twice):\n%s", diff)
		}
		if len(once.Transactions()) != len(twice.Transactions()) {
			t.Fatalf("transaction counts differ")
		}
	})
}

func TestPropertyReversalNetsToZero(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		txs := genSequence(t)
		b := NewBook()
		applyAll(t, b, txs)
		tx := rapid.SampledFrom(txs).Draw(t, "reversed")
		rev := Reverse(tx, "correction")
		if err := Balanced(rev); err != nil {
			t.Fatalf("Balanced(Reverse) = %v", err)
		}
		if _, err := b.Apply(rev); err != nil {
			t.Fatalf("Apply(reversal): %v", err)
		}
		// tx + reversal nets to zero: the balances equal those of a book
		// that never saw tx.
		without := NewBook()
		for _, x := range txs {
			if x.ID != tx.ID {
				applyAll(t, without, []Transaction{x})
			}
		}
		if diff := cmp.Diff(without.Balances(), b.Balances()); diff != "" {
			t.Fatalf("tx + reversal did not net to zero (-want +got):\n%s", diff)
		}
	})
}

func TestPropertyOrderIndependent(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		txs := genSequence(t)
		perm := rapid.Permutation(txs).Draw(t, "perm")
		a, b := NewBook(), NewBook()
		applyAll(t, a, txs)
		applyAll(t, b, perm)
		if diff := cmp.Diff(a.Balances(), b.Balances()); diff != "" {
			t.Fatalf("balances depend on order (-in order +permuted):\n%s", diff)
		}
	})
}

// TestPropertyPayoutNeverExceedsAvailable pays random amounts against a
// random history and checks that the Book never lets a distributor's net
// balance drop below zero through a payout, and that a refused payout
// leaves the book unchanged.
func TestPropertyPayoutNeverExceedsAvailable(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		b := NewBook()
		applyAll(t, b, genSequence(t))
		for i := 0; i < 5; i++ {
			d := rapid.Int64Range(1, 5).Draw(t, fmt.Sprint("pd", i))
			cur := rapid.SampledFrom([]string{"EUR", "USD"}).Draw(t, fmt.Sprint("pc", i))
			avail := b.Available(d, cur)
			recv := b.Balance(DistributorAccount(ClawbackReceivable, d), cur)
			if recv < 0 {
				recv = 0
			}
			amount := rapid.Int64Range(1, 2_000_000).Draw(t, fmt.Sprint("pa", i))
			tx, err := Payout(PayoutItem{Batch: "B", Item: fmt.Sprint(i), Distributor: d, Currency: cur, Amount: amount, Receivable: recv})
			if err != nil {
				t.Fatal(err)
			}
			before := b.Balances()
			_, err = b.Apply(tx)
			if (err == nil) != (avail > 0 && amount <= avail) {
				t.Fatalf("payout %d of available %d: error %v", amount, avail, err)
			}
			if err != nil {
				if diff := cmp.Diff(before, b.Balances()); diff != "" {
					t.Fatalf("refused payout changed the book:\n%s", diff)
				}
			} else if got := b.Available(d, cur); got < 0 {
				t.Fatalf("Available after payout = %d, want >= 0", got)
			}
		}
	})
}
