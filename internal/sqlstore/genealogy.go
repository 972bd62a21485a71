package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"github.com/downline/downline"
)

var _ downline.GenealogyService = (*DB)(nil)

// currentPeriod returns the name of the period containing tx.now in the
// programme's time zone. Returns CodeNotFound when there is no programme.
func currentPeriod(ctx context.Context, tx *Tx) (string, error) {
	p, err := findProgramme(ctx, tx)
	if err != nil {
		return "", err
	}
	per, err := p.PeriodOf(tx.now)
	if err != nil {
		return "", err
	}
	return per.Name, nil
}

// recordHistory stores d's current sponsor, placement and status as
// effective from the current period, replacing an earlier change made in
// the same period. Every write that changes a distributor's sponsor,
// placement or status must call it in the same transaction: sponsorTreeAt
// relies on the distributors row being the latest history row.
func recordHistory(ctx context.Context, tx *Tx, d *downline.Distributor) error {
	period, err := currentPeriod(ctx, tx)
	if err != nil {
		return err
	}
	_, err = tx.exec(ctx, `INSERT INTO distributor_history (distributor_id, effective_period, sponsor_id,
		placement_parent_id, placement_side, status, changed_at) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (distributor_id, effective_period) DO UPDATE SET sponsor_id = excluded.sponsor_id,
		placement_parent_id = excluded.placement_parent_id, placement_side = excluded.placement_side,
		status = excluded.status, changed_at = excluded.changed_at`,
		d.ID, period, nullID(d.SponsorID), nullID(d.PlacementParentID), d.PlacementSide, d.Status, encodeTime(tx.now))
	if err != nil {
		return fmt.Errorf("record history of distributor %d: %w", d.ID, err)
	}
	return nil
}

func findDistributorForUpdate(ctx context.Context, tx *Tx, id downline.DistributorID) (*downline.Distributor, error) {
	ds, _, err := findDistributors(ctx, tx, downline.DistributorFilter{ID: &id})
	if err != nil {
		return nil, err
	}
	if len(ds) == 0 {
		return nil, downline.Errorf(downline.CodeNotFound, "Distributor %d not found.", id)
	}
	return ds[0], nil
}

