package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/downline/downline"
	"github.com/downline/downline/attribution"
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
	// RiskSelfReferral: a customer credited to a distributor whose own
	// organisation it appears to be (attribution.SelfReferralSignals at
	// attribution: today the customer's domain against the email domains
	// of the seller and its upline; payment and address matches are
	// caught per order as circular_customer).
	RiskSelfReferral = "self_referral"
)

// selfReferralCheck flags customers credited to a distributor who, or
// whose upline, appears to be the customer itself. It caches the earner
// chains of a batch.
type selfReferralCheck struct {
	chains chainCache
}

// check raises one open self_referral flag naming the nearest matched
// earner when the customer's domain matches, unless the pair already has
// one.
func (sr *selfReferralCheck) check(ctx context.Context, tx *Tx, c downline.CustomerID, domain string, to downline.DistributorID) error {
	if attribution.NormalizeDomain(domain) == "" || attribution.IsFreeMail(domain) {
		return nil
	}
	if sr.chains == nil {
		sr.chains = chainCache{}
	}
	chain, err := sr.chains.get(ctx, tx, to)
	if err != nil {
		return err
	}
	parties := make([]attribution.Party, len(chain))
	for i, e := range chain {
		parties[i] = attribution.Party{DistributorID: e.id, Email: e.email}
	}
	m, reasons := nearestMatch(chain, attribution.SelfReferralSignals(attribution.Party{Domain: domain}, parties))
	if reasons == nil {
		return nil
	}
	match := m.id
	var n int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM risk_flags WHERE kind = ? AND customer_id = ? AND distributor_id = ?`,
		RiskSelfReferral, c, match).Scan(&n); err != nil || n > 0 {
		return err
	}
	f := &RiskFlag{Kind: RiskSelfReferral, CustomerID: c, DistributorID: match,
		Reason: fmt.Sprintf("self-referral: customer %d credited to distributor %d: %s", c, to, strings.Join(reasons, "; "))}
	if match != to {
		f.RelatedDistributorID = to
	}
	return addRiskFlag(ctx, tx, f)
}

// RiskFlag is one row of the risk review queue (downline.RiskFlag).
type RiskFlag = downline.RiskFlag

// RiskFlagFilter selects risk flags (downline.RiskFlagFilter).
type RiskFlagFilter = downline.RiskFlagFilter

var _ downline.RiskService = (*DB)(nil)

// addRiskFlag writes an open flag in tx, stamped with the transaction's
// time.
func addRiskFlag(ctx context.Context, tx *Tx, f *RiskFlag) error {
	f.CreatedAt, f.Status = tx.now, downline.RiskOpen
	err := tx.queryRow(ctx, `INSERT INTO risk_flags (kind, order_id, customer_id, distributor_id, related_distributor_id,
		reason, created_at, status, reviewed_by) VALUES (?, ?, ?, ?, ?, ?, ?, 'open', '') RETURNING id`,
		f.Kind, nullID(f.OrderID), nullID(f.CustomerID), nullID(f.DistributorID), nullID(f.RelatedDistributorID),
		f.Reason, encodeTime(f.CreatedAt)).Scan(&f.ID)
	if err != nil {
		return fmt.Errorf("add %s risk flag: %w", f.Kind, err)
	}
	return nil
}

// FindRiskFlags returns the flags matching f ordered by ID. See
// downline.RiskService.
func (db *DB) FindRiskFlags(ctx context.Context, f RiskFlagFilter) ([]*RiskFlag, int, error) {
	tx, err := db.beginTx(ctx, false)
	if err != nil {
		return nil, 0, err
	}
	defer tx.Rollback()
	return findRiskFlags(ctx, tx, f)
}

func findRiskFlags(ctx context.Context, tx *Tx, f RiskFlagFilter) ([]*RiskFlag, int, error) {
	var w where
	if f.Kind != "" {
		w.add("kind = ?", f.Kind)
	}
	if f.Status != "" {
		w.add("status = ?", string(f.Status))
	}
	if f.OrderID != 0 {
		w.add("order_id = ?", f.OrderID)
	}
	var total int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM risk_flags`+w.String(), w.args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("find risk flags: %w", err)
	}
	if f.AfterID != 0 {
		w.add("id > ?", f.AfterID)
	}
	rows, err := tx.query(ctx, `SELECT id, kind, order_id, customer_id, distributor_id, related_distributor_id, reason,
		created_at, status, COALESCE(reviewed_at, 0), reviewed_by, review_note FROM risk_flags`+w.String()+
		` ORDER BY id`+page(f.Limit, 0), w.args...)
	if err != nil {
		return nil, 0, fmt.Errorf("find risk flags: %w", err)
	}
	defer rows.Close()
	out := []*RiskFlag{}
	for rows.Next() {
		var r RiskFlag
		var order, cust, dist, rel sql.NullInt64
		var created, reviewed int64
		if err := rows.Scan(&r.ID, &r.Kind, &order, &cust, &dist, &rel, &r.Reason, &created, &r.Status,
			&reviewed, &r.ReviewedBy, &r.ReviewNote); err != nil {
			return nil, 0, fmt.Errorf("find risk flags: %w", err)
		}
		r.OrderID, r.CustomerID = downline.OrderID(order.Int64), downline.CustomerID(cust.Int64)
		r.DistributorID, r.RelatedDistributorID = downline.DistributorID(dist.Int64), downline.DistributorID(rel.Int64)
		r.CreatedAt = decodeTime(created)
		if reviewed != 0 {
			r.ReviewedAt = decodeTime(reviewed)
		}
		out = append(out, &r)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("find risk flags: %w", err)
	}
	return out, total, nil
}

