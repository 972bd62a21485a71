package sqlstore

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"strings"

	"github.com/downline/downline"
	"github.com/downline/downline/compplan"
)

var _ downline.RunService = (*DB)(nil)

// Periods, runs and late records.
//
// A run reads, in one transaction and therefore one snapshot, the plan
// version that applies to its period, the state carried out of the
// previous closed period, the tree at period end, one period_volumes row
// per distributor and the refunds recorded in the period of orders whose
// own period is closed. Those refunds become clawback lines (pro rata,
// rounded once per line) and their volume is added back to the period's
// aggregate, so that a refund reduces commission exactly once.
//
// Periods close in order: closing P needs P-1 closed unless no period is
// closed yet. Orders and refunds dated in a closed period still reach the
// aggregates (ingestion does not consult runs), but no run reads them
// again: a closed period is never recomputed. Ingestion should refuse them
// with CodeConflict (requested from the store's owner); until then they
// are recorded and ignored by commissions.

// ActivatePlan stores a plan version applying from period activeFrom.
func (db *DB) ActivatePlan(ctx context.Context, yaml, activeFrom string) (*downline.PlanVersion, error) {
	if !downline.IsPeriodName(activeFrom) {
		return nil, downline.Errorf(downline.CodeInvalid, "plan: active-from period %q must be named YYYY-MM", activeFrom)
	}
	p, err := compplan.ParsePlan(strings.NewReader(yaml))
	if err != nil {
		return nil, downline.Errorf(downline.CodeInvalid, "plan: %v", err)
	}
	sum := sha256.Sum256([]byte(yaml))
	pv := &downline.PlanVersion{Hash: hex.EncodeToString(sum[:]), PlanID: p.ID, Version: p.Version, YAML: yaml, ActiveFrom: activeFrom}
	tx, err := db.beginTx(ctx, true)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	err = tx.queryRow(ctx, `SELECT id, created_at FROM plan_versions WHERE hash = ? AND active_from = ?`, pv.Hash, activeFrom).
		Scan(&pv.ID, new(int64))
	if err == nil {
		return db.findPlanVersion(ctx, tx, pv.ID)
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("activate plan: %w", err)
	}
	pv.CreatedAt = tx.now
	if err := tx.queryRow(ctx, `INSERT INTO plan_versions (hash, plan_id, version, yaml, active_from, created_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, pv.Hash, pv.PlanID, pv.Version, pv.YAML, pv.ActiveFrom,
		encodeTime(tx.now)).Scan(&pv.ID); err != nil {
		return nil, fmt.Errorf("activate plan: %w", mapError(err, "plan version"))
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("activate plan: %w", err)
	}
	return pv, nil
}

func (db *DB) findPlanVersion(ctx context.Context, tx *Tx, id int64) (*downline.PlanVersion, error) {
	pv := &downline.PlanVersion{}
	var created int64
	err := tx.queryRow(ctx, `SELECT id, hash, plan_id, version, yaml, active_from, created_at FROM plan_versions WHERE id = ?`, id).
		Scan(&pv.ID, &pv.Hash, &pv.PlanID, &pv.Version, &pv.YAML, &pv.ActiveFrom, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, downline.Errorf(downline.CodeNotFound, "Plan version %d not found.", id)
	}
	if err != nil {
		return nil, fmt.Errorf("find plan version %d: %w", id, err)
	}
	pv.CreatedAt = decodeTime(created)
	return pv, nil
}

// planFor returns the plan version that applies to period.
func (db *DB) planFor(ctx context.Context, tx *Tx, period string) (*downline.PlanVersion, error) {
	var id int64
	err := tx.queryRow(ctx, `SELECT id FROM plan_versions WHERE active_from <= ? ORDER BY active_from DESC, id DESC LIMIT 1`, period).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, downline.Errorf(downline.CodeNotFound, "No plan version applies to period %s; activate one with downline plan activate.", period)
	}
	if err != nil {
		return nil, fmt.Errorf("plan for %s: %w", period, err)
	}
	return db.findPlanVersion(ctx, tx, id)
}

// PreviewRun evaluates the period and stores the result as a preview.
func (db *DB) PreviewRun(ctx context.Context, period string, opts downline.RunOptions) (*downline.Run, error) {
	return db.run(ctx, period, downline.RunPreview, opts)
}

// CloseRun evaluates the period and freezes it. See downline.RunService.
func (db *DB) CloseRun(ctx context.Context, period string, opts downline.RunOptions) (*downline.Run, error) {
	return db.run(ctx, period, downline.RunClose, opts)
}

func (db *DB) run(ctx context.Context, period string, kind downline.RunKind, opts downline.RunOptions) (*downline.Run, error) {
	if !downline.IsPeriodName(period) {
		return nil, downline.Errorf(downline.CodeInvalid, "period %q must be named YYYY-MM", period)
	}
	if opts.HoldDays < 0 {
		opts.HoldDays = downline.DefaultHoldDays
	}
	progress := opts.Progress
	if progress == nil {
		progress = func(string, int, int) {}
	}
	tx, err := db.beginRunTx(ctx, kind == downline.RunClose)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if kind == downline.RunClose {
		if err := closeGate(ctx, tx); err != nil {
			return nil, err
		}
	}
	if closed, err := findCloseRun(ctx, tx, period); err == nil {
		if kind == downline.RunClose {
			return closed, nil // a retried close: already done, post nothing again
		}
		return nil, downline.Errorf(downline.CodeConflict, "Period %s is closed (run %d); closed periods are never recomputed.", period, closed.ID)
	} else if downline.ErrorCode(err) != downline.CodeNotFound {
		return nil, err
	}
	in, err := db.evaluate(ctx, tx, period, progress)
	if err != nil {
		return nil, fmt.Errorf("%s run %s: %w", kind, period, err)
	}
	r, err := in.store(ctx, tx, kind, opts.HoldDays, progress)
	if err != nil {
		return nil, fmt.Errorf("%s run %s: %w", kind, period, err)
	}
	if kind == downline.RunClose {
		if err := in.post(ctx, tx, r, progress); err != nil {
			return nil, fmt.Errorf("close run %s: %w", period, err)
		}
		if err := enqueueClosed(ctx, tx, r); err != nil {
			return nil, fmt.Errorf("close run %s: %w", period, err)
		}
	}
	progress("commit", 0, 1)
	if err := tx.Commit(); err != nil {
		if c := classify(err); c == uniqueViolation {
			return nil, downline.Errorf(downline.CodeConflict, "Period %s was closed by another run at the same time.", period)
		}
		return nil, fmt.Errorf("%s run %s: commit: %w", kind, period, err)
	}
	progress("commit", 1, 1)
	return r, nil
}

const runColumns = `r.id, r.period, r.kind, r.plan_version_id, p.hash, r.state_period, r.input_hash, r.result_hash,
	r.currency, r.distributors, r.lines, r.total, r.clawbacks, r.total_cv, r.scale_num, r.scale_den, r.hold_days,
	r.payable_at, r.created_at, r.scaled_by, r.company_test_fired, r.company_factor_num, r.company_factor_den
	FROM commission_runs r JOIN plan_versions p ON p.id = r.plan_version_id`

func scanRun(sc interface{ Scan(...any) error }) (*downline.Run, error) {
	var r downline.Run
	var payable, created int64
	if err := sc.Scan(&r.ID, &r.Period, &r.Kind, &r.PlanVersionID, &r.PlanHash, &r.StatePeriod, &r.InputHash,
		&r.ResultHash, &r.Currency, &r.Distributors, &r.Lines, &r.Total, &r.Clawbacks, &r.TotalCV, &r.ScaleNum,
		&r.ScaleDen, &r.HoldDays, &payable, &created, &r.ScaledBy, &r.CompanyTestFired, &r.CompanyFactorNum,
		&r.CompanyFactorDen); err != nil {
		return nil, err
	}
	r.PayableAt, r.CreatedAt = decodeTime(payable), decodeTime(created)
	return &r, nil
}

func findCloseRun(ctx context.Context, tx *Tx, period string) (*downline.Run, error) {
	r, err := scanRun(tx.queryRow(ctx, `SELECT `+runColumns+` WHERE r.period = ? AND r.kind = 'close'`, period))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, downline.Errorf(downline.CodeNotFound, "Period %s is not closed.", period)
	}
	if err != nil {
		return nil, fmt.Errorf("find close of %s: %w", period, err)
	}
	return r, nil
}

// FindRuns returns the runs of a period ("" for all), newest first.
func (db *DB) FindRuns(ctx context.Context, period string) ([]*downline.Run, error) {
	tx, err := db.beginTx(ctx, false)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var w where
	if period != "" {
		w.add("r.period = ?", period)
	}
	rows, err := tx.query(ctx, `SELECT `+runColumns+w.String()+` ORDER BY r.id DESC`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("find runs: %w", err)
	}
	defer rows.Close()
	var rs []*downline.Run
	for rows.Next() {
		r, err := scanRun(rows)
		if err != nil {
			return nil, fmt.Errorf("find runs: %w", err)
		}
		rs = append(rs, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find runs: %w", err)
	}
	return rs, nil
}

// FindRunByID returns one run. Returns CodeNotFound.
func (db *DB) FindRunByID(ctx context.Context, id downline.RunID) (*downline.Run, error) {
	tx, err := db.beginTx(ctx, false)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	return findRun(ctx, tx, id)
}

func findRun(ctx context.Context, tx *Tx, id downline.RunID) (*downline.Run, error) {
	r, err := scanRun(tx.queryRow(ctx, `SELECT `+runColumns+` WHERE r.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, downline.Errorf(downline.CodeNotFound, "Run %d not found.", id)
	}
	if err != nil {
		return nil, fmt.Errorf("find run %d: %w", id, err)
	}
	return r, nil
}

