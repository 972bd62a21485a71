package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strings"

	"github.com/downline/downline"
	"github.com/downline/downline/compplan"
)

// runInput is one evaluated period, not yet stored.
type runInput struct {
	prog        *downline.Programme
	period      compplan.Period
	pv          *downline.PlanVersion
	plan        *compplan.Plan
	statePeriod string
	res         *compplan.Result
	claws       []clawback
	inputHash   string
}

// clawback is one refund of an order whose period is closed, with the
// clawback lines it yields.
type clawback struct {
	refund    downline.RefundID
	refundRef string
	order     downline.OrderID
	seller    downline.DistributorID
	lines     []downline.CommissionLine
}

// refundedOrder is what a refund in the period took back from an order of
// a closed period.
type refundedOrder struct {
	refund         downline.RefundID
	refundRef      string
	order          downline.OrderID
	seller         downline.DistributorID
	orderPeriod    string
	purpose        downline.OrderPurpose
	customer       bool
	amount, cv, qv int64
}

// evaluate reads the period's inputs in tx and runs the engine.
func (db *DB) evaluate(ctx context.Context, tx *Tx, period string, progress func(string, int, int)) (*runInput, error) {
	in := &runInput{}
	var err error
	if in.prog, err = findProgramme(ctx, tx); err != nil {
		return nil, err
	}
	loc, err := in.prog.Location()
	if err != nil {
		return nil, err
	}
	if in.period, err = compplan.ParsePeriod(period, loc); err != nil {
		return nil, downline.Errorf(downline.CodeInvalid, "period %q: %v", period, err)
	}
	var last sql.NullString
	if err := tx.queryRow(ctx, `SELECT MAX(period) FROM commission_runs WHERE kind = 'close'`).Scan(&last); err != nil {
		return nil, fmt.Errorf("last closed period: %w", err)
	}
	prev, _ := downline.ShiftPeriodName(period, -1)
	switch {
	case last.Valid && last.String > period:
		return nil, downline.Errorf(downline.CodeConflict, "Period %s is closed; %s cannot be run after it.", last.String, period)
	case last.Valid && last.String != prev:
		return nil, downline.Errorf(downline.CodeConflict, "Close period %s first: periods close in order and %s is the last closed one.", prev, last.String)
	}
	if in.pv, err = db.planFor(ctx, tx, period); err != nil {
		return nil, err
	}
	if in.plan, err = compplan.ParsePlan(strings.NewReader(in.pv.YAML)); err != nil {
		return nil, fmt.Errorf("plan version %d: %w", in.pv.ID, err)
	}
	if in.plan.Currency != "" && in.plan.Currency != in.prog.Currency {
		return nil, downline.Errorf(downline.CodeInvalid, "plan version %d: currency %s is not the programme currency %s",
			in.pv.ID, in.plan.Currency, in.prog.Currency)
	}
	h := newInputHasher()
	h.str("downline-run-input/1")
	h.str(in.pv.Hash)
	h.str(period)
	var state *compplan.State
	if last.Valid {
		in.statePeriod = last.String
		st, raw, err := loadState(ctx, tx, last.String, in.plan.MinorDigits)
		if err != nil {
			return nil, err
		}
		state = st
		h.str(string(raw))
	} else {
		h.str("")
	}

	progress("tree", 0, 1)
	jx, err := jurisdictions(ctx, tx, in.plan, h)
	if err != nil {
		return nil, err
	}
	tree, err := loadTree(ctx, tx, period, in.period, jx, h)
	if err != nil {
		return nil, err
	}
	progress("tree", 1, 1)
	refunded, err := refundedClosedOrders(ctx, tx, period)
	if err != nil {
		return nil, err
	}
	addBack := map[downline.DistributorID]*downline.PeriodVolume{}
	for _, r := range refunded {
		v := addBack[r.seller]
		if v == nil {
			v = &downline.PeriodVolume{}
			addBack[r.seller] = v
		}
		addVolume(v, r.purpose, r.customer, 1, r.amount, r.cv, r.qv)
		h.int(int64(r.refund))
		h.int(int64(r.order))
		h.int(r.amount)
		h.int(r.cv)
		h.int(r.qv)
	}

	agg := compplan.NewAggregator(in.plan, tree, in.period)
	progress("volumes", 0, 1)
	if err := loadVolumes(ctx, tx, in.plan, period, agg, addBack, h); err != nil {
		return nil, err
	}
	if err := sellThrough(ctx, tx, in.plan, in.period, agg, h); err != nil {
		return nil, err
	}
	if err := companyVolume(ctx, tx, in.plan, period, agg, h); err != nil {
		return nil, err
	}
	progress("volumes", 1, 1)
	progress("evaluate", 0, 1)
	if in.res, err = compplan.EvaluateVolumes(agg, state); err != nil {
		return nil, downline.Errorf(downline.CodeInvalid, "evaluate %s: %v", period, err)
	}
	progress("evaluate", 1, 1)
	if in.claws, err = clawbackLines(ctx, tx, refunded); err != nil {
		return nil, err
	}
	in.inputHash = h.sum()
	return in, nil
}

