package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/downline/downline"
	"github.com/downline/downline/attribution"
)

var _ downline.OrderService = (*DB)(nil)

// FindOrderByID returns one order with its lines. Returns CodeNotFound.
func (db *DB) FindOrderByID(ctx context.Context, id downline.OrderID) (*downline.Order, error) {
	return db.findOneOrder(ctx, downline.OrderFilter{ID: &id}, fmt.Sprintf("Order %d not found.", id))
}

// FindOrderByExternalID returns one order with its lines. Returns
// CodeNotFound.
func (db *DB) FindOrderByExternalID(ctx context.Context, externalID string) (*downline.Order, error) {
	return db.findOneOrder(ctx, downline.OrderFilter{ExternalID: &externalID}, fmt.Sprintf("Order %q not found.", externalID))
}

func (db *DB) findOneOrder(ctx context.Context, f downline.OrderFilter, notFound string) (*downline.Order, error) {
	os, _, err := db.FindOrders(ctx, f)
	if err != nil {
		return nil, err
	}
	if len(os) == 0 {
		return nil, downline.Errorf(downline.CodeNotFound, "%s", notFound)
	}
	return os[0], nil
}

// FindOrders returns the orders matching filter with their lines, ordered
// by ID, and the total number of matches ignoring Offset and Limit.
func (db *DB) FindOrders(ctx context.Context, filter downline.OrderFilter) ([]*downline.Order, int, error) {
	tx, err := db.beginTx(ctx, false)
	if err != nil {
		return nil, 0, err
	}
	defer tx.Rollback()
	return findOrders(ctx, tx, filter)
}

func findOrders(ctx context.Context, tx *Tx, f downline.OrderFilter) ([]*downline.Order, int, error) {
	var w where
	if f.ID != nil {
		w.add("o.id = ?", *f.ID)
	}
	if f.ExternalID != nil {
		w.add("o.external_id = ?", *f.ExternalID)
	}
	if f.DistributorID != nil {
		w.add("o.distributor_id = ?", *f.DistributorID)
	}
	if f.CustomerID != nil {
		w.add("o.customer_id = ?", *f.CustomerID)
	}
	if f.Purpose != nil {
		w.add("o.purpose = ?", *f.Purpose)
	}
	if f.Status != nil {
		w.add("o.status = ?", *f.Status)
	}
	if f.VolumeState != nil {
		w.add("o.volume_state = ?", *f.VolumeState)
	}
	if f.Period != nil {
		w.add("o.period = ?", *f.Period)
	}
	if f.PaidFrom != nil {
		w.add("o.paid_at >= ?", encodeTime(*f.PaidFrom))
	}
	if f.PaidTo != nil {
		w.add("o.paid_at < ?", encodeTime(*f.PaidTo))
	}
	if f.AfterID != 0 {
		w.add("o.id > ?", f.AfterID)
	}
	return findOrdersWhere(ctx, tx, &w, f.Limit, f.Offset)
}

// findOrdersByIDs returns the orders with the given ids, ordered by ID.
func findOrdersByIDs(ctx context.Context, tx *Tx, ids []downline.OrderID) ([]*downline.Order, error) {
	var out []*downline.Order
	for start := 0; start < len(ids); start += maxInKeys {
		chunk := ids[start:min(start+maxInKeys, len(ids))]
		var w where
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		w.add("o.id IN ("+strings.TrimSuffix(strings.Repeat("?, ", len(chunk)), ", ")+")", args...)
		os, _, err := findOrdersWhere(ctx, tx, &w, 0, 0)
		if err != nil {
			return nil, err
		}
		out = append(out, os...)
	}
	return out, nil
}