// loadState reads the state carried out of a closed period.
func loadState(ctx context.Context, tx *Tx, period string, minorDigits int) (*compplan.State, []byte, error) {
	var blob []byte
	if err := tx.queryRow(ctx, `SELECT state FROM period_states WHERE period = ?`, period).Scan(&blob); err != nil {
		return nil, nil, fmt.Errorf("state of %s: %w", period, err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(blob))
	if err != nil {
		return nil, nil, fmt.Errorf("state of %s: %w", period, err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return nil, nil, fmt.Errorf("state of %s: %w", period, err)
	}
	st, err := compplan.ReadState(bytes.NewReader(raw), minorDigits)
	if err != nil {
		return nil, nil, fmt.Errorf("state of %s: %w", period, err)
	}
	return st, raw, nil
}

// encodeState writes st as gzip-compressed JSON.
func encodeState(st *compplan.State, minorDigits int) ([]byte, error) {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	if err := compplan.WriteState(zw, st, minorDigits); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// inputHasher digests everything a run reads, field by field with fixed
// widths, so that equal inputs give equal hashes in any engine.
type inputHasher struct {
	h   hash.Hash
	buf [8]byte
}

func newInputHasher() *inputHasher { return &inputHasher{h: sha256.New()} }

func (x *inputHasher) int(v int64) {
	binary.LittleEndian.PutUint64(x.buf[:], uint64(v))
	x.h.Write(x.buf[:])
}

func (x *inputHasher) str(s string) {
	x.int(int64(len(s)))
	io.WriteString(x.h, s)
}

func (x *inputHasher) sum() string { return hex.EncodeToString(x.h.Sum(nil)) }
