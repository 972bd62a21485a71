package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/downline/downline"
	"github.com/downline/downline/compplan"
	"github.com/downline/downline/ledger"
)

// rowInserter writes rows with multi-row INSERT statements of up to
// batchRows rows, prepared once: far fewer round trips than one INSERT per
// row, in the portable subset of both engines.
type rowInserter struct {
	tx      *Tx
	prefix  string
	cols    int
	args    []any
	full    *sql.Stmt
	written int
}

// batchRows × columns stays under SQLite's 32766 and PostgreSQL's 65535
// bound parameters for every table written this way.
const batchRows = 512

func newRowInserter(tx *Tx, prefix string, cols int) *rowInserter {
	return &rowInserter{tx: tx, prefix: prefix, cols: cols, args: make([]any, 0, cols*batchRows)}
}

func (b *rowInserter) statement(rows int) string {
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", b.cols), ", ") + ")"
	return b.prefix + " VALUES " + strings.TrimSuffix(strings.Repeat(one+", ", rows), ", ")
}

func (b *rowInserter) add(ctx context.Context, vals ...any) error {
	b.args = append(b.args, vals...)
	if len(b.args) == b.cols*batchRows {
		return b.flush(ctx)
	}
	return nil
}

func (b *rowInserter) flush(ctx context.Context) error {
	rows := len(b.args) / b.cols
	if rows == 0 {
		return nil
	}
	var err error
	if rows == batchRows {
		if b.full == nil {
			if b.full, err = b.tx.prepare(ctx, b.statement(batchRows)); err != nil {
				return err
			}
		}
		_, err = b.full.ExecContext(ctx, b.args...)
	} else {
		_, err = b.tx.exec(ctx, b.statement(rows), b.args...)
	}
	if err != nil {
		return err
	}
	b.written += rows
	b.args = b.args[:0]
	return nil
}

func (b *rowInserter) close() {
	if b.full != nil {
		b.full.Close()
	}
}