func findOrdersWhere(ctx context.Context, tx *Tx, w *where, limit, offset int) ([]*downline.Order, int, error) {
	rows, err := tx.query(ctx, `SELECT o.id, o.external_id, o.distributor_id, d.external_id, o.customer_id,
		COALESCE(c.external_id, ''), o.purpose, o.currency, o.paid_at, o.status, o.period, o.volume_state, o.payment_fingerprint,
		o.billing_address_hash, o.original_distributor_id, o.original_purpose, o.created_at, COUNT(*) OVER ()
		FROM orders o JOIN distributors d ON d.id = o.distributor_id LEFT JOIN customers c ON c.id = o.customer_id`+
		w.String()+` ORDER BY o.id`+page(limit, offset), w.args...)
	if err != nil {
		return nil, 0, fmt.Errorf("find orders: %w", err)
	}
	defer rows.Close()
	var os []*downline.Order
	byID := map[downline.OrderID]*downline.Order{}
	total := 0
	for rows.Next() {
		var o downline.Order
		var cust, orig sql.NullInt64
		var paid, created int64
		if err := rows.Scan(&o.ID, &o.ExternalID, &o.DistributorID, &o.DistributorRef, &cust, &o.CustomerRef,
			&o.Purpose, &o.Currency, &paid, &o.Status, &o.Period, &o.VolumeState, &o.PaymentFingerprint,
			&o.BillingAddressHash, &orig, &o.OriginalPurpose, &created, &total); err != nil {
			return nil, 0, fmt.Errorf("find orders: %w", err)
		}
		o.CustomerID, o.OriginalDistributorID = downline.CustomerID(cust.Int64), downline.DistributorID(orig.Int64)
		o.PaidAt, o.CreatedAt = decodeTime(paid), decodeTime(created)
		os = append(os, &o)
		byID[o.ID] = &o
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("find orders: %w", err)
	}
	rows.Close()
	if err := loadOrderLines(ctx, tx, os, byID); err != nil {
		return nil, 0, err
	}
	total, err = countIfPastEnd(ctx, tx, "orders o", w, len(os), total, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("find orders: %w", err)
	}
	return os, total, nil
}

// loadOrderLines fills the lines of os, 500 orders per query.
func loadOrderLines(ctx context.Context, tx *Tx, os []*downline.Order, byID map[downline.OrderID]*downline.Order) error {
	const chunk = 500
	for start := 0; start < len(os); start += chunk {
		end := min(start+chunk, len(os))
		args := make([]any, 0, end-start)
		for _, o := range os[start:end] {
			args = append(args, o.ID)
		}
		marks := strings.TrimSuffix(strings.Repeat("?, ", len(args)), ", ")
		rows, err := tx.query(ctx, `SELECT l.order_id, l.line_no, l.product_id, p.external_id, l.quantity, l.unit_price,
			l.cv, l.qv, l.refunded_amount, l.refunded_cv, l.refunded_qv
			FROM order_lines l JOIN products p ON p.id = l.product_id
			WHERE l.order_id IN (`+marks+`) ORDER BY l.order_id, l.line_no`, args...)
		if err != nil {
			return fmt.Errorf("find order lines: %w", err)
		}
		for rows.Next() {
			var l downline.OrderLine
			var oid downline.OrderID
			if err := rows.Scan(&oid, &l.LineNo, &l.ProductID, &l.ProductRef, &l.Quantity, &l.UnitPrice, &l.CV, &l.QV,
				&l.RefundedAmount, &l.RefundedCV, &l.RefundedQV); err != nil {
				rows.Close()
				return fmt.Errorf("find order lines: %w", err)
			}
			byID[oid].Lines = append(byID[oid].Lines, &l)
		}
		if err := rows.Close(); err != nil {
			return fmt.Errorf("find order lines: %w", err)
		}
	}
	return nil
}