// loadTree reads the tree at period end in tx: every distributor who
// joined before the period's end with the history row in force then (the
// greatest effective period not after it). Two ordered scans merged in Go
// instead of a correlated subquery per distributor.
func loadTree(ctx context.Context, tx *Tx, period string, per compplan.Period, jx map[compplan.ID]compplan.Jurisdiction, h *inputHasher) (*compplan.Tree, error) {
	var ds []compplan.Distributor
	err := sponsorTreeAt(ctx, tx, period, per.End, func(n downline.TreeNode) error {
		d := compplan.Distributor{ID: compplan.ID(n.ID), Sponsor: compplan.ID(n.SponsorID),
			Placement: compplan.ID(n.PlacementParentID), JoinedAt: n.JoinedAt, Jurisdiction: jx[compplan.ID(n.ID)]}
		switch n.PlacementSide {
		case downline.SideLeft:
			d.Side = compplan.SideLeft
		case downline.SideRight:
			d.Side = compplan.SideRight
		}
		switch n.Status {
		case downline.StatusSuspended:
			d.Status = compplan.StatusSuspended
		case downline.StatusTerminated:
			d.Status = compplan.StatusTerminated
		}
		h.int(int64(n.ID))
		h.int(int64(n.SponsorID))
		h.int(int64(n.PlacementParentID))
		h.str(string(n.PlacementSide))
		h.int(encodeTime(n.JoinedAt))
		h.str(string(n.Status))
		ds = append(ds, d)
		return nil
	})
	if err != nil {
		return nil, err
	}
	t, err := compplan.NewTree(ds)
	if err != nil {
		return nil, downline.Errorf(downline.CodeInvalid, "tree at %s: %v", period, err)
	}
	return t, nil
}

