package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/downline/downline"
)

var _ downline.RefundService = (*DB)(nil)

// FindRefunds returns the refunds matching filter with their lines, ordered
// by ID, and the total number of matches ignoring Offset and Limit.
func (db *DB) FindRefunds(ctx context.Context, filter downline.RefundFilter) ([]*downline.Refund, int, error) {
	tx, err := db.beginTx(ctx, false)
	if err != nil {
		return nil, 0, err
	}
	defer tx.Rollback()
	return findRefunds(ctx, tx, filter)
}

func findRefunds(ctx context.Context, tx *Tx, f downline.RefundFilter) ([]*downline.Refund, int, error) {
	var w where
	if f.ID != nil {
		w.add("r.id = ?", *f.ID)
	}
	if f.ExternalID != nil {
		w.add("r.external_id = ?", *f.ExternalID)
	}
	if f.OrderID != nil {
		w.add("r.order_id = ?", *f.OrderID)
	}
	if f.Period != nil {
		w.add("r.period = ?", *f.Period)
	}
	if f.AfterID != 0 {
		w.add("r.id > ?", f.AfterID)
	}
	rows, err := tx.query(ctx, `SELECT r.id, r.external_id, r.order_id, o.external_id, r.refunded_at, r.reason,
		r.period, r.full_refund, r.created_at, COUNT(*) OVER ()
		FROM refunds r JOIN orders o ON o.id = r.order_id`+w.String()+` ORDER BY r.id`+page(f.Limit, f.Offset), w.args...)
	if err != nil {
		return nil, 0, fmt.Errorf("find refunds: %w", err)
	}
	defer rows.Close()
	var rs []*downline.Refund
	byID := map[downline.RefundID]*downline.Refund{}
	total := 0
	for rows.Next() {
		var r downline.Refund
		var refunded, created int64
		if err := rows.Scan(&r.ID, &r.ExternalID, &r.OrderID, &r.OrderRef, &refunded, &r.Reason, &r.Period, &r.Full,
			&created, &total); err != nil {
			return nil, 0, fmt.Errorf("find refunds: %w", err)
		}
		r.RefundedAt, r.CreatedAt = decodeTime(refunded), decodeTime(created)
		rs = append(rs, &r)
		byID[r.ID] = &r
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("find refunds: %w", err)
	}
	rows.Close()
	for start := 0; start < len(rs); start += 500 {
		end := min(start+500, len(rs))
		args := make([]any, 0, end-start)
		for _, r := range rs[start:end] {
			args = append(args, r.ID)
		}
		lrows, err := tx.query(ctx, `SELECT refund_id, line_no, amount, cv, qv FROM refund_lines WHERE refund_id IN (`+
			strings.TrimSuffix(strings.Repeat("?, ", len(args)), ", ")+`) ORDER BY refund_id, line_no`, args...)
		if err != nil {
			return nil, 0, fmt.Errorf("find refund lines: %w", err)
		}
		for lrows.Next() {
			var id downline.RefundID
			var l downline.RefundLine
			if err := lrows.Scan(&id, &l.LineNo, &l.Amount, &l.CV, &l.QV); err != nil {
				lrows.Close()
				return nil, 0, fmt.Errorf("find refund lines: %w", err)
			}
			byID[id].Lines = append(byID[id].Lines, l)
		}
		if err := lrows.Close(); err != nil {
			return nil, 0, fmt.Errorf("find refund lines: %w", err)
		}
	}
	total, err = countIfPastEnd(ctx, tx, "refunds r", &w, len(rs), total, f.Offset)
	if err != nil {
		return nil, 0, fmt.Errorf("find refunds: %w", err)
	}
	return rs, total, nil
}

// refundDigest covers the refund as requested (before a full refund's
// lines are filled in), with the order by external id.
func refundDigest(r *downline.Refund) string {
	var d digester
	d.str(r.ExternalID).str(r.OrderRef).time(r.RefundedAt).str(r.Reason).int(int64(len(r.Lines)))
	for _, l := range r.Lines {
		d.int(int64(l.LineNo)).int(l.Amount).int(l.CV).int(l.QV)
	}
	return d.sum()
}

