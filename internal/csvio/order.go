package csvio

import (
	"fmt"
	"io"
	"time"

	"github.com/downline/downline"
)

// OrderColumns are the columns of orders.csv in the order the writer uses;
// the first six are required.
var OrderColumns = []string{"id", "distributor_id", "customer_id", "purpose", "paid_at", "cv", "qv", "bv",
	"amount", "currency", "refund_of", "sku", "quantity", "payment_fingerprint",
	"billing_address_hash"}

var orderFields = map[string]string{
	"external id": "id", "distributor": "distributor_id", "customer": "customer_id", "purpose": "purpose",
	"currency": "currency", "paid at": "paid_at", "product": "sku", "quantity": "quantity",
	"unit price": "amount", "amount": "amount", "CV": "cv", "QV": "qv", "order": "refund_of",
	"refunded at": "paid_at", "exceeds": "amount",
}

// FieldOfOrder returns the column a store error about an order or refund
// is most likely about (see FieldOf).
func FieldOfOrder(err error) string { return FieldOf(err, orderFields) }

// OrderRow is one order or one refund read from a file: exactly one of
// Order and Refund is set. An order may span several consecutive rows with
// the same id, one per line; Pos is its first row.
type OrderRow struct {
	Pos    Pos
	Order  *downline.Order
	Refund *downline.Refund
}

// Orders is the outcome of reading orders.csv.
type Orders struct {
	Header  *Header
	Rows    []OrderRow
	Rejects []*RowError
}

// ReadOrders reads orders.csv: id, distributor_id (the credited
// distributor), customer_id (empty when the distributor buys), purpose,
// paid_at, cv, and the optional qv (defaults to cv), bv (read and checked
// but not stored: the store derives binary volume from CV), amount,
// currency (defaults to o.Currency), refund_of, sku (defaults to
// o.Product), quantity (defaults to 1) and payment_fingerprint (the
// billing system's opaque token of the payment method, which the TX-02
// circularity check compares with the participants' own purchases).
//
// An order row is one order line of quantity units of the product; its
// amount, cv and qv are line totals and must divide evenly by the quantity.
// The row's cv and qv override the catalogue's. Consecutive rows with the
// same id and the same distributor, customer, purpose, time and currency
// are further lines of one order; any other repeated id is rejected.
//
// A row with refund_of is a refund of that order recorded at paid_at, with
// values that are negative or zero: zero amount, cv and qv refund whatever
// remains of the order, others refund that much of the order's first line.
//
// The error is non-nil only when the file cannot be read at all.
func ReadOrders(file string, r io.Reader, o Options) (*Orders, error) {
	t, err := newTable(file, r, OrderColumns[:6])
	if err != nil {
		return nil, err
	}
	out := &Orders{Header: t.h}
	seenOrder, seenRefund := map[string]bool{}, map[string]bool{}
	var last *downline.Order // the order of the previous row, for more lines
	for {
		ok, err := t.next()
		if err != nil {
			return nil, err
		}
		if !ok {
			break
		}
		prev := last
		last = nil
		if t.bad {
			continue
		}
		if t.get("refund_of") != "" {
			if rf := t.refund(o, seenRefund); rf != nil {
				out.Rows = append(out.Rows, OrderRow{Pos: t.pos, Refund: rf})
			}
			continue
		}
		ord := t.order(o)
		if t.bad {
			continue
		}
		if seenOrder[ord.ExternalID] {
			if prev == nil || prev.ExternalID != ord.ExternalID || !sameHead(prev, ord) {
				t.reject("id", "duplicate id "+quote(ord.ExternalID)+" (further lines of an order must follow it and agree on distributor, customer, purpose, paid_at and currency)")
				continue
			}
			lines := append(prev.Lines, ord.Lines...)
			check := *prev
			check.Lines = lines
			t.validate(check.Validate(), orderFields)
			if t.bad {
				continue
			}
			prev.Lines, last = lines, prev
			continue
		}
		t.validate(ord.Validate(), orderFields)
		if t.bad {
			continue
		}
		seenOrder[ord.ExternalID] = true
		out.Rows = append(out.Rows, OrderRow{Pos: t.pos, Order: ord})
		last = ord
	}
	out.Rejects = t.rejects
	return out, nil
}

func sameHead(a, b *downline.Order) bool {
	return a.DistributorRef == b.DistributorRef && a.CustomerRef == b.CustomerRef && a.Purpose == b.Purpose &&
		a.PaidAt.Equal(b.PaidAt) && a.Currency == b.Currency
}

