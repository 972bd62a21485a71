package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/downline/downline"
)

var (
	_ downline.UserService          = (*DB)(nil)
	_ downline.SessionService       = (*DB)(nil)
	_ downline.APITokenService      = (*DB)(nil)
	_ downline.PasswordResetService = (*DB)(nil)
)

// encodeOptTime stores the zero time as 0, meaning "none".
func encodeOptTime(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return encodeTime(t)
}

// decodeOptTime reads 0 back as the zero time.
func decodeOptTime(us int64) time.Time {
	if us == 0 {
		return time.Time{}
	}
	return decodeTime(us)
}

// FindUserByID returns one user. Returns CodeNotFound.
func (db *DB) FindUserByID(ctx context.Context, id downline.UserID) (*downline.User, error) {
	return db.findOneUser(ctx, downline.UserFilter{ID: &id}, fmt.Sprintf("User %d not found.", id))
}

// FindUserByEmail returns the user with the email, case-insensitively.
// Returns CodeNotFound.
func (db *DB) FindUserByEmail(ctx context.Context, email string) (*downline.User, error) {
	e := strings.ToLower(strings.TrimSpace(email))
	return db.findOneUser(ctx, downline.UserFilter{Email: &e}, "No user with this email.")
}

func (db *DB) findOneUser(ctx context.Context, f downline.UserFilter, notFound string) (*downline.User, error) {
	us, _, err := db.FindUsers(ctx, f)
	if err != nil {
		return nil, err
	}
	if len(us) == 0 {
		return nil, downline.Errorf(downline.CodeNotFound, "%s", notFound)
	}
	return us[0], nil
}

// FindUsers returns the users matching filter, ordered by ID, and the total
// number of matches ignoring Limit.
func (db *DB) FindUsers(ctx context.Context, f downline.UserFilter) ([]*downline.User, int, error) {
	tx, err := db.beginTx(ctx, false)
	if err != nil {
		return nil, 0, err
	}
	defer tx.Rollback()
	return findUsers(ctx, tx, f)
}