// CreateRefund stores r. See downline.RefundService.
func (db *DB) CreateRefund(ctx context.Context, r *downline.Refund) error {
	return db.CreateRefunds(ctx, []*downline.Refund{r})
}

// CreateRefunds stores rs in one transaction: all or none.
func (db *DB) CreateRefunds(ctx context.Context, rs []*downline.Refund) error {
	var errs []error
	for _, r := range rs {
		if err := r.Validate(); err != nil {
			errs = append(errs, err)
		}
	}
	if err := batchError("refunds", len(rs), errs); err != nil {
		return err
	}
	return retryOnUniqueViolation(func() error {
		tx, err := db.beginTx(ctx, true)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		prog, err := findProgramme(ctx, tx)
		if err != nil {
			return err
		}
		loc, err := prog.Location()
		if err != nil {
			return err
		}
		gate, err := openPeriodGate(ctx, tx)
		if err != nil {
			return err
		}
		vols := newVolumeBatch()
		for _, r := range rs {
			if err := createRefund(ctx, tx, r, vols, loc, gate); err != nil {
				return err
			}
		}
		if err := vols.flush(ctx, tx); err != nil {
			return err
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("create refunds: %w", err)
		}
		return nil
	})
}

// refundOrder is what a refund needs to know about its order.
type refundOrder struct {
	id          downline.OrderID
	ref         string
	distributor downline.DistributorID
	customer    downline.CustomerID
	purpose     downline.OrderPurpose
	paidAt      int64
	held        bool // pending acknowledgement (TX-11): no volume to take back
	// rejected: its receipt was rejected in verification (TX-02); its
	// revenue is participant revenue from then on (see rejectOrder).
	rejected bool
	lines    []refundableLine
}

type refundableLine struct {
	amount, cv, qv                         int64
	refundedAmount, refundedCV, refundedQV int64
}

func findRefundOrder(ctx context.Context, tx *Tx, what string, id downline.OrderID, ref string) (*refundOrder, error) {
	o := &refundOrder{}
	var cust sql.NullInt64
	q := `SELECT id, external_id, distributor_id, customer_id, purpose, paid_at, volume_state = 'pending_ack', ` +
		rejectedOrderSQL("orders.id") + ` FROM orders WHERE `
	var err error
	if id != 0 {
		err = tx.queryRow(ctx, q+`id = ?`, id).Scan(&o.id, &o.ref, &o.distributor, &cust, &o.purpose, &o.paidAt, &o.held, &o.rejected)
	} else {
		err = tx.queryRow(ctx, q+`external_id = ?`, ref).Scan(&o.id, &o.ref, &o.distributor, &cust, &o.purpose, &o.paidAt, &o.held, &o.rejected)
	}
	if err == sql.ErrNoRows {
		if id != 0 {
			return nil, downline.Errorf(downline.CodeInvalid, "%s: order %d does not exist", what, id)
		}
		return nil, downline.Errorf(downline.CodeInvalid, "%s: order %q does not exist", what, ref)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: find order: %w", what, err)
	}
	o.customer = downline.CustomerID(cust.Int64)
	rows, err := tx.query(ctx, `SELECT amount, total_cv, total_qv, refunded_amount, refunded_cv, refunded_qv
		FROM order_lines WHERE order_id = ? ORDER BY line_no`, o.id)
	if err != nil {
		return nil, fmt.Errorf("%s: find order lines: %w", what, err)
	}
	defer rows.Close()
	for rows.Next() {
		var l refundableLine
		if err := rows.Scan(&l.amount, &l.cv, &l.qv, &l.refundedAmount, &l.refundedCV, &l.refundedQV); err != nil {
			return nil, fmt.Errorf("%s: find order lines: %w", what, err)
		}
		o.lines = append(o.lines, l)
	}
	return o, rows.Err()
}

