package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/downline/downline"
)

var _ downline.EnrolmentService = (*DB)(nil)

// Enrol stores a self-enrolled distributor, its enrolment and, when u is
// not nil, its user account, all in one transaction.
func (db *DB) Enrol(ctx context.Context, d *downline.Distributor, e *downline.Enrolment, u *downline.User) error {
	givenCode := d.ReferralCode
	if err := validateDistributorInput(d); err != nil {
		return err
	}
	tx, err := db.beginTx(ctx, true)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	ins, err := newDistributorInserter(ctx, tx)
	if err != nil {
		return err
	}
	defer ins.close()
	var existing int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM distributors WHERE external_id = ?`, d.ExternalID).Scan(&existing); err != nil {
		return fmt.Errorf("enrol %q: %w", d.ExternalID, err)
	}
	if existing > 0 {
		return downline.Errorf(downline.CodeConflict, "distributor %q: already exists", d.ExternalID)
	}
	if err := ins.create(ctx, d, givenCode); err != nil {
		return err
	}
	e.DistributorID = d.ID
	if _, err := tx.exec(ctx, `INSERT INTO enrolments (distributor_id, agreement_version, accepted_at, accepted_ip,
		birth_date, cooling_off_ends, cancelled_at) VALUES (?, ?, ?, ?, ?, ?, 0)`, d.ID, e.AgreementVersion,
		encodeTime(e.AcceptedAt), e.AcceptedIP, encodeTime(e.BirthDate), encodeTime(e.CoolingOffEnds)); err != nil {
		return fmt.Errorf("enrol %q: %w", d.ExternalID, mapError(err, fmt.Sprintf("enrolment of %q", d.ExternalID)))
	}
	if u != nil {
		u.DistributorID = d.ID
		if err := insertUser(ctx, tx, u); err != nil {
			return err
		}
	}
	if err := enqueueEnrolled(ctx, tx, d); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("enrol %q: %w", d.ExternalID, err)
	}
	return nil
}

func findEnrolment(ctx context.Context, tx *Tx, id downline.DistributorID) (*downline.Enrolment, error) {
	e := downline.Enrolment{DistributorID: id}
	var accepted, birth, ends, cancelled int64
	err := tx.queryRow(ctx, `SELECT agreement_version, accepted_at, accepted_ip, birth_date, cooling_off_ends,
		cancelled_at FROM enrolments WHERE distributor_id = ?`, id).Scan(&e.AgreementVersion, &accepted,
		&e.AcceptedIP, &birth, &ends, &cancelled)
	if err == sql.ErrNoRows {
		return nil, downline.Errorf(downline.CodeNotFound, "Distributor %d has no enrolment record.", id)
	}
	if err != nil {
		return nil, fmt.Errorf("find enrolment of %d: %w", id, err)
	}
	e.AcceptedAt, e.BirthDate, e.CoolingOffEnds = decodeTime(accepted), decodeTime(birth), decodeTime(ends)
	e.CancelledAt = decodeOptTime(cancelled)
	return &e, nil
}

// FindEnrolment returns a distributor's enrolment. Returns CodeNotFound.
func (db *DB) FindEnrolment(ctx context.Context, id downline.DistributorID) (*downline.Enrolment, error) {
	tx, err := db.beginTx(ctx, false)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	return findEnrolment(ctx, tx, id)
}

// CancelEnrolment cancels an enrolment inside its cooling-off window and
// terminates the distributor. Returns CodeNotFound and CodeConflict.
func (db *DB) CancelEnrolment(ctx context.Context, id downline.DistributorID) (*downline.Enrolment, error) {
	tx, err := db.beginTx(ctx, true)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	e, err := findEnrolment(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if !e.CancelledAt.IsZero() {
		return nil, downline.Errorf(downline.CodeConflict, "Distributor %d has cancelled already.", id)
	}
	if !e.CanCancel(tx.now) {
		return nil, downline.Errorf(downline.CodeConflict, "The cooling-off window of distributor %d ended on %s.",
			id, e.CoolingOffEnds.Format("2006-01-02"))
	}
	if _, err := tx.exec(ctx, `UPDATE enrolments SET cancelled_at = ? WHERE distributor_id = ?`, encodeTime(tx.now), id); err != nil {
		return nil, fmt.Errorf("cancel enrolment of %d: %w", id, err)
	}
	d, err := findDistributorForUpdate(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	d.Status = downline.StatusTerminated
	if _, err := tx.exec(ctx, `UPDATE distributors SET status = ?, updated_at = ? WHERE id = ?`,
		d.Status, encodeTime(tx.now), id); err != nil {
		return nil, fmt.Errorf("cancel enrolment of %d: %w", id, err)
	}
	if err := recordHistory(ctx, tx, d); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("cancel enrolment of %d: %w", id, err)
	}
	e.CancelledAt = tx.now
	return e, nil
}
