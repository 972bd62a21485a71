package sqlstore

import (
	"context"
	"fmt"

	"github.com/downline/downline"
	"github.com/downline/downline/compplan"
)

// The inputs of the pay-run gates that the engine takes as figures
// (compliance.md TX-05, TX-07, TX-12). Each is read only when the plan
// switches its gate on, and enters the input hash only then, so that runs
// of plans without the gates hash as before.

// sellThroughDays is the TX-05 trailing window for subscriptions and
// services (compliance.md TX-05 (c): 90 days for SaaS).
const sellThroughDays = 90

// jurisdictions returns the distributors resident where TX-12 changes pay
// (today CN; KR and GB are read too so that the engine can name them),
// from the distributor's country. The country is the current one, not
// effective-dated.
func jurisdictions(ctx context.Context, tx *Tx, p *compplan.Plan, h *inputHasher) (map[compplan.ID]compplan.Jurisdiction, error) {
	if p.Gates.CNOwnSalesCap.IsZero() {
		return nil, nil
	}
	rows, err := tx.query(ctx, `SELECT id, country FROM distributors WHERE country IN ('CN', 'KR', 'GB') ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("jurisdictions: %w", err)
	}
	defer rows.Close()
	h.str("TX-12")
	m := map[compplan.ID]compplan.Jurisdiction{}
	for rows.Next() {
		var id int64
		var country string
		if err := rows.Scan(&id, &country); err != nil {
			return nil, fmt.Errorf("jurisdictions: %w", err)
		}
		m[compplan.ID(id)] = compplan.JurisdictionOf(country)
		h.int(id)
		h.str(country)
	}
	return m, rows.Err()
}

// sellThrough adds to agg each distributor's TX-05 figures over the 90
// days before the period's end: units (order-line quantities) bought as
// resale stock, and units resold with a receipt to a verified customer
// (receipted resale). Fully refunded orders count for neither.
func sellThrough(ctx context.Context, tx *Tx, p *compplan.Plan, per compplan.Period, agg *compplan.Aggregator, h *inputHasher) error {
	if p.Gates.SellThroughMin.IsZero() {
		return nil
	}
	from := per.End.AddDate(0, 0, -sellThroughDays)
	rows, err := tx.query(ctx, `SELECT o.distributor_id,
		SUM(CASE WHEN o.purpose = 'resale_stock' THEN ol.quantity ELSE 0 END),
		SUM(CASE WHEN o.purpose = 'receipted_resale' THEN ol.quantity ELSE 0 END)
		FROM orders o JOIN order_lines ol ON ol.order_id = o.id
		WHERE o.purpose IN ('resale_stock', 'receipted_resale') AND o.status <> 'refunded'
		AND o.paid_at >= ? AND o.paid_at < ?
		GROUP BY o.distributor_id ORDER BY o.distributor_id`, encodeTime(from), encodeTime(per.End))
	if err != nil {
		return fmt.Errorf("sell-through %s: %w", per.Name, err)
	}
	defer rows.Close()
	h.str("TX-05")
	for rows.Next() {
		var d int64
		var st compplan.SellThrough
		if err := rows.Scan(&d, &st.Bought, &st.Resold); err != nil {
			return fmt.Errorf("sell-through %s: %w", per.Name, err)
		}
		h.int(d)
		h.int(st.Bought)
		h.int(st.Resold)
		if err := agg.AddVolume(compplan.DistributorVolume{ID: compplan.ID(d), SellThrough: &st}); err != nil {
			return downline.Errorf(downline.CodeInvalid, "sell-through %s: distributor %d: %v", per.Name, d, err)
		}
	}
	return rows.Err()
}

// companyVolume sets on agg the TX-07 totals over the 12 periods ending
// with period: all product revenue (customer plus participant revenue),
// CuV (without receipted resale unless the plan counts it) and RPCV, the
// sum over every period and distributor of that period's rewardable
// personal use under the plan's TX-03 caps (not the capped company total,
// which would let one distributor's customers excuse another's personal
// use).
func companyVolume(ctx context.Context, tx *Tx, p *compplan.Plan, period string, agg *compplan.Aggregator, h *inputHasher) error {
	if !p.Gates.RunsCompanyTest() {
		return nil
	}
	first, err := downline.ShiftPeriodName(period, -11)
	if err != nil {
		return err
	}
	cuvExpr := "cuv - receipted_cv"
	if p.Volume.ReceiptedResale {
		cuvExpr = "cuv"
	}
	var c compplan.CompanyVolume
	if err := tx.queryRow(ctx, `SELECT COALESCE(SUM(customer_revenue + participant_revenue), 0), COALESCE(SUM(`+cuvExpr+`), 0)
		FROM period_volumes WHERE period >= ? AND period <= ?`, first, period).Scan(&c.Revenue, &c.CuV); err != nil {
		return fmt.Errorf("company totals %s..%s: %w", first, period, err)
	}
	if p.Volume.PersonalUse != nil {
		rows, err := tx.query(ctx, `SELECT `+cuvExpr+`, pcv FROM period_volumes
			WHERE period >= ? AND period <= ? AND pcv > 0 AND `+cuvExpr+` > 0`, first, period)
		if err != nil {
			return fmt.Errorf("company RPCV %s..%s: %w", first, period, err)
		}
		defer rows.Close()
		for rows.Next() {
			var cuv, pcv int64
			if err := rows.Scan(&cuv, &pcv); err != nil {
				return fmt.Errorf("company RPCV %s..%s: %w", first, period, err)
			}
			c.RPCV += p.RewardablePersonalUse(cuv, pcv)
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("company RPCV %s..%s: %w", first, period, err)
		}
	}
	h.str("TX-07")
	h.int(c.Revenue)
	h.int(c.CuV)
	h.int(c.RPCV)
	agg.SetCompany(c)
	return nil
}
