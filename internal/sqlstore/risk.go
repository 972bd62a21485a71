package sqlstore

import (
	"context"
	"database/sql"
	"errors"
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

// cycleAttempt is the refusal of a move that would make a distributor its
// own upline. It unwraps to the CodeConflict error the caller sees.
type cycleAttempt struct {
	err         *downline.Error
	distributor downline.DistributorID
	parent      downline.DistributorID
	what        string // "sponsor" or "placement parent"
}

func (c *cycleAttempt) Error() string { return c.err.Error() }
func (c *cycleAttempt) Unwrap() error { return c.err }

// flagCycleAttempt returns err unchanged after recording, when err is a
// refused circular move, a circular_sponsorship risk flag naming who tried
// (the context's actor), when, and the two distributors. The refusal
// rolled its own transaction back, so the flag is written in a new one.
func (db *DB) flagCycleAttempt(ctx context.Context, err error) error {
	var c *cycleAttempt
	if !errors.As(err, &c) {
		return err
	}
	who := "the system"
	if a := downline.ActorFromContext(ctx); a != nil && a.UserID != 0 {
		who = fmt.Sprintf("user %d (%s, %s)", a.UserID, a.Name, a.Role)
	}
	f := &RiskFlag{Kind: RiskCircularSponsorship, DistributorID: c.distributor, RelatedDistributorID: c.parent,
		Reason: fmt.Sprintf("circular sponsorship attempt: %s tried to give distributor %d the %s %d, which is itself or in its downline",
			who, c.distributor, c.what, c.parent)}
	tx, terr := db.beginTx(ctx, true)
	if terr != nil {
		return errors.Join(err, terr)
	}
	defer tx.Rollback()
	if ferr := addRiskFlag(ctx, tx, f); ferr != nil {
		return errors.Join(err, ferr)
	}
	if ferr := tx.Commit(); ferr != nil {
		return errors.Join(err, fmt.Errorf("flag circular move: %w", ferr))
	}
	return err
}
