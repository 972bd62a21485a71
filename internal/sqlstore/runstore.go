package sqlstore

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
	"strconv"

	"github.com/downline/downline"
	"github.com/downline/downline/compplan"
	"github.com/downline/downline/ledger"
)

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
		ScaleNum: sc.Num, ScaleDen: sc.Den, HoldDays: holdDays, ScaledBy: res.ScaledBy(),
		CompanyTestFired: res.Company().Fired, CompanyFactorNum: res.Company().Factor.Num, CompanyFactorDen: res.Company().Factor.Den,
		PayableAt: in.period.End.AddDate(0, 0, holdDays).UTC(), CreatedAt: tx.now}
	for _, c := range in.claws {
		r.Lines += len(c.lines)
		for _, l := range c.lines {
			r.Clawbacks += l.Amount
		}
	}
	if err := tx.queryRow(ctx, `INSERT INTO commission_runs (period, kind, plan_version_id, state_period, input_hash,
		result_hash, currency, distributors, lines, total, clawbacks, total_cv, scale_num, scale_den, hold_days,
		payable_at, created_at, scaled_by, company_test_fired, company_factor_num, company_factor_den)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		r.Period, r.Kind, r.PlanVersionID, r.StatePeriod, r.InputHash, r.ResultHash, r.Currency, r.Distributors,
		r.Lines, r.Total, r.Clawbacks, r.TotalCV, r.ScaleNum, r.ScaleDen, r.HoldDays, encodeTime(r.PayableAt),
		encodeTime(r.CreatedAt), r.ScaledBy, r.CompanyTestFired, r.CompanyFactorNum, r.CompanyFactorDen).Scan(&r.ID); err != nil {
		if classify(err) == uniqueViolation {
			return nil, downline.Errorf(downline.CodeConflict, "Period %s is being closed by another run.", r.Period)
		}
		return nil, fmt.Errorf("insert run: %w", err)
	}

	// Group the lines by earner (a counting sort over the result index),
	// then write one row per distributor with its lines packed.
	n := res.Len()
	nl := res.NumLines()
	start := make([]int32, n+1)
	earnerOf := make([]int32, nl)
	for j := range nl {
		i, ok := res.Index(res.Line(j).Earner)
		if !ok {
			return nil, fmt.Errorf("line %d: earner not in the tree", j+1)
		}
		earnerOf[j] = int32(i)
		start[i+1]++
	}
	for i := range n {
		start[i+1] += start[i]
	}
	order := make([]int32, nl)
	next := append([]int32(nil), start[:n]...)
	for j := range nl {
		i := earnerOf[j]
		order[next[i]] = int32(j)
		next[i]++
	}
	earnerOf = nil
	claws := map[downline.DistributorID][]downline.CommissionLine{}
	no := int64(nl)
	for _, c := range in.claws {
		for _, l := range c.lines {
			no++
			l.LineNo = no
			claws[l.Earner] = append(claws[l.Earner], l)
		}
	}
	ds := newBulkInserter(tx, `INSERT INTO run_distributors (run_id, distributor_id, cuv, pcv, rpcv, pv, gv, active,
		paid_rank, title_rank, withheld, total, clawbacks, line_count, lines)`, "bigint", "bigint", "bigint", "bigint",
		"bigint", "bigint", "bigint", "boolean", "text", "text", "text", "bigint", "bigint", "bigint", "bytea")
	defer ds.close()
	var buf []byte
	for i := range n {
		d := res.Distributor(i)
		buf = buf[:0]
		cnt := 0
		for _, j := range order[start[i]:start[i+1]] {
			l := res.Line(int(j))
			buf = appendLine(buf, &downline.CommissionLine{LineNo: int64(j) + 1, Bonus: l.Bonus, Kind: string(l.Kind),
				Source: downline.DistributorID(l.Source), Level: l.Level, CompressedLevel: l.CompressedLevel, Basis: l.Basis,
				RateNum: l.Rate.Num, RateDen: max(l.Rate.Den, 1), ScaleNum: l.Scale.Num, ScaleDen: max(l.Scale.Den, 1),
				Amount: l.Amount, Withheld: l.Withheld})
			cnt++
		}
		var clawed int64
		for _, l := range claws[downline.DistributorID(d.ID)] {
			buf = appendLine(buf, &l)
			clawed += l.Amount
			cnt++
		}
		if err := ds.add(ctx, r.ID, int64(d.ID), d.CuV, d.PCV, d.RPCV, d.PV, d.GV, d.Active, d.PaidRank, d.TitleRank,
			d.Withheld, d.Total, clawed, cnt, append(make([]byte, 0, len(buf)), buf...)); err != nil {
			return nil, fmt.Errorf("insert results: %w", err)
		}
		if i%65536 == 0 {
			progress("results", i, n)
		}
	}
	if err := ds.flush(ctx); err != nil {
		return nil, fmt.Errorf("insert results: %w", err)
	}
	for id := range claws {
		if _, ok := res.Index(compplan.ID(id)); !ok {
			return nil, fmt.Errorf("clawback earner %d is not in the tree at %s", id, r.Period)
		}
	}
	progress("results", n, n)
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

// FindRunLines returns a run's lines earned by one distributor (0: all),
// ordered by earner and line number.
func (db *DB) FindRunLines(ctx context.Context, id downline.RunID, earner downline.DistributorID) ([]*downline.CommissionLine, error) {
	tx, err := db.beginTx(ctx, false)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if _, err := findRun(ctx, tx, id); err != nil {
		return nil, err
	}
	var out []*downline.CommissionLine
	err = scanRunLines(ctx, tx, id, earner, func(_ downline.DistributorID, _ int64, ls []downline.CommissionLine) error {
		for i := range ls {
			out = append(out, &ls[i])
		}
		return nil
	})
	return out, err
}

// scanRunLines calls fn with each distributor's total and decoded lines,
// in distributor order (one distributor when earner is not 0).
func scanRunLines(ctx context.Context, tx *Tx, id downline.RunID, earner downline.DistributorID,
	fn func(d downline.DistributorID, total int64, ls []downline.CommissionLine) error) error {
	var w where
	w.add("run_id = ?", id)
	if earner != 0 {
		w.add("distributor_id = ?", earner)
	}
	var scaledBy string
	if err := tx.queryRow(ctx, `SELECT scaled_by FROM commission_runs WHERE id = ?`, id).Scan(&scaledBy); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("lines of run %d: %w", id, err)
	}
	rows, err := tx.query(ctx, `SELECT distributor_id, total + clawbacks, lines FROM run_distributors`+w.String()+
		` ORDER BY distributor_id`, w.args...)
	if err != nil {
		return fmt.Errorf("lines of run %d: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		var d downline.DistributorID
		var total int64
		var blob []byte
		if err := rows.Scan(&d, &total, &blob); err != nil {
			return fmt.Errorf("lines of run %d: %w", id, err)
		}
		ls, err := decodeLines(id, d, blob)
		if err != nil {
			return err
		}
		for i := range ls {
			ls[i].ScaledBy = scaledBy
		}
		if err := fn(d, total, ls); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("lines of run %d: %w", id, err)
	}
	return nil
}

// The line encoding: per line, the bonus id (length-prefixed), a kind code,
// a flags byte, then varints for source, level, compressed level, basis,
// rate, scale, amount and the line number; the withheld gates when flag 1
// is set; the refund and order ids when flag 2 is set (clawbacks).
var lineKinds = []string{"", "direct", "unilevel", "stairstep", "binary", "matching", "faststart", "pool", "clawback"}

func appendLine(b []byte, l *downline.CommissionLine) []byte {
	b = binary.AppendUvarint(b, uint64(len(l.Bonus)))
	b = append(b, l.Bonus...)
	k := byte(0)
	for i, s := range lineKinds {
		if s == l.Kind {
			k = byte(i)
		}
	}
	var flags byte
	if l.Withheld != "" {
		flags |= 1
	}
	if l.RefundID != 0 || l.OrderID != 0 {
		flags |= 2
	}
	b = append(b, k, flags)
	for _, v := range []int64{int64(l.Source), int64(l.Level), int64(l.CompressedLevel), l.Basis, l.RateNum, l.RateDen,
		l.ScaleNum, l.ScaleDen, l.Amount, l.LineNo} {
		b = binary.AppendVarint(b, v)
	}
	if flags&1 != 0 {
		b = binary.AppendUvarint(b, uint64(len(l.Withheld)))
		b = append(b, l.Withheld...)
	}
	if flags&2 != 0 {
		b = binary.AppendVarint(b, int64(l.RefundID))
		b = binary.AppendVarint(b, int64(l.OrderID))
	}
	return b
}

func decodeLines(run downline.RunID, earner downline.DistributorID, b []byte) ([]downline.CommissionLine, error) {
	return decodeLinesIf(run, earner, b, nil)
}

// decodeLinesIf decodes the lines keep accepts (all when keep is nil).
// Bonus ids and gate names repeat from line to line, so a string equal to
// the previous one is shared, not allocated again.
func decodeLinesIf(run downline.RunID, earner downline.DistributorID, b []byte, keep func(*downline.CommissionLine) bool) ([]downline.CommissionLine, error) {
	bad := fmt.Errorf("lines of run %d, distributor %d: corrupt encoding", run, earner)
	var out []downline.CommissionLine
	var last [2]string
	str := func(slot int) (string, bool) {
		n, k := binary.Uvarint(b)
		if k <= 0 || uint64(len(b)-k) < n {
			return "", false
		}
		if string(b[k:k+int(n)]) != last[slot] {
			last[slot] = string(b[k : k+int(n)])
		}
		b = b[k+int(n):]
		return last[slot], true
	}
	num := func() (int64, bool) {
		v, k := binary.Varint(b)
		if k <= 0 {
			return 0, false
		}
		b = b[k:]
		return v, true
	}
	var l downline.CommissionLine // one variable: keep's pointer would move a per-line one to the heap
	for len(b) > 0 {
		l = downline.CommissionLine{RunID: run, Earner: earner}
		var ok bool
		if l.Bonus, ok = str(0); !ok || len(b) < 2 || int(b[0]) >= len(lineKinds) {
			return nil, bad
		}
		l.Kind, b = lineKinds[b[0]], b[1:]
		flags := b[0]
		b = b[1:]
		var v [10]int64
		for i := range v {
			if v[i], ok = num(); !ok {
				return nil, bad
			}
		}
		l.Source, l.Level, l.CompressedLevel, l.Basis = downline.DistributorID(v[0]), int(v[1]), int(v[2]), v[3]
		l.RateNum, l.RateDen, l.ScaleNum, l.ScaleDen, l.Amount, l.LineNo = v[4], v[5], v[6], v[7], v[8], v[9]
		if flags&1 != 0 {
			if l.Withheld, ok = str(1); !ok {
				return nil, bad
			}
		}
		if flags&2 != 0 {
			r, ok1 := num()
			o, ok2 := num()
			if !ok1 || !ok2 {
				return nil, bad
			}
			l.RefundID, l.OrderID = downline.RefundID(r), downline.OrderID(o)
		}
		if keep == nil || keep(&l) {
			out = append(out, l)
		}
	}
	return out, nil
}

type lineKey struct {
	bonus  string
	source downline.DistributorID
	level  int
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
	type side struct {
		total int64
		lines map[lineKey]int64
	}
	load := func(id downline.RunID) (map[downline.DistributorID]side, error) {
		m := map[downline.DistributorID]side{}
		err := scanRunLines(ctx, tx, id, 0, func(e downline.DistributorID, total int64, ls []downline.CommissionLine) error {
			s := side{total: total, lines: map[lineKey]int64{}}
			for _, l := range ls {
				s.lines[lineKey{l.Bonus, l.Source, l.CompressedLevel}] += l.Amount
			}
			if total != 0 || len(ls) > 0 {
				m[e] = s
			}
			return nil
		})
		return m, err
	}
	a, err := load(from)
	if err != nil {
		return nil, err
	}
	b, err := load(to)
	if err != nil {
		return nil, err
	}
	ids := map[downline.DistributorID]bool{}
	for id := range a {
		ids[id] = true
	}
	for id := range b {
		ids[id] = true
	}
	sorted := make([]downline.DistributorID, 0, len(ids))
	for id := range ids {
		sorted = append(sorted, id)
	}
	sort.Slice(sorted, func(i, j int) bool { return sorted[i] < sorted[j] })
	for _, id := range sorted {
		x, y := a[id], b[id]
		if x.total != y.total {
			d.Totals = append(d.Totals, downline.RunTotalDiff{DistributorID: id, From: x.total, To: y.total})
		}
		var keys []lineKey
		for k := range x.lines {
			keys = append(keys, k)
		}
		for k := range y.lines {
			if _, ok := x.lines[k]; !ok {
				keys = append(keys, k)
			}
		}
		sort.Slice(keys, func(i, j int) bool {
			p, q := keys[i], keys[j]
			if p.bonus != q.bonus {
				return p.bonus < q.bonus
			}
			if p.source != q.source {
				return p.source < q.source
			}
			return p.level < q.level
		})
		for _, k := range keys {
			if x.lines[k] != y.lines[k] {
				d.Lines = append(d.Lines, downline.RunLineDiff{Earner: id, Bonus: k.bonus, Source: k.source,
					CompressedLevel: k.level, From: x.lines[k], To: y.lines[k]})
			}
		}
	}
	return d, nil
}
