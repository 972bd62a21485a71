package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/downline/downline"
)

// RunStanding is one distributor's figures in a commission run, as the
// back office shows them.
type RunStanding struct {
	DistributorID       downline.DistributorID
	CuV, PCV, PV, GV    int64
	Active              bool
	PaidRank, TitleRank string
	Total               int64
}

// maxStandingIDs bounds one RunStandings call; callers page beyond it.
const maxStandingIDs = 500

// RunStandings returns the figures of the given distributors in run id
// (those not in the run are left out), ordered by distributor. With no
// ids it returns nothing. Returns CodeInvalid for more than 500 ids.
func (db *DB) RunStandings(ctx context.Context, id downline.RunID, ids ...downline.DistributorID) ([]RunStanding, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	if len(ids) > maxStandingIDs {
		return nil, downline.Errorf(downline.CodeInvalid, "At most %d distributors per request, not %d.", maxStandingIDs, len(ids))
	}
	tx, err := db.beginTx(ctx, false)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	args := []any{int64(id)}
	for _, d := range ids {
		args = append(args, int64(d))
	}
	rows, err := tx.query(ctx, `SELECT distributor_id, cuv, pcv, pv, gv, active, paid_rank, title_rank, total
		FROM run_distributors WHERE run_id = ? AND distributor_id IN (?`+strings.Repeat(", ?", len(ids)-1)+`)
		ORDER BY distributor_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("run %d standings: %w", id, err)
	}
	defer rows.Close()
	var out []RunStanding
	for rows.Next() {
		var s RunStanding
		if err := rows.Scan(&s.DistributorID, &s.CuV, &s.PCV, &s.PV, &s.GV, &s.Active, &s.PaidRank, &s.TitleRank, &s.Total); err != nil {
			return nil, fmt.Errorf("run %d standings: %w", id, err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// FindPlanVersion returns a stored plan version. Returns CodeNotFound.
func (db *DB) FindPlanVersion(ctx context.Context, id int64) (*downline.PlanVersion, error) {
	tx, err := db.beginTx(ctx, false)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	return db.findPlanVersion(ctx, tx, id)
}

// FindDealsByDistributor returns a distributor's registered deals, newest
// first.
func (db *DB) FindDealsByDistributor(ctx context.Context, owner downline.DistributorID) ([]*Deal, error) {
	return db.findDeals(ctx, "distributor_id = ? ORDER BY id DESC", int64(owner))
}
