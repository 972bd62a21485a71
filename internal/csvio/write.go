package csvio

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"github.com/downline/downline"
)

// Writer writes one CSV file of distributors, customers or orders in the
// format the matching reader reads. Write the records in a stable order
// (the store's ID order) for byte-identical exports; call Flush at the end.
type Writer struct {
	w        *csv.Writer
	currency string
	rec      []string
}

func newWriter(w io.Writer, columns []string) (*Writer, error) {
	cw := csv.NewWriter(w)
	if err := cw.Write(columns); err != nil {
		return nil, fmt.Errorf("write header: %w", err)
	}
	return &Writer{w: cw, rec: make([]string, len(columns))}, nil
}

// NewDistributorWriter writes the header of distributors.csv to w and
// returns a writer for its rows.
func NewDistributorWriter(w io.Writer) (*Writer, error) { return newWriter(w, DistributorColumns) }

// NewCustomerWriter writes the header of customers.csv to w and returns a
// writer for its rows.
func NewCustomerWriter(w io.Writer) (*Writer, error) { return newWriter(w, CustomerColumns) }

// NewOrderWriter writes the header of orders.csv to w and returns a writer
// for its rows; currency is the programme currency, in which refunds are
// written.
func NewOrderWriter(w io.Writer, currency string) (*Writer, error) {
	ow, err := newWriter(w, OrderColumns)
	if err != nil {
		return nil, err
	}
	ow.currency = currency
	return ow, nil
}

// Distributor writes d, naming its sponsor and placement parent by
// external id (SponsorRef, PlacementParentRef).
func (w *Writer) Distributor(d *downline.Distributor) error {
	r := w.rec
	r[0], r[1], r[2], r[3] = d.ExternalID, d.SponsorRef, formatTime(d.JoinedAt), string(d.Status)
	r[4], r[5], r[6], r[7] = d.PlacementParentRef, string(d.PlacementSide), d.Email, d.DisplayName
	r[8], r[9] = d.Country, d.ReferralCode
	return w.write("distributor", d.ExternalID)
}

// Customer writes c, naming its distributor by external id.
func (w *Writer) Customer(c *downline.Customer) error {
	r := w.rec
	r[0], r[1], r[2], r[3], r[4] = c.ExternalID, c.Name, c.Domain, c.DistributorRef, string(c.Attribution)
	return w.write("customer", c.ExternalID)
}

// Order writes o as one row per line: amount, cv, qv and bv are the line's
// totals (bv equals cv), sku and quantity the line's.
func (w *Writer) Order(o *downline.Order) error {
	for _, l := range o.Lines {
		money := func(v int64) string { return downline.NewMoney(v, o.Currency).FormatMajor() }
		r := w.rec
		r[0], r[1], r[2], r[3], r[4] = o.ExternalID, o.DistributorRef, o.CustomerRef, string(o.Purpose), formatTime(o.PaidAt)
		r[5], r[6], r[7], r[8] = money(l.TotalCV()), money(l.TotalQV()), money(l.TotalCV()), money(l.Amount())
		r[9], r[10], r[11], r[12] = o.Currency, "", l.ProductRef, strconv.FormatInt(l.Quantity, 10)
		r[13], r[14] = o.PaymentFingerprint, o.BillingAddressHash
		if err := w.write("order", o.ExternalID); err != nil {
			return err
		}
	}
	return nil
}

// Refund writes r as one row of negative totals over its lines, with
// refund_of naming the order. buyer is the refunded order, whose
// distributor, customer and purpose the row repeats; it may be nil.
func (w *Writer) Refund(r *downline.Refund, buyer *downline.Order) error {
	var amount, cv, qv int64
	for _, l := range r.Lines {
		amount, cv, qv = amount+l.Amount, cv+l.CV, qv+l.QV
	}
	money := func(v int64) string { return downline.NewMoney(-v, w.currency).FormatMajor() }
	rec := w.rec
	clear(rec)
	rec[0], rec[4] = r.ExternalID, formatTime(r.RefundedAt)
	if buyer != nil {
		rec[1], rec[2], rec[3] = buyer.DistributorRef, buyer.CustomerRef, string(buyer.Purpose)
	}
	rec[5], rec[6], rec[7], rec[8] = money(cv), money(qv), money(cv), money(amount)
	rec[9], rec[10] = w.currency, r.OrderRef
	return w.write("refund", r.ExternalID)
}

func (w *Writer) write(kind, id string) error {
	if err := w.w.Write(w.rec); err != nil {
		return fmt.Errorf("write %s %q: %w", kind, id, err)
	}
	return nil
}

// Flush writes any buffered rows and reports the first write error.
func (w *Writer) Flush() error {
	w.w.Flush()
	if err := w.w.Error(); err != nil {
		return fmt.Errorf("flush csv: %w", err)
	}
	return nil
}
