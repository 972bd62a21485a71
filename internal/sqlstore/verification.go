package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/downline/downline"
	"github.com/downline/downline/compliance"
	"github.com/downline/downline/ledger"
)

// Receipt verification sampling (TX-02 (4)). See downline.VerificationCase
// for what a rejection does to money, and compliance.Sample for the draw.

var _ downline.VerificationService = (*DB)(nil)

// verifyPopulation selects the orders a period's sample is drawn from:
// its customer-direct and receipted-resale orders, and those that were
// when a case selected them (a rejection makes them non-commissionable,
// and the population must not shrink under a re-run).
const verifyPopulation = `o.period = ? AND (o.purpose IN ('customer_direct', 'receipted_resale')
	OR EXISTS (SELECT 1 FROM verification_cases v WHERE v.order_id = o.id))`

// SampleVerifications draws the period's sample. See
// downline.VerificationService.
func (db *DB) SampleVerifications(ctx context.Context, req downline.SampleRequest) (*downline.SampleResult, error) {
	what := "verification sample of " + req.Period
	switch {
	case !downline.IsPeriodName(req.Period):
		return nil, downline.Errorf(downline.CodeInvalid, "verification sample: period %q must be named YYYY-MM", req.Period)
	case req.RateDen <= 0 || req.RateNum <= 0 || req.RateNum > req.RateDen:
		return nil, downline.Errorf(downline.CodeInvalid, "%s: rate %d/%d must be above 0 and at most 1", what, req.RateNum, req.RateDen)
	case len(req.Key) == 0:
		return nil, downline.Errorf(downline.CodeInvalid, "%s: a sampling key is required (DOWNLINE_SECRET_KEY)", what)
	case req.SLA < 0:
		return nil, downline.Errorf(downline.CodeInvalid, "%s: SLA %s must not be negative", what, req.SLA)
	}
	if req.SLA == 0 {
		req.SLA = downline.DefaultVerifySLA
	}
	var res *downline.SampleResult
	err := retryOnUniqueViolation(func() error {
		tx, err := db.beginTx(ctx, true)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		if res, err = sampleVerifications(ctx, tx, req); err != nil {
			return err
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		return nil
	})
	return res, err
}

type populationOrder struct {
	id       downline.OrderID
	ref      string
	purpose  downline.OrderPurpose
	caseID   downline.VerificationID
	sampled  bool
	rank     string
	flagIDs  []int64
	hasFlags bool
}

func sampleVerifications(ctx context.Context, tx *Tx, req downline.SampleRequest) (*downline.SampleResult, error) {
	what := "verification sample of " + req.Period
	keyID := compliance.SampleKeyID(req.Key)
	var stored string
	err := tx.queryRow(ctx, `SELECT key_id FROM verification_samples WHERE period = ?`, req.Period).Scan(&stored)
	switch {
	case err == nil && stored != keyID:
		return nil, downline.Errorf(downline.CodeConflict,
			"%s: the period was sampled with another key (id %s, now %s); drawing again would add a second sample", what, stored, keyID)
	case err == nil:
		if _, err := tx.exec(ctx, `UPDATE verification_samples SET rate_num = ?, rate_den = ?, updated_at = ? WHERE period = ?`,
			req.RateNum, req.RateDen, encodeTime(tx.now), req.Period); err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
	case errors.Is(err, sql.ErrNoRows):
		if _, err := tx.exec(ctx, `INSERT INTO verification_samples (period, key_id, rate_num, rate_den, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?)`, req.Period, keyID, req.RateNum, req.RateDen, encodeTime(tx.now), encodeTime(tx.now)); err != nil {
			return nil, fmt.Errorf("%s: %w", what, mapError(err, what))
		}
	default:
		return nil, fmt.Errorf("%s: %w", what, err)
	}

	rows, err := tx.query(ctx, `SELECT o.id, o.external_id, o.purpose, COALESCE(v.id, 0), COALESCE(v.sampled, ?)
		FROM orders o LEFT JOIN verification_cases v ON v.order_id = o.id
		WHERE `+verifyPopulation+` ORDER BY o.id`, false, req.Period)
	if err != nil {
		return nil, fmt.Errorf("%s: population: %w", what, err)
	}
	var pop []*populationOrder
	byRef := map[string]*populationOrder{}
	byID := map[downline.OrderID]*populationOrder{}
	for rows.Next() {
		p := &populationOrder{}
		if err := rows.Scan(&p.id, &p.ref, &p.purpose, &p.caseID, &p.sampled); err != nil {
			rows.Close()
			return nil, fmt.Errorf("%s: population: %w", what, err)
		}
		p.rank = compliance.SampleRank(req.Key, req.Period, p.ref)
		pop = append(pop, p)
		byRef[p.ref], byID[p.id] = p, p
	}
	if err := rows.Close(); err != nil {
		return nil, fmt.Errorf("%s: population: %w", what, err)
	}
	frows, err := tx.query(ctx, `SELECT f.id, f.order_id FROM risk_flags f JOIN orders o ON o.id = f.order_id
		WHERE f.status = 'open' AND `+verifyPopulation+` ORDER BY f.id`, req.Period)
	if err != nil {
		return nil, fmt.Errorf("%s: risk flags: %w", what, err)
	}
	var flagged []*populationOrder
	for frows.Next() {
		var flag int64
		var order downline.OrderID
		if err := frows.Scan(&flag, &order); err != nil {
			frows.Close()
			return nil, fmt.Errorf("%s: risk flags: %w", what, err)
		}
		if p := byID[order]; p != nil {
			if !p.hasFlags {
				flagged = append(flagged, p)
			}
			p.flagIDs, p.hasFlags = append(p.flagIDs, flag), true
		}
	}
	if err := frows.Close(); err != nil {
		return nil, fmt.Errorf("%s: risk flags: %w", what, err)
	}

	res := &downline.SampleResult{Period: req.Period, Population: len(pop),
		Target: compliance.SampleSize(compliance.Frac(req.RateNum, req.RateDen), len(pop))}
	refs := make([]string, len(pop))
	for i, p := range pop {
		refs[i] = p.ref
		if p.sampled {
			res.Sampled++
		}
	}
	due := tx.now.Add(req.SLA)
	create := func(p *populationOrder, sampled bool) error {
		err := tx.queryRow(ctx, `INSERT INTO verification_cases (order_id, period, sampled, sample_rank, original_purpose,
			status, selected_at, due_at, decided_by, note, reversal_id, reversed_amount)
			VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, '', '', '', 0) RETURNING id`, p.id, req.Period, sampled, p.rank,
			string(p.purpose), encodeTime(tx.now), encodeTime(due)).Scan(&p.caseID)
		if err != nil {
			return fmt.Errorf("%s: case of order %q: %w", what, p.ref, mapError(err, "verification case"))
		}
		res.Added++
		return nil
	}
	// Top the random sample up to its target in rank order: a first run
	// draws exactly the Target lowest ranks; a re-run over the same orders
	// adds nothing; a period that gained orders gains only what its
	// larger target needs.
	for _, ref := range compliance.SampleOrder(req.Key, req.Period, refs) {
		if res.Sampled >= res.Target {
			break
		}
		p := byRef[ref]
		if p.sampled {
			continue
		}
		if p.caseID != 0 {
			if _, err := tx.exec(ctx, `UPDATE verification_cases SET sampled = ? WHERE id = ?`, true, p.caseID); err != nil {
				return nil, fmt.Errorf("%s: case %d: %w", what, p.caseID, err)
			}
		} else if err := create(p, true); err != nil {
			return nil, err
		}
		p.sampled = true
		res.Sampled++
	}
	// Every customer order with an open risk flag, in flag order.
	for _, p := range flagged {
		if p.caseID == 0 {
			if err := create(p, false); err != nil {
				return nil, err
			}
		}
		for _, f := range p.flagIDs {
			if _, err := tx.exec(ctx, `INSERT INTO verification_case_flags (case_id, risk_flag_id) VALUES (?, ?)
				ON CONFLICT (case_id, risk_flag_id) DO NOTHING`, p.caseID, f); err != nil {
				return nil, fmt.Errorf("%s: case %d flag %d: %w", what, p.caseID, f, err)
			}
		}
	}
	err = tx.queryRow(ctx, `SELECT COUNT(*), COUNT(DISTINCT f.case_id) FROM verification_cases v
		LEFT JOIN (SELECT DISTINCT case_id FROM verification_case_flags) f ON f.case_id = v.id
		WHERE v.period = ?`, req.Period).Scan(&res.Cases, &res.Flagged)
	if err != nil {
		return nil, fmt.Errorf("%s: count: %w", what, err)
	}
	return res, nil
}

const verificationColumns = `v.id, v.order_id, o.external_id, o.distributor_id, v.period, v.sampled, v.sample_rank,
	v.original_purpose, v.status, v.selected_at, v.due_at, COALESCE(v.decided_at, 0), v.decided_by, v.note,
	v.reversal_id, v.reversed_amount`

// FindVerifications returns the matching cases. See
// downline.VerificationService.
func (db *DB) FindVerifications(ctx context.Context, f downline.VerificationFilter) ([]*downline.VerificationCase, int, error) {
	tx, err := db.beginTx(ctx, false)
	if err != nil {
		return nil, 0, err
	}
	defer tx.Rollback()
	return findVerifications(ctx, tx, f)
}

func findVerifications(ctx context.Context, tx *Tx, f downline.VerificationFilter) ([]*downline.VerificationCase, int, error) {
	var w where
	if f.Period != nil {
		w.add("v.period = ?", *f.Period)
	}
	if f.Status != nil {
		w.add("v.status = ?", string(*f.Status))
	}
	if f.OrderID != nil {
		w.add("v.order_id = ?", *f.OrderID)
	}
	if f.Overdue {
		w.add("v.status = 'pending' AND v.due_at < ?", encodeTime(tx.now))
	}
	var total int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM verification_cases v`+w.String(), w.args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("find verifications: %w", err)
	}
	if f.AfterID != 0 {
		w.add("v.id > ?", f.AfterID)
	}
	rows, err := tx.query(ctx, `SELECT `+verificationColumns+` FROM verification_cases v JOIN orders o ON o.id = v.order_id`+
		w.String()+` ORDER BY v.id`+page(f.Limit, 0), w.args...)
	if err != nil {
		return nil, 0, fmt.Errorf("find verifications: %w", err)
	}
	var cs []*downline.VerificationCase
	byID := map[downline.VerificationID]*downline.VerificationCase{}
	for rows.Next() {
		var c downline.VerificationCase
		var selected, due, decided int64
		if err := rows.Scan(&c.ID, &c.OrderID, &c.OrderRef, &c.DistributorID, &c.Period, &c.Sampled, &c.SampleRank,
			&c.OriginalPurpose, &c.Status, &selected, &due, &decided, &c.DecidedBy, &c.Note, &c.ReversalID,
			&c.ReversedAmount); err != nil {
			rows.Close()
			return nil, 0, fmt.Errorf("find verifications: %w", err)
		}
		c.SelectedAt, c.DueAt = decodeTime(selected), decodeTime(due)
		if decided != 0 {
			c.DecidedAt = decodeTime(decided)
		}
		cs = append(cs, &c)
		byID[c.ID] = &c
	}
	if err := rows.Close(); err != nil {
		return nil, 0, fmt.Errorf("find verifications: %w", err)
	}
	if len(cs) == 0 {
		return cs, total, nil
	}
	ids := make([]downline.VerificationID, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	err = queryIn(ctx, tx, `SELECT case_id, risk_flag_id FROM verification_case_flags WHERE case_id IN (%s)
		ORDER BY case_id, risk_flag_id`, ids, func(rs *sql.Rows) error {
		var id downline.VerificationID
		var flag int64
		if err := rs.Scan(&id, &flag); err != nil {
			return err
		}
		byID[id].RiskFlagIDs = append(byID[id].RiskFlagIDs, flag)
		return nil
	})
	if err != nil {
		return nil, 0, fmt.Errorf("find verification flags: %w", err)
	}
	return cs, total, nil
}

// FindVerification returns one case. See downline.VerificationService.
func (db *DB) FindVerification(ctx context.Context, id downline.VerificationID) (*downline.VerificationCase, error) {
	tx, err := db.beginTx(ctx, false)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	return findVerification(ctx, tx, id)
}

func findVerification(ctx context.Context, tx *Tx, id downline.VerificationID) (*downline.VerificationCase, error) {
	cs, _, err := findVerifications(ctx, tx, downline.VerificationFilter{AfterID: id - 1, Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(cs) == 0 || cs[0].ID != id {
		return nil, downline.Errorf(downline.CodeNotFound, "Verification case %d not found.", id)
	}
	return cs[0], nil
}

// DecideVerification records a case's outcome. See
// downline.VerificationService.
func (db *DB) DecideVerification(ctx context.Context, id downline.VerificationID, d downline.VerificationDecision) (*downline.VerificationCase, bool, error) {
	what := "verification case " + strconv.FormatInt(int64(id), 10)
	switch {
	case d.Status != downline.VerificationConfirmed && d.Status != downline.VerificationRejected:
		return nil, false, downline.Errorf(downline.CodeInvalid, "%s: status: must be confirmed or rejected, not %q", what, d.Status)
	case strings.TrimSpace(d.By) == "":
		return nil, false, downline.Errorf(downline.CodeInvalid, "%s: by: is required (who contacted the customer)", what)
	}
	tx, err := db.beginTx(ctx, true)
	if err != nil {
		return nil, false, err
	}
	defer tx.Rollback()
	// The gate first, as ingestion does: a rejection moves volume, and a
	// concurrent close must either see it or run before it.
	gate, err := openPeriodGate(ctx, tx)
	if err != nil {
		return nil, false, err
	}
	n, err := tx.exec(ctx, `UPDATE verification_cases SET status = ?, decided_at = ?, decided_by = ?, note = ?
		WHERE id = ? AND status = 'pending'`, string(d.Status), encodeTime(tx.now), d.By, d.Note, id)
	if err != nil {
		return nil, false, fmt.Errorf("%s: %w", what, err)
	}
	if k, err := n.RowsAffected(); err != nil || k == 0 {
		if err != nil {
			return nil, false, fmt.Errorf("%s: %w", what, err)
		}
		c, err := findVerification(ctx, tx, id)
		if err != nil {
			return nil, false, err
		}
		if c.Status != d.Status {
			return nil, false, downline.Errorf(downline.CodeConflict, "%s: already %s by %s on %s; it cannot become %s",
				what, c.Status, c.DecidedBy, c.DecidedAt.Format(time.DateOnly), d.Status)
		}
		return c, false, nil
	}
	if d.Status == downline.VerificationRejected {
		if err := rejectOrder(ctx, tx, id, gate); err != nil {
			return nil, false, err
		}
	}
	// The decision answers the order's open risk flags: a rejected
	// receipt confirms them, a confirmed one dismisses them.
	review := downline.RiskReview{Status: downline.RiskDismissed, By: d.By,
		Note: fmt.Sprintf("TX-02: receipt confirmed in verification case %d", id)}
	if d.Status == downline.VerificationRejected {
		review.Status, review.Note = downline.RiskConfirmed, fmt.Sprintf("TX-02: receipt rejected in verification case %d", id)
	}
	if d.Note != "" {
		review.Note += ": " + d.Note
	}
	if _, err := closeRiskFlags(ctx, tx, "order_id = (SELECT order_id FROM verification_cases WHERE id = ?)", id, review); err != nil {
		return nil, false, fmt.Errorf("%s: risk flags: %w", what, err)
	}
	c, err := findVerification(ctx, tx, id)
	if err != nil {
		return nil, false, err
	}
	if err := tx.Commit(); err != nil {
		return nil, false, fmt.Errorf("%s: %w", what, err)
	}
	return c, true, nil
}

// rejectOrder takes a rejected case's order out of customer volume: its
// purpose becomes non_commissionable and, from the rejection on, its
// amount counts as participant revenue (TX-04 counts only sales to
// non-participants; compliance.md TX-02: orders that fail become PCV or
// ineligible). In open periods exactly what the order added is taken
// back, and its refunds are restated under the new purpose:
//
//   - counted: its CuV/CuQV and its customer order;
//   - pending_ack (TX-11): nothing but the revenue class, since no CuV
//     was ever added; the order stays pending and an acknowledgement no
//     longer releases it (releaseHeld skips non-customer purposes);
//   - released: the volume the release added (net of the refunds booked
//     while it was held, which took back revenue only) and its customer
//     order if the release counted one; its revenue is restated where it
//     was counted (orders.revenue_period when the release moved the
//     volume to a later period), unless that period is closed.
//
// An order the intake reclassified (TX-02 circularity: personal_use of the
// matched upline) is not customer volume: its PCV stays and a rejection
// changes no volume (its flags are closed by DecideVerification).
//
// If the order's period is closed, the commissions built on what the run
// saw and was not refunded there are reversed by one clawback transaction
// in the first open period; the closed period's figures stay as paid.
func rejectOrder(ctx context.Context, tx *Tx, id downline.VerificationID, gate periodGate) error {
	what := "verification case " + strconv.FormatInt(int64(id), 10)
	var o refundOrder
	var cust sql.NullInt64
	var period, revenuePeriod, state string
	var amount, cv, qv int64
	err := tx.queryRow(ctx, `SELECT o.id, o.external_id, o.distributor_id, o.customer_id, o.purpose, o.period,
		o.revenue_period, o.volume_state, SUM(l.amount), SUM(l.total_cv), SUM(l.total_qv)
		FROM verification_cases v JOIN orders o ON o.id = v.order_id JOIN order_lines l ON l.order_id = o.id
		WHERE v.id = ? GROUP BY o.id, o.external_id, o.distributor_id, o.customer_id, o.purpose, o.period,
		o.revenue_period, o.volume_state`, id).
		Scan(&o.id, &o.ref, &o.distributor, &cust, &o.purpose, &period, &revenuePeriod, &state, &amount, &cv, &qv)
	if err != nil {
		return fmt.Errorf("%s: order: %w", what, err)
	}
	o.customer = downline.CustomerID(cust.Int64)
	if !o.purpose.HasCustomer() {
		return nil // no longer customer volume (reclassified since): nothing to take out
	}
	if _, err := tx.exec(ctx, `UPDATE orders SET purpose = 'non_commissionable' WHERE id = ?`, o.id); err != nil {
		return fmt.Errorf("%s: order %q: %w", what, o.ref, err)
	}
	// A period is closed when it has a close run (as refunds' clawbacks
	// see it); one before the first close was never paid and is edited
	// like an open one.
	closedRuns := map[string]bool{}
	closed := func(p string) (bool, error) {
		if gate.lastClosed == "" || p > gate.lastClosed {
			return false, nil
		}
		c, ok := closedRuns[p]
		if !ok {
			var n int
			if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM commission_runs WHERE period = ? AND kind = 'close'`, p).Scan(&n); err != nil {
				return false, fmt.Errorf("%s: close of %s: %w", what, p, err)
			}
			c, closedRuns[p] = n > 0, n > 0
		}
		return c, nil
	}
	orderClosed, err := closed(period)
	if err != nil {
		return err
	}
	// Refunds, per period and whether they were booked while the order
	// was held (those took back revenue only).
	rows, err := tx.query(ctx, `SELECT r.period, r.held, SUM(rl.amount), SUM(rl.cv), SUM(rl.qv) FROM refunds r
		JOIN refund_lines rl ON rl.refund_id = r.id WHERE r.order_id = ? GROUP BY r.period, r.held ORDER BY r.period, r.held`, o.id)
	if err != nil {
		return fmt.Errorf("%s: refunds: %w", what, err)
	}
	type refunded struct {
		period         string
		held           bool
		amount, cv, qv int64
	}
	var rs []refunded
	var heldCV, heldQV int64
	for rows.Next() {
		var r refunded
		if err := rows.Scan(&r.period, &r.held, &r.amount, &r.cv, &r.qv); err != nil {
			rows.Close()
			return fmt.Errorf("%s: refunds: %w", what, err)
		}
		if r.held {
			heldCV, heldQV = heldCV+r.cv, heldQV+r.qv
		}
		rs = append(rs, r)
	}
	if err := rows.Close(); err != nil {
		return fmt.Errorf("%s: refunds: %w", what, err)
	}
	// What the order itself added to volume.
	addedCV, addedQV, customerOrder := cv, qv, true
	switch downline.VolumeState(state) {
	case downline.VolumePendingAck:
		addedCV, addedQV, customerOrder = 0, 0, false
	case downline.VolumeReleased:
		addedCV, addedQV = cv-heldCV, qv-heldQV
		customerOrder = addedCV > 0 || addedQV > 0 // as addReleased counted it
	}
	vols := newVolumeBatch()
	nc := downline.PurposeNonCommissionable
	// An order released into a later period than its revenue's (TX-11)
	// has the two apart; the revenue's period was closed by then.
	revenueClosed := orderClosed
	if revenuePeriod == "" {
		revenuePeriod = period
	} else if revenueClosed, err = closed(revenuePeriod); err != nil {
		return err
	}
	if !revenueClosed {
		v := vols.delta(revenuePeriod, o.distributor)
		addVolume(v, o.purpose, true, -1, amount, 0, 0)
		addVolume(v, nc, false, 1, amount, 0, 0)
	}
	if !orderClosed {
		v := vols.delta(period, o.distributor)
		addVolume(v, o.purpose, true, -1, 0, addedCV, addedQV)
		if customerOrder {
			v.CustomerOrders--
		}
	}
	// Refunds booked in open periods are restated under the new purpose
	// (a run adds a closed order's refund back under the order's purpose
	// and claws back nothing for a non-commissionable one, so the reversal
	// below covers them); those booked in closed periods already reduced
	// what was paid.
	reverseCV := addedCV
	for _, r := range rs {
		rcv, rqv := r.cv, r.qv
		if r.held {
			rcv, rqv = 0, 0
		}
		c, err := closed(r.period)
		if err != nil {
			return err
		}
		if c {
			reverseCV -= rcv
			continue
		}
		v := vols.delta(r.period, o.distributor)
		addVolume(v, o.purpose, true, 1, r.amount, rcv, rqv)
		addVolume(v, nc, false, -1, r.amount, 0, 0)
	}
	if err := vols.flush(ctx, tx); err != nil {
		return err
	}
	// TX-06 counts customers with customer-direct or receipted purchases:
	// a rejected receipt no longer makes its customer active.
	if _, err := tx.exec(ctx, `DELETE FROM customer_activity WHERE period = ? AND distributor_id = ? AND customer_id = ?
		AND NOT EXISTS (SELECT 1 FROM orders x WHERE x.period = ? AND x.distributor_id = ? AND x.customer_id = ?
		AND x.purpose IN ('customer_direct', 'receipted_resale') AND x.volume_state <> 'pending_ack')`, period, o.distributor, o.customer,
		period, o.distributor, o.customer); err != nil {
		return fmt.Errorf("%s: customer activity: %w", what, err)
	}
	if !orderClosed || reverseCV <= 0 {
		return nil
	}
	return reverseCommissions(ctx, tx, id, &o, period, reverseCV, gate)
}