// UpdateDistributor changes the given fields; a status change is recorded
// in the history from the current period. Returns CodeNotFound and
// CodeInvalid.
func (db *DB) UpdateDistributor(ctx context.Context, id downline.DistributorID, upd downline.DistributorUpdate) (*downline.Distributor, error) {
	tx, err := db.beginTx(ctx, true)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	d, err := findDistributorForUpdate(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	statusChanged := upd.Status != nil && *upd.Status != d.Status
	if upd.Status != nil {
		d.Status = *upd.Status
	}
	if upd.Country != nil {
		d.Country = *upd.Country
	}
	if upd.Email != nil {
		d.Email = *upd.Email
	}
	if upd.DisplayName != nil {
		d.DisplayName = *upd.DisplayName
	}
	if upd.AgreementVersion != nil {
		d.AgreementVersion = *upd.AgreementVersion
	}
	if err := d.Validate(); err != nil {
		return nil, err
	}
	if _, err := tx.exec(ctx, `UPDATE distributors SET status = ?, country = ?, email = ?, display_name = ?,
		agreement_version = ?, updated_at = ? WHERE id = ?`,
		d.Status, d.Country, d.Email, d.DisplayName, d.AgreementVersion, encodeTime(tx.now), d.ID); err != nil {
		return nil, fmt.Errorf("update distributor %d: %w", id, err)
	}
	if statusChanged {
		if err := recordHistory(ctx, tx, d); err != nil {
			return nil, err
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("update distributor %d: %w", id, err)
	}
	d.UpdatedAt = tx.now
	return d, nil
}

// MoveDistributor changes sponsor or placement from the current period on.
// A move that would put the distributor under itself is CodeConflict, and
// is flagged for review (flagCycleAttempt, risk.go).
func (db *DB) MoveDistributor(ctx context.Context, id downline.DistributorID, move downline.DistributorMove) (*downline.Distributor, error) {
	d, err := db.moveDistributor(ctx, id, move)
	return d, db.flagCycleAttempt(ctx, err)
}

func (db *DB) moveDistributor(ctx context.Context, id downline.DistributorID, move downline.DistributorMove) (*downline.Distributor, error) {
	tx, err := db.beginTx(ctx, true)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if err := lockTree(ctx, tx); err != nil {
		return nil, err
	}
	d, err := findDistributorForUpdate(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if move.SponsorID != nil && *move.SponsorID != d.SponsorID {
		if err := checkNoCycle(ctx, tx, d, *move.SponsorID, "sponsor_id", "sponsor"); err != nil {
			return nil, err
		}
		d.SponsorID = *move.SponsorID
	}
	if move.PlacementParentID != nil && *move.PlacementParentID != d.PlacementParentID {
		if err := checkNoCycle(ctx, tx, d, *move.PlacementParentID, "placement_parent_id", "placement parent"); err != nil {
			return nil, err
		}
		d.PlacementParentID = *move.PlacementParentID
	}
	if move.PlacementSide != nil {
		d.PlacementSide = *move.PlacementSide
	}
	if d.PlacementParentID == 0 {
		d.PlacementSide = downline.SideNone
	}
	if !d.PlacementSide.IsValid() {
		return nil, downline.Errorf(downline.CodeInvalid, "distributor %q: placement side must be \"L\", \"R\" or empty", d.ExternalID)
	}
	if d.PlacementSide != downline.SideNone {
		var n int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM distributors WHERE placement_parent_id = ? AND placement_side = ?
			AND id <> ?`, d.PlacementParentID, d.PlacementSide, d.ID).Scan(&n); err != nil {
			return nil, fmt.Errorf("move distributor %d: %w", id, err)
		}
		if n > 0 {
			return nil, downline.Errorf(downline.CodeConflict, "distributor %q: placement side %s under distributor %d is taken",
				d.ExternalID, d.PlacementSide, d.PlacementParentID)
		}
	}
	if _, err := tx.exec(ctx, `UPDATE distributors SET sponsor_id = ?, placement_parent_id = ?, placement_side = ?,
		updated_at = ? WHERE id = ?`, nullID(d.SponsorID), nullID(d.PlacementParentID), d.PlacementSide,
		encodeTime(tx.now), d.ID); err != nil {
		return nil, fmt.Errorf("move distributor %d: %w", id, mapError(err, fmt.Sprintf("distributor %q", d.ExternalID)))
	}
	if err := recordHistory(ctx, tx, d); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("move distributor %d: %w", id, err)
	}
	return db.FindDistributorByID(ctx, id)
}

// lockTree serialises moves. Under PostgreSQL's READ COMMITTED two moves
// (A under B, B under A) could each pass the cycle check before the other
// commits; a no-op update of the programme row makes the second wait for
// the first and then check against its result. SQLite writers are
// serialised already. It fails with CodeNotFound when there is no
// programme.
func lockTree(ctx context.Context, tx *Tx) error {
	res, err := tx.exec(ctx, `UPDATE programmes SET updated_at = updated_at WHERE id = 1`)
	if err != nil {
		return fmt.Errorf("lock tree: %w", err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return downline.Errorf(downline.CodeNotFound, "No programme has been set up.")
	}
	return nil
}

// checkNoCycle fails with CodeConflict when newParent is d or lies below d
// in the tree given by column (sponsor_id or placement_parent_id), by
// walking up from newParent with a recursive query. It fails with
// CodeNotFound when newParent does not exist.
func checkNoCycle(ctx context.Context, tx *Tx, d *downline.Distributor, newParent downline.DistributorID, column, what string) error {
	if newParent == 0 {
		return nil
	}
	var exists int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM distributors WHERE id = ?`, newParent).Scan(&exists); err != nil {
		return fmt.Errorf("move distributor %d: %w", d.ID, err)
	}
	if exists == 0 {
		return downline.Errorf(downline.CodeNotFound, "distributor %q: new %s %d does not exist", d.ExternalID, what, newParent)
	}
	var n int
	err := tx.queryRow(ctx, `WITH RECURSIVE up (id) AS (
			SELECT CAST(? AS BIGINT)
			UNION
			SELECT t.`+column+` FROM distributors t JOIN up ON t.id = up.id WHERE t.`+column+` IS NOT NULL
		)
		SELECT COUNT(*) FROM up WHERE id = ?`, newParent, d.ID).Scan(&n)
	if err != nil {
		return fmt.Errorf("move distributor %d: upline walk: %w", d.ID, err)
	}
	if n > 0 {
		return &cycleAttempt{err: downline.Errorf(downline.CodeConflict, "distributor %q: moving it under %s %d would make it its own upline",
			d.ExternalID, what, newParent), distributor: d.ID, parent: newParent, what: what}
	}
	return nil
}

// Upline returns id's sponsors up to a root in the current tree, nearest
// first. Returns CodeNotFound.
func (db *DB) Upline(ctx context.Context, id downline.DistributorID) ([]downline.DistributorID, error) {
	tx, err := db.beginTx(ctx, false)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if _, err := findDistributorForUpdate(ctx, tx, id); err != nil {
		return nil, err
	}
	rows, err := tx.query(ctx, `WITH RECURSIVE up (id, depth) AS (
			SELECT sponsor_id, 1 FROM distributors WHERE id = ? AND sponsor_id IS NOT NULL
			UNION ALL
			SELECT t.sponsor_id, up.depth + 1 FROM distributors t JOIN up ON t.id = up.id WHERE t.sponsor_id IS NOT NULL
		)
		SELECT id FROM up ORDER BY depth`, id)
	if err != nil {
		return nil, fmt.Errorf("upline of %d: %w", id, err)
	}
	defer rows.Close()
	var ids []downline.DistributorID
	for rows.Next() {
		var u downline.DistributorID
		if err := rows.Scan(&u); err != nil {
			return nil, fmt.Errorf("upline of %d: %w", id, err)
		}
		ids = append(ids, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("upline of %d: %w", id, err)
	}
	return ids, nil
}

// Downline returns everyone below id in the current sponsor tree, to
// maxDepth levels (0 for all), ordered by depth then ID. Returns
// CodeNotFound.
func (db *DB) Downline(ctx context.Context, id downline.DistributorID, maxDepth int) ([]downline.DownlineMember, error) {
	tx, err := db.beginTx(ctx, false)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if _, err := findDistributorForUpdate(ctx, tx, id); err != nil {
		return nil, err
	}
	depthCond := ""
	if maxDepth > 0 {
		depthCond = " WHERE down.depth < " + strconv.Itoa(maxDepth)
	}
	rows, err := tx.query(ctx, `WITH RECURSIVE down (id, sponsor_id, depth) AS (
			SELECT id, sponsor_id, 1 FROM distributors WHERE sponsor_id = ?
			UNION ALL
			SELECT t.id, t.sponsor_id, down.depth + 1 FROM distributors t JOIN down ON t.sponsor_id = down.id`+depthCond+`
		)
		SELECT id, sponsor_id, depth FROM down ORDER BY depth, id`, id)
	if err != nil {
		return nil, fmt.Errorf("downline of %d: %w", id, err)
	}
	defer rows.Close()
	var ms []downline.DownlineMember
	for rows.Next() {
		var m downline.DownlineMember
		if err := rows.Scan(&m.ID, &m.SponsorID, &m.Depth); err != nil {
			return nil, fmt.Errorf("downline of %d: %w", id, err)
		}
		ms = append(ms, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("downline of %d: %w", id, err)
	}
	return ms, nil
}

// SponsorTreeAt streams the tree as it stood at the end of the named period,
// ordered by ID. fn must not call back into the store.
//
// The current tree is one scan of distributors. For an earlier period the
// scan is overlaid with the state at the period's end of the few
// distributors whose history changed after it, read first.
func (db *DB) SponsorTreeAt(ctx context.Context, period string, fn func(downline.TreeNode) error) error {
	tx, err := db.beginTx(ctx, false)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	prog, err := findProgramme(ctx, tx)
	if err != nil {
		return err
	}
	per, err := prog.Period(period)
	if err != nil {
		return err
	}
	return sponsorTreeAt(ctx, tx, period, per.End, fn)
}

// sponsorTreeAt streams, in tx, the tree at the end of period (which ends
// at end), ordered by ID: one scan of distributors overlaid with the state
// at the period's end of the distributors whose history changed after it.
// Commission runs call it inside their own transaction.
func sponsorTreeAt(ctx context.Context, tx *Tx, period string, end time.Time, fn func(downline.TreeNode) error) error {
	overlay := map[downline.DistributorID]downline.TreeNode{}
	rows, err := tx.query(ctx, `SELECT h.distributor_id, h.sponsor_id, h.placement_parent_id, h.placement_side, h.status
		FROM distributor_history h
		WHERE h.distributor_id IN (SELECT c.distributor_id FROM distributor_history c WHERE c.effective_period > ?)
		AND h.effective_period = (SELECT MAX(h2.effective_period) FROM distributor_history h2
			WHERE h2.distributor_id = h.distributor_id AND h2.effective_period <= ?)`, period, period)
	if err != nil {
		return fmt.Errorf("tree at %s: %w", period, err)
	}
	for rows.Next() {
		var n downline.TreeNode
		var sponsor, parent sql.NullInt64
		if err := rows.Scan(&n.ID, &sponsor, &parent, &n.PlacementSide, &n.Status); err != nil {
			rows.Close()
			return fmt.Errorf("tree at %s: %w", period, err)
		}
		n.SponsorID = downline.DistributorID(sponsor.Int64)
		n.PlacementParentID = downline.DistributorID(parent.Int64)
		overlay[n.ID] = n
	}
	if err := rows.Close(); err != nil {
		return fmt.Errorf("tree at %s: %w", period, err)
	}
	rows, err = tx.query(ctx, `SELECT id, sponsor_id, placement_parent_id, placement_side, joined_at, status
		FROM distributors WHERE joined_at < ? ORDER BY id`, encodeTime(end))
	if err != nil {
		return fmt.Errorf("tree at %s: %w", period, err)
	}
	defer rows.Close()
	for rows.Next() {
		var n downline.TreeNode
		var sponsor, parent sql.NullInt64
		var joined int64
		if err := rows.Scan(&n.ID, &sponsor, &parent, &n.PlacementSide, &joined, &n.Status); err != nil {
			return fmt.Errorf("tree at %s: %w", period, err)
		}
		n.SponsorID = downline.DistributorID(sponsor.Int64)
		n.PlacementParentID = downline.DistributorID(parent.Int64)
		n.JoinedAt = decodeTime(joined)
		if o, ok := overlay[n.ID]; ok {
			n.SponsorID, n.PlacementParentID, n.PlacementSide, n.Status = o.SponsorID, o.PlacementParentID, o.PlacementSide, o.Status
		}
		if err := fn(n); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("tree at %s: %w", period, err)
	}
	return nil
}