func orderDigest(o *downline.Order) string {
	var d digester
	d.str(o.ExternalID).str(o.DistributorRef).str(o.CustomerRef).str(string(o.Purpose)).str(o.Currency).time(o.PaidAt)
	d.int(int64(len(o.Lines)))
	for _, l := range o.Lines {
		d.str(l.ProductRef).int(l.Quantity).int(l.UnitPrice).int(l.CV).int(l.QV)
	}
	if o.PaymentFingerprint != "" || o.BillingAddressHash != "" {
		// Only then, so that the digests of orders without them stay.
		d.str(o.PaymentFingerprint).str(o.BillingAddressHash)
	}
	return d.sum()
}

// CreateOrder stores o. See downline.OrderService.
func (db *DB) CreateOrder(ctx context.Context, o *downline.Order) error {
	return db.CreateOrders(ctx, []*downline.Order{o})
}

// CreateOrders stores os and their volume in one transaction: all or none.
func (db *DB) CreateOrders(ctx context.Context, os []*downline.Order) error {
	return db.createOrders(ctx, os, nil)
}

// createOrders is CreateOrders that calls then, when set, in the
// transaction after the orders are stored.
func (db *DB) createOrders(ctx context.Context, os []*downline.Order, then func(*Tx) error) error {
	var errs []error
	for _, o := range os {
		if err := o.Validate(); err != nil {
			errs = append(errs, err)
		}
	}
	if err := batchError("orders", len(os), errs); err != nil {
		return err
	}
	return retryOnUniqueViolation(func() error {
		tx, err := db.beginTx(ctx, true)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		in, err := newOrderInserter(ctx, tx)
		if err != nil {
			return err
		}
		defer in.close()
		if err := in.createAll(ctx, os); err != nil {
			return err
		}
		if err := in.vols.flush(ctx, tx); err != nil {
			return err
		}
		if then != nil {
			if err := then(tx); err != nil {
				return err
			}
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("create orders: %w", err)
		}
		return nil
	})
}

// orderInserter creates orders with statements prepared once per
// transaction and the catalogue of the DB (see catalogue.go).
type orderInserter struct {
	tx  *Tx
	cat *catalogue
	// catFresh is set once cat was read in tx.
	catFresh bool
	gate     periodGate
	refs     *refResolver
	vols     *volumeBatch
	// chains and payers keep the earner chains and their own purchases'
	// payment facts read by this transaction's intake rules.
	chains chainCache
	payers map[downline.DistributorID][]attribution.Party
}

func newOrderInserter(ctx context.Context, tx *Tx) (*orderInserter, error) {
	fresh := tx.db.catalogue.Load() == nil
	cat, err := tx.db.loadCatalogue(ctx, tx, false)
	if err != nil {
		return nil, err
	}
	gate, err := openPeriodGate(ctx, tx)
	if err != nil {
		return nil, err
	}
	in := &orderInserter{tx: tx, cat: cat, catFresh: fresh, gate: gate, vols: newVolumeBatch(),
		chains: chainCache{}, payers: map[downline.DistributorID][]attribution.Party{}}
	if in.refs, err = newRefResolver(ctx, tx); err != nil {
		return nil, err
	}
	return in, nil
}

func (in *orderInserter) close() {
	if in.refs != nil {
		in.refs.close()
	}
}

