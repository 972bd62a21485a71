package sqlstore_test

import (
	"errors"
	"strconv"
	"testing"

	"github.com/downline/downline"
	"github.com/downline/downline/internal/sqlstore"
	"github.com/downline/downline/ledger"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"pgregory.net/rapid"
)

// TestLedgerProperties posts random earnings, adjustments, clawbacks and
// reversals, some of them twice and some with their id reused for other
// content, and checks the store against ledger.Book, the pure model: the
// same transactions are accepted and refused, the balances derived from
// the stored postings equal the model's, and they sum to zero per
// currency.
func TestLedgerProperties(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *sqlstore.DB) {
		book := ledger.NewBook()
		reversed := map[string]bool{}
		iter := 0
		rapid.Check(t, func(rt *rapid.T) {
			iter++
			var posted []ledger.Transaction
			steps := rapid.IntRange(1, 6).Draw(rt, "steps")
			for s := range steps {
				key := strconv.Itoa(iter) + "-" + strconv.Itoa(s)
				cur := rapid.SampledFrom([]string{"EUR", "USD"}).Draw(rt, "currency")
				var tr ledger.Transaction
				var err error
				switch rapid.IntRange(0, 4).Draw(rt, "kind") {
				case 0:
					n := rapid.IntRange(1, 4).Draw(rt, "earners")
					es := make([]ledger.Earning, n)
					for i := range es {
						es[i] = ledger.Earning{Distributor: rapid.Int64Range(1, 5).Draw(rt, "d"), Amount: rapid.Int64Range(-1000, 100000).Draw(rt, "amount")}
					}
					tr, err = ledger.Earnings(key, cur, es)
				case 1:
					tr, err = ledger.ManualAdjustment(ledger.Adjustment{Key: key, Distributor: rapid.Int64Range(1, 5).Draw(rt, "d"),
						Currency: cur, Amount: rapid.Int64Range(-5000, 5000).Draw(rt, "amount"), Reason: "correction",
						Requester: "ann", Approver: "bob", TwoPerson: true})
				case 2:
					tr, err = ledger.Clawback(key, cur, rapid.Int64Range(1, 100).Draw(rt, "refunded"), 100, []ledger.ClawbackLine{
						{Distributor: rapid.Int64Range(1, 5).Draw(rt, "d"), Amount: rapid.Int64Range(1, 10000).Draw(rt, "line"), Ref: "line:" + key}})
				case 3:
					var open []ledger.Transaction
					for _, p := range posted {
						if p.Kind != ledger.KindReversal && !reversed[p.ID] {
							open = append(open, p)
						}
					}
					if len(open) == 0 {
						continue
					}
					tr = ledger.Reverse(rapid.SampledFrom(open).Draw(rt, "reversed"), "reversed in test")
					reversed[tr.Reverses] = true
				case 4:
					if len(posted) == 0 {
						continue
					}
					// The same id with other content.
					tr = rapid.SampledFrom(posted).Draw(rt, "reused")
					tr.Memo += " (changed)"
				}
				if err != nil {
					continue // the builder refused it (nothing to post)
				}
				_, modelErr := book.Apply(tr)
				isNew, storeErr := db.PostTransaction(ctx, tr, "2026-01")
				switch {
				case errors.Is(modelErr, ledger.ErrConflict):
					if downline.ErrorCode(storeErr) != downline.CodeConflict || isNew {
						rt.Fatalf("post %s with a reused id: store %v, %v; model %v", tr.ID, isNew, storeErr, modelErr)
					}
				case modelErr != nil:
					rt.Fatalf("model refused %s: %v", tr.ID, modelErr)
				case storeErr != nil:
					rt.Fatalf("store refused %s: %v", tr.ID, storeErr)
				default:
					posted = append(posted, tr)
					// Posting again is a no-op.
					if isNew, err := db.PostTransaction(ctx, tr, "2026-01"); err != nil || isNew {
						rt.Fatalf("repost %s = %v, %v; want false, nil", tr.ID, isNew, err)
					}
				}
			}
			got, err := db.LedgerBalances(ctx)
			if err != nil {
				rt.Fatal(err)
			}
			if diff := cmp.Diff(book.Balances(), got, cmpopts.EquateEmpty(), cmpopts.SortSlices(balanceLess)); diff != "" {
				rt.Fatalf("store balances differ from the model (-model +store):\n%s", diff)
			}
			sum := map[string]int64{}
			for _, b := range got {
				sum[b.Currency] += b.Amount
			}
			for c, s := range sum {
				if s != 0 {
					rt.Fatalf("balances in %s sum to %d", c, s)
				}
			}
		})
	})
}

func balanceLess(a, b ledger.Balance) bool {
	if x, y := a.Account.String(), b.Account.String(); x != y {
		return x < y
	}
	return a.Currency < b.Currency
}
