package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/downline/downline"
)

var _ downline.ProgrammeService = (*DB)(nil)

// FindProgramme returns the programme. Returns CodeNotFound when none has
// been created.
func (db *DB) FindProgramme(ctx context.Context) (*downline.Programme, error) {
	tx, err := db.beginTx(ctx, false)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	return findProgramme(ctx, tx)
}

func findProgramme(ctx context.Context, tx *Tx) (*downline.Programme, error) {
	var p downline.Programme
	var created, updated int64
	err := tx.queryRow(ctx, `SELECT name, currency, period_length, time_zone, landing_url, default_sponsor_ref,
		created_at, updated_at FROM programmes WHERE id = 1`).Scan(
		&p.Name, &p.Currency, &p.PeriodLength, &p.TimeZone, &p.LandingURL, &p.DefaultSponsorRef, &created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, downline.Errorf(downline.CodeNotFound, "No programme has been set up.")
	}
	if err != nil {
		return nil, fmt.Errorf("find programme: %w", err)
	}
	p.CreatedAt, p.UpdatedAt = decodeTime(created), decodeTime(updated)
	return &p, nil
}

func programmeDigest(p *downline.Programme) string {
	var d digester
	return d.str(p.Name).str(p.Currency).str(string(p.PeriodLength)).str(p.TimeZone).
		str(p.LandingURL).str(p.DefaultSponsorRef).sum()
}

// CreateProgramme stores p. Creating it again with the same content is a
// no-op that fills p's timestamps. Returns CodeInvalid for a bad programme
// and CodeConflict when a different programme exists.
func (db *DB) CreateProgramme(ctx context.Context, p *downline.Programme) error {
	if p.PeriodLength == "" {
		p.PeriodLength = downline.PeriodMonthly
	}
	if err := p.Validate(); err != nil {
		return err
	}
	tx, err := db.beginTx(ctx, true)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	dig := programmeDigest(p)
	var existing string
	var created, updated int64
	err = tx.queryRow(ctx, `SELECT digest, created_at, updated_at FROM programmes WHERE id = 1`).Scan(&existing, &created, &updated)
	switch {
	case err == nil && existing == dig:
		p.CreatedAt, p.UpdatedAt = decodeTime(created), decodeTime(updated)
		return nil
	case err == nil:
		return downline.Errorf(downline.CodeConflict, "programme %q: a different programme is already set up", p.Name)
	case !errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("create programme: %w", err)
	}
	if _, err := tx.exec(ctx, `INSERT INTO programmes (id, name, currency, period_length, time_zone, landing_url,
		default_sponsor_ref, digest, created_at, updated_at) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.Name, p.Currency, p.PeriodLength, p.TimeZone, p.LandingURL, p.DefaultSponsorRef, dig,
		encodeTime(tx.now), encodeTime(tx.now)); err != nil {
		return fmt.Errorf("create programme: %w", mapError(err, fmt.Sprintf("programme %q", p.Name)))
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("create programme: %w", err)
	}
	p.CreatedAt, p.UpdatedAt = tx.now, tx.now
	return nil
}

// UpdateProgramme changes the given fields and returns the result. The
// stored digest follows the update, so a later CreateProgramme is a no-op
// only with the current content. Returns CodeNotFound and CodeInvalid.
func (db *DB) UpdateProgramme(ctx context.Context, upd downline.ProgrammeUpdate) (*downline.Programme, error) {
	tx, err := db.beginTx(ctx, true)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	p, err := findProgramme(ctx, tx)
	if err != nil {
		return nil, err
	}
	if upd.Name != nil {
		p.Name = *upd.Name
	}
	if upd.LandingURL != nil {
		p.LandingURL = *upd.LandingURL
	}
	if upd.DefaultSponsorRef != nil {
		p.DefaultSponsorRef = *upd.DefaultSponsorRef
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if _, err := tx.exec(ctx, `UPDATE programmes SET name = ?, landing_url = ?, default_sponsor_ref = ?, digest = ?,
		updated_at = ? WHERE id = 1`, p.Name, p.LandingURL, p.DefaultSponsorRef, programmeDigest(p), encodeTime(tx.now)); err != nil {
		return nil, fmt.Errorf("update programme: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("update programme: %w", err)
	}
	p.UpdatedAt = tx.now
	return p, nil
}
