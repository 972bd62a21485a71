package downline

import (
	"context"
	"fmt"
	"time"
)

// OrderPurpose records why an order was placed; it decides which volume the
// order generates (compliance: order purpose).
type OrderPurpose string

// The order purposes.
const (
	// PurposeCustomerDirect: the company bills a customer; the credited
	// distributor is the seller. Generates CuV.
	PurposeCustomerDirect OrderPurpose = "customer_direct"
	// PurposePersonalUse: the distributor's own consumption. Generates PCV.
	PurposePersonalUse OrderPurpose = "personal_use"
	// PurposeResaleStock: a wholesale purchase for resale. Generates no
	// commissionable volume until a receipted resale is recorded.
	PurposeResaleStock OrderPurpose = "resale_stock"
	// PurposeReceiptedResale: the receipted resale of stock to a customer.
	// Generates CuV.
	PurposeReceiptedResale OrderPurpose = "receipted_resale"
	// PurposeNonCommissionable: tools, fees, events, training. Generates
	// revenue only.
	PurposeNonCommissionable OrderPurpose = "non_commissionable"
)

// IsValid reports whether p is one of the order purposes.
func (p OrderPurpose) IsValid() bool {
	switch p {
	case PurposeCustomerDirect, PurposePersonalUse, PurposeResaleStock, PurposeReceiptedResale, PurposeNonCommissionable:
		return true
	}
	return false
}

// HasCustomer reports whether orders of purpose p are bought by a customer
// (rather than by the distributor itself).
func (p OrderPurpose) HasCustomer() bool {
	return p == PurposeCustomerDirect || p == PurposeReceiptedResale
}

// BuyerType is who paid for an order (TX-01): a customer or the
// participant itself. Preferred customers are not modelled apart from
// customers yet.
type BuyerType string

// The buyer types.
const (
	BuyerCustomer    BuyerType = "customer"
	BuyerParticipant BuyerType = "participant"
)

// BuyerType derives the buyer type from the order's purpose and customer:
// customer-direct and receipted-resale orders, and non-commissionable
// orders with a customer, are bought by a customer.
func (o *Order) BuyerType() BuyerType {
	if o.Purpose.HasCustomer() || o.CustomerID != 0 || o.CustomerRef != "" {
		return BuyerCustomer
	}
	return BuyerParticipant
}

// OrderStatus is derived from the refunds recorded against an order.
type OrderStatus string

// The order statuses.
const (
	OrderPaid              OrderStatus = "paid"
	OrderPartiallyRefunded OrderStatus = "partially_refunded"
	OrderRefunded          OrderStatus = "refunded"
)

// VolumeState says whether an order's commissionable volume counts.
type VolumeState string

// The volume states.
const (
	// VolumeCounted: the order's volume went to its period at intake.
	VolumeCounted VolumeState = "counted"
	// VolumePendingAck: the seller, or an upline earning on the order,
	// works for the customer (TX-11). The order is stored and its revenue
	// counted, but it adds no CuV until someone at the customer other than
	// the seller acknowledges the relationship.
	VolumePendingAck VolumeState = "pending_ack"
	// VolumeReleased: acknowledged; the volume went to the first open
	// period at the time, which Period then names.
	VolumeReleased VolumeState = "released"
)

