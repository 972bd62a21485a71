package ledger

import (
	"slices"
	"strconv"
	"time"
)

// DefaultHoldDays is the default commission hold (TX-09 hold_days): the
// cooling-off window during which a refund is still likely.
const DefaultHoldDays = 30

// HoldEnds returns when commission on an order paid at paidAt becomes
// payable: after the longer of the customer's withdrawal period and the
// hold (TX-09 (a)), both in calendar days.
func HoldEnds(paidAt time.Time, holdDays, withdrawalDays int) time.Time {
	return paidAt.AddDate(0, 0, max(holdDays, withdrawalDays))
}

// NetBalance is a distributor's position in one currency, as amounts owed:
// Payable is what the company owes (the Payable account's credit
// balance), Receivable what the distributor owes back from clawbacks
// (the ClawbackReceivable account's debit balance).
type NetBalance struct {
	Distributor int64
	Payable     int64
	Receivable  int64
}

// Net returns Payable − Receivable: what a payout may send.
func (n NetBalance) Net() int64 { return n.Payable - n.Receivable }

// NetBalance returns distributor d's position in currency cur.
func (b *Book) NetBalance(d int64, cur string) NetBalance {
	return NetBalance{
		Distributor: d,
		Payable:     -b.Balance(DistributorAccount(Payable, d), cur),
		Receivable:  b.Balance(DistributorAccount(ClawbackReceivable, d), cur),
	}
}

// PlanPayouts returns the items of a payout batch: one per distributor
// whose net balance is positive and at least minimum, sorted by
// distributor, with item id = the distributor id. Each item sends the
// whole net balance and settles the outstanding receivable, so that the
// Book accepts it and leaves the distributor at zero. Distributors whose
// payouts are held (no payout or tax details, suspended) must be left out
// by the caller.
func PlanPayouts(batch, currency string, minimum int64, balances []NetBalance) []PayoutItem {
	bs := slices.Clone(balances)
	slices.SortFunc(bs, func(a, b NetBalance) int { return compareInt64(a.Distributor, b.Distributor) })
	var items []PayoutItem
	for _, nb := range bs {
		net := nb.Net()
		if net <= 0 || net < minimum {
			continue
		}
		items = append(items, PayoutItem{
			Batch:       batch,
			Item:        strconv.FormatInt(nb.Distributor, 10),
			Distributor: nb.Distributor,
			Currency:    currency,
			Amount:      net,
			Receivable:  max(nb.Receivable, 0),
		})
	}
	return items
}