// resolve fills the order's ids and refs, the lines' products and
// catalogue volumes, and checks what needs the database.
func (in *orderInserter) resolve(ctx context.Context, o *downline.Order) error {
	what := fmt.Sprintf("order %q", o.ExternalID)
	var cust customerRef
	if o.CustomerID != 0 || o.CustomerRef != "" {
		var err error
		if cust, err = in.refs.customer(ctx, what, o.CustomerID, o.CustomerRef); err != nil {
			return err
		}
		o.CustomerID, o.CustomerRef = cust.id, cust.ref
	}
	if o.DistributorID == 0 && o.DistributorRef == "" {
		o.DistributorID = cust.distributor
	}
	if err := in.refs.distributor(ctx, what, "distributor", &o.DistributorID, &o.DistributorRef); err != nil {
		return err
	}
	if o.BillingAddress != "" {
		h := addressHash(o.BillingAddress)
		if o.BillingAddressHash != "" && o.BillingAddressHash != h {
			return downline.Errorf(downline.CodeInvalid, "%s: billing address hash does not match the billing address", what)
		}
		o.BillingAddressHash = h
	}
	if o.Currency != in.cat.currency {
		return downline.Errorf(downline.CodeInvalid, "%s: currency %s must be the programme currency %s", what, o.Currency, in.cat.currency)
	}
	for i, l := range o.Lines {
		p, err := in.product(ctx, l)
		if err != nil {
			return err
		}
		if p == nil {
			ref := l.ProductRef
			if l.ProductID != 0 {
				ref = fmt.Sprint(l.ProductID)
			}
			return downline.Errorf(downline.CodeInvalid, "%s: line %d: product %q does not exist", what, i+1, ref)
		}
		l.LineNo, l.ProductID, l.ProductRef = i+1, p.ID, p.ExternalID
		if !p.Commissionable && (l.CV != 0 || l.QV != 0) {
			return downline.Errorf(downline.CodeInvalid, "%s: line %d: CV must be zero: product %q is not commissionable",
				what, i+1, p.ExternalID)
		}
		if p.Commissionable && l.CV == 0 && l.QV == 0 {
			l.CV, l.QV = p.CV, p.QV
			if _, ok := downline.MulAmounts(l.Quantity, max(l.CV, l.QV)); !ok {
				return downline.Errorf(downline.CodeInvalid, "%s: line %d: quantity times catalogue volume overflows", what, i+1)
			}
		}
	}
	return nil
}