// store inserts the run, its distributor results and its lines.
func (in *runInput) store(ctx context.Context, tx *Tx, kind downline.RunKind, holdDays int, progress func(string, int, int)) (*downline.Run, error) {
	res := in.res
	sc := res.Scale()
	if sc.Den == 0 {
		sc = compplan.Rate{Num: 1, Den: 1}
	}
	r := &downline.Run{Period: in.period.Name, Kind: kind, PlanVersionID: in.pv.ID, PlanHash: in.pv.Hash,
		StatePeriod: in.statePeriod, InputHash: in.inputHash, ResultHash: res.HashHex(), Currency: in.prog.Currency,
		Distributors: res.Len(), Lines: res.NumLines(), Total: res.Total(), TotalCV: res.TotalCV(),
		ScaleNum: sc.Num, ScaleDen: sc.Den, HoldDays: holdDays,
		PayableAt: in.period.End.AddDate(0, 0, holdDays).UTC(), CreatedAt: tx.now}
	for _, c := range in.claws {
		r.Lines += len(c.lines)
		for _, l := range c.lines {
			r.Clawbacks += l.Amount
		}
	}
	if err := tx.queryRow(ctx, `INSERT INTO commission_runs (period, kind, plan_version_id, state_period, input_hash,
		result_hash, currency, distributors, lines, total, clawbacks, total_cv, scale_num, scale_den, hold_days,
		payable_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		r.Period, r.Kind, r.PlanVersionID, r.StatePeriod, r.InputHash, r.ResultHash, r.Currency, r.Distributors,
		r.Lines, r.Total, r.Clawbacks, r.TotalCV, r.ScaleNum, r.ScaleDen, r.HoldDays, encodeTime(r.PayableAt),
		encodeTime(r.CreatedAt)).Scan(&r.ID); err != nil {
		if classify(err) == uniqueViolation {
			return nil, downline.Errorf(downline.CodeConflict, "Period %s is being closed by another run.", r.Period)
		}
		return nil, fmt.Errorf("insert run: %w", err)
	}

	ds := newRowInserter(tx, `INSERT INTO run_distributors (run_id, distributor_id, cuv, pcv, rpcv, pv, gv, active,
		paid_rank, title_rank, withheld, total)`, 12)
	defer ds.close()
	n := res.Len()
	for i := range n {
		d := res.Distributor(i)
		if err := ds.add(ctx, r.ID, int64(d.ID), d.CuV, d.PCV, d.RPCV, d.PV, d.GV, d.Active, d.PaidRank, d.TitleRank,
			d.Withheld, d.Total); err != nil {
			return nil, fmt.Errorf("insert results: %w", err)
		}
		if i%65536 == 0 {
			progress("results", i, n)
		}
	}
	if err := ds.flush(ctx); err != nil {
		return nil, fmt.Errorf("insert results: %w", err)
	}
	progress("results", n, n)

	ls := newRowInserter(tx, `INSERT INTO run_lines (run_id, line_no, earner_id, bonus, kind, source_id, level,
		compressed_level, basis, rate_num, rate_den, scale_num, scale_den, amount, withheld, refund_id, order_id)`, 17)
	defer ls.close()
	nl := res.NumLines()
	for j := range nl {
		l := res.Line(j)
		if err := ls.add(ctx, r.ID, int64(j+1), int64(l.Earner), l.Bonus, string(l.Kind), int64(l.Source), l.Level,
			l.CompressedLevel, l.Basis, l.Rate.Num, max(l.Rate.Den, 1), l.Scale.Num, max(l.Scale.Den, 1), l.Amount,
			l.Withheld, nil, nil); err != nil {
			return nil, fmt.Errorf("insert lines: %w", err)
		}
		if j%65536 == 0 {
			progress("lines", j, nl)
		}
	}
	no := int64(nl)
	for _, c := range in.claws {
		for _, l := range c.lines {
			no++
			if err := ls.add(ctx, r.ID, no, l.Earner, l.Bonus, l.Kind, l.Source, l.Level, l.CompressedLevel, l.Basis,
				l.RateNum, l.RateDen, l.ScaleNum, l.ScaleDen, l.Amount, "", l.RefundID, l.OrderID); err != nil {
				return nil, fmt.Errorf("insert clawback lines: %w", err)
			}
		}
	}
	if err := ls.flush(ctx); err != nil {
		return nil, fmt.Errorf("insert lines: %w", err)
	}
	progress("lines", nl, nl)
	return r, nil
}

// post freezes a close: it stores the carried state and posts the
// earnings and one clawback transaction per refund to the ledger.
func (in *runInput) post(ctx context.Context, tx *Tx, r *downline.Run, progress func(string, int, int)) error {
	st, err := encodeState(in.res.StateOut(), in.plan.MinorDigits)
	if err != nil {
		return fmt.Errorf("encode state: %w", err)
	}
	if _, err := tx.exec(ctx, `INSERT INTO period_states (period, run_id, state) VALUES (?, ?, ?)`, r.Period, r.ID, st); err != nil {
		return fmt.Errorf("store state: %w", mapError(err, "state of "+r.Period))
	}
	progress("ledger", 0, 1)
	earnings := make([]ledger.Earning, 0, in.res.Len())
	for i := range in.res.Len() {
		d := in.res.Distributor(i)
		if d.Total != 0 {
			earnings = append(earnings, ledger.Earning{Distributor: int64(d.ID), Amount: d.Total})
		}
	}
	if len(earnings) > 0 {
		t, err := ledger.Earnings(r.Period, r.Currency, earnings)
		if err != nil {
			return fmt.Errorf("earnings: %w", err)
		}
		if _, err := postTransaction(ctx, tx, t, r.Period); err != nil {
			return err
		}
	}
	for _, c := range in.claws {
		t, err := clawbackTransaction(c, r.Currency, r.ID, int64(in.res.NumLines()))
		if err != nil {
			return err
		}
		if _, err := postTransaction(ctx, tx, t, r.Period); err != nil {
			return err
		}
	}
	progress("ledger", 1, 1)
	return nil
}

// clawbackTransaction debits each earner's clawback receivable with the
// clawback of one refund and credits commission expense.
func clawbackTransaction(c clawback, currency string, run downline.RunID, firstLine int64) (ledger.Transaction, error) {
	t := ledger.Transaction{ID: "refund:" + c.refundRef + ":clawback", Kind: ledger.KindClawback,
		Memo: fmt.Sprintf("clawback of refund %s of order %d", c.refundRef, c.order)}
	var total int64
	for _, l := range c.lines {
		t.Postings = append(t.Postings, ledger.Posting{Account: ledger.DistributorAccount(ledger.ClawbackReceivable, int64(l.Earner)),
			Amount: -l.Amount, Currency: currency, Ref: "run:" + strconv.FormatInt(int64(run), 10) + ":" + l.Bonus})
		total += -l.Amount
	}
	t.Postings = append(t.Postings, ledger.Posting{Account: ledger.CompanyAccount(ledger.CommissionExpense), Amount: -total, Currency: currency})
	if err := t.Validate(); err != nil {
		return ledger.Transaction{}, fmt.Errorf("clawback of refund %q: %w", c.refundRef, err)
	}
	return t, nil
}

// FindRunLines returns a run's lines earned by one distributor (0: all).
func (db *DB) FindRunLines(ctx context.Context, id downline.RunID, earner downline.DistributorID) ([]*downline.CommissionLine, error) {
	tx, err := db.beginTx(ctx, false)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if _, err := findRun(ctx, tx, id); err != nil {
		return nil, err
	}
	return findRunLines(ctx, tx, id, earner)
}

func findRunLines(ctx context.Context, tx *Tx, id downline.RunID, earner downline.DistributorID) ([]*downline.CommissionLine, error) {
	var w where
	w.add("run_id = ?", id)
	if earner != 0 {
		w.add("earner_id = ?", earner)
	}
	rows, err := tx.query(ctx, `SELECT run_id, line_no, earner_id, bonus, kind, source_id, level, compressed_level, basis,
		rate_num, rate_den, scale_num, scale_den, amount, withheld, refund_id, order_id FROM run_lines`+w.String()+
		` ORDER BY line_no`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("find lines of run %d: %w", id, err)
	}
	defer rows.Close()
	var out []*downline.CommissionLine
	for rows.Next() {
		var l downline.CommissionLine
		var refund, order sql.NullInt64
		if err := rows.Scan(&l.RunID, &l.LineNo, &l.Earner, &l.Bonus, &l.Kind, &l.Source, &l.Level, &l.CompressedLevel,
			&l.Basis, &l.RateNum, &l.RateDen, &l.ScaleNum, &l.ScaleDen, &l.Amount, &l.Withheld, &refund, &order); err != nil {
			return nil, fmt.Errorf("find lines of run %d: %w", id, err)
		}
		l.RefundID, l.OrderID = downline.RefundID(refund.Int64), downline.OrderID(order.Int64)
		out = append(out, &l)
	}
	return out, rows.Err()
}

// DiffRuns compares per-distributor totals and lines of two runs.
func (db *DB) DiffRuns(ctx context.Context, from, to downline.RunID) (*downline.RunDiff, error) {
	tx, err := db.beginTx(ctx, false)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	d := &downline.RunDiff{}
	if d.From, err = findRun(ctx, tx, from); err != nil {
		return nil, err
	}
	if d.To, err = findRun(ctx, tx, to); err != nil {
		return nil, err
	}
	// A full outer join in the portable subset: the union of both sides'
	// keys, summed per side.
	rows, err := tx.query(ctx, `SELECT distributor_id, SUM(a), SUM(b) FROM (
			SELECT distributor_id, total AS a, 0 AS b FROM run_distributors WHERE run_id = ?
			UNION ALL SELECT distributor_id, 0, total FROM run_distributors WHERE run_id = ?) x
		GROUP BY distributor_id HAVING SUM(a) <> SUM(b) ORDER BY distributor_id`, from, to)
	if err != nil {
		return nil, fmt.Errorf("diff runs %d and %d: %w", from, to, err)
	}
	for rows.Next() {
		var t downline.RunTotalDiff
		if err := rows.Scan(&t.DistributorID, &t.From, &t.To); err != nil {
			rows.Close()
			return nil, fmt.Errorf("diff runs %d and %d: %w", from, to, err)
		}
		d.Totals = append(d.Totals, t)
	}
	if err := rows.Close(); err != nil {
		return nil, fmt.Errorf("diff runs %d and %d: %w", from, to, err)
	}
	rows, err = tx.query(ctx, `SELECT earner_id, bonus, source_id, compressed_level, SUM(a), SUM(b) FROM (
			SELECT earner_id, bonus, source_id, compressed_level, amount AS a, 0 AS b FROM run_lines WHERE run_id = ?
			UNION ALL SELECT earner_id, bonus, source_id, compressed_level, 0, amount FROM run_lines WHERE run_id = ?) x
		GROUP BY earner_id, bonus, source_id, compressed_level HAVING SUM(a) <> SUM(b)
		ORDER BY earner_id, bonus, source_id, compressed_level`, from, to)
	if err != nil {
		return nil, fmt.Errorf("diff lines of runs %d and %d: %w", from, to, err)
	}
	defer rows.Close()
	for rows.Next() {
		var l downline.RunLineDiff
		if err := rows.Scan(&l.Earner, &l.Bonus, &l.Source, &l.CompressedLevel, &l.From, &l.To); err != nil {
			return nil, fmt.Errorf("diff lines of runs %d and %d: %w", from, to, err)
		}
		d.Lines = append(d.Lines, l)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("diff lines of runs %d and %d: %w", from, to, err)
	}
	return d, nil
}
