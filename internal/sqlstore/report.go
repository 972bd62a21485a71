package sqlstore

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/downline/downline"
)

// ReportRun is one closed commission run as the compliance reports read
// it: the run, its plan and one row per distributor in the tree at period
// end, zero-earners included.
type ReportRun struct {
	Run         *downline.Run
	PlanID      string
	PlanVersion string
	Rows        []ReportRow
}

// ReportRow is one distributor's figures in a closed run, with the sponsor
// in force for the run's period and every line the distributor earned
// (plan lines and clawbacks). Amounts are minor units.
type ReportRow struct {
	Distributor downline.DistributorID
	// Sponsor is 0 for a root.
	Sponsor                downline.DistributorID
	CuV, PCV, RPCV, PV, GV int64
	Active                 bool
	PaidRank, TitleRank    string
	// Withheld names the gates that withheld pay, as the run stored it.
	Withheld string
	// Total is the pay earned before clawbacks; Clawbacks is <= 0.
	Total, Clawbacks int64
	Lines            []downline.CommissionLine
}

// ReportRuns returns the closed runs of the periods first to last
// (inclusive, "YYYY-MM"), oldest first, each with its rows in distributor
// order. A period without a close is left out.
func (db *DB) ReportRuns(ctx context.Context, first, last string) ([]ReportRun, error) {
	if !downline.IsPeriodName(first) || !downline.IsPeriodName(last) {
		return nil, downline.Errorf(downline.CodeInvalid, "periods %q to %q must be named YYYY-MM", first, last)
	}
	tx, err := db.beginTx(ctx, false)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	rows, err := tx.query(ctx, `SELECT `+runColumns+` WHERE r.kind = 'close' AND r.period >= ? AND r.period <= ?
		ORDER BY r.period`, first, last)
	if err != nil {
		return nil, fmt.Errorf("report runs %s to %s: %w", first, last, err)
	}
	var out []ReportRun
	for rows.Next() {
		r, err := scanRun(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("report runs %s to %s: %w", first, last, err)
		}
		out = append(out, ReportRun{Run: r})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("report runs %s to %s: %w", first, last, err)
	}
	for i := range out {
		if err := reportRun(ctx, tx, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// reportRun fills in the plan and the rows of one closed run.
func reportRun(ctx context.Context, tx *Tx, rr *ReportRun) error {
	r := rr.Run
	if err := tx.queryRow(ctx, `SELECT plan_id, version FROM plan_versions WHERE id = ?`, r.PlanVersionID).
		Scan(&rr.PlanID, &rr.PlanVersion); err != nil {
		return fmt.Errorf("report run %d: plan version %d: %w", r.ID, r.PlanVersionID, err)
	}
	rows, err := tx.query(ctx, `SELECT rd.distributor_id,
		COALESCE((SELECT h.sponsor_id FROM distributor_history h WHERE h.distributor_id = rd.distributor_id
			AND h.effective_period <= ? ORDER BY h.effective_period DESC LIMIT 1), 0),
		rd.cuv, rd.pcv, rd.rpcv, rd.pv, rd.gv, rd.active, rd.paid_rank, rd.title_rank, rd.withheld,
		rd.total, rd.clawbacks, rd.lines
		FROM run_distributors rd WHERE rd.run_id = ? ORDER BY rd.distributor_id`, r.Period, r.ID)
	if err != nil {
		return fmt.Errorf("report run %d: %w", r.ID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var w ReportRow
		var blob []byte
		if err := rows.Scan(&w.Distributor, &w.Sponsor, &w.CuV, &w.PCV, &w.RPCV, &w.PV, &w.GV, &w.Active,
			&w.PaidRank, &w.TitleRank, &w.Withheld, &w.Total, &w.Clawbacks, &blob); err != nil {
			return fmt.Errorf("report run %d: %w", r.ID, err)
		}
		if w.Lines, err = decodeLines(r.ID, w.Distributor, blob); err != nil {
			return err
		}
		for i := range w.Lines {
			w.Lines[i].ScaledBy = r.ScaledBy
		}
		rr.Rows = append(rr.Rows, w)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("report run %d: %w", r.ID, err)
	}
	return nil
}

// ReportParticipant is one distributor's agreement as the income
// disclosure statement needs it.
type ReportParticipant struct {
	Distributor downline.DistributorID
	JoinedAt    time.Time
	// LeftPeriod is the first period with status terminated ("" while the
	// agreement is in force).
	LeftPeriod string
}

// ReportParticipants returns every distributor who joined before before,
// in distributor order.
func (db *DB) ReportParticipants(ctx context.Context, before time.Time) ([]ReportParticipant, error) {
	tx, err := db.beginTx(ctx, false)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	rows, err := tx.query(ctx, `SELECT d.id, d.joined_at,
		COALESCE((SELECT MIN(h.effective_period) FROM distributor_history h
			WHERE h.distributor_id = d.id AND h.status = 'terminated'), '')
		FROM distributors d WHERE d.joined_at < ? ORDER BY d.id`, encodeTime(before))
	if err != nil {
		return nil, fmt.Errorf("report participants: %w", err)
	}
	defer rows.Close()
	var out []ReportParticipant
	for rows.Next() {
		var p ReportParticipant
		var joined int64
		if err := rows.Scan(&p.Distributor, &joined, &p.LeftPeriod); err != nil {
			return nil, fmt.Errorf("report participants: %w", err)
		}
		p.JoinedAt = decodeTime(joined)
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("report participants: %w", err)
	}
	return out, nil
}

// ReportPeriod is one period's company-wide order figures, summed over
// the per-period volume aggregates (net of refunds) and the refunds booked
// in the period. Amounts are minor units.
type ReportPeriod struct {
	Period                              string
	CustomerRevenue, ParticipantRevenue int64
	CuV, PCV, ResaleStockCV             int64
	// Refunds counts the refunds booked in the period; RefundAmount and
	// RefundCV are their totals.
	Refunds                int64
	RefundAmount, RefundCV int64
}

// ReportPeriods returns the figures of every period from first to last
// (inclusive) with volume or refunds, oldest first.
func (db *DB) ReportPeriods(ctx context.Context, first, last string) ([]ReportPeriod, error) {
	if !downline.IsPeriodName(first) || !downline.IsPeriodName(last) {
		return nil, downline.Errorf(downline.CodeInvalid, "periods %q to %q must be named YYYY-MM", first, last)
	}
	tx, err := db.beginTx(ctx, false)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	byPeriod := map[string]*ReportPeriod{}
	var order []string
	get := func(p string) *ReportPeriod {
		if byPeriod[p] == nil {
			byPeriod[p] = &ReportPeriod{Period: p}
			order = append(order, p)
		}
		return byPeriod[p]
	}
	rows, err := tx.query(ctx, `SELECT period, SUM(customer_revenue), SUM(participant_revenue), SUM(cuv), SUM(pcv),
		SUM(resale_stock_cv) FROM period_volumes WHERE period >= ? AND period <= ? GROUP BY period ORDER BY period`, first, last)
	if err != nil {
		return nil, fmt.Errorf("report periods %s to %s: %w", first, last, err)
	}
	for rows.Next() {
		var p string
		var v ReportPeriod
		if err := rows.Scan(&p, &v.CustomerRevenue, &v.ParticipantRevenue, &v.CuV, &v.PCV, &v.ResaleStockCV); err != nil {
			rows.Close()
			return nil, fmt.Errorf("report periods %s to %s: %w", first, last, err)
		}
		v.Period = p
		*get(p) = v
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("report periods %s to %s: %w", first, last, err)
	}
	rows, err = tx.query(ctx, `SELECT period, COUNT(*), SUM(amount), SUM(cv) FROM refunds
		WHERE period >= ? AND period <= ? GROUP BY period ORDER BY period`, first, last)
	if err != nil {
		return nil, fmt.Errorf("report refunds %s to %s: %w", first, last, err)
	}
	defer rows.Close()
	for rows.Next() {
		var p string
		var n, amount, cv int64
		if err := rows.Scan(&p, &n, &amount, &cv); err != nil {
			return nil, fmt.Errorf("report refunds %s to %s: %w", first, last, err)
		}
		v := get(p)
		v.Refunds, v.RefundAmount, v.RefundCV = n, amount, cv
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("report refunds %s to %s: %w", first, last, err)
	}
	out := make([]ReportPeriod, 0, len(order))
	for _, p := range order {
		out = append(out, *byPeriod[p])
	}
	slices.SortFunc(out, func(a, b ReportPeriod) int { return strings.Compare(a.Period, b.Period) })
	return out, nil
}
