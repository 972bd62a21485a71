package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/downline/downline"
)

var _ downline.IdempotencyService = (*DB)(nil)

// FindIdempotentResponse returns the stored response for a user's key.
// Returns CodeNotFound.
func (db *DB) FindIdempotentResponse(ctx context.Context, actorUserID int64, key string) (*downline.IdempotentResponse, error) {
	r := downline.IdempotentResponse{ActorUserID: actorUserID, Key: key}
	var body string
	var created int64
	err := db.readRow(ctx, `SELECT request_hash, status, body, created_at FROM idempotency_keys
		WHERE actor_user_id = ? AND idem_key = ?`, actorUserID, key).Scan(&r.RequestHash, &r.Status, &body, &created)
	if err == sql.ErrNoRows {
		return nil, downline.Errorf(downline.CodeNotFound, "Idempotency key not found.")
	}
	if err != nil {
		return nil, fmt.Errorf("find idempotency key: %w", err)
	}
	r.Body, r.CreatedAt = []byte(body), decodeTime(created)
	return &r, nil
}

// SaveIdempotentResponse stores r. Returns CodeConflict when the key
// exists.
func (db *DB) SaveIdempotentResponse(ctx context.Context, r *downline.IdempotentResponse) error {
	return db.inWriteTx(ctx, "save idempotency key", func(tx *Tx) error {
		r.CreatedAt = tx.now
		_, err := tx.exec(ctx, `INSERT INTO idempotency_keys (actor_user_id, idem_key, request_hash, status, body, created_at)
			VALUES (?, ?, ?, ?, ?, ?)`, r.ActorUserID, r.Key, r.RequestHash, r.Status, string(r.Body), encodeTime(tx.now))
		return mapError(err, "idempotency key")
	})
}

// keepIdempotentResponses stores rs in tx. A key stored already, by an
// earlier transaction or earlier in rs, fails the call with CodeConflict,
// for the same request too: the stored response stays the only one, and
// the caller replays it (see http's idempotent), so that the check needs
// no query of its own.
func keepIdempotentResponses(ctx context.Context, tx *Tx, rs []*downline.IdempotentResponse) error {
	type userKey struct {
		user int64
		key  string
	}
	rows := make([][]any, len(rs))
	for i, r := range rs {
		r.CreatedAt = tx.now
		rows[i] = []any{r.ActorUserID, r.Key, r.RequestHash, r.Status, string(r.Body), encodeTime(tx.now)}
	}
	inserted := make(map[userKey]bool, len(rs))
	err := insertRows(ctx, tx, "idempotency_keys", []string{"actor_user_id", "idem_key", "request_hash", "status", "body", "created_at"},
		rows, "ON CONFLICT (actor_user_id, idem_key) DO NOTHING RETURNING actor_user_id, idem_key", func(rs *sql.Rows) error {
			var k userKey
			if err := rs.Scan(&k.user, &k.key); err != nil {
				return err
			}
			inserted[k] = true
			return nil
		})
	if err != nil {
		return fmt.Errorf("keep idempotency keys: %w", err)
	}
	// Every response but the one whose row was inserted (the first with
	// its key) names a key in use.
	for _, r := range rs {
		k := userKey{r.ActorUserID, r.Key}
		if !inserted[k] {
			return downline.Errorf(downline.CodeConflict, "Idempotency-Key %q is already used.", r.Key)
		}
		delete(inserted, k)
	}
	return nil
}
