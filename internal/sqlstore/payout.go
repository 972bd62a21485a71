package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/downline/downline"
	"github.com/downline/downline/ledger"
)

var _ downline.PayoutService = (*DB)(nil)

// SetPayoutDetails stores a distributor's payout details.
func (db *DB) SetPayoutDetails(ctx context.Context, d *downline.PayoutDetails) error {
	if err := d.Validate(); err != nil {
		return err
	}
	tx, err := db.beginTx(ctx, true)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	d.UpdatedAt = tx.now
	what := fmt.Sprintf("payout details of distributor %d", d.DistributorID)
	if _, err := tx.exec(ctx, `INSERT INTO payout_details (distributor_id, method, holder_name, iban, bic, routing_number,
		account_number, account_type, email, tax_status, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (distributor_id) DO UPDATE SET method = excluded.method, holder_name = excluded.holder_name,
		iban = excluded.iban, bic = excluded.bic, routing_number = excluded.routing_number,
		account_number = excluded.account_number, account_type = excluded.account_type, email = excluded.email,
		tax_status = excluded.tax_status, updated_at = excluded.updated_at`,
		d.DistributorID, d.Method, d.HolderName, d.IBAN, d.BIC, d.RoutingNumber, d.AccountNumber, d.AccountType, d.Email,
		d.TaxStatus, encodeTime(tx.now)); err != nil {
		return fmt.Errorf("set %s: %w", what, mapError(err, what))
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("set %s: %w", what, err)
	}
	return nil
}

// ReleaseHolds moves the earnings of every closed run whose hold ended at or
// before asOf from earned to payable, one transaction "release:<period>"
// per run. Releasing again is a no-op.
func (db *DB) ReleaseHolds(ctx context.Context, asOf time.Time) (int, error) {
	tx, err := db.beginTx(ctx, true)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	rows, err := tx.query(ctx, `SELECT period, currency FROM commission_runs r WHERE kind = 'close' AND payable_at <= ?
		AND NOT EXISTS (SELECT 1 FROM ledger_transactions t WHERE t.id = 'release:' || r.period)
		ORDER BY period`, encodeTime(asOf))
	if err != nil {
		return 0, fmt.Errorf("release holds: %w", err)
	}
	type due struct{ period, currency string }
	var dues []due
	for rows.Next() {
		var d due
		if err := rows.Scan(&d.period, &d.currency); err != nil {
			rows.Close()
			return 0, fmt.Errorf("release holds: %w", err)
		}
		dues = append(dues, d)
	}
	if err := rows.Close(); err != nil {
		return 0, fmt.Errorf("release holds: %w", err)
	}
	n := 0
	for _, d := range dues {
		rs, err := earnedByRun(ctx, tx, d.period)
		if err != nil {
			return 0, err
		}
		if len(rs) == 0 {
			continue
		}
		t, err := ledger.HoldRelease(d.period, d.currency, rs)
		if err != nil {
			return 0, fmt.Errorf("release %s: %w", d.period, err)
		}
		if _, err := postTransaction(ctx, tx, t, d.period); err != nil {
			return 0, err
		}
		n++
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("release holds: %w", err)
	}
	return n, nil
}

// earnedByRun returns what the close of period credited to each
// distributor's earned account.
func earnedByRun(ctx context.Context, tx *Tx, period string) ([]ledger.Release, error) {
	rows, err := tx.query(ctx, `SELECT distributor_id, -SUM(amount) FROM ledger_postings
		WHERE transaction_id = ? AND account_kind = 'earned' GROUP BY distributor_id ORDER BY distributor_id`,
		"run:"+period+":close")
	if err != nil {
		return nil, fmt.Errorf("earnings of %s: %w", period, err)
	}
	defer rows.Close()
	var rs []ledger.Release
	for rows.Next() {
		var r ledger.Release
		if err := rows.Scan(&r.Distributor, &r.Amount); err != nil {
			return nil, fmt.Errorf("earnings of %s: %w", period, err)
		}
		if r.Amount > 0 {
			rs = append(rs, r)
		}
	}
	return rs, rows.Err()
}

