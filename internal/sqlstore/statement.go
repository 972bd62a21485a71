package sqlstore

import (
	"context"
	"fmt"

	"github.com/downline/downline"
)

// FindStatement returns one distributor's statement for a closed period:
// the close's lines earned by the distributor (plan lines and clawbacks)
// and the balance movements of the ledger transactions dated in the
// period. Returns CodeNotFound for an unknown distributor and CodeConflict
// when the period is not closed.
func (db *DB) FindStatement(ctx context.Context, id downline.DistributorID, period string) (*downline.PeriodStatement, error) {
	if !downline.IsPeriodName(period) {
		return nil, downline.Errorf(downline.CodeInvalid, "statement: period %q must be named YYYY-MM", period)
	}
	tx, err := db.beginTx(ctx, false)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	prog, err := findProgramme(ctx, tx)
	if err != nil {
		return nil, err
	}
	s := &downline.PeriodStatement{Programme: prog.Name, DistributorID: id, Period: period, Currency: prog.Currency}
	if err := tx.queryRow(ctx, `SELECT display_name FROM distributors WHERE id = ?`, id).Scan(&s.DistributorName); err != nil {
		return nil, downline.Errorf(downline.CodeNotFound, "Distributor %d not found.", id)
	}
	if s.Run, err = findCloseRun(ctx, tx, period); err != nil {
		if downline.ErrorCode(err) == downline.CodeNotFound {
			return nil, downline.Errorf(downline.CodeConflict, "Period %s is not closed yet; statements are for closed periods.", period)
		}
		return nil, err
	}
	err = scanRunLines(ctx, tx, s.Run.ID, id, func(_ downline.DistributorID, _ int64, ls []downline.CommissionLine) error {
		for i := range ls {
			s.Lines = append(s.Lines, &ls[i])
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// What the company owes the distributor is minus the sum of the
	// postings on their accounts (liabilities are credits).
	rows, err := tx.query(ctx, `SELECT earlier, kind, -SUM(amount) FROM (
			SELECT CASE WHEN t.period < ? THEN 1 ELSE 0 END AS earlier, t.kind AS kind, p.amount AS amount
			FROM ledger_postings p JOIN ledger_transactions t ON t.id = p.transaction_id
			WHERE p.distributor_id = ? AND t.period <= ?) x
		GROUP BY earlier, kind`, period, id, period)
	if err != nil {
		return nil, fmt.Errorf("statement of %d for %s: %w", id, period, err)
	}
	defer rows.Close()
	for rows.Next() {
		var before int
		var kind string
		var owed int64
		if err := rows.Scan(&before, &kind, &owed); err != nil {
			return nil, fmt.Errorf("statement of %d for %s: %w", id, period, err)
		}
		if before == 1 {
			s.Opening += owed
			continue
		}
		switch kind {
		case "earnings":
			s.Earned += owed
		case "clawback":
			s.Clawbacks -= owed
		case "adjustment", "reversal":
			s.Adjustments += owed
		case "payout", "payout_failure":
			s.Paid -= owed
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("statement of %d for %s: %w", id, period, err)
	}
	s.Closing = s.Opening + s.Earned - s.Clawbacks + s.Adjustments - s.Paid
	return s, nil
}