func findUsers(ctx context.Context, tx *Tx, f downline.UserFilter) ([]*downline.User, int, error) {
	var w where
	if f.ID != nil {
		w.add("id = ?", *f.ID)
	}
	if f.Email != nil {
		w.add("email = ?", strings.ToLower(*f.Email))
	}
	if f.Role != nil {
		w.add("role = ?", *f.Role)
	}
	if f.DistributorID != nil {
		w.add("distributor_id = ?", *f.DistributorID)
	}
	// The total ignores the cursor, so that a client sees how many match.
	var total int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM users`+w.String(), w.args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("find users: %w", err)
	}
	if f.AfterID != 0 {
		w.add("id > ?", f.AfterID)
	}
	rows, err := tx.query(ctx, `SELECT id, email, name, role, distributor_id, password_hash, disabled,
		failed_sign_ins, locked_until, created_at, updated_at FROM users`+w.String()+` ORDER BY id`+page(f.Limit, 0), w.args...)
	if err != nil {
		return nil, 0, fmt.Errorf("find users: %w", err)
	}
	defer rows.Close()
	var us []*downline.User
	for rows.Next() {
		var u downline.User
		var dist sql.NullInt64
		var locked, created, updated int64
		if err := rows.Scan(&u.ID, &u.Email, &u.Name, &u.Role, &dist, &u.PasswordHash, &u.Disabled,
			&u.FailedSignIns, &locked, &created, &updated); err != nil {
			return nil, 0, fmt.Errorf("find users: %w", err)
		}
		u.DistributorID = downline.DistributorID(dist.Int64)
		u.LockedUntil, u.CreatedAt, u.UpdatedAt = decodeOptTime(locked), decodeTime(created), decodeTime(updated)
		us = append(us, &u)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("find users: %w", err)
	}
	return us, total, nil
}

// CreateUser stores u. Returns CodeInvalid and CodeConflict.
func (db *DB) CreateUser(ctx context.Context, u *downline.User) error {
	tx, err := db.beginTx(ctx, true)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := insertUser(ctx, tx, u); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("create user %q: %w", u.Email, err)
	}
	return nil
}

func insertUser(ctx context.Context, tx *Tx, u *downline.User) error {
	u.Email = strings.ToLower(strings.TrimSpace(u.Email))
	if err := u.Validate(); err != nil {
		return err
	}
	var n int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM users WHERE email = ?`, u.Email).Scan(&n); err != nil {
		return fmt.Errorf("create user %q: %w", u.Email, err)
	}
	if n > 0 {
		return downline.Errorf(downline.CodeConflict, "user %q: email is taken", u.Email)
	}
	err := tx.queryRow(ctx, `INSERT INTO users (email, name, role, distributor_id, password_hash, disabled,
		failed_sign_ins, locked_until, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		u.Email, u.Name, u.Role, nullID(u.DistributorID), u.PasswordHash, u.Disabled, u.FailedSignIns,
		encodeOptTime(u.LockedUntil), encodeTime(tx.now), encodeTime(tx.now)).Scan(&u.ID)
	if err != nil {
		return fmt.Errorf("create user %q: %w", u.Email, mapError(err, fmt.Sprintf("user %q", u.Email)))
	}
	u.CreatedAt, u.UpdatedAt = tx.now, tx.now
	return nil
}

// UpdateUser changes the given fields. Returns CodeNotFound and
// CodeInvalid.
func (db *DB) UpdateUser(ctx context.Context, id downline.UserID, upd downline.UserUpdate) (*downline.User, error) {
	tx, err := db.beginTx(ctx, true)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	us, _, err := findUsers(ctx, tx, downline.UserFilter{ID: &id})
	if err != nil {
		return nil, err
	}
	if len(us) == 0 {
		return nil, downline.Errorf(downline.CodeNotFound, "User %d not found.", id)
	}
	u := us[0]
	if upd.Name != nil {
		u.Name = *upd.Name
	}
	if upd.Role != nil {
		u.Role = *upd.Role
	}
	if upd.Disabled != nil {
		u.Disabled = *upd.Disabled
	}
	if upd.PasswordHash != nil {
		u.PasswordHash = *upd.PasswordHash
	}
	if upd.FailedSignIns != nil {
		u.FailedSignIns = *upd.FailedSignIns
	}
	if upd.LockedUntil != nil {
		u.LockedUntil = *upd.LockedUntil
	}
	if err := u.Validate(); err != nil {
		return nil, err
	}
	if _, err := tx.exec(ctx, `UPDATE users SET name = ?, role = ?, disabled = ?, password_hash = ?,
		failed_sign_ins = ?, locked_until = ?, updated_at = ? WHERE id = ?`, u.Name, u.Role, u.Disabled,
		u.PasswordHash, u.FailedSignIns, encodeOptTime(u.LockedUntil), encodeTime(tx.now), u.ID); err != nil {
		return nil, fmt.Errorf("update user %d: %w", id, mapError(err, fmt.Sprintf("user %q", u.Email)))
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("update user %d: %w", id, err)
	}
	u.UpdatedAt = tx.now
	return u, nil
}

// CreateSession stores s. Returns CodeConflict when the hash exists.
func (db *DB) CreateSession(ctx context.Context, s *downline.Session) error {
	return db.inWriteTx(ctx, "create session", func(tx *Tx) error {
		s.CreatedAt = tx.now
		_, err := tx.exec(ctx, `INSERT INTO sessions (hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
			s.Hash, s.UserID, encodeTime(tx.now), encodeTime(s.ExpiresAt))
		return mapError(err, "session")
	})
}

// FindSession returns the unexpired session with the hash. Returns
// CodeNotFound.
func (db *DB) FindSession(ctx context.Context, hash string) (*downline.Session, error) {
	tx, err := db.beginTx(ctx, false)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	s := downline.Session{Hash: hash}
	var created, expires int64
	err = tx.queryRow(ctx, `SELECT user_id, created_at, expires_at FROM sessions WHERE hash = ? AND expires_at > ?`,
		hash, encodeTime(tx.now)).Scan(&s.UserID, &created, &expires)
	if err == sql.ErrNoRows {
		return nil, downline.Errorf(downline.CodeNotFound, "Session not found.")
	}
	if err != nil {
		return nil, fmt.Errorf("find session: %w", err)
	}
	s.CreatedAt, s.ExpiresAt = decodeTime(created), decodeTime(expires)
	return &s, nil
}

// DeleteSession removes a session.
func (db *DB) DeleteSession(ctx context.Context, hash string) error {
	return db.inWriteTx(ctx, "delete session", func(tx *Tx) error {
		_, err := tx.exec(ctx, `DELETE FROM sessions WHERE hash = ?`, hash)
		return err
	})
}

// DeleteUserSessions removes every session of a user.
func (db *DB) DeleteUserSessions(ctx context.Context, id downline.UserID) error {
	return db.inWriteTx(ctx, "delete sessions", func(tx *Tx) error {
		_, err := tx.exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, id)
		return err
	})
}

// inWriteTx runs fn in a write transaction and commits it.
func (db *DB) inWriteTx(ctx context.Context, what string, fn func(tx *Tx) error) error {
	tx, err := db.beginTx(ctx, true)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}
