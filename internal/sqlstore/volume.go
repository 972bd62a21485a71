package sqlstore

import (
	"context"
	"fmt"
	"sort"

	"github.com/downline/downline"
)

var _ downline.VolumeService = (*DB)(nil)

type volumeKey struct {
	period      string
	distributor downline.DistributorID
}

type activityKey struct {
	period      string
	distributor downline.DistributorID
	customer    downline.CustomerID
}

// volumeBatch accumulates the volume of the orders and refunds written in
// one transaction and upserts it once per (period, distributor) before the
// commit. Adding in memory first and then in SQL gives the same sums as
// one upsert per order, with far fewer statements for a batch.
type volumeBatch struct {
	deltas   map[volumeKey]*downline.PeriodVolume
	activity map[activityKey]bool
}

func newVolumeBatch() *volumeBatch {
	return &volumeBatch{deltas: map[volumeKey]*downline.PeriodVolume{}, activity: map[activityKey]bool{}}
}

func (b *volumeBatch) delta(period string, d downline.DistributorID) *downline.PeriodVolume {
	k := volumeKey{period, d}
	v := b.deltas[k]
	if v == nil {
		v = &downline.PeriodVolume{Period: period, DistributorID: d}
		b.deltas[k] = v
	}
	return v
}

// addLines adds sign × the given amount, CV and QV to the bucket of the
// order's purpose in period.
func addVolume(v *downline.PeriodVolume, purpose downline.OrderPurpose, hasCustomer bool, sign, amount, cv, qv int64) {
	amount, cv, qv = sign*amount, sign*cv, sign*qv
	switch purpose {
	case downline.PurposeCustomerDirect:
		v.CuV += cv
		v.CuQV += qv
		v.CustomerRevenue += amount
	case downline.PurposeReceiptedResale:
		v.CuV += cv
		v.CuQV += qv
		v.ReceiptedCV += cv
		v.CustomerRevenue += amount
	case downline.PurposePersonalUse:
		v.PCV += cv
		v.PQV += qv
		v.ParticipantRevenue += amount
	case downline.PurposeResaleStock:
		v.ResaleStockCV += cv
		v.ParticipantRevenue += amount
	case downline.PurposeNonCommissionable:
		// hasCustomer is false for an order rejected in verification:
		// no longer a sale to a non-participant (TX-04).
		if hasCustomer {
			v.CustomerRevenue += amount
		} else {
			v.ParticipantRevenue += amount
		}
	}
}

// addOrder adds a new order's volume to the period of its PaidAt. An
// order pending acknowledgement (TX-11) adds its revenue and its count
// only; addReleased adds the rest when it is released.
func (b *volumeBatch) addOrder(o *downline.Order) {
	v := b.delta(o.Period, o.DistributorID)
	held := o.VolumeState == downline.VolumePendingAck
	for _, l := range o.Lines {
		cv, qv := l.TotalCV(), l.TotalQV()
		if held {
			cv, qv = 0, 0
		}
		addVolume(v, o.Purpose, o.CustomerID != 0, 1, l.Amount(), cv, qv)
	}
	v.Orders++
	if o.Purpose.HasCustomer() && !held {
		v.CustomerOrders++
		b.activity[activityKey{o.Period, o.DistributorID, o.CustomerID}] = true
	}
}

// addReleased adds the volume of a held order, released on
// acknowledgement, to period: what addOrder left out.
func (b *volumeBatch) addReleased(period string, k holdKey, purpose downline.OrderPurpose, cv, qv int64) {
	v := b.delta(period, k.distributor)
	addVolume(v, purpose, true, 1, 0, cv, qv)
	if cv > 0 || qv > 0 {
		v.CustomerOrders++
		b.activity[activityKey{period, k.distributor, k.customer}] = true
	}
}

// addRefund subtracts a refund's volume in the refund's period. A refund of
// an order pending acknowledgement takes back its revenue only: its volume
// was never added. A refund of an order whose receipt was rejected
// (TX-02) takes back participant revenue, the class rejectOrder moved the
// order's amount to.
func (b *volumeBatch) addRefund(o *refundOrder, period string, lines []downline.RefundLine) {
	v := b.delta(period, o.distributor)
	for _, l := range lines {
		cv, qv := l.CV, l.QV
		if o.held {
			cv, qv = 0, 0
		}
		addVolume(v, o.purpose, o.customer != 0 && !o.rejected, -1, l.Amount, cv, qv)
	}
}

// rejectedOrderSQL is a condition true when the order whose id column is
// col had its receipt rejected in verification (TX-02). Such an order is
// non_commissionable and its revenue participant revenue (TX-04).
func rejectedOrderSQL(col string) string {
	return `EXISTS (SELECT 1 FROM verification_cases rv WHERE rv.order_id = ` + col + ` AND rv.status = 'rejected')`
}

