package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/downline/downline"
)

// CreateAPIToken stores t. Returns CodeInvalid and CodeConflict.
func (db *DB) CreateAPIToken(ctx context.Context, t *downline.APIToken) error {
	if err := t.Validate(); err != nil {
		return err
	}
	scopes := make([]string, len(t.Scopes))
	for i, s := range t.Scopes {
		scopes[i] = string(s)
	}
	return db.inWriteTx(ctx, "create API token", func(tx *Tx) error {
		t.CreatedAt = tx.now
		err := tx.queryRow(ctx, `INSERT INTO api_tokens (user_id, name, prefix, hash, scopes, expires_at, revoked_at,
			created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, t.UserID, t.Name, t.Prefix, t.Hash,
			strings.Join(scopes, " "), encodeTime(t.ExpiresAt), encodeOptTime(t.RevokedAt), encodeTime(tx.now)).Scan(&t.ID)
		return mapError(err, fmt.Sprintf("API token %q", t.Name))
	})
}

const apiTokenColumns = `id, user_id, name, prefix, hash, scopes, expires_at, revoked_at, created_at`

func scanAPIToken(s interface{ Scan(...any) error }) (*downline.APIToken, error) {
	var t downline.APIToken
	var scopes string
	var expires, revoked, created int64
	if err := s.Scan(&t.ID, &t.UserID, &t.Name, &t.Prefix, &t.Hash, &scopes, &expires, &revoked, &created); err != nil {
		return nil, err
	}
	for _, f := range strings.Fields(scopes) {
		t.Scopes = append(t.Scopes, downline.Scope(f))
	}
	t.ExpiresAt, t.RevokedAt, t.CreatedAt = decodeTime(expires), decodeOptTime(revoked), decodeTime(created)
	return &t, nil
}

// FindAPITokenByHash returns the token with the hash. Returns CodeNotFound.
func (db *DB) FindAPITokenByHash(ctx context.Context, hash string) (*downline.APIToken, error) {
	tx, err := db.beginTx(ctx, false)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	t, err := scanAPIToken(tx.queryRow(ctx, `SELECT `+apiTokenColumns+` FROM api_tokens WHERE hash = ?`, hash))
	if err == sql.ErrNoRows {
		return nil, downline.Errorf(downline.CodeNotFound, "API token not found.")
	}
	if err != nil {
		return nil, fmt.Errorf("find API token: %w", err)
	}
	return t, nil
}

// FindAPITokens returns a user's tokens ordered by ID.
func (db *DB) FindAPITokens(ctx context.Context, user downline.UserID) ([]*downline.APIToken, error) {
	tx, err := db.beginTx(ctx, false)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	rows, err := tx.query(ctx, `SELECT `+apiTokenColumns+` FROM api_tokens WHERE user_id = ? ORDER BY id`, user)
	if err != nil {
		return nil, fmt.Errorf("find API tokens of user %d: %w", user, err)
	}
	defer rows.Close()
	var ts []*downline.APIToken
	for rows.Next() {
		t, err := scanAPIToken(rows)
		if err != nil {
			return nil, fmt.Errorf("find API tokens of user %d: %w", user, err)
		}
		ts = append(ts, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find API tokens of user %d: %w", user, err)
	}
	return ts, nil
}

// RevokeAPIToken revokes a token of the user. Returns CodeNotFound.
func (db *DB) RevokeAPIToken(ctx context.Context, user downline.UserID, id downline.APITokenID) error {
	return db.inWriteTx(ctx, fmt.Sprintf("revoke API token %d", id), func(tx *Tx) error {
		var n int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM api_tokens WHERE id = ? AND user_id = ?`, id, user).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return downline.Errorf(downline.CodeNotFound, "API token %d not found.", id)
		}
		_, err := tx.exec(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at = 0`, encodeTime(tx.now), id)
		return err
	})
}

// CreatePasswordReset stores r.
func (db *DB) CreatePasswordReset(ctx context.Context, r *downline.PasswordReset) error {
	return db.inWriteTx(ctx, "create password reset", func(tx *Tx) error {
		r.CreatedAt = tx.now
		_, err := tx.exec(ctx, `INSERT INTO password_resets (hash, user_id, expires_at, used_at, created_at)
			VALUES (?, ?, ?, 0, ?)`, r.Hash, r.UserID, encodeTime(r.ExpiresAt), encodeTime(tx.now))
		return mapError(err, "password reset")
	})
}

// UsePasswordReset marks a reset used and returns its user. Returns
// CodeInvalid for an unknown, used or expired token.
func (db *DB) UsePasswordReset(ctx context.Context, hash string) (downline.UserID, error) {
	var user downline.UserID
	err := db.inWriteTx(ctx, "use password reset", func(tx *Tx) error {
		err := tx.queryRow(ctx, `UPDATE password_resets SET used_at = ? WHERE hash = ? AND used_at = 0 AND expires_at > ?
			RETURNING user_id`, encodeTime(tx.now), hash, encodeTime(tx.now)).Scan(&user)
		if err == sql.ErrNoRows {
			return downline.Errorf(downline.CodeInvalid, "The password reset link is invalid, used or expired.")
		}
		return err
	})
	return user, err
}