// createAll stores the orders of a batch: it resolves references from
// prefetched caches, checks idempotency against the stored and the earlier
// records of the batch, and inserts the new orders and their lines with
// multi-row statements.
func (in *orderInserter) createAll(ctx context.Context, os []*downline.Order) error {
	var distRefs, custRefs, exts []string
	for _, o := range os {
		exts = append(exts, o.ExternalID)
		if o.DistributorID == 0 {
			distRefs = append(distRefs, o.DistributorRef)
		}
		if o.CustomerID == 0 {
			custRefs = append(custRefs, o.CustomerRef)
		}
	}
	if err := in.refs.prefetch(ctx, in.tx, distRefs, custRefs); err != nil {
		return fmt.Errorf("create orders: %w", err)
	}
	type stored struct {
		id     downline.OrderID
		digest string
	}
	existing := map[string]stored{}
	err := queryIn(ctx, in.tx, `SELECT external_id, id, digest FROM orders WHERE external_id IN (%s)`, distinct(exts),
		func(rs *sql.Rows) error {
			var ext string
			var s stored
			if err := rs.Scan(&ext, &s.id, &s.digest); err != nil {
				return err
			}
			existing[ext] = s
			return nil
		})
	if err != nil {
		return fmt.Errorf("create orders: %w", err)
	}
	var fresh []*downline.Order
	inBatch := map[string]*downline.Order{}
	digests := map[*downline.Order]string{}
	type repeat struct{ o, of *downline.Order }
	var repeats []repeat
	var reload []*downline.Order
	var reloadIDs []downline.OrderID
	for _, o := range os {
		what := fmt.Sprintf("order %q", o.ExternalID)
		if err := in.resolve(ctx, o); err != nil {
			return err
		}
		dig := orderDigest(o)
		if s, ok := existing[o.ExternalID]; ok {
			if s.digest != dig {
				return downline.Errorf(downline.CodeConflict, "%s: already exists with other content", what)
			}
			reload = append(reload, o)
			reloadIDs = append(reloadIDs, s.id)
			continue
		}
		if prev, ok := inBatch[o.ExternalID]; ok {
			if digests[prev] != dig {
				return downline.Errorf(downline.CodeConflict, "%s: already exists with other content", what)
			}
			repeats = append(repeats, repeat{o, prev})
			continue
		}
		if o.Period, err = in.gate.place(downline.MonthlyPeriodOf(o.PaidAt, in.cat.loc).Name); err != nil {
			return err
		}
		o.Status = downline.OrderPaid
		o.PaidAt = decodeTime(encodeTime(o.PaidAt))
		o.CreatedAt = in.tx.now
		inBatch[o.ExternalID], digests[o] = o, dig
		fresh = append(fresh, o)
	}
	flags, err := in.reclassifyCircular(ctx, fresh)
	if err != nil {
		return fmt.Errorf("create orders: circularity check: %w", err)
	}
	if err := in.applyHolds(ctx, fresh); err != nil {
		return err
	}
	if err := in.checkResaleOrders(ctx, fresh); err != nil {
		return err
	}
	rows := make([][]any, len(fresh))
	for i, o := range fresh {
		var total, totalCV int64
		for _, l := range o.Lines {
			total += l.Amount()
			totalCV += l.TotalCV()
		}
		rows[i] = []any{o.ExternalID, o.DistributorID, nullID(o.CustomerID), o.Purpose, o.Currency, encodeTime(o.PaidAt),
			o.Period, o.Status, o.VolumeState, o.PaymentFingerprint, o.BillingAddressHash,
			nullID(o.OriginalDistributorID), o.OriginalPurpose, total, totalCV, digests[o], encodeTime(in.tx.now)}
	}
	err = insertRows(ctx, in.tx, "orders", []string{"external_id", "distributor_id", "customer_id", "purpose", "currency",
		"paid_at", "period", "status", "volume_state", "payment_fingerprint", "billing_address_hash",
		"original_distributor_id", "original_purpose", "total_amount", "total_cv", "digest", "created_at"}, rows, "RETURNING id, external_id",
		func(rs *sql.Rows) error {
			var id downline.OrderID
			var ext string
			if err := rs.Scan(&id, &ext); err != nil {
				return err
			}
			inBatch[ext].ID = id
			return nil
		})
	if err != nil {
		return fmt.Errorf("create orders: %w", mapError(err, "an order of the batch"))
	}
	var lines [][]any
	for _, o := range fresh {
		for _, l := range o.Lines {
			l.RefundedAmount, l.RefundedCV, l.RefundedQV = 0, 0, 0
			lines = append(lines, []any{o.ID, l.LineNo, l.ProductID, l.Quantity, l.UnitPrice, l.CV, l.QV, l.Amount(),
				l.TotalCV(), l.TotalQV(), 0, 0, 0})
		}
		in.vols.addOrder(o)
	}
	err = insertRows(ctx, in.tx, "order_lines", []string{"order_id", "line_no", "product_id", "quantity", "unit_price",
		"cv", "qv", "amount", "total_cv", "total_qv", "refunded_amount", "refunded_cv", "refunded_qv"}, lines, "", nil)
	if err != nil {
		return fmt.Errorf("create orders: lines: %w", mapError(err, "an order line of the batch"))
	}
	if err := enqueueAttributed(ctx, in.tx, fresh); err != nil {
		return fmt.Errorf("create orders: %w", err)
	}
	for _, o := range fresh {
		if f := flags[o]; f != nil {
			f.OrderID = o.ID
			if err := addRiskFlag(ctx, in.tx, f); err != nil {
				return fmt.Errorf("create orders: %w", err)
			}
		}
	}
	if len(reload) > 0 {
		found, err := findOrdersByIDs(ctx, in.tx, reloadIDs)
		if err != nil {
			return fmt.Errorf("create orders: reload: %w", err)
		}
		byID := make(map[downline.OrderID]*downline.Order, len(found))
		for _, f := range found {
			byID[f.ID] = f
		}
		for i, o := range reload {
			*o = *byID[reloadIDs[i]]
		}
	}
	for _, r := range repeats {
		*r.o = *r.of
	}
	return nil
}
