package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/downline/downline"
	"github.com/downline/downline/compliance"
)

// sellThroughWindow is the TX-05 trailing window for software resale
// (compliance.md §4 TX-05 (c): 90 days for SaaS).
const sellThroughWindow = sellThroughDays * 24 * time.Hour

// resaleFigures are one distributor's resale figures at an instant, in
// units (line quantities), from the orders not fully refunded.
type resaleFigures struct {
	bought, sold             int64 // resale stock bought and receipted resales, all time
	resoldLast3Months        int64 // receipted resales in the 3 months before
	windowBought, windowSold int64 // the same in the TX-05 window
	joinedAt                 time.Time
}

// checkResaleOrders applies the TX-10 inventory-loading guard
// (compliance.CheckResaleOrder) to the resale-stock orders among fresh,
// at each order's paid-at time, when db.ResaleGuard is set. Earlier
// resale orders of the same batch count as stock already bought. A
// refusal is a CodeConflict naming the order, the rule and the largest
// order that would pass.
func (in *orderInserter) checkResaleOrders(ctx context.Context, fresh []*downline.Order) error {
	p := in.tx.db.ResaleGuard
	if p == nil {
		return nil
	}
	inBatch := map[downline.DistributorID]int64{}
	for _, o := range fresh {
		if o.Purpose != downline.PurposeResaleStock {
			continue
		}
		f, err := loadResaleFigures(ctx, in.tx, o.DistributorID, o.PaidAt)
		if err != nil {
			return fmt.Errorf("order %q: resale figures: %w", o.ExternalID, err)
		}
		var units int64
		for _, l := range o.Lines {
			units += l.Quantity
		}
		earlier := inBatch[o.DistributorID]
		ro := compliance.ResaleOrder{
			Units: units, Amount: o.Total(),
			UnsoldStock:        max(0, f.bought+earlier-f.sold),
			ResalesLast3Months: f.resoldLast3Months,
			Resold:             f.windowSold, Bought: f.windowBought + earlier,
			DaysEnrolled: int(o.PaidAt.Sub(f.joinedAt) / (24 * time.Hour)),
		}
		if _, err := compliance.CheckResaleOrder(ro, *p); err != nil {
			return downline.Errorf(downline.CodeConflict,
				"order %q: refused by the inventory-loading guard: %v; the largest resale order that would pass is %d units; customers can buy directly from the company instead",
				o.ExternalID, err, largestPassing(ro, *p))
		}
		inBatch[o.DistributorID] += units
	}
	return nil
}

func loadResaleFigures(ctx context.Context, tx *Tx, d downline.DistributorID, at time.Time) (resaleFigures, error) {
	var f resaleFigures
	var joined int64
	now := encodeTime(at)
	m3 := encodeTime(at.AddDate(0, -3, 0))
	w := encodeTime(at.Add(-sellThroughWindow))
	err := tx.queryRow(ctx, `SELECT d.joined_at,
		COALESCE(SUM(CASE WHEN o.purpose = 'resale_stock' THEN l.quantity END), 0),
		COALESCE(SUM(CASE WHEN o.purpose = 'receipted_resale' THEN l.quantity END), 0),
		COALESCE(SUM(CASE WHEN o.purpose = 'receipted_resale' AND o.paid_at >= ? THEN l.quantity END), 0),
		COALESCE(SUM(CASE WHEN o.purpose = 'resale_stock' AND o.paid_at >= ? THEN l.quantity END), 0),
		COALESCE(SUM(CASE WHEN o.purpose = 'receipted_resale' AND o.paid_at >= ? THEN l.quantity END), 0)
		FROM distributors d
		LEFT JOIN orders o ON o.distributor_id = d.id AND o.purpose IN ('resale_stock', 'receipted_resale')
			AND o.status <> 'refunded' AND o.paid_at <= ?
		LEFT JOIN order_lines l ON l.order_id = o.id
		WHERE d.id = ? GROUP BY d.joined_at`, m3, w, w, now, d).
		Scan(&joined, &f.bought, &f.sold, &f.resoldLast3Months, &f.windowBought, &f.windowSold)
	if err != nil {
		return f, err
	}
	f.joinedAt = decodeTime(joined)
	return f, nil
}

// largestPassing returns the most units below o.Units, at o's average unit
// price, that CheckResaleOrder accepts (0 when none): every rule is
// monotone in the units, so a binary search finds it.
func largestPassing(o compliance.ResaleOrder, p compliance.Params) int64 {
	lo, hi := int64(0), o.Units-1 // lo passes or is 0; the answer is in [lo, hi]
	for lo < hi {
		mid := lo + (hi-lo+1)/2
		try := o
		try.Units = mid
		try.Amount, _ = downline.MulDiv(o.Amount, mid, o.Units)
		if _, err := compliance.CheckResaleOrder(try, p); err == nil {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}
