package gen

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// Purpose is an order's purpose, as recorded on every order.
type Purpose uint8

// The purposes, as written in orders.csv.
const (
	PurposeCustomerDirect Purpose = iota
	PurposePersonalUse
	PurposeResaleStock
	PurposeReceiptedResale
	PurposeNonCommissionable
)

var purposeNames = [...]string{"customer_direct", "personal_use", "resale_stock", "receipted_resale", "non_commissionable"}

// String returns the CSV spelling, for example "customer_direct".
func (p Purpose) String() string {
	if int(p) < len(purposeNames) {
		return purposeNames[p]
	}
	return fmt.Sprintf("Purpose(%d)", uint8(p))
}

// Order is one row of orders.csv. Money and volumes are in minor units
// (cents); a refund has negative values and RefundOf set.
type Order struct {
	// ID is the order's ID, 1..NumOrders, in stream order.
	ID int64
	// DistributorID is the credited distributor.
	DistributorID int64
	// CustomerID is the buying customer, 0 for personal use and resale
	// stock.
	CustomerID int64
	// Purpose is the order's purpose.
	Purpose Purpose
	// PaidAt is the payment time in Unix seconds (UTC).
	PaidAt int64
	// CV, QV and BV are the commissionable, qualifying and binary volume.
	CV, QV, BV int64
	// Amount is the price paid.
	Amount int64
	// RefundOf is the refunded order's ID, 0 for a sale.
	RefundOf int64
}

// PaidTime returns PaidAt as a time.Time in UTC.
func (o *Order) PaidTime() time.Time { return time.Unix(o.PaidAt, 0).UTC() }

// prices are the list prices of the synthetic catalogue, in cents: support
// plans and subscriptions of a commercial open-source vendor.
var prices = [...]int64{1990, 2900, 4900, 7900, 9900, 14900, 24900, 49900}

// Cumulative purpose mix in per mille: mostly customer-direct, some personal
// use, a little resale and a few non-commissionable items.
var purposeMix = [...]struct {
	upTo    int
	purpose Purpose
}{
	{800, PurposeCustomerDirect},
	{940, PurposePersonalUse},
	{970, PurposeReceiptedResale},
	{990, PurposeResaleStock},
	{1000, PurposeNonCommissionable},
}

// maxCustomers bounds the customers of one seller; customer IDs are
// sellerIndex*maxCustomers + k + 1, so they never collide.
const maxCustomers = 16

// orderStream produces the orders of one distributor at a time from a
// random stream seeded by (Seed, distributor index), so any distributor's
// orders can be produced without the others'.
type orderStream struct {
	g       *Generator
	pcg     rand.PCG
	r       *rand.Rand
	sales   []Order // refundable sales of the current seller
	lo, hi  int64   // paid-at window of the period
	startID int64
}

func (g *Generator) newStream() *orderStream {
	s := &orderStream{g: g, lo: g.start.Unix() + 12*3600, hi: g.end.Unix() - 12*3600}
	s.r = rand.New(&s.pcg)
	return s
}

// fill appends the orders of distributor index i, numbered from id, to buf.
func (s *orderStream) fill(buf []Order, i int, id int64) []Order {
	n := int(s.g.counts[i])
	if n == 0 {
		return buf
	}
	c := &s.g.cfg
	s.pcg.Seed(c.Seed, uint64(i))
	r := s.r
	lo := s.lo
	if j := int64(s.g.tree.JoinedDay[i]) * 86400; j > lo {
		lo = j
	}
	customers := 1 + r.IntN(min(n, maxCustomers))
	s.sales = s.sales[:0]
	for k := range n {
		o := Order{ID: id + int64(k), DistributorID: int64(i) + 1}
		if len(s.sales) > 0 && c.RefundShare > 0 && r.Float64() < c.RefundShare {
			j := r.IntN(len(s.sales))
			sale := s.sales[j]
			s.sales[j] = s.sales[len(s.sales)-1]
			s.sales = s.sales[:len(s.sales)-1]
			o.CustomerID, o.Purpose, o.RefundOf = sale.CustomerID, sale.Purpose, sale.ID
			if r.IntN(10) < 7 {
				o.CV, o.QV, o.BV, o.Amount = -sale.CV, -sale.QV, -sale.BV, -sale.Amount
			} else {
				o.CV, o.QV, o.BV, o.Amount = -(sale.CV / 2), -(sale.QV / 2), -(sale.BV / 2), -(sale.Amount / 2)
			}
			o.PaidAt = sale.PaidAt + r.Int64N(s.hi-sale.PaidAt)
			buf = append(buf, o)
			continue
		}
		u := r.IntN(1000)
		for _, m := range purposeMix {
			if u < m.upTo {
				o.Purpose = m.purpose
				break
			}
		}
		if o.Purpose != PurposePersonalUse && o.Purpose != PurposeResaleStock {
			o.CustomerID = int64(i)*maxCustomers + int64(r.IntN(customers)) + 1
		}
		qty := int64(1)
		if r.IntN(4) == 0 {
			qty += int64(r.IntN(3))
		}
		o.Amount = prices[r.IntN(len(prices))] * qty
		o.CV = o.Amount * 4 / 5
		o.QV, o.BV = o.CV, o.CV
		o.PaidAt = lo + r.Int64N(s.hi-lo)
		s.sales = append(s.sales, o)
		buf = append(buf, o)
	}
	return buf
}

// Orders calls fn with every order row, grouped by distributor in ID order,
// stopping at the first error. The *Order is reused between calls.
func (g *Generator) Orders(fn func(*Order) error) error {
	return g.OrderBatches(4096, func(batch []Order) error {
		for k := range batch {
			if err := fn(&batch[k]); err != nil {
				return err
			}
		}
		return nil
	})
}

// OrderBatches calls fn with consecutive batches of about size order rows
// (a seller's orders are never split), in the order of Orders. The batch's
// backing array is reused between calls.
func (g *Generator) OrderBatches(size int, fn func([]Order) error) error {
	size = max(size, 1)
	s := g.newStream()
	buf := make([]Order, 0, size+1024)
	id := int64(1)
	for i := range g.tree.Len() {
		before := len(buf)
		buf = s.fill(buf, i, id)
		id += int64(len(buf) - before)
		if len(buf) >= size {
			if err := fn(buf); err != nil {
				return err
			}
			buf = buf[:0]
		}
	}
	if len(buf) > 0 {
		return fn(buf)
	}
	return nil
}

// CollectOrders returns every order row in memory (80 bytes a row), for
// programmes small enough to hold; use Orders or OrderBatches for large ones.
func (g *Generator) CollectOrders() []Order {
	out := make([]Order, 0, g.total)
	s := g.newStream()
	id := int64(1)
	for i := range g.tree.Len() {
		before := len(out)
		out = s.fill(out, i, id)
		id += int64(len(out) - before)
	}
	return out
}
