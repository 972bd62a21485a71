package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/downline/downline"
)

// The kinds of risk flag the intake raises (table risk_flags, migration
// 0040). Verification sampling (TX-02) takes every open order flag.
const (
	// RiskCircularCustomer: a customer order paid with the payment
	// instrument or billing address of the seller or an upline, which the
	// intake reclassified as that participant's personal use (TX-02).
	RiskCircularCustomer = "circular_customer"
	// RiskCircularSponsorship: a sponsor or placement move, or an
	// enrolment, refused because it would have made a cycle (issue 6
	// item 8).
	RiskCircularSponsorship = "circular_sponsorship"
)

// RiskFlag is one row of the risk review queue. At least one of OrderID,
// CustomerID and DistributorID is set.
type RiskFlag struct {
	ID                   int64
	Kind                 string
	OrderID              downline.OrderID
	CustomerID           downline.CustomerID
	DistributorID        downline.DistributorID
	RelatedDistributorID downline.DistributorID
	Reason               string
	CreatedAt            time.Time
	Status               string // open, dismissed or confirmed
}

// addRiskFlag writes an open flag in tx, stamped with the transaction's
// time.
func addRiskFlag(ctx context.Context, tx *Tx, f *RiskFlag) error {
	f.CreatedAt, f.Status = tx.now, "open"
	err := tx.queryRow(ctx, `INSERT INTO risk_flags (kind, order_id, customer_id, distributor_id, related_distributor_id,
		reason, created_at, status, reviewed_by) VALUES (?, ?, ?, ?, ?, ?, ?, 'open', '') RETURNING id`,
		f.Kind, nullID(f.OrderID), nullID(f.CustomerID), nullID(f.DistributorID), nullID(f.RelatedDistributorID),
		f.Reason, encodeTime(f.CreatedAt)).Scan(&f.ID)
	if err != nil {
		return fmt.Errorf("add %s risk flag: %w", f.Kind, err)
	}
	return nil
}

// RiskFlagFilter selects risk flags; empty fields match everything.
type RiskFlagFilter struct {
	Kind     string
	OpenOnly bool
	Limit    int
}

// FindRiskFlags returns the flags matching f, oldest first.
func (db *DB) FindRiskFlags(ctx context.Context, f RiskFlagFilter) ([]*RiskFlag, error) {
	tx, err := db.beginTx(ctx, false)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var w where
	if f.Kind != "" {
		w.add("kind = ?", f.Kind)
	}
	if f.OpenOnly {
		w.add("status = 'open'")
	}
	rows, err := tx.query(ctx, `SELECT id, kind, order_id, customer_id, distributor_id, related_distributor_id, reason,
		created_at, status FROM risk_flags`+w.String()+` ORDER BY created_at, id`+page(f.Limit, 0), w.args...)
	if err != nil {
		return nil, fmt.Errorf("find risk flags: %w", err)
	}
	defer rows.Close()
	var out []*RiskFlag
	for rows.Next() {
		var r RiskFlag
		var order, cust, dist, rel sql.NullInt64
		var created int64
		if err := rows.Scan(&r.ID, &r.Kind, &order, &cust, &dist, &rel, &r.Reason, &created, &r.Status); err != nil {
			return nil, fmt.Errorf("find risk flags: %w", err)
		}
		r.OrderID, r.CustomerID = downline.OrderID(order.Int64), downline.CustomerID(cust.Int64)
		r.DistributorID, r.RelatedDistributorID = downline.DistributorID(dist.Int64), downline.DistributorID(rel.Int64)
		r.CreatedAt = decodeTime(created)
		out = append(out, &r)
	}
	return out, rows.Err()
}
