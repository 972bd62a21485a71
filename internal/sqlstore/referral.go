package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/downline/downline"
)

// Click is one referral-link click. Its fields match referral.Click, so
// callers convert between the two with a plain type conversion.
type Click struct {
	At            time.Time
	Code          string
	Campaign      string
	IPHash        string
	UserAgentHash string
	Referrer      string
	Bot           bool
	Repeat        bool
	Burst         bool
}

// RecordClicks stores a batch of clicks in one transaction.
func (db *DB) RecordClicks(ctx context.Context, clicks []Click) error {
	if len(clicks) == 0 {
		return nil
	}
	tx, err := db.beginTx(ctx, true)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	// Multi-row inserts of up to 256 clicks (2,304 parameters) keep the
	// statement count, and so the time per batch, low on both engines.
	const perStmt = 256
	for start := 0; start < len(clicks); start += perStmt {
		chunk := clicks[start:min(start+perStmt, len(clicks))]
		args := make([]any, 0, len(chunk)*10)
		for _, c := range chunk {
			args = append(args, encodeTime(c.At), c.Code, c.Campaign, c.IPHash, c.UserAgentHash, c.Referrer, c.Bot, c.Repeat, c.Burst)
		}
		values := strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?, ?, ?, ?), ", len(chunk)), ", ")
		if _, err := tx.exec(ctx, `INSERT INTO referral_clicks (clicked_at, code, campaign, ip_hash, ua_hash, referrer,
			bot, repeat_click, burst) VALUES `+values, args...); err != nil {
			return fmt.Errorf("record %d clicks: %w", len(clicks), err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("record %d clicks: %w", len(clicks), err)
	}
	return nil
}

// ClickFilter selects clicks; nil fields match everything.
type ClickFilter struct {
	Code        *string
	From, To    *time.Time // clicked_at in [From, To)
	SuspectOnly bool       // only bot, repeated or burst clicks
	Limit       int
}

// FindClicks returns clicks ordered by time, then insertion.
func (db *DB) FindClicks(ctx context.Context, f ClickFilter) ([]Click, error) {
	tx, err := db.beginTx(ctx, false)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var w where
	if f.Code != nil {
		w.add("code = ?", *f.Code)
	}
	if f.From != nil {
		w.add("clicked_at >= ?", encodeTime(*f.From))
	}
	if f.To != nil {
		w.add("clicked_at < ?", encodeTime(*f.To))
	}
	if f.SuspectOnly {
		w.add("(bot OR repeat_click OR burst)")
	}
	rows, err := tx.query(ctx, `SELECT clicked_at, code, campaign, ip_hash, ua_hash, referrer, bot, repeat_click, burst
		FROM referral_clicks`+w.String()+` ORDER BY clicked_at, id`+page(f.Limit, 0), w.args...)
	if err != nil {
		return nil, fmt.Errorf("find clicks: %w", err)
	}
	defer rows.Close()
	var out []Click
	for rows.Next() {
		var c Click
		var at int64
		if err := rows.Scan(&at, &c.Code, &c.Campaign, &c.IPHash, &c.UserAgentHash, &c.Referrer, &c.Bot, &c.Repeat, &c.Burst); err != nil {
			return nil, fmt.Errorf("find clicks: %w", err)
		}
		c.At = decodeTime(at)
		out = append(out, c)
	}
	return out, rows.Err()
}

// IsActiveReferralCode reports whether code is the referral code of an
// active distributor. It satisfies referral.Codes.
func (db *DB) IsActiveReferralCode(ctx context.Context, code string) (bool, error) {
	tx, err := db.beginTx(ctx, false)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	var n int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM distributors WHERE referral_code = ? AND status = ?`,
		code, downline.StatusActive).Scan(&n); err != nil {
		return false, fmt.Errorf("check referral code: %w", err)
	}
	return n > 0, nil
}

// Deal is a stored deal registration; see attribution.Deal for the rules.
type Deal struct {
	ID            int64
	DistributorID downline.DistributorID
	Organisation  string
	Domain        string
	Status        string // pending, approved, rejected
	RegisteredAt  time.Time
	ApprovedAt    time.Time // zero unless approved
	ExpiresAt     time.Time // zero unless approved
	DecidedBy     string
}

// CreateDeal stores a pending registration, filling ID, Status and
// RegisteredAt. Returns CodeInvalid for a missing domain or distributor.
func (db *DB) CreateDeal(ctx context.Context, d *Deal) error {
	if d.Domain == "" || d.DistributorID == 0 {
		return downline.Errorf(downline.CodeInvalid, "deal %q: distributor and domain are required", d.Organisation)
	}
	tx, err := db.beginTx(ctx, true)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	d.Status, d.RegisteredAt = "pending", tx.now
	if err := tx.queryRow(ctx, `INSERT INTO deals (distributor_id, organisation, domain, status, registered_at, decided_by)
		VALUES (?, ?, ?, ?, ?, '') RETURNING id`, d.DistributorID, d.Organisation, d.Domain, d.Status,
		encodeTime(d.RegisteredAt)).Scan(&d.ID); err != nil {
		return mapError(fmt.Errorf("create deal: %w", err), fmt.Sprintf("deal %q", d.Organisation))
	}
	return tx.Commit()
}

// FindDealsByDomain returns every deal for a domain, ordered by ID.
func (db *DB) FindDealsByDomain(ctx context.Context, domain string) ([]*Deal, error) {
	return db.findDeals(ctx, "domain = ? ORDER BY id", domain)
}

// findDeals returns the deals matching where (a condition with one
// placeholder, and the ordering) in one read transaction.
func (db *DB) findDeals(ctx context.Context, where string, arg any) ([]*Deal, error) {
	tx, err := db.beginTx(ctx, false)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	rows, err := tx.query(ctx, `SELECT id, distributor_id, organisation, domain, status, registered_at, approved_at,
		expires_at, decided_by FROM deals WHERE `+where, arg)
	if err != nil {
		return nil, fmt.Errorf("find deals: %w", err)
	}
	defer rows.Close()
	var out []*Deal
	for rows.Next() {
		var d Deal
		var reg int64
		var appr, exp sql.NullInt64
		if err := rows.Scan(&d.ID, &d.DistributorID, &d.Organisation, &d.Domain, &d.Status, &reg, &appr, &exp, &d.DecidedBy); err != nil {
			return nil, fmt.Errorf("find deals: %w", err)
		}
		d.RegisteredAt = decodeTime(reg)
		if appr.Valid {
			d.ApprovedAt, d.ExpiresAt = decodeTime(appr.Int64), decodeTime(exp.Int64)
		}
		out = append(out, &d)
	}
	return out, rows.Err()
}

// ApproveDeal approves pending deal id from the transaction's time until
// expiresAt. First approved wins: it fails with CodeConflict while another
// approved deal for the same domain is in force, checked in the same
// statement so that two concurrent approvals cannot both succeed.
func (db *DB) ApproveDeal(ctx context.Context, id int64, expiresAt time.Time, by string) error {
	tx, err := db.beginTx(ctx, true)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	now := encodeTime(tx.now)
	res, err := tx.exec(ctx, `UPDATE deals SET status = 'approved', approved_at = ?, expires_at = ?, decided_by = ?
		WHERE id = ? AND status = 'pending' AND NOT EXISTS (SELECT 1 FROM deals o WHERE o.domain = deals.domain
		AND o.id <> deals.id AND o.status = 'approved' AND o.approved_at <= ? AND o.expires_at > ?)`,
		now, encodeTime(expiresAt), by, id, now, now)
	if err != nil {
		return mapError(fmt.Errorf("approve deal %d: %w", id, err), fmt.Sprintf("deal %d", id))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		var status string
		if err := tx.queryRow(ctx, `SELECT status FROM deals WHERE id = ?`, id).Scan(&status); errors.Is(err, sql.ErrNoRows) {
			return downline.Errorf(downline.CodeNotFound, "Deal %d not found.", id)
		}
		if status != "pending" {
			return downline.Errorf(downline.CodeConflict, "Deal %d is %s, not pending.", id, status)
		}
		return downline.Errorf(downline.CodeConflict, "Deal %d: its domain is held by another approved deal.", id)
	}
	return tx.Commit()
}

// CreateCoupon gives a distributor a coupon code. Returns CodeConflict when
// the code is taken.
func (db *DB) CreateCoupon(ctx context.Context, code string, owner downline.DistributorID, expiresAt time.Time) error {
	tx, err := db.beginTx(ctx, true)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var exp sql.NullInt64
	if !expiresAt.IsZero() {
		exp = sql.NullInt64{Int64: encodeTime(expiresAt), Valid: true}
	}
	if _, err := tx.exec(ctx, `INSERT INTO coupon_codes (code, distributor_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
		code, owner, encodeTime(tx.now), exp); err != nil {
		return mapError(fmt.Errorf("create coupon %s: %w", code, err), fmt.Sprintf("coupon %q", code))
	}
	return tx.Commit()
}

// CouponOwner returns the distributor owning code at time at. Returns
// CodeNotFound for an unknown or expired code.
func (db *DB) CouponOwner(ctx context.Context, code string, at time.Time) (downline.DistributorID, error) {
	tx, err := db.beginTx(ctx, false)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	var id downline.DistributorID
	err = tx.queryRow(ctx, `SELECT distributor_id FROM coupon_codes WHERE code = ? AND (expires_at IS NULL OR expires_at > ?)`,
		code, encodeTime(at)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, downline.Errorf(downline.CodeNotFound, "Coupon %q not found or expired.", code)
	}
	if err != nil {
		return 0, fmt.Errorf("coupon owner %s: %w", code, err)
	}
	return id, nil
}

// CustomerMove is one logged change of a customer's distributor.
type CustomerMove struct {
	CustomerID downline.CustomerID
	From, To   downline.DistributorID
	Reason     string
	Actor      string
	At         time.Time // filled from the transaction
}

// MoveCustomers credits each customer to its move's To distributor and
// logs the move, all in one transaction. A move whose From is no longer
// the customer's distributor fails the batch with CodeConflict.
func (db *DB) MoveCustomers(ctx context.Context, moves []CustomerMove) error {
	tx, err := db.beginTx(ctx, true)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var selfRef selfReferralCheck
	for i := range moves {
		m := &moves[i]
		m.At = tx.now
		res, err := tx.exec(ctx, `UPDATE customers SET distributor_id = ?, updated_at = ? WHERE id = ? AND distributor_id = ?`,
			m.To, encodeTime(tx.now), m.CustomerID, m.From)
		if err != nil {
			return mapError(fmt.Errorf("move customer %d: %w", m.CustomerID, err), fmt.Sprintf("customer %d", m.CustomerID))
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return downline.Errorf(downline.CodeConflict, "Customer %d is not credited to distributor %d.", m.CustomerID, m.From)
		}
		if _, err := tx.exec(ctx, `INSERT INTO customer_moves (customer_id, from_distributor_id, to_distributor_id, moved_at,
			reason, actor) VALUES (?, ?, ?, ?, ?, ?)`, m.CustomerID, m.From, m.To, encodeTime(tx.now), m.Reason, m.Actor); err != nil {
			return mapError(fmt.Errorf("log move of customer %d: %w", m.CustomerID, err), fmt.Sprintf("customer %d", m.CustomerID))
		}
		var domain string
		if err := tx.queryRow(ctx, `SELECT domain FROM customers WHERE id = ?`, m.CustomerID).Scan(&domain); err != nil {
			return fmt.Errorf("move customer %d: %w", m.CustomerID, err)
		}
		if err := selfRef.check(ctx, tx, m.CustomerID, domain, m.To); err != nil {
			return fmt.Errorf("move customer %d: self-referral check: %w", m.CustomerID, err)
		}
	}
	return tx.Commit()
}

// SelfDealingHold holds a customer's orders as non-commissionable for one
// distributor until someone at the customer acknowledges (TX-11).
type SelfDealingHold struct {
	ID             int64
	CustomerID     downline.CustomerID
	DistributorID  downline.DistributorID
	Reason         string
	CreatedAt      time.Time
	AcknowledgedAt time.Time // zero while held
	AckName        string
	AckEmail       string
}

// HoldSelfDealing opens a hold, or returns the existing one for the same
// customer and distributor.
func (db *DB) HoldSelfDealing(ctx context.Context, customer downline.CustomerID, dist downline.DistributorID, reason string) (*SelfDealingHold, error) {
	tx, err := db.beginTx(ctx, true)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if _, err := tx.exec(ctx, `INSERT INTO selfdealing_holds (customer_id, distributor_id, reason, created_at, ack_name, ack_email)
		VALUES (?, ?, ?, ?, '', '') ON CONFLICT (customer_id, distributor_id) DO NOTHING`,
		customer, dist, reason, encodeTime(tx.now)); err != nil {
		return nil, mapError(fmt.Errorf("hold customer %d: %w", customer, err), fmt.Sprintf("customer %d", customer))
	}
	h, err := findHold(ctx, tx, `customer_id = ? AND distributor_id = ?`, customer, dist)
	if err != nil {
		return nil, err
	}
	return h, tx.Commit()
}

// AcknowledgeSelfDealing releases hold id, recording who acknowledged,
// and in the same transaction releases the volume of the orders held under
// it (TX-11) into the period the late-volume rule picks: each order's own
// period while it is open, else the first open period. The caller has
// verified the signed link and the person (attribution.VerifyAckToken,
// CheckAcknowledger). The same acknowledgement again is a no-op; returns
// CodeNotFound, and CodeConflict when someone else already acknowledged.
func (db *DB) AcknowledgeSelfDealing(ctx context.Context, id int64, name, email string) error {
	tx, err := db.beginTx(ctx, true)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	gate, err := openPeriodGate(ctx, tx)
	if err != nil {
		return err
	}
	h, err := findHold(ctx, tx, `id = ?`, id)
	if err != nil {
		return err
	}
	if !h.AcknowledgedAt.IsZero() {
		if h.AckName == name && strings.EqualFold(h.AckEmail, email) {
			return nil
		}
		return downline.Errorf(downline.CodeConflict, "This relationship was already acknowledged.")
	}
	res, err := tx.exec(ctx, `UPDATE selfdealing_holds SET acknowledged_at = ?, ack_name = ?, ack_email = ?
		WHERE id = ? AND acknowledged_at IS NULL`, encodeTime(tx.now), name, email, id)
	if err != nil {
		return fmt.Errorf("acknowledge hold %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return downline.Errorf(downline.CodeConflict, "This relationship was already acknowledged.")
	}
	vols := newVolumeBatch()
	if _, err := releaseHeld(ctx, tx, holdKey{h.CustomerID, h.DistributorID}, gate, vols); err != nil {
		return fmt.Errorf("acknowledge hold %d: %w", id, err)
	}
	if err := vols.flush(ctx, tx); err != nil {
		return fmt.Errorf("acknowledge hold %d: %w", id, err)
	}
	return tx.Commit()
}

// IsHeld reports whether the customer's orders credited to dist are held
// as non-commissionable.
func (db *DB) IsHeld(ctx context.Context, customer downline.CustomerID, dist downline.DistributorID) (bool, error) {
	tx, err := db.beginTx(ctx, false)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	h, err := findHold(ctx, tx, `customer_id = ? AND distributor_id = ?`, customer, dist)
	if downline.ErrorCode(err) == downline.CodeNotFound {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return h.AcknowledgedAt.IsZero(), nil
}

func findHold(ctx context.Context, tx *Tx, cond string, args ...any) (*SelfDealingHold, error) {
	var h SelfDealingHold
	var created int64
	var ack sql.NullInt64
	err := tx.queryRow(ctx, `SELECT id, customer_id, distributor_id, reason, created_at, acknowledged_at, ack_name, ack_email
		FROM selfdealing_holds WHERE `+cond, args...).Scan(&h.ID, &h.CustomerID, &h.DistributorID, &h.Reason, &created,
		&ack, &h.AckName, &h.AckEmail)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, downline.Errorf(downline.CodeNotFound, "Self-dealing hold not found.")
	}
	if err != nil {
		return nil, fmt.Errorf("find self-dealing hold: %w", err)
	}
	h.CreatedAt = decodeTime(created)
	if ack.Valid {
		h.AcknowledgedAt = decodeTime(ack.Int64)
	}
	return &h, nil
}

// CreditReferredCustomer moves a customer that was credited by default
// (to the house account, attribution "manual") to the distributor whose
// referral arrived afterwards, sets its attribution to "code" and logs the
// move, in one transaction. Returns CodeNotFound for an unknown customer
// and CodeConflict when the customer is no longer credited to from.
func (db *DB) CreditReferredCustomer(ctx context.Context, customerRef string, from, to downline.DistributorID, reason string) error {
	tx, err := db.beginTx(ctx, true)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var id downline.CustomerID
	var cur downline.DistributorID
	err = tx.queryRow(ctx, `SELECT id, distributor_id FROM customers WHERE external_id = ?`, customerRef).Scan(&id, &cur)
	if errors.Is(err, sql.ErrNoRows) {
		return downline.Errorf(downline.CodeNotFound, "Customer %q not found.", customerRef)
	}
	if err != nil {
		return fmt.Errorf("credit customer %s: %w", customerRef, err)
	}
	if cur != from {
		return downline.Errorf(downline.CodeConflict, "Customer %q is not credited to distributor %d.", customerRef, from)
	}
	if _, err := tx.exec(ctx, `UPDATE customers SET distributor_id = ?, attribution = ?, updated_at = ? WHERE id = ?`,
		to, downline.AttributionCode, encodeTime(tx.now), id); err != nil {
		return mapError(fmt.Errorf("credit customer %s: %w", customerRef, err), fmt.Sprintf("customer %q", customerRef))
	}
	if _, err := tx.exec(ctx, `INSERT INTO customer_moves (customer_id, from_distributor_id, to_distributor_id, moved_at,
		reason, actor) VALUES (?, ?, ?, ?, ?, 'billing')`, id, from, to, encodeTime(tx.now), reason); err != nil {
		return fmt.Errorf("log move of customer %s: %w", customerRef, err)
	}
	var domain string
	if err := tx.queryRow(ctx, `SELECT domain FROM customers WHERE id = ?`, id).Scan(&domain); err != nil {
		return fmt.Errorf("credit customer %s: %w", customerRef, err)
	}
	var selfRef selfReferralCheck
	if err := selfRef.check(ctx, tx, id, domain, to); err != nil {
		return fmt.Errorf("credit customer %s: self-referral check: %w", customerRef, err)
	}
	return tx.Commit()
}