// flush upserts the accumulated volume, in key order so that concurrent
// transactions lock rows in the same order.
func (b *volumeBatch) flush(ctx context.Context, tx *Tx) error {
	if len(b.deltas) > 0 {
		keys := make([]volumeKey, 0, len(b.deltas))
		for k := range b.deltas {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool {
			if keys[i].period != keys[j].period {
				return keys[i].period < keys[j].period
			}
			return keys[i].distributor < keys[j].distributor
		})
		rows := make([][]any, len(keys))
		for i, k := range keys {
			v := b.deltas[k]
			rows[i] = []any{v.Period, v.DistributorID, v.CuV, v.CuQV, v.ReceiptedCV, v.PCV, v.PQV,
				v.ResaleStockCV, v.CustomerRevenue, v.ParticipantRevenue, v.CustomerOrders, v.Orders}
		}
		err := insertRows(ctx, tx, "period_volumes", []string{"period", "distributor_id", "cuv", "cuqv", "receipted_cv",
			"pcv", "pqv", "resale_stock_cv", "customer_revenue", "participant_revenue", "customer_orders", "orders"}, rows,
			`ON CONFLICT (period, distributor_id) DO UPDATE SET
			cuv = period_volumes.cuv + excluded.cuv,
			cuqv = period_volumes.cuqv + excluded.cuqv,
			receipted_cv = period_volumes.receipted_cv + excluded.receipted_cv,
			pcv = period_volumes.pcv + excluded.pcv,
			pqv = period_volumes.pqv + excluded.pqv,
			resale_stock_cv = period_volumes.resale_stock_cv + excluded.resale_stock_cv,
			customer_revenue = period_volumes.customer_revenue + excluded.customer_revenue,
			participant_revenue = period_volumes.participant_revenue + excluded.participant_revenue,
			customer_orders = period_volumes.customer_orders + excluded.customer_orders,
			orders = period_volumes.orders + excluded.orders`, nil)
		if err != nil {
			return fmt.Errorf("update period volumes: %w", err)
		}
	}
	if len(b.activity) > 0 {
		keys := make([]activityKey, 0, len(b.activity))
		for k := range b.activity {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool {
			a, c := keys[i], keys[j]
			if a.period != c.period {
				return a.period < c.period
			}
			if a.distributor != c.distributor {
				return a.distributor < c.distributor
			}
			return a.customer < c.customer
		})
		rows := make([][]any, len(keys))
		for i, k := range keys {
			rows[i] = []any{k.period, k.distributor, k.customer}
		}
		err := insertRows(ctx, tx, "customer_activity", []string{"period", "distributor_id", "customer_id"}, rows,
			"ON CONFLICT (period, distributor_id, customer_id) DO NOTHING", nil)
		if err != nil {
			return fmt.Errorf("update customer activity: %w", err)
		}
	}
	b.deltas, b.activity = map[volumeKey]*downline.PeriodVolume{}, map[activityKey]bool{}
	return nil
}

// PeriodVolumes streams one row per distributor with volume in the named
// period, ordered by distributor ID. fn must not call back into the store.
func (db *DB) PeriodVolumes(ctx context.Context, period string, fn func(downline.PeriodVolume) error) error {
	if !downline.IsPeriodName(period) {
		return downline.Errorf(downline.CodeInvalid, "period %q must be named YYYY-MM", period)
	}
	tx, err := db.beginTx(ctx, false)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	rows, err := tx.query(ctx, `SELECT period, distributor_id, cuv, cuqv, receipted_cv, pcv, pqv, resale_stock_cv,
		customer_revenue, participant_revenue, customer_orders, orders
		FROM period_volumes WHERE period = ? ORDER BY distributor_id`, period)
	if err != nil {
		return fmt.Errorf("period volumes %s: %w", period, err)
	}
	defer rows.Close()
	for rows.Next() {
		var v downline.PeriodVolume
		if err := rows.Scan(&v.Period, &v.DistributorID, &v.CuV, &v.CuQV, &v.ReceiptedCV, &v.PCV, &v.PQV,
			&v.ResaleStockCV, &v.CustomerRevenue, &v.ParticipantRevenue, &v.CustomerOrders, &v.Orders); err != nil {
			return fmt.Errorf("period volumes %s: %w", period, err)
		}
		if err := fn(v); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("period volumes %s: %w", period, err)
	}
	return nil
}

// activeCustomersSQL counts, per distributor, the distinct customers active
// in periods [?, ?], of which at most one may employ the distributor
// (TX-06): employers beyond the first, known from self-dealing holds on
// the seller's own employment, are not counted.
const activeCustomersSQL = `SELECT a.distributor_id, COUNT(DISTINCT a.customer_id) -
	CASE WHEN COUNT(DISTINCT h.customer_id) > 1 THEN COUNT(DISTINCT h.customer_id) - 1 ELSE 0 END
	FROM customer_activity a LEFT JOIN selfdealing_holds h ON h.customer_id = a.customer_id
		AND h.distributor_id = a.distributor_id AND h.seller_employed
	WHERE a.period >= ? AND a.period <= ? GROUP BY a.distributor_id ORDER BY a.distributor_id`

// ActiveCustomerCounts streams, per distributor, the number of distinct
// customers with a customer-direct or receipted-resale order paid in the
// named period or the months-1 before it, ordered by distributor ID. At
// most one customer that employs the distributor counts (TX-06).
func (db *DB) ActiveCustomerCounts(ctx context.Context, period string, months int, fn func(downline.DistributorID, int) error) error {
	if months < 1 {
		return downline.Errorf(downline.CodeInvalid, "active customer window must be at least one month, not %d", months)
	}
	first, err := downline.ShiftPeriodName(period, -(months - 1))
	if err != nil {
		return err
	}
	tx, err := db.beginTx(ctx, false)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	rows, err := tx.query(ctx, activeCustomersSQL, first, period)
	if err != nil {
		return fmt.Errorf("active customers %s: %w", period, err)
	}
	defer rows.Close()
	for rows.Next() {
		var d downline.DistributorID
		var n int
		if err := rows.Scan(&d, &n); err != nil {
			return fmt.Errorf("active customers %s: %w", period, err)
		}
		if err := fn(d, n); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("active customers %s: %w", period, err)
	}
	return nil
}