// ReviewRiskFlag closes an open flag. See downline.RiskService.
func (db *DB) ReviewRiskFlag(ctx context.Context, id int64, r downline.RiskReview) (*RiskFlag, bool, error) {
	what := fmt.Sprintf("risk flag %d", id)
	switch {
	case r.Status != downline.RiskConfirmed && r.Status != downline.RiskDismissed:
		return nil, false, downline.Errorf(downline.CodeInvalid, "%s: status: must be confirmed or dismissed, not %q", what, r.Status)
	case strings.TrimSpace(r.By) == "":
		return nil, false, downline.Errorf(downline.CodeInvalid, "%s: by: is required (who reviewed it)", what)
	}
	tx, err := db.beginTx(ctx, true)
	if err != nil {
		return nil, false, err
	}
	defer tx.Rollback()
	n, err := closeRiskFlags(ctx, tx, "id = ?", id, r)
	if err != nil {
		return nil, false, fmt.Errorf("%s: %w", what, err)
	}
	fs, _, err := findRiskFlags(ctx, tx, RiskFlagFilter{AfterID: id - 1, Limit: 1})
	if err != nil {
		return nil, false, err
	}
	if len(fs) == 0 || fs[0].ID != id {
		return nil, false, downline.Errorf(downline.CodeNotFound, "Risk flag %d not found.", id)
	}
	f := fs[0]
	if n == 0 {
		if f.Status != r.Status {
			return nil, false, downline.Errorf(downline.CodeConflict, "%s: already %s by %s on %s; it cannot become %s",
				what, f.Status, f.ReviewedBy, f.ReviewedAt.Format(time.DateOnly), r.Status)
		}
		return f, false, nil
	}
	if err := tx.Commit(); err != nil {
		return nil, false, fmt.Errorf("%s: %w", what, err)
	}
	return f, true, nil
}

// closeRiskFlags closes the open flags matching cond (with arg) as r says
// and returns how many it closed.
func closeRiskFlags(ctx context.Context, tx *Tx, cond string, arg any, r downline.RiskReview) (int64, error) {
	res, err := tx.exec(ctx, `UPDATE risk_flags SET status = ?, reviewed_at = ?, reviewed_by = ?, review_note = ?
		WHERE status = 'open' AND `+cond, string(r.Status), encodeTime(tx.now), r.By, r.Note, arg)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
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
