package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/downline/downline"
)

var _ downline.DistributorService = (*DB)(nil)

const distributorColumns = `d.id, d.external_id, d.sponsor_id, COALESCE(s.external_id, ''), d.placement_parent_id,
	COALESCE(p.external_id, ''), d.placement_side, d.referral_code, d.status, d.joined_at, d.country, d.email,
	d.display_name, d.agreement_version, d.created_at, d.updated_at`

const distributorFrom = ` FROM distributors d
	LEFT JOIN distributors s ON s.id = d.sponsor_id
	LEFT JOIN distributors p ON p.id = d.placement_parent_id`

func scanDistributor(sc interface{ Scan(...any) error }, extra ...any) (*downline.Distributor, error) {
	var d downline.Distributor
	var sponsor, parent sql.NullInt64
	var joined, created, updated int64
	dest := []any{&d.ID, &d.ExternalID, &sponsor, &d.SponsorRef, &parent, &d.PlacementParentRef, &d.PlacementSide,
		&d.ReferralCode, &d.Status, &joined, &d.Country, &d.Email, &d.DisplayName, &d.AgreementVersion, &created, &updated}
	if err := sc.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	d.SponsorID = downline.DistributorID(sponsor.Int64)
	d.PlacementParentID = downline.DistributorID(parent.Int64)
	d.JoinedAt, d.CreatedAt, d.UpdatedAt = decodeTime(joined), decodeTime(created), decodeTime(updated)
	return &d, nil
}

// FindDistributorByID returns one distributor. Returns CodeNotFound.
func (db *DB) FindDistributorByID(ctx context.Context, id downline.DistributorID) (*downline.Distributor, error) {
	return db.findOneDistributor(ctx, downline.DistributorFilter{ID: &id}, fmt.Sprintf("Distributor %d not found.", id))
}

// FindDistributorByExternalID returns one distributor. Returns CodeNotFound.
func (db *DB) FindDistributorByExternalID(ctx context.Context, externalID string) (*downline.Distributor, error) {
	return db.findOneDistributor(ctx, downline.DistributorFilter{ExternalID: &externalID},
		fmt.Sprintf("Distributor %q not found.", externalID))
}

func (db *DB) findOneDistributor(ctx context.Context, f downline.DistributorFilter, notFound string) (*downline.Distributor, error) {
	ds, _, err := db.FindDistributors(ctx, f)
	if err != nil {
		return nil, err
	}
	if len(ds) == 0 {
		return nil, downline.Errorf(downline.CodeNotFound, "%s", notFound)
	}
	return ds[0], nil
}

// FindDistributors returns the distributors matching filter, ordered by ID,
// and the total number of matches ignoring Offset and Limit.
func (db *DB) FindDistributors(ctx context.Context, filter downline.DistributorFilter) ([]*downline.Distributor, int, error) {
	tx, err := db.beginTx(ctx, false)
	if err != nil {
		return nil, 0, err
	}
	defer tx.Rollback()
	return findDistributors(ctx, tx, filter)
}

func findDistributors(ctx context.Context, tx *Tx, f downline.DistributorFilter) ([]*downline.Distributor, int, error) {
	var w where
	if f.ID != nil {
		w.add("d.id = ?", *f.ID)
	}
	if f.ExternalID != nil {
		w.add("d.external_id = ?", *f.ExternalID)
	}
	if f.ReferralCode != nil {
		w.add("d.referral_code = ?", *f.ReferralCode)
	}
	if f.SponsorID != nil {
		if *f.SponsorID == 0 {
			w.add("d.sponsor_id IS NULL")
		} else {
			w.add("d.sponsor_id = ?", *f.SponsorID)
		}
	}
	if f.Status != nil {
		w.add("d.status = ?", *f.Status)
	}
	if f.Country != nil {
		w.add("d.country = ?", *f.Country)
	}
	if f.AfterID != 0 {
		w.add("d.id > ?", f.AfterID)
	}
	rows, err := tx.query(ctx, `SELECT `+distributorColumns+`, COUNT(*) OVER ()`+distributorFrom+w.String()+
		` ORDER BY d.id`+page(f.Limit, f.Offset), w.args...)
	if err != nil {
		return nil, 0, fmt.Errorf("find distributors: %w", err)
	}
	defer rows.Close()
	var ds []*downline.Distributor
	total := 0
	for rows.Next() {
		d, err := scanDistributor(rows, &total)
		if err != nil {
			return nil, 0, fmt.Errorf("find distributors: %w", err)
		}
		ds = append(ds, d)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("find distributors: %w", err)
	}
	total, err = countIfPastEnd(ctx, tx, "distributors d", &w, len(ds), total, f.Offset)
	if err != nil {
		return nil, 0, fmt.Errorf("find distributors: %w", err)
	}
	return ds, total, nil
}

// distributorDigest covers the content of a create request, with relations
// by external id, so that a repeated import matches whatever internal ids
// were assigned. The referral code is the one given (empty when derived).
func distributorDigest(d *downline.Distributor, givenCode string) string {
	var g digester
	return g.str(d.ExternalID).str(d.SponsorRef).str(d.PlacementParentRef).str(string(d.PlacementSide)).
		str(givenCode).str(string(d.Status)).time(d.JoinedAt).str(d.Country).str(d.Email).str(d.DisplayName).
		str(d.AgreementVersion).sum()
}

// CreateDistributor stores d. See downline.DistributorService.
func (db *DB) CreateDistributor(ctx context.Context, d *downline.Distributor) error {
	return db.CreateDistributors(ctx, []*downline.Distributor{d})
}

// CreateDistributors stores ds in one transaction, in order; a record may
// name a sponsor earlier in ds. All or nothing.
func (db *DB) CreateDistributors(ctx context.Context, ds []*downline.Distributor) error {
	givenCodes := make([]string, len(ds))
	var errs []error
	for i, d := range ds {
		givenCodes[i] = d.ReferralCode
		if err := validateDistributorInput(d); err != nil {
			errs = append(errs, err)
		}
	}
	if err := batchError("distributors", len(ds), errs); err != nil {
		return err
	}
	return retryOnUniqueViolation(func() error {
		tx, err := db.beginTx(ctx, true)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		if err := createDistributors(ctx, tx, ds, givenCodes); err != nil {
			return err
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("create distributors: %w", err)
		}
		return nil
	})
}

// validateDistributorInput applies the create defaults and validates. A
// derived referral code stands in for an empty one during validation only.
func validateDistributorInput(d *downline.Distributor) error {
	if d.Status == "" {
		d.Status = downline.StatusActive
	}
	code := d.ReferralCode
	if code == "" {
		d.ReferralCode = downline.DefaultReferralCode(d.ExternalID)
	}
	err := d.Validate()
	d.ReferralCode = code
	return err
}
