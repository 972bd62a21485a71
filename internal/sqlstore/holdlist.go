package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/downline/downline"
)

var _ downline.SelfDealingService = (*DB)(nil)

// FindSelfDealingHolds returns the TX-11 holds matching f ordered by ID,
// each with what it still holds. See downline.SelfDealingService. Two
// queries in one read transaction: the page of holds with their customer
// and distributor, then the pending orders of that page summed per hold
// and currency.
func (db *DB) FindSelfDealingHolds(ctx context.Context, f downline.SelfDealingHoldFilter) ([]*downline.SelfDealingHoldView, int, error) {
	var w where
	switch f.Status {
	case "":
	case downline.HoldOpen:
		w.add("h.acknowledged_at IS NULL")
	case downline.HoldAcknowledged:
		w.add("h.acknowledged_at IS NOT NULL")
	default:
		return nil, 0, downline.Errorf(downline.CodeInvalid, "self-dealing hold filter: status %q: must be open or acknowledged", f.Status)
	}
	if f.CustomerID != 0 {
		w.add("h.customer_id = ?", f.CustomerID)
	}
	if f.DistributorID != 0 {
		w.add("h.distributor_id = ?", f.DistributorID)
	}
	tx, err := db.beginTx(ctx, false)
	if err != nil {
		return nil, 0, err
	}
	defer tx.Rollback()
	var total int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM selfdealing_holds h`+w.String(), w.args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("find self-dealing holds: %w", err)
	}
	if f.AfterID != 0 {
		w.add("h.id > ?", f.AfterID)
	}
	rows, err := tx.query(ctx, `SELECT h.id, h.customer_id, c.external_id, c.name, h.distributor_id, d.external_id,
		h.reason, h.created_at, h.acknowledged_at, h.ack_name, h.ack_email
		FROM selfdealing_holds h JOIN customers c ON c.id = h.customer_id JOIN distributors d ON d.id = h.distributor_id`+
		w.String()+` ORDER BY h.id`+page(f.Limit, 0), w.args...)
	if err != nil {
		return nil, 0, fmt.Errorf("find self-dealing holds: %w", err)
	}
	out := []*downline.SelfDealingHoldView{}
	byID := map[int64]*downline.SelfDealingHoldView{}
	var ids []int64
	for rows.Next() {
		var h downline.SelfDealingHoldView
		var created int64
		var acked sql.NullInt64
		if err := rows.Scan(&h.ID, &h.CustomerID, &h.CustomerRef, &h.CustomerName, &h.DistributorID, &h.DistributorRef,
			&h.Reason, &created, &acked, &h.AckName, &h.AckEmail); err != nil {
			rows.Close()
			return nil, 0, fmt.Errorf("find self-dealing holds: %w", err)
		}
		h.CreatedAt = decodeTime(created)
		if acked.Valid {
			h.AcknowledgedAt = decodeTime(acked.Int64)
		}
		out = append(out, &h)
		byID[h.ID] = &h
		ids = append(ids, h.ID)
	}
	if err := rows.Close(); err != nil {
		return nil, 0, fmt.Errorf("find self-dealing holds: %w", err)
	}
	// The orders releaseHeld would release: customer orders of the pair
	// still pending_ack (an order rejected in verification meanwhile is
	// non_commissionable and holds nothing). Net of refunds.
	err = queryIn(ctx, tx, `SELECT h.id, o.currency, COUNT(DISTINCT o.id), COALESCE(SUM(l.amount - l.refunded_amount), 0),
		COALESCE(SUM(l.total_cv - l.refunded_cv), 0)
		FROM selfdealing_holds h JOIN orders o ON o.customer_id = h.customer_id AND o.distributor_id = h.distributor_id
		JOIN order_lines l ON l.order_id = o.id
		WHERE o.volume_state = 'pending_ack' AND o.purpose IN ('customer_direct', 'receipted_resale') AND h.id IN (%s)
		GROUP BY h.id, o.currency ORDER BY h.id, o.currency`, ids, func(rs *sql.Rows) error {
		var id, amount, cv int64
		var cur string
		var n int
		if err := rs.Scan(&id, &cur, &n, &amount, &cv); err != nil {
			return err
		}
		h := byID[id]
		h.PendingOrders += n
		h.PendingAmounts = append(h.PendingAmounts, downline.HeldAmount{Currency: cur, Orders: n, Amount: amount, CV: cv})
		return nil
	})
	if err != nil {
		return nil, 0, fmt.Errorf("find self-dealing holds: pending orders: %w", err)
	}
	return out, total, nil
}