// reverseCommissions posts the clawback of every line the closed run of
// period built on cv of o's customer volume (the seller's direct line and
// each override), computed as a refund's clawback is, dated in the first
// open period.
func reverseCommissions(ctx context.Context, tx *Tx, id downline.VerificationID, o *refundOrder, period string, cv int64, gate periodGate) error {
	what := "verification case " + strconv.FormatInt(int64(id), 10)
	claws, err := clawbackLines(ctx, tx, []refundedOrder{{order: o.id, refundRef: o.ref, seller: o.distributor,
		orderPeriod: period, purpose: o.purpose, customer: true, cv: cv}})
	if err != nil || len(claws) == 0 {
		return err
	}
	run, err := findCloseRun(ctx, tx, period)
	if err != nil {
		return err
	}
	open, err := gate.place(period)
	if err != nil {
		return err
	}
	t := ledger.Transaction{ID: "verification:" + strconv.FormatInt(int64(id), 10) + ":reversal", Kind: ledger.KindClawback,
		Memo: fmt.Sprintf("TX-02: receipt of order %s rejected in verification (case %d); commissions of %s reversed", o.ref, id, period)}
	var total int64
	for _, l := range claws[0].lines {
		t.Postings = append(t.Postings, ledger.Posting{Account: ledger.DistributorAccount(ledger.ClawbackReceivable, int64(l.Earner)),
			Amount: -l.Amount, Currency: run.Currency, Ref: fmt.Sprintf("run:%d:line:%d", run.ID, l.LineNo)})
		total -= l.Amount
	}
	t.Postings = append(t.Postings, ledger.Posting{Account: ledger.CompanyAccount(ledger.CommissionExpense), Amount: -total, Currency: run.Currency})
	if _, err := postTransaction(ctx, tx, t, open); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if _, err := tx.exec(ctx, `UPDATE verification_cases SET reversal_id = ?, reversed_amount = ? WHERE id = ?`, t.ID, total, id); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// VerificationSummary counts a period's cases. See
// downline.VerificationService.
func (db *DB) VerificationSummary(ctx context.Context, period string) (*downline.VerificationSummary, error) {
	if period != "" && !downline.IsPeriodName(period) {
		return nil, downline.Errorf(downline.CodeInvalid, "verification summary: period %q must be named YYYY-MM", period)
	}
	tx, err := db.beginTx(ctx, false)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	s := &downline.VerificationSummary{Period: period}
	var w where
	if period != "" {
		w.add("v.period = ?", period)
	}
	err = tx.queryRow(ctx, `SELECT COUNT(*),
		COALESCE(SUM(CASE WHEN v.sampled THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM verification_case_flags f WHERE f.case_id = v.id) THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN v.status = 'pending' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN v.status = 'confirmed' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN v.status = 'rejected' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN v.status = 'pending' AND v.due_at < ? THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(v.reversed_amount), 0)
		FROM verification_cases v`+w.String(), append([]any{encodeTime(tx.now)}, w.args...)...).
		Scan(&s.Cases, &s.Sampled, &s.Flagged, &s.Pending, &s.Confirmed, &s.Rejected, &s.Overdue, &s.ReversedAmount)
	if err != nil {
		return nil, fmt.Errorf("verification summary %s: %w", period, err)
	}
	if period != "" {
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM orders o WHERE `+verifyPopulation, period).Scan(&s.Population); err != nil {
			return nil, fmt.Errorf("verification summary %s: %w", period, err)
		}
	}
	return s, nil
}