// refundLines returns the lines r refunds from o: everything that remains
// when r has no lines, and r's lines with CV and QV derived pro rata where
// only an amount is given. It fails with CodeInvalid for an unknown line
// and CodeConflict when a line exceeds what remains.
func refundLines(what string, r *downline.Refund, o *refundOrder) ([]downline.RefundLine, error) {
	if len(r.Lines) == 0 {
		var out []downline.RefundLine
		for i, l := range o.lines {
			rl := downline.RefundLine{LineNo: i + 1, Amount: l.amount - l.refundedAmount, CV: l.cv - l.refundedCV, QV: l.qv - l.refundedQV}
			if rl.Amount != 0 || rl.CV != 0 || rl.QV != 0 {
				out = append(out, rl)
			}
		}
		if len(out) == 0 {
			return nil, downline.Errorf(downline.CodeConflict, "%s: order %q is already fully refunded", what, o.ref)
		}
		return out, nil
	}
	out := make([]downline.RefundLine, len(r.Lines))
	for i, rl := range r.Lines {
		if rl.LineNo > len(o.lines) {
			return nil, downline.Errorf(downline.CodeInvalid, "%s: line %d: order %q has no line %d", what, i+1, o.ref, rl.LineNo)
		}
		l := o.lines[rl.LineNo-1]
		remAmount, remCV, remQV := l.amount-l.refundedAmount, l.cv-l.refundedCV, l.qv-l.refundedQV
		if rl.Amount > remAmount {
			return nil, downline.Errorf(downline.CodeConflict, "%s: line %d: amount %d exceeds the %d that remains of order %q line %d",
				what, i+1, rl.Amount, remAmount, o.ref, rl.LineNo)
		}
		if rl.CV == 0 && rl.QV == 0 && rl.Amount > 0 {
			if rl.Amount == remAmount {
				// The last part of a line takes exactly what remains, so
				// pro-rata rounding never leaves a residue.
				rl.CV, rl.QV = remCV, remQV
			} else {
				cv, err1 := downline.MulDiv(l.cv, rl.Amount, l.amount)
				qv, err2 := downline.MulDiv(l.qv, rl.Amount, l.amount)
				if err1 != nil || err2 != nil {
					return nil, downline.Errorf(downline.CodeInvalid, "%s: line %d: amount cannot be prorated", what, i+1)
				}
				rl.CV, rl.QV = min(cv, remCV), min(qv, remQV)
			}
		}
		if rl.CV > remCV {
			return nil, downline.Errorf(downline.CodeConflict, "%s: line %d: CV %d exceeds the %d that remains of order %q line %d",
				what, i+1, rl.CV, remCV, o.ref, rl.LineNo)
		}
		if rl.QV > remQV {
			return nil, downline.Errorf(downline.CodeConflict, "%s: line %d: QV %d exceeds the %d that remains of order %q line %d",
				what, i+1, rl.QV, remQV, o.ref, rl.LineNo)
		}
		out[i] = rl
	}
	return out, nil
}

