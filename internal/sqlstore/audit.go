package sqlstore

import (
	"context"
	"fmt"

	"github.com/downline/downline"
)

var _ downline.AuditService = (*DB)(nil)

// AppendAudit stores e at the end of the hash chain. The head row of
// audit_chain is updated first: that write lock (a row lock on PostgreSQL,
// the database lock on SQLite) serialises appends, so the chain never
// forks.
func (db *DB) AppendAudit(ctx context.Context, e *downline.AuditEntry) error {
	if e.Action == "" {
		return downline.Errorf(downline.CodeInvalid, "audit entry: action is required")
	}
	return db.inWriteTx(ctx, "append audit "+e.Action, func(tx *Tx) error {
		if err := tx.queryRow(ctx, `UPDATE audit_chain SET seq = seq + 1 WHERE id = 1 RETURNING seq, last_hash`).
			Scan(&e.Seq, &e.PrevHash); err != nil {
			return err
		}
		e.At = tx.now
		e.Hash = e.ComputeHash()
		if _, err := tx.exec(ctx, `INSERT INTO audit_entries (seq, at, actor_user_id, actor_name, actor_role, action,
			target_type, target_id, before_digest, after_digest, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			e.Seq, encodeTime(e.At), e.ActorUserID, e.ActorName, e.ActorRole, e.Action, e.TargetType, e.TargetID,
			e.BeforeDigest, e.AfterDigest, e.PrevHash, e.Hash); err != nil {
			return err
		}
		_, err := tx.exec(ctx, `UPDATE audit_chain SET last_hash = ? WHERE id = 1`, e.Hash)
		return err
	})
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