// currency returns the row's currency, rejecting one other than the
// programme's.
func (t *table) currency(o Options) string {
	cur := t.get("currency")
	switch {
	case cur == "":
		cur = o.Currency
		if cur == "" {
			t.reject("currency", "missing value")
		}
	case !downline.IsCurrency(cur):
		t.reject("currency", fmt.Sprintf("%q is not an ISO 4217 code such as EUR", cur))
	case o.Currency != "" && cur != o.Currency:
		t.reject("currency", fmt.Sprintf("%s is not the programme currency %s", cur, o.Currency))
	}
	return cur
}

func (t *table) order(o Options) *downline.Order {
	ord := &downline.Order{
		ExternalID:     t.required("id"),
		DistributorRef: t.get("distributor_id"),
		CustomerRef:    t.get("customer_id"),
		Purpose:        downline.OrderPurpose(t.required("purpose")),
		// Only on an order's first row; a further line's row may repeat it.
		PaymentFingerprint: t.get("payment_fingerprint"),
		BillingAddressHash: t.get("billing_address_hash"),
	}
	if ord.Purpose != "" && !ord.Purpose.IsValid() {
		t.reject("purpose", fmt.Sprintf("%q is not customer_direct, personal_use, resale_stock, receipted_resale or non_commissionable", ord.Purpose))
	}
	ord.PaidAt = t.time("paid_at", loc(o), true)
	ord.Currency = t.currency(o)
	if t.bad {
		return ord
	}
	sku := t.get("sku")
	if sku == "" {
		sku = o.Product
	}
	if sku == "" {
		t.reject("sku", "missing value: give a sku column or a default product")
		return ord
	}
	var prod *downline.Product
	if o.Catalogue != nil {
		if prod = o.Catalogue[sku]; prod == nil {
			t.reject("sku", fmt.Sprintf("unknown product %q", sku))
			return ord
		}
	}
	qty := t.positiveInt("quantity", 1)
	if t.get("cv") == "" {
		t.reject("cv", "missing value")
	}
	cv, _ := t.money("cv", ord.Currency)
	qv, hasQV := t.money("qv", ord.Currency)
	if !hasQV {
		qv = cv
	}
	t.money("bv", ord.Currency)
	amount, hasAmount := t.money("amount", ord.Currency)
	if t.bad {
		return ord
	}
	if !hasAmount {
		if prod == nil {
			t.reject("amount", "missing value and no catalogue price for "+quote(sku))
			return ord
		}
		a, ok := downline.MulAmounts(prod.RetailPrice, qty)
		if !ok {
			t.reject("quantity", "times the retail price overflows")
			return ord
		}
		amount = a
	}
	per := func(field string, v int64) int64 {
		switch {
		case v < 0:
			t.reject(field, "must not be negative on an order (a refund row has refund_of)")
		case v%qty != 0:
			t.reject(field, fmt.Sprintf("is not a multiple of the quantity %d", qty))
		}
		return v / qty
	}
	line := &downline.OrderLine{ProductRef: sku, Quantity: qty}
	line.UnitPrice = per("amount", amount)
	line.CV = per("cv", cv)
	line.QV = per("qv", qv)
	ord.Lines = []*downline.OrderLine{line}
	return ord
}

func (t *table) refund(o Options, seen map[string]bool) *downline.Refund {
	rf := &downline.Refund{
		ExternalID: t.required("id"),
		OrderRef:   t.get("refund_of"),
		RefundedAt: t.time("paid_at", loc(o), true),
	}
	cur := t.currency(o)
	if t.bad {
		return nil
	}
	amount, _ := t.money("amount", cur)
	cv, _ := t.money("cv", cur)
	qv, hasQV := t.money("qv", cur)
	if !hasQV {
		qv = cv
	}
	t.money("bv", cur)
	for _, f := range []struct {
		name string
		v    int64
	}{{"amount", amount}, {"cv", cv}, {"qv", qv}} {
		if f.v > 0 {
			t.reject(f.name, "must be negative or zero on a refund row")
		}
	}
	if seen[rf.ExternalID] {
		t.reject("id", "duplicate refund id "+quote(rf.ExternalID))
	}
	if t.bad {
		return nil
	}
	if amount != 0 || cv != 0 || qv != 0 {
		rf.Lines = []downline.RefundLine{{LineNo: 1, Amount: -amount, CV: -cv, QV: -qv}}
	}
	t.validate(rf.Validate(), orderFields)
	if t.bad {
		return nil
	}
	seen[rf.ExternalID] = true
	return rf
}

// formatTime writes times as RFC 3339 in UTC, which every reader accepts.
func formatTime(v time.Time) string { return v.UTC().Format(time.RFC3339) }
