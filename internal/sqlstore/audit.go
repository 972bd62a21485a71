package sqlstore

import (
	"context"
	"fmt"

	"github.com/downline/downline"
)

var _ downline.AuditService = (*DB)(nil)

// AppendAudit stores e at the end of the hash chain. See appendAudit.
func (db *DB) AppendAudit(ctx context.Context, e *downline.AuditEntry) error {
	if e.Action == "" {
		return downline.Errorf(downline.CodeInvalid, "audit entry: action is required")
	}
	return db.inWriteTx(ctx, "append audit "+e.Action, func(tx *Tx) error {
		return appendAudit(ctx, tx, []*downline.AuditEntry{e})
	})
}

// appendAudit stores es, in order, at the end of the hash chain in tx,
// setting their Seq, At, PrevHash and Hash. The head row of audit_chain is
// updated first: that write lock (a row lock on PostgreSQL, the database
// lock on SQLite) serialises appends until tx ends, so the chain never
// forks and its order is the order of the commits.
func appendAudit(ctx context.Context, tx *Tx, es []*downline.AuditEntry) error {
	if len(es) == 0 {
		return nil
	}
	for _, e := range es {
		if e.Action == "" {
			return downline.Errorf(downline.CodeInvalid, "audit entry: action is required")
		}
	}
	var last int64
	var prev string
	if err := tx.queryRow(ctx, `UPDATE audit_chain SET seq = seq + ? WHERE id = 1 RETURNING seq, last_hash`, len(es)).
		Scan(&last, &prev); err != nil {
		return err
	}
	rows := make([][]any, len(es))
	for i, e := range es {
		e.Seq, e.At, e.PrevHash = last-int64(len(es)-1-i), tx.now, prev
		e.Hash = e.ComputeHash()
		prev = e.Hash
		rows[i] = []any{e.Seq, encodeTime(e.At), e.ActorUserID, e.ActorName, e.ActorRole, e.Action, e.TargetType, e.TargetID,
			e.BeforeDigest, e.AfterDigest, e.PrevHash, e.Hash}
	}
	if err := insertRows(ctx, tx, "audit_entries", []string{"seq", "at", "actor_user_id", "actor_name", "actor_role", "action",
		"target_type", "target_id", "before_digest", "after_digest", "prev_hash", "hash"}, rows, "", nil); err != nil {
		return err
	}
	_, err := tx.exec(ctx, `UPDATE audit_chain SET last_hash = ? WHERE id = 1`, prev)
	return err
}

const auditColumns = `seq, at, actor_user_id, actor_name, actor_role, action, target_type, target_id,
	before_digest, after_digest, prev_hash, hash`

func scanAudit(s interface{ Scan(...any) error }) (*downline.AuditEntry, error) {
	var e downline.AuditEntry
	var at int64
	if err := s.Scan(&e.Seq, &at, &e.ActorUserID, &e.ActorName, &e.ActorRole, &e.Action, &e.TargetType,
		&e.TargetID, &e.BeforeDigest, &e.AfterDigest, &e.PrevHash, &e.Hash); err != nil {
		return nil, err
	}
	e.At = decodeTime(at)
	return &e, nil
}

// FindAuditEntries returns the entries matching filter, ordered by Seq, and
// the number of matches ignoring the cursor and Limit.
func (db *DB) FindAuditEntries(ctx context.Context, f downline.AuditFilter) ([]*downline.AuditEntry, int, error) {
	tx, err := db.beginTx(ctx, false)
	if err != nil {
		return nil, 0, err
	}
	defer tx.Rollback()
	var w where
	if f.ActorUserID != nil {
		w.add("actor_user_id = ?", *f.ActorUserID)
	}
	if f.Action != nil {
		w.add("action = ?", *f.Action)
	}
	if f.TargetType != nil {
		w.add("target_type = ?", *f.TargetType)
	}
	if f.TargetID != nil {
		w.add("target_id = ?", *f.TargetID)
	}
	if f.Since != nil {
		w.add("at >= ?", encodeTime(*f.Since))
	}
	if f.Until != nil {
		w.add("at < ?", encodeTime(*f.Until))
	}
	var total int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM audit_entries`+w.String(), w.args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("find audit entries: %w", err)
	}
	if f.AfterSeq != 0 {
		w.add("seq > ?", f.AfterSeq)
	}
	rows, err := tx.query(ctx, `SELECT `+auditColumns+` FROM audit_entries`+w.String()+` ORDER BY seq`+page(f.Limit, 0), w.args...)
	if err != nil {
		return nil, 0, fmt.Errorf("find audit entries: %w", err)
	}
	defer rows.Close()
	var es []*downline.AuditEntry
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("find audit entries: %w", err)
		}
		es = append(es, e)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("find audit entries: %w", err)
	}
	return es, total, nil
}

// WalkAudit calls fn for every entry in Seq order.
func (db *DB) WalkAudit(ctx context.Context, fn func(*downline.AuditEntry) error) error {
	tx, err := db.beginTx(ctx, false)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	rows, err := tx.query(ctx, `SELECT `+auditColumns+` FROM audit_entries ORDER BY seq`)
	if err != nil {
		return fmt.Errorf("walk audit: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return fmt.Errorf("walk audit: %w", err)
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("walk audit: %w", err)
	}
	return nil
}