// Order is a paid purchase. Amounts are in minor units of Currency, which
// must be the programme currency.
type Order struct {
	ID         OrderID
	ExternalID string

	// DistributorID is the credited distributor: the seller of a customer
	// order, the buyer of any other. On create a non-zero ID wins over
	// DistributorRef; when both are empty for a customer order the
	// customer's distributor is credited.
	DistributorID  DistributorID
	DistributorRef string
	// CustomerID is the buying customer of a customer-direct order or a
	// receipted resale; zero when the distributor itself buys.
	CustomerID  CustomerID
	CustomerRef string

	Purpose  OrderPurpose
	Currency string
	PaidAt   time.Time
	Lines    []*OrderLine

	// PaymentFingerprint (an opaque token for the payment instrument, such
	// as Stripe's card fingerprint) and BillingAddress are optional facts
	// about the payer. The store keeps the fingerprint and a hash of the
	// normalised address, and uses them for the TX-02 circularity check.
	PaymentFingerprint string
	BillingAddress     string
	// BillingAddressHash is the store's hex SHA-256 of the normalised
	// billing address: set on read, and on create it stands in for an
	// empty BillingAddress (an exported order imported again), so that the
	// same order stays the same order.
	BillingAddressHash string

	// Status, Period and VolumeState are set by the store: Period is the
	// name of the period containing PaidAt in the programme's time zone,
	// or of the first open period when that one is closed.
	Status      OrderStatus
	Period      string
	VolumeState VolumeState
	// OriginalDistributorID and OriginalPurpose are set when the store
	// reclassified a customer order whose payer matched the seller or an
	// upline (TX-02): DistributorID and Purpose then name the matched
	// participant and personal use.
	OriginalDistributorID DistributorID
	OriginalPurpose       OrderPurpose
	CreatedAt             time.Time
}

// OrderLine is one product on an order. UnitPrice, CV and QV are per unit.
// When CV and QV are both zero on create and the product is
// commissionable, the store copies the catalogue's CV and QV.
type OrderLine struct {
	// LineNo numbers the lines from 1 in order; the store sets it.
	LineNo     int
	ProductID  ProductID
	ProductRef string // the product's external id (SKU)
	Quantity   int64
	UnitPrice  int64
	CV         int64
	QV         int64

	// Refunded totals, maintained by the store.
	RefundedAmount int64
	RefundedCV     int64
	RefundedQV     int64
}

// Amount returns Quantity × UnitPrice. Validate guarantees it fits int64.
func (l *OrderLine) Amount() int64 { return l.Quantity * l.UnitPrice }

// TotalCV returns Quantity × CV.
func (l *OrderLine) TotalCV() int64 { return l.Quantity * l.CV }

// TotalQV returns Quantity × QV.
func (l *OrderLine) TotalQV() int64 { return l.Quantity * l.QV }

// Total returns the sum of the line amounts.
func (o *Order) Total() int64 {
	var t int64
	for _, l := range o.Lines {
		t += l.Amount()
	}
	return t
}

// TotalCV returns the sum of the lines' CV.
func (o *Order) TotalCV() int64 {
	var t int64
	for _, l := range o.Lines {
		t += l.TotalCV()
	}
	return t
}

// maxOrderLines bounds the lines of one order.
const maxOrderLines = 1000