func createRefund(ctx context.Context, tx *Tx, r *downline.Refund, vols *volumeBatch, loc *time.Location, gate periodGate) error {
	what := fmt.Sprintf("refund %q", r.ExternalID)
	o, err := findRefundOrder(ctx, tx, what, r.OrderID, r.OrderRef)
	if err != nil {
		return err
	}
	r.OrderID, r.OrderRef = o.id, o.ref
	dig := refundDigest(r)
	var id downline.RefundID
	var existing string
	err = tx.queryRow(ctx, `SELECT id, digest FROM refunds WHERE external_id = ?`, r.ExternalID).Scan(&id, &existing)
	switch {
	case err == nil:
		found, _, err := findRefunds(ctx, tx, downline.RefundFilter{ID: &id})
		if err != nil || len(found) != 1 {
			return fmt.Errorf("create %s: reload: %v", what, err)
		}
		// The same request, or the record as the store filled it in (a
		// retry with the struct a first call completed), is a no-op.
		if existing != dig && refundDigest(found[0]) != dig {
			return downline.Errorf(downline.CodeConflict, "%s: already exists with other content", what)
		}
		*r = *found[0]
		return nil
	case err != sql.ErrNoRows:
		return fmt.Errorf("create %s: %w", what, err)
	}
	if encodeTime(r.RefundedAt) < o.paidAt {
		return downline.Errorf(downline.CodeInvalid, "%s: refunded at must not be before order %q was paid", what, o.ref)
	}
	lines, err := refundLines(what, r, o)
	if err != nil {
		return err
	}
	r.Full = len(r.Lines) == 0
	r.Lines = lines
	r.RefundedAt = decodeTime(encodeTime(r.RefundedAt))
	if r.Period, err = gate.place(downline.MonthlyPeriodOf(r.RefundedAt, loc).Name); err != nil {
		return err
	}
	var amount, cv int64
	for _, l := range lines {
		amount += l.Amount
		cv += l.CV
	}
	err = tx.queryRow(ctx, `INSERT INTO refunds (external_id, order_id, refunded_at, period, reason, full_refund, amount,
		cv, held, digest, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, r.ExternalID, o.id,
		encodeTime(r.RefundedAt), r.Period, r.Reason, r.Full, amount, cv, o.held, dig, encodeTime(tx.now)).Scan(&r.ID)
	if err != nil {
		return fmt.Errorf("create %s: %w", what, mapError(err, what))
	}
	for _, l := range lines {
		if _, err := tx.exec(ctx, `INSERT INTO refund_lines (refund_id, order_id, line_no, amount, cv, qv)
			VALUES (?, ?, ?, ?, ?, ?)`, r.ID, o.id, l.LineNo, l.Amount, l.CV, l.QV); err != nil {
			return fmt.Errorf("create %s: line %d: %w", what, l.LineNo, mapError(err, what))
		}
		// Relative updates under the CHECK (refunded <= total) make a
		// concurrent over-refund fail even if it read stale totals.
		_, err := tx.exec(ctx, `UPDATE order_lines SET refunded_amount = refunded_amount + ?,
			refunded_cv = refunded_cv + ?, refunded_qv = refunded_qv + ? WHERE order_id = ? AND line_no = ?`,
			l.Amount, l.CV, l.QV, o.id, l.LineNo)
		if classify(err) == checkViolation {
			return downline.Errorf(downline.CodeConflict, "%s: order %q line %d: refund exceeds what remains", what, o.ref, l.LineNo)
		}
		if err != nil {
			return fmt.Errorf("create %s: line %d: %w", what, l.LineNo, err)
		}
	}
	if _, err := tx.exec(ctx, `UPDATE orders SET status = CASE WHEN EXISTS (SELECT 1 FROM order_lines l
		WHERE l.order_id = orders.id AND (l.refunded_amount < l.amount OR l.refunded_cv < l.total_cv
		OR l.refunded_qv < l.total_qv)) THEN 'partially_refunded' ELSE 'refunded' END WHERE id = ?`, o.id); err != nil {
		return fmt.Errorf("create %s: order status: %w", what, err)
	}
	if o.held {
		// Re-read the volume state now that the order row is locked: an
		// acknowledgement (TX-11) may have released the order meanwhile.
		if err := tx.queryRow(ctx, `SELECT volume_state = 'pending_ack' FROM orders WHERE id = ?`, o.id).Scan(&o.held); err != nil {
			return fmt.Errorf("create %s: volume state: %w", what, err)
		}
		if !o.held {
			if _, err := tx.exec(ctx, `UPDATE refunds SET held = FALSE WHERE id = ?`, r.ID); err != nil {
				return fmt.Errorf("create %s: %w", what, err)
			}
		}
	}
	vols.addRefund(o, r.Period, lines)
	r.CreatedAt = tx.now
	return nil
}