// loadVolumes adds one aggregate row per distributor, the add-back of
// refunds of closed periods' orders, fast-start volume and trailing
// customer counts to agg.
func loadVolumes(ctx context.Context, tx *Tx, p *compplan.Plan, period string, agg *compplan.Aggregator,
	addBack map[downline.DistributorID]*downline.PeriodVolume, h *inputHasher) error {
	var counts map[downline.DistributorID]int32
	if needsCustomerCounts(p) {
		counts = map[downline.DistributorID]int32{}
		first, err := downline.ShiftPeriodName(period, -(p.CustomerWindowMonths() - 1))
		if err != nil {
			return err
		}
		rows, err := tx.query(ctx, activeCustomersSQL, first, period)
		if err != nil {
			return fmt.Errorf("active customers %s: %w", period, err)
		}
		for rows.Next() {
			var d downline.DistributorID
			var n int32
			if err := rows.Scan(&d, &n); err != nil {
				rows.Close()
				return fmt.Errorf("active customers %s: %w", period, err)
			}
			counts[d] = n
			h.int(int64(d))
			h.int(int64(n))
		}
		if err := rows.Close(); err != nil {
			return fmt.Errorf("active customers %s: %w", period, err)
		}
	}
	fsv, err := fastStartVolumes(ctx, tx, p, period, h)
	if err != nil {
		return err
	}
	rows, err := tx.query(ctx, `SELECT distributor_id, cuv, cuqv, receipted_cv, pcv, pqv, resale_stock_cv,
		customer_revenue, participant_revenue, customer_orders, orders
		FROM period_volumes WHERE period = ? ORDER BY distributor_id`, period)
	if err != nil {
		return fmt.Errorf("period volumes %s: %w", period, err)
	}
	defer rows.Close()
	for rows.Next() {
		var v downline.PeriodVolume
		if err := rows.Scan(&v.DistributorID, &v.CuV, &v.CuQV, &v.ReceiptedCV, &v.PCV, &v.PQV, &v.ResaleStockCV,
			&v.CustomerRevenue, &v.ParticipantRevenue, &v.CustomerOrders, &v.Orders); err != nil {
			return fmt.Errorf("period volumes %s: %w", period, err)
		}
		for _, x := range []int64{int64(v.DistributorID), v.CuV, v.CuQV, v.ReceiptedCV, v.PCV, v.PQV, v.ResaleStockCV,
			v.CustomerRevenue, v.ParticipantRevenue, v.CustomerOrders, v.Orders} {
			h.int(x)
		}
		if a := addBack[v.DistributorID]; a != nil {
			v.CuV += a.CuV
			v.CuQV += a.CuQV
			v.ReceiptedCV += a.ReceiptedCV
			v.PCV += a.PCV
			v.PQV += a.PQV
			v.CustomerRevenue += a.CustomerRevenue
			v.ParticipantRevenue += a.ParticipantRevenue
		}
		dv := compplan.DistributorVolume{ID: compplan.ID(v.DistributorID), Volume: engineVolume(p, v)}
		dv.Volume.FSV = fsv[v.DistributorID]
		if counts != nil {
			n := counts[v.DistributorID]
			dv.ActiveCustomers = &n
			delete(counts, v.DistributorID)
		}
		if err := agg.AddVolume(dv); err != nil {
			return downline.Errorf(downline.CodeInvalid, "period volumes %s: %v", period, err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("period volumes %s: %w", period, err)
	}
	// Distributors with customers in the window but no volume this period.
	for d, n := range counts {
		n := n
		if err := agg.AddVolume(compplan.DistributorVolume{ID: compplan.ID(d), ActiveCustomers: &n}); err != nil {
			return downline.Errorf(downline.CodeInvalid, "active customers %s: %v", period, err)
		}
	}
	return nil
}

// engineVolume converts a stored aggregate into the engine's volume.
func engineVolume(p *compplan.Plan, v downline.PeriodVolume) compplan.Volume {
	cuv := v.CuV
	if !p.Volume.ReceiptedResale {
		cuv -= v.ReceiptedCV
	}
	return compplan.Volume{
		CuV: cuv, PCV: v.PCV, QV: v.CuQV + v.PQV, BV: cuv,
		CustomerOrders:  int32(v.CustomerOrders),
		CustomerRevenue: v.CustomerRevenue,
		TotalRevenue:    v.CustomerRevenue + v.ParticipantRevenue,
	}
}

func needsCustomerCounts(p *compplan.Plan) bool {
	if p.Gates.MinActiveCustomers > 0 {
		return true
	}
	for _, r := range p.Ranks {
		for _, q := range r.Requires {
			if q.Metric == compplan.MetricActiveCustomers {
				return true
			}
		}
	}
	return false
}

// fastStartVolumes sums, per distributor, the CV of customer orders paid
// in the period inside the distributor's fast-start window. Only plans
// with a fast-start bonus pay for this order-level query.
func fastStartVolumes(ctx context.Context, tx *Tx, p *compplan.Plan, period string, h *inputHasher) (map[downline.DistributorID]int64, error) {
	days := 0
	for _, b := range p.Bonuses {
		if b.Kind == compplan.KindFastStart {
			days = b.Days
		}
	}
	if days == 0 {
		return nil, nil
	}
	rows, err := tx.query(ctx, `SELECT o.distributor_id, SUM(o.total_cv) FROM orders o JOIN distributors d ON d.id = o.distributor_id
		WHERE o.period = ? AND o.purpose IN ('customer_direct', 'receipted_resale') AND o.volume_state <> 'pending_ack'
		AND o.paid_at >= d.joined_at AND o.paid_at < d.joined_at + ?
		GROUP BY o.distributor_id ORDER BY o.distributor_id`, period, int64(days)*86400*1e6)
	if err != nil {
		return nil, fmt.Errorf("fast-start volume %s: %w", period, err)
	}
	defer rows.Close()
	m := map[downline.DistributorID]int64{}
	for rows.Next() {
		var d downline.DistributorID
		var v int64
		if err := rows.Scan(&d, &v); err != nil {
			return nil, fmt.Errorf("fast-start volume %s: %w", period, err)
		}
		m[d] = v
		h.int(int64(d))
		h.int(v)
	}
	return m, rows.Err()
}

// refundedClosedOrders returns the refunds recorded in period of orders
// whose own period is closed, ordered by refund id.
func refundedClosedOrders(ctx context.Context, tx *Tx, period string) ([]refundedOrder, error) {
	// A rejected receipt's order is no longer customer revenue (TX-02),
	// the same rule as the volume batch's (rejectedOrderSQL).
	rows, err := tx.query(ctx, `SELECT r.id, r.external_id, o.id, o.distributor_id, o.period, o.purpose,
		o.customer_id IS NOT NULL AND NOT `+rejectedOrderSQL("o.id")+`, SUM(rl.amount), SUM(rl.cv), SUM(rl.qv)
		FROM refunds r JOIN orders o ON o.id = r.order_id JOIN refund_lines rl ON rl.refund_id = r.id
		WHERE r.period = ? AND o.period < ? AND NOT r.held
		AND EXISTS (SELECT 1 FROM commission_runs c WHERE c.period = o.period AND c.kind = 'close')
		GROUP BY r.id, r.external_id, o.id, o.distributor_id, o.period, o.purpose, o.customer_id
		ORDER BY r.id`, period, period)
	if err != nil {
		return nil, fmt.Errorf("refunds of closed periods in %s: %w", period, err)
	}
	defer rows.Close()
	var out []refundedOrder
	for rows.Next() {
		var r refundedOrder
		if err := rows.Scan(&r.refund, &r.refundRef, &r.order, &r.seller, &r.orderPeriod, &r.purpose, &r.customer,
			&r.amount, &r.cv, &r.qv); err != nil {
			return nil, fmt.Errorf("refunds of closed periods in %s: %w", period, err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// clawbackLines derives the clawback lines of each refund from the lines
// its order's seller was the source of in the closed run of the order's
// period: for each direct or unilevel line on customer volume,
// −(refunded CV × rate × scale × paid share), rounded once half away from
// zero. The paid share is what the earner's bonus paid after its cap
// adjustments (a per-distributor bonus cap, the TX-12 cap of a CN
// resident) over what it computed, so that a capped earner loses pay in
// proportion to what it was paid; and the clawbacks of one line within one
// call never add up to more than the line paid. Personal-use refunds are
// not clawed back: the rewardable part of personal use is not
// proportional to one order.
//
// Only the earners that can have lines on a seller's volume are read: the
// seller (direct) and its sponsor upline as it stood at the end of the
// order's period (unilevel, compressed or not), one packed row each,
// instead of the whole closed run.
func clawbackLines(ctx context.Context, tx *Tx, refunded []refundedOrder) ([]clawback, error) {
	type runLines struct {
		plan     *compplan.Plan
		bySource map[downline.DistributorID][]paidLine
	}
	runs := map[string]*runLines{}
	var periods []string
	for _, r := range refunded {
		if !r.purpose.HasCustomer() || r.cv <= 0 {
			continue
		}
		rl := runs[r.orderPeriod]
		if rl == nil {
			rl = &runLines{bySource: map[downline.DistributorID][]paidLine{}}
			runs[r.orderPeriod] = rl
			periods = append(periods, r.orderPeriod)
		}
		rl.bySource[r.seller] = nil
	}
	for _, period := range periods {
		rl := runs[period]
		var runID downline.RunID
		var yaml string
		if err := tx.queryRow(ctx, `SELECT r.id, p.yaml FROM commission_runs r JOIN plan_versions p ON p.id = r.plan_version_id
			WHERE r.period = ? AND r.kind = 'close'`, period).Scan(&runID, &yaml); err != nil {
			return nil, fmt.Errorf("clawbacks: close of %s: %w", period, err)
		}
		var err error
		if rl.plan, err = compplan.ParsePlan(strings.NewReader(yaml)); err != nil {
			return nil, fmt.Errorf("clawbacks: plan of %s: %w", period, err)
		}
		earners := map[downline.DistributorID]bool{}
		var order []downline.DistributorID
		for seller := range rl.bySource {
			up, err := uplineAt(ctx, tx, seller, period)
			if err != nil {
				return nil, err
			}
			for _, d := range up {
				if !earners[d] {
					earners[d] = true
					order = append(order, d)
				}
			}
		}
		slices.Sort(order)
		for _, e := range order {
			// One earner's row: sum each bonus's positive lines and cap
			// adjustments (for the paid share), keep only the lines on a
			// refunded seller's volume.
			gross, adj := map[string]int64{}, map[string]int64{}
			ls, err := earnerLines(ctx, tx, runID, e, func(l *downline.CommissionLine) bool {
				switch {
				case l.Kind == "clawback":
					return false
				case l.Amount < 0:
					adj[l.Bonus] += l.Amount
					return false
				case l.Amount == 0 || (l.Kind != "direct" && l.Kind != "unilevel"):
					gross[l.Bonus] += l.Amount
					return false
				}
				gross[l.Bonus] += l.Amount
				_, want := rl.bySource[l.Source]
				return want
			})
			if err != nil {
				return nil, err
			}
			for _, l := range ls {
				if bi := rl.plan.BonusIndex(l.Bonus); bi < 0 || !hasBasis(rl.plan.Bonuses[bi].Basis, compplan.BasisCuV) {
					continue
				}
				share := compplan.Rate{Num: 1, Den: 1}
				if a := adj[l.Bonus]; a < 0 {
					share = compplan.Rate{Num: max(gross[l.Bonus]+a, 0), Den: gross[l.Bonus]}
				}
				rl.bySource[l.Source] = append(rl.bySource[l.Source], paidLine{line: l, share: share,
					left: mulRound([]int64{l.Amount, share.Num}, []int64{share.Den}, false)})
			}
		}
	}
	var out []clawback
	for _, r := range refunded {
		rl := runs[r.orderPeriod]
		if rl == nil {
			continue
		}
		c := clawback{refund: r.refund, refundRef: r.refundRef, order: r.order, seller: r.seller}
		ps := rl.bySource[r.seller]
		for k := range ps {
			p := &ps[k]
			l := p.line
			amt := mulRound([]int64{r.cv, l.RateNum, l.ScaleNum, p.share.Num}, []int64{l.RateDen, l.ScaleDen, p.share.Den}, true)
			amt = min(amt, p.left)
			if amt <= 0 {
				continue
			}
			p.left -= amt
			l.ScaleNum, l.ScaleDen = explainedScale(l, p.share)
			l.Kind, l.Basis, l.Amount, l.Withheld = "clawback", r.cv, -amt, ""
			l.RefundID, l.OrderID = r.refund, r.order
			c.lines = append(c.lines, l)
		}
		if len(c.lines) > 0 {
			out = append(out, c)
		}
	}
	return out, nil
}

// paidLine is a closed run's line that a clawback may reverse: share is
// the part of its bonus the earner was paid after cap adjustments, left
// what may still be taken back.
type paidLine struct {
	line  downline.CommissionLine
	share compplan.Rate
	left  int64
}

// explainedScale returns the scale a clawback line states, so that
// basis × rate × scale is its amount: the line's scale times the paid
// share, in lowest terms; the line's own scale when that does not fit in
// 64 bits.
func explainedScale(l downline.CommissionLine, share compplan.Rate) (int64, int64) {
	if share.Num == share.Den {
		return l.ScaleNum, l.ScaleDen
	}
	r := new(big.Rat).SetFrac(big.NewInt(l.ScaleNum), big.NewInt(l.ScaleDen))
	r.Mul(r, new(big.Rat).SetFrac(big.NewInt(share.Num), big.NewInt(share.Den)))
	if !r.Num().IsInt64() || !r.Denom().IsInt64() {
		return l.ScaleNum, l.ScaleDen
	}
	return r.Num().Int64(), r.Denom().Int64()
}

// mulRound returns the product of nums over the product of dens, rounded
// once half away from zero (round) or down (floor), exactly: the clawback
// of a capped line multiplies four fractions, too many for 64 bits.
func mulRound(nums, dens []int64, round bool) int64 {
	n, d := big.NewInt(1), big.NewInt(1)
	for _, x := range nums {
		n.Mul(n, big.NewInt(x))
	}
	for _, x := range dens {
		d.Mul(d, big.NewInt(x))
	}
	if d.Sign() == 0 {
		return 0
	}
	neg := n.Sign()*d.Sign() < 0
	n.Abs(n)
	d.Abs(d)
	if round {
		n.Add(n.Lsh(n, 1), d) // (2n + d) / 2d
		d.Lsh(d, 1)
	}
	q := n.Quo(n, d)
	if neg {
		q.Neg(q)
	}
	return q.Int64()
}

// earnerLines returns the lines of one earner in a run that keep accepts
// (keep sees every line).
func earnerLines(ctx context.Context, tx *Tx, run downline.RunID, earner downline.DistributorID,
	keep func(*downline.CommissionLine) bool) ([]downline.CommissionLine, error) {
	var blob []byte
	err := tx.queryRow(ctx, `SELECT lines FROM run_distributors WHERE run_id = ? AND distributor_id = ?`, run, earner).Scan(&blob)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("lines of run %d, distributor %d: %w", run, earner, err)
	}
	return decodeLinesIf(run, earner, blob, keep)
}

// uplineAt returns d and its sponsor upline as they stood at the end of
// period (each distributor's history row of the greatest effective period
// not after it, as in the run's tree), from d up to the root.
func uplineAt(ctx context.Context, tx *Tx, d downline.DistributorID, period string) ([]downline.DistributorID, error) {
	var up []downline.DistributorID
	seen := map[downline.DistributorID]bool{}
	for d != 0 && !seen[d] {
		seen[d] = true
		up = append(up, d)
		var sponsor sql.NullInt64
		err := tx.queryRow(ctx, `SELECT sponsor_id FROM distributor_history WHERE distributor_id = ? AND effective_period <= ?
			ORDER BY effective_period DESC LIMIT 1`, d, period).Scan(&sponsor)
		if errors.Is(err, sql.ErrNoRows) {
			err = tx.queryRow(ctx, `SELECT sponsor_id FROM distributors WHERE id = ?`, d).Scan(&sponsor)
			if errors.Is(err, sql.ErrNoRows) {
				break
			}
		}
		if err != nil {
			return nil, fmt.Errorf("clawbacks: upline of distributor %d at %s: %w", d, period, err)
		}
		d = downline.DistributorID(sponsor.Int64)
	}
	return up, nil
}

func hasBasis(bs []compplan.Basis, b compplan.Basis) bool {
	if len(bs) == 0 {
		return b == compplan.BasisCuV
	}
	for _, x := range bs {
		if x == b {
			return true
		}
	}
	return false
}