// Validate checks o and returns a CodeInvalid *Error naming the order, the
// line where there is one, and the first bad field, for example
// `order "INV-7": line 2: quantity must be positive`. It checks the record
// alone; the store checks that referenced records exist, that the currency
// is the programme's, and that non-commissionable products carry no CV.
func (o *Order) Validate() error {
	bad := func(field, why string) error {
		return Errorf(CodeInvalid, "order %q: %s %s", o.ExternalID, field, why)
	}
	switch {
	case !isExternalID(o.ExternalID):
		return bad("external id", externalIDRule)
	case !o.Purpose.IsValid():
		return bad("purpose", "must be customer_direct, personal_use, resale_stock, receipted_resale or non_commissionable")
	case o.Purpose.HasCustomer() && o.CustomerID == 0 && o.CustomerRef == "":
		return bad("customer", "is required for a "+string(o.Purpose)+" order")
	case !o.Purpose.HasCustomer() && o.Purpose != PurposeNonCommissionable && (o.CustomerID != 0 || o.CustomerRef != ""):
		return bad("customer", "must be empty for a "+string(o.Purpose)+" order: the distributor is the buyer")
	case o.CustomerID == 0 && o.CustomerRef == "" && o.DistributorID == 0 && o.DistributorRef == "":
		return bad("distributor", "is required")
	case !IsCurrency(o.Currency):
		return bad("currency", "must be an ISO 4217 code such as EUR")
	case o.PaidAt.IsZero():
		return bad("paid at", "is required")
	case len(o.Lines) == 0:
		return bad("lines", "must not be empty")
	case len(o.Lines) > maxOrderLines:
		return bad("lines", fmt.Sprintf("must be at most %d", maxOrderLines))
	case len(o.PaymentFingerprint) > 200:
		return bad("payment fingerprint", "must be at most 200 characters")
	case len(o.BillingAddress) > 1000:
		return bad("billing address", "must be at most 1000 characters")
	case o.BillingAddressHash != "" && !isHexSHA256(o.BillingAddressHash):
		return bad("billing address hash", "must be 64 lowercase hexadecimal digits")
	}
	var total, totalCV int64
	for i, l := range o.Lines {
		lbad := func(field, why string) error {
			return Errorf(CodeInvalid, "order %q: line %d: %s %s", o.ExternalID, i+1, field, why)
		}
		if l == nil {
			return lbad("line", "is missing")
		}
		switch {
		case l.ProductID == 0 && l.ProductRef == "":
			return lbad("product", "is required")
		case l.Quantity <= 0:
			return lbad("quantity", "must be positive")
		case l.UnitPrice < 0:
			return lbad("unit price", "must not be negative")
		case l.CV < 0:
			return lbad("CV", "must not be negative")
		case l.QV < 0:
			return lbad("QV", "must not be negative")
		}
		amt, ok1 := MulAmounts(l.Quantity, l.UnitPrice)
		cv, ok2 := MulAmounts(l.Quantity, l.CV)
		_, ok3 := MulAmounts(l.Quantity, l.QV)
		if !ok1 || !ok2 || !ok3 {
			return lbad("quantity", "times price or volume overflows")
		}
		var ok4, ok5 bool
		total, ok4 = AddAmounts(total, amt)
		totalCV, ok5 = AddAmounts(totalCV, cv)
		if !ok4 || !ok5 {
			return lbad("amount", "makes the order total overflow")
		}
	}
	return nil
}

// OrderFilter selects orders; nil fields match everything.
type OrderFilter struct {
	ID            *OrderID
	ExternalID    *string
	DistributorID *DistributorID
	CustomerID    *CustomerID
	Purpose       *OrderPurpose
	Status        *OrderStatus
	VolumeState   *VolumeState
	// Period selects orders paid in the named period ("YYYY-MM").
	Period *string
	// PaidFrom (inclusive) and PaidTo (exclusive) bound PaidAt.
	PaidFrom *time.Time
	PaidTo   *time.Time

	// AfterID is a keyset cursor; results are ordered by ID. Limit 0 means
	// no limit.
	AfterID OrderID
	Offset  int
	Limit   int
}

// OrderService stores orders. Storing an order also adds its volume to the
// per-period aggregates in the same transaction (see VolumeService).
type OrderService interface {
	// FindOrderByID returns one order with its lines. Returns CodeNotFound.
	FindOrderByID(ctx context.Context, id OrderID) (*Order, error)

	// FindOrderByExternalID returns one order with its lines. Returns
	// CodeNotFound.
	FindOrderByExternalID(ctx context.Context, externalID string) (*Order, error)

	// FindOrders returns the orders matching filter with their lines,
	// ordered by ID, and the total number of matches ignoring Offset and
	// Limit.
	FindOrders(ctx context.Context, filter OrderFilter) ([]*Order, int, error)

	// CreateOrder stores o, filling IDs, refs, line numbers, catalogue
	// volumes, status, period and timestamps. The same external id with the
	// same content is a no-op that fills o from the stored record. Returns
	// CodeInvalid for a bad order, an unknown distributor, customer or
	// product, a currency other than the programme's, or CV on a
	// non-commissionable product; CodeConflict when the external id exists
	// with other content; CodeNotFound when no programme exists.
	CreateOrder(ctx context.Context, o *Order) error

	// CreateOrders stores os in one transaction: all or none. Errors name
	// the record and the field, with the codes of CreateOrder.
	CreateOrders(ctx context.Context, os []*Order) error
}

// isHexSHA256 reports whether s is a SHA-256 digest in lowercase hex.
func isHexSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}