// CreatePayoutBatch creates the batch and posts one payout per sent item.
func (db *DB) CreatePayoutBatch(ctx context.Context, req downline.NewPayoutBatch) (*downline.PayoutBatch, error) {
	switch {
	case !downline.IsPeriodName(req.Period):
		return nil, downline.Errorf(downline.CodeInvalid, "payout batch: period %q must be named YYYY-MM", req.Period)
	case req.Seq < 1:
		return nil, downline.Errorf(downline.CodeInvalid, "payout batch: sequence must be at least 1")
	case !req.Method.IsValid():
		return nil, downline.Errorf(downline.CodeInvalid, "payout batch: method must be sepa, ach, paypal or wise")
	case req.Minimum <= 0:
		return nil, downline.Errorf(downline.CodeInvalid, "payout batch: minimum must be positive")
	case req.AsOf.IsZero():
		return nil, downline.Errorf(downline.CodeInvalid, "payout batch: as-of time is required")
	}
	id := downline.PayoutBatchID(req.Period, req.Seq)
	tx, err := db.beginTx(ctx, true)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if b, err := findPayoutBatch(ctx, tx, id); err == nil {
		if b.Method != req.Method || b.Minimum != req.Minimum || !b.AsOf.Equal(decodeTime(encodeTime(req.AsOf))) {
			return nil, downline.Errorf(downline.CodeConflict, "Payout batch %s exists with other parameters.", id)
		}
		return b, nil
	} else if downline.ErrorCode(err) != downline.CodeNotFound {
		return nil, err
	}
	prog, err := findProgramme(ctx, tx)
	if err != nil {
		return nil, err
	}
	b := &downline.PayoutBatch{ID: id, Period: req.Period, Seq: req.Seq, Method: req.Method, Currency: prog.Currency,
		Minimum: req.Minimum, AsOf: decodeTime(encodeTime(req.AsOf)), CreatedAt: tx.now}
	if _, err := tx.exec(ctx, `INSERT INTO payout_batches (id, period, seq, method, currency, minimum, as_of, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, b.ID, b.Period, b.Seq, b.Method, b.Currency, b.Minimum, encodeTime(b.AsOf),
		encodeTime(tx.now)); err != nil {
		return nil, fmt.Errorf("create payout batch %s: %w", id, mapError(err, "payout batch "+id))
	}
	bals, err := distributorBalances(ctx, tx, nil)
	if err != nil {
		return nil, err
	}
	ins := newRowInserter(tx, `INSERT INTO payout_items (batch_id, item_no, distributor_id, amount, receivable, status,
		reason, updated_at)`, 8)
	defer ins.close()
	var no int64
	for _, bal := range bals {
		if bal.Available < req.Minimum {
			continue // a negative or small balance carries forward
		}
		status, det, reason, err := payoutEligibility(ctx, tx, bal.DistributorID, req.Method)
		if err != nil {
			return nil, err
		}
		if det != nil && det.Method != req.Method {
			continue // paid in another method's batch
		}
		no++
		it := &downline.PayoutItem{BatchID: id, ItemNo: no, DistributorID: bal.DistributorID, Status: status,
			Reason: reason, Details: det, UpdatedAt: tx.now}
		if status == downline.PayoutSent {
			it.Amount, it.Receivable = bal.Available, bal.Receivable
			t, err := ledger.Payout(ledger.PayoutItem{Batch: id, Item: strconv.FormatInt(no, 10), Distributor: int64(bal.DistributorID),
				Currency: b.Currency, Amount: it.Amount, Receivable: it.Receivable})
			if err != nil {
				return nil, fmt.Errorf("payout batch %s item %d: %w", id, no, err)
			}
			if _, err := postTransaction(ctx, tx, t, req.Period); err != nil {
				return nil, err
			}
		}
		if err := ins.add(ctx, id, no, it.DistributorID, it.Amount, it.Receivable, it.Status, it.Reason, encodeTime(tx.now)); err != nil {
			return nil, fmt.Errorf("payout batch %s: %w", id, err)
		}
		b.Items = append(b.Items, it)
	}
	if err := ins.flush(ctx); err != nil {
		return nil, fmt.Errorf("payout batch %s: %w", id, err)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("create payout batch %s: %w", id, err)
	}
	return b, nil
}

// payoutEligibility decides whether a distributor can be paid now: sent,
// or held with the reason (suspended or terminated, no payout details, no
// tax form).
func payoutEligibility(ctx context.Context, tx *Tx, id downline.DistributorID, method downline.PayoutMethod) (downline.PayoutItemStatus, *downline.PayoutDetails, string, error) {
	var status string
	if err := tx.queryRow(ctx, `SELECT status FROM distributors WHERE id = ?`, id).Scan(&status); err != nil {
		return "", nil, "", fmt.Errorf("payout eligibility of %d: %w", id, err)
	}
	det, err := findPayoutDetails(ctx, tx, id)
	if err != nil && downline.ErrorCode(err) != downline.CodeNotFound {
		return "", nil, "", err
	}
	switch {
	case downline.DistributorStatus(status) != downline.StatusActive:
		return downline.PayoutHeld, det, "distributor is " + status, nil
	case det == nil:
		return downline.PayoutHeld, nil, "no payout details", nil
	case det.TaxStatus == downline.TaxMissing:
		return downline.PayoutHeld, det, "tax form missing", nil
	}
	return downline.PayoutSent, det, "", nil
}

func findPayoutDetails(ctx context.Context, tx *Tx, id downline.DistributorID) (*downline.PayoutDetails, error) {
	d := &downline.PayoutDetails{DistributorID: id}
	var updated int64
	err := tx.queryRow(ctx, `SELECT method, holder_name, iban, bic, routing_number, account_number, account_type, email,
		tax_status, updated_at FROM payout_details WHERE distributor_id = ?`, id).Scan(&d.Method, &d.HolderName, &d.IBAN,
		&d.BIC, &d.RoutingNumber, &d.AccountNumber, &d.AccountType, &d.Email, &d.TaxStatus, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, downline.Errorf(downline.CodeNotFound, "Distributor %d has no payout details.", id)
	}
	if err != nil {
		return nil, fmt.Errorf("payout details of %d: %w", id, err)
	}
	d.UpdatedAt = decodeTime(updated)
	return d, nil
}

// FindPayoutBatch returns a batch with its items and details.
func (db *DB) FindPayoutBatch(ctx context.Context, id string) (*downline.PayoutBatch, error) {
	tx, err := db.beginTx(ctx, false)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	return findPayoutBatch(ctx, tx, id)
}

func findPayoutBatch(ctx context.Context, tx *Tx, id string) (*downline.PayoutBatch, error) {
	b := &downline.PayoutBatch{ID: id}
	var asOf, created int64
	err := tx.queryRow(ctx, `SELECT period, seq, method, currency, minimum, as_of, created_at FROM payout_batches WHERE id = ?`, id).
		Scan(&b.Period, &b.Seq, &b.Method, &b.Currency, &b.Minimum, &asOf, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, downline.Errorf(downline.CodeNotFound, "Payout batch %q not found.", id)
	}
	if err != nil {
		return nil, fmt.Errorf("find payout batch %s: %w", id, err)
	}
	b.AsOf, b.CreatedAt = decodeTime(asOf), decodeTime(created)
	rows, err := tx.query(ctx, `SELECT item_no, distributor_id, amount, receivable, status, reason, updated_at
		FROM payout_items WHERE batch_id = ? ORDER BY item_no`, id)
	if err != nil {
		return nil, fmt.Errorf("find payout batch %s: %w", id, err)
	}
	for rows.Next() {
		it := &downline.PayoutItem{BatchID: id}
		var updated int64
		if err := rows.Scan(&it.ItemNo, &it.DistributorID, &it.Amount, &it.Receivable, &it.Status, &it.Reason, &updated); err != nil {
			rows.Close()
			return nil, fmt.Errorf("find payout batch %s: %w", id, err)
		}
		it.UpdatedAt = decodeTime(updated)
		b.Items = append(b.Items, it)
	}
	if err := rows.Close(); err != nil {
		return nil, fmt.Errorf("find payout batch %s: %w", id, err)
	}
	for _, it := range b.Items {
		d, err := findPayoutDetails(ctx, tx, it.DistributorID)
		if err != nil && downline.ErrorCode(err) != downline.CodeNotFound {
			return nil, err
		}
		it.Details = d
	}
	return b, nil
}

// MarkPayoutItem records the bank's answer for one sent item.
func (db *DB) MarkPayoutItem(ctx context.Context, batch string, item int64, status downline.PayoutItemStatus, reason string) error {
	if status != downline.PayoutPaid && status != downline.PayoutFailed {
		return downline.Errorf(downline.CodeInvalid, "payout item %s/%d: status must be paid or failed", batch, item)
	}
	tx, err := db.beginTx(ctx, true)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var it downline.PayoutItem
	var period, currency string
	err = tx.queryRow(ctx, `SELECT i.distributor_id, i.amount, i.receivable, i.status, b.period, b.currency
		FROM payout_items i JOIN payout_batches b ON b.id = i.batch_id WHERE i.batch_id = ? AND i.item_no = ?`, batch, item).
		Scan(&it.DistributorID, &it.Amount, &it.Receivable, &it.Status, &period, &currency)
	if errors.Is(err, sql.ErrNoRows) {
		return downline.Errorf(downline.CodeNotFound, "Payout item %s/%d not found.", batch, item)
	}
	if err != nil {
		return fmt.Errorf("mark payout item %s/%d: %w", batch, item, err)
	}
	switch {
	case it.Status == status:
		return nil
	case it.Status != downline.PayoutSent:
		return downline.Errorf(downline.CodeConflict, "Payout item %s/%d is %s and cannot become %s.", batch, item, it.Status, status)
	}
	p := ledger.PayoutItem{Batch: batch, Item: strconv.FormatInt(item, 10), Distributor: int64(it.DistributorID),
		Currency: currency, Amount: it.Amount, Receivable: it.Receivable}
	var t ledger.Transaction
	if status == downline.PayoutFailed {
		if t, err = ledger.PayoutFailure(p, reason); err != nil {
			return fmt.Errorf("mark payout item %s/%d: %w", batch, item, err)
		}
	} else {
		t = ledger.Transaction{ID: ledger.PayoutID(batch, p.Item) + ":settled", Kind: ledger.KindSettlement,
			Memo: "settled", Postings: []ledger.Posting{
				{Account: ledger.CompanyAccount(ledger.PayoutsClearing), Amount: it.Amount, Currency: currency},
				{Account: ledger.CompanyAccount(ledger.Bank), Amount: -it.Amount, Currency: currency}}}
	}
	if _, err := postTransaction(ctx, tx, t, period); err != nil {
		return err
	}
	if _, err := tx.exec(ctx, `UPDATE payout_items SET status = ?, reason = ?, updated_at = ? WHERE batch_id = ? AND item_no = ?`,
		status, reason, encodeTime(tx.now), batch, item); err != nil {
		return fmt.Errorf("mark payout item %s/%d: %w", batch, item, err)
	}
	if status == downline.PayoutPaid {
		if err := enqueuePaid(ctx, tx, batch, item, it.DistributorID, it.Amount, currency); err != nil {
			return fmt.Errorf("mark payout item %s/%d: %w", batch, item, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("mark payout item %s/%d: %w", batch, item, err)
	}
	return nil
}
