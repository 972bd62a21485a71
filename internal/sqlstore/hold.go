package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"

	"github.com/downline/downline"
	"github.com/downline/downline/attribution"
)

// TX-11 at intake: orders of a held (customer, credited distributor) pair
// are stored in volume state pending_ack. They count as revenue (TX-04's
// total revenue) but add no CuV, customer order or active customer until
// someone at the customer acknowledges; AcknowledgeSelfDealing then
// releases their remaining volume, in the same transaction, into the
// period the late-volume rule picks (periodgate.go).

type holdKey struct {
	customer    downline.CustomerID
	distributor downline.DistributorID
}

// applyHolds sets the volume state of each new order. A customer order is
// held when its pair has an unacknowledged hold, or when no hold exists
// yet and the seller or an upline works for the customer (attribution.
// SelfDealingEarners on the email domains against the customer's name and
// domain); the check then opens the hold in the same transaction. One
// query reads the batch's customers with their holds; each pair is then
// decided once, in first-seen order.
func (in *orderInserter) applyHolds(ctx context.Context, fresh []*downline.Order) error {
	var pairs []holdKey
	var custs []downline.CustomerID
	first := map[holdKey]*downline.Order{}
	for _, o := range fresh {
		o.VolumeState = downline.VolumeCounted
		if !o.Purpose.HasCustomer() {
			continue
		}
		k := holdKey{o.CustomerID, o.DistributorID}
		if first[k] == nil {
			first[k] = o
			pairs = append(pairs, k)
			custs = append(custs, k.customer)
		}
	}
	if len(pairs) == 0 {
		return nil
	}
	type customerOrg struct{ name, domain string }
	type holdRow struct {
		id    int64
		acked bool
	}
	orgs := map[downline.CustomerID]customerOrg{}
	holds := map[holdKey]holdRow{}
	err := queryIn(ctx, in.tx, `SELECT c.id, c.name, c.domain, h.distributor_id, h.id, h.acknowledged_at FROM customers c
		LEFT JOIN selfdealing_holds h ON h.customer_id = c.id WHERE c.id IN (%s)`, custs, func(rs *sql.Rows) error {
		var c downline.CustomerID
		var org customerOrg
		var dist, holdID, acked sql.NullInt64
		if err := rs.Scan(&c, &org.name, &org.domain, &dist, &holdID, &acked); err != nil {
			return err
		}
		orgs[c] = org
		if holdID.Valid {
			holds[holdKey{c, downline.DistributorID(dist.Int64)}] = holdRow{holdID.Int64, acked.Valid}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("self-dealing check: %w", err)
	}
	held := make(map[holdKey]bool, len(pairs))
	for _, k := range pairs {
		org, ok := orgs[k.customer]
		if !ok {
			return fmt.Errorf("order %q: self-dealing check: customer %d: %w", first[k].ExternalID, k.customer, sql.ErrNoRows)
		}
		h, err := holdPair(ctx, in.tx, in.chains, k, org.name, org.domain, holds[k].id, holds[k].acked)
		if err != nil {
			return fmt.Errorf("order %q: self-dealing check: %w", first[k].ExternalID, err)
		}
		held[k] = h
	}
	for _, o := range fresh {
		if o.Purpose.HasCustomer() && held[holdKey{o.CustomerID, o.DistributorID}] {
			o.VolumeState = downline.VolumePendingAck
		}
	}
	return nil
}

// holdPair reports whether the pair's orders are held, given the
// customer's name and domain and the pair's hold (holdID 0: none), opening
// a hold when the self-dealing check matches and the pair has none.
func holdPair(ctx context.Context, tx *Tx, chains chainCache, k holdKey, name, domain string, holdID int64, acked bool) (bool, error) {
	if holdID != 0 {
		if acked {
			return false, nil
		}
		// Lock the open hold. On PostgreSQL an acknowledgement racing
		// with this order either commits first (the update then matches
		// nothing and the order counts) or waits for this transaction and
		// then releases the order with the others.
		res, err := tx.exec(ctx, `UPDATE selfdealing_holds SET reason = reason WHERE id = ? AND acknowledged_at IS NULL`, holdID)
		if err != nil {
			return false, err
		}
		n, err := res.RowsAffected()
		return n == 1, err
	}
	if attribution.NormalizeDomain(domain) == "" || attribution.IsFreeMail(domain) {
		// Without an organisation domain only a declared-name match could
		// hold, and distributors declare no employer name today.
		return false, nil
	}
	chain, err := chains.get(ctx, tx, k.distributor)
	if err != nil {
		return false, err
	}
	emp := make([]attribution.Employment, len(chain))
	for i, e := range chain {
		emp[i] = attribution.Employment{DistributorID: e.id, Email: e.email}
	}
	org := attribution.Organisation{Name: name, Domain: domain}
	reasons := attribution.SelfDealingEarners(emp, org)
	if len(reasons) == 0 {
		return false, nil
	}
	sellerEmployed := false
	if len(emp) > 0 { // emp[0] is the seller
		sellerEmployed, _ = attribution.SelfDealing(emp[0], org)
	}
	if _, err := tx.exec(ctx, `INSERT INTO selfdealing_holds (customer_id, distributor_id, reason, created_at, ack_name, ack_email,
		seller_employed) VALUES (?, ?, ?, ?, '', '', ?) ON CONFLICT (customer_id, distributor_id) DO NOTHING`,
		k.customer, k.distributor, "TX-11: "+strings.Join(reasons, "; "), encodeTime(tx.now), sellerEmployed); err != nil {
		return false, err
	}
	return true, nil
}

// earner is a distributor who would earn on an order: the seller or one of
// its sponsors.
type earner struct {
	id         downline.DistributorID
	ref, email string
}

// chainCache keeps the earner chains one transaction has read, by seller.
type chainCache map[downline.DistributorID][]earner

// get returns d's earner chain, reading it once per transaction.
func (c chainCache) get(ctx context.Context, tx *Tx, d downline.DistributorID) ([]earner, error) {
	if chain, ok := c[d]; ok {
		return chain, nil
	}
	chain, err := earnerChain(ctx, tx, d)
	if err != nil {
		return nil, err
	}
	c[d] = chain
	return chain, nil
}

// nearestMatch returns the nearest earner of chain (the seller first, then
// up the line) that a signal names, with the reasons of its signals; none
// matched when reasons is nil.
func nearestMatch(chain []earner, signals []attribution.Signal) (earner, []string) {
	for _, e := range chain {
		var reasons []string
		for _, s := range signals {
			if s.DistributorID == e.id {
				reasons = append(reasons, s.Reason)
			}
		}
		if reasons != nil {
			return e, reasons
		}
	}
	return earner{}, nil
}

// earnerChain returns the seller d and its sponsors up to a root, nearest
// first, with their emails.
func earnerChain(ctx context.Context, tx *Tx, d downline.DistributorID) ([]earner, error) {
	rows, err := tx.query(ctx, `WITH RECURSIVE up (id, depth) AS (
			SELECT CAST(? AS BIGINT), 0
			UNION ALL
			SELECT t.sponsor_id, up.depth + 1 FROM distributors t JOIN up ON t.id = up.id
			WHERE t.sponsor_id IS NOT NULL AND up.depth < 1000
		)
		SELECT d.id, d.external_id, d.email FROM up JOIN distributors d ON d.id = up.id ORDER BY up.depth`, d)
	if err != nil {
		return nil, fmt.Errorf("earners of distributor %d: %w", d, err)
	}
	defer rows.Close()
	var out []earner
	for rows.Next() {
		var e earner
		if err := rows.Scan(&e.id, &e.ref, &e.email); err != nil {
			return nil, fmt.Errorf("earners of distributor %d: %w", d, err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// releaseHeld moves the pending orders of a pair to volume state released
// (not those rejected in verification meanwhile, now non_commissionable:
// they stay pending with no volume to release)
// and adds what remains of their volume (net of refunds recorded while
// they were held) to vols, in the period the late-volume rule picks for
// each order's period. It returns how many orders it released.
//
// The orders are marked first: the update locks them, so a refund racing
// on PostgreSQL either commits before (its refunded CV is then read
// below) or waits and then sees the order released (createRefund re-reads
// the state after its own update of the order).
func releaseHeld(ctx context.Context, tx *Tx, k holdKey, gate periodGate, vols *volumeBatch) (int, error) {
	rows, err := tx.query(ctx, `UPDATE orders SET volume_state = 'released'
		WHERE customer_id = ? AND distributor_id = ? AND volume_state = 'pending_ack'
		AND purpose IN ('customer_direct', 'receipted_resale')
		RETURNING id, purpose, period`, k.customer, k.distributor)
	if err != nil {
		return 0, fmt.Errorf("release held orders: %w", err)
	}
	type held struct {
		id      downline.OrderID
		purpose downline.OrderPurpose
		period  string
	}
	var hs []held
	for rows.Next() {
		var h held
		if err := rows.Scan(&h.id, &h.purpose, &h.period); err != nil {
			rows.Close()
			return 0, fmt.Errorf("release held orders: %w", err)
		}
		hs = append(hs, h)
	}
	if err := rows.Close(); err != nil {
		return 0, fmt.Errorf("release held orders: %w", err)
	}
	sort.Slice(hs, func(i, j int) bool { return hs[i].id < hs[j].id })
	for _, h := range hs {
		var cv, qv int64
		if err := tx.queryRow(ctx, `SELECT COALESCE(SUM(total_cv - refunded_cv), 0), COALESCE(SUM(total_qv - refunded_qv), 0)
			FROM order_lines WHERE order_id = ?`, h.id).Scan(&cv, &qv); err != nil {
			return 0, fmt.Errorf("release order %d: %w", h.id, err)
		}
		period, err := gate.place(h.period)
		if err != nil {
			return 0, err
		}
		if period != h.period {
			// The revenue stays where addOrder counted it.
			if _, err := tx.exec(ctx, `UPDATE orders SET period = ?, revenue_period = period WHERE id = ?`, period, h.id); err != nil {
				return 0, fmt.Errorf("release order %d: %w", h.id, err)
			}
		}
		vols.addReleased(period, k, h.purpose, cv, qv)
	}
	return len(hs), nil
}
