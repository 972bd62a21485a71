package stripe

// The object types below carry only the fields Downline reads. Amounts are
// int64 minor units, as Stripe sends them; currencies are Stripe's lower-case
// ISO codes; times are unix seconds.

// Invoice is a Stripe invoice.
type Invoice struct {
	ID                  string            `json:"id"`
	Customer            ID                `json:"customer"`
	CustomerEmail       string            `json:"customer_email"`
	CustomerName        string            `json:"customer_name"`
	Subscription        ID                `json:"subscription"`
	BillingReason       string            `json:"billing_reason"`
	Currency            string            `json:"currency"`
	AmountPaid          int64             `json:"amount_paid"`
	Subtotal            int64             `json:"subtotal"`
	SubtotalExcludingTx *int64            `json:"subtotal_excluding_tax"`
	Status              string            `json:"status"`
	Paid                bool              `json:"paid"`
	Metadata            map[string]string `json:"metadata"`
	StatusTransitions   struct {
		PaidAt *int64 `json:"paid_at"`
	} `json:"status_transitions"`
	Lines struct {
		Data    []InvoiceLine `json:"data"`
		HasMore bool          `json:"has_more"`
	} `json:"lines"`
}

// Billing reasons that decide whether a paid invoice is a first payment or
// a renewal.
const (
	BillingReasonSubscriptionCreate = "subscription_create"
	BillingReasonSubscriptionCycle  = "subscription_cycle"
)

// InvoiceLine is one line of an invoice.
type InvoiceLine struct {
	ID                 string `json:"id"`
	Amount             int64  `json:"amount"`
	AmountExcludingTax *int64 `json:"amount_excluding_tax"`
	Currency           string `json:"currency"`
	Quantity           int64  `json:"quantity"`
	Proration          bool   `json:"proration"`
	Price              *struct {
		ID      string `json:"id"`
		Product ID     `json:"product"`
	} `json:"price"`
	DiscountAmounts []struct {
		Amount int64 `json:"amount"`
	} `json:"discount_amounts"`
}

// Charge is a Stripe charge, as sent with charge.refunded.
type Charge struct {
	ID             string `json:"id"`
	Invoice        ID     `json:"invoice"`
	Customer       ID     `json:"customer"`
	Amount         int64  `json:"amount"`
	AmountCaptured int64  `json:"amount_captured"`
	AmountRefunded int64  `json:"amount_refunded"`
	Currency       string `json:"currency"`
	Refunded       bool   `json:"refunded"`
	Refunds        *struct {
		Data    []RefundObject `json:"data"`
		HasMore bool           `json:"has_more"`
	} `json:"refunds"`
}

// RefundObject is one refund of a charge.
type RefundObject struct {
	ID       string `json:"id"`
	Amount   int64  `json:"amount"`
	Currency string `json:"currency"`
	Status   string `json:"status"`
	Created  int64  `json:"created"`
}

// CreditNote is a Stripe credit note: a full or partial reduction of an
// invoice, refunded or credited to the customer.
type CreditNote struct {
	ID                  string `json:"id"`
	Invoice             ID     `json:"invoice"`
	Customer            ID     `json:"customer"`
	Amount              int64  `json:"amount"`
	Total               int64  `json:"total"`
	Subtotal            int64  `json:"subtotal"`
	SubtotalExcludingTx *int64 `json:"subtotal_excluding_tax"`
	Currency            string `json:"currency"`
	Type                string `json:"type"`
	Status              string `json:"status"`
	Created             int64  `json:"created"`
	Lines               struct {
		Data []struct {
			ID              string `json:"id"`
			InvoiceLineItem string `json:"invoice_line_item"`
			Amount          int64  `json:"amount"`
			Quantity        int64  `json:"quantity"`
		} `json:"data"`
	} `json:"lines"`
}

// CheckoutSession is a Stripe Checkout session.
type CheckoutSession struct {
	ID                string            `json:"id"`
	ClientReferenceID string            `json:"client_reference_id"`
	Customer          ID                `json:"customer"`
	CustomerEmail     string            `json:"customer_email"`
	Subscription      ID                `json:"subscription"`
	Invoice           ID                `json:"invoice"`
	Mode              string            `json:"mode"`
	PaymentStatus     string            `json:"payment_status"`
	Metadata          map[string]string `json:"metadata"`
	CustomerDetails   *struct {
		Email string `json:"email"`
		Name  string `json:"name"`
	} `json:"customer_details"`
}

// Customer is a Stripe customer.
type Customer struct {
	ID       string            `json:"id"`
	Email    string            `json:"email"`
	Name     string            `json:"name"`
	Created  int64             `json:"created"`
	Metadata map[string]string `json:"metadata"`
}

// Subscription is a Stripe subscription.
type Subscription struct {
	ID         string `json:"id"`
	Customer   ID     `json:"customer"`
	Status     string `json:"status"`
	EndedAt    *int64 `json:"ended_at"`
	CanceledAt *int64 `json:"canceled_at"`
}

// DecodeInvoice decodes the invoice in an invoice.* event.
func DecodeInvoice(e *Event) (*Invoice, error) {
	var v Invoice
	if err := decodeObject(e, "invoice", &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// DecodeCharge decodes the charge in a charge.* event.
func DecodeCharge(e *Event) (*Charge, error) {
	var v Charge
	if err := decodeObject(e, "charge", &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// DecodeCreditNote decodes the credit note in a credit_note.* event.
func DecodeCreditNote(e *Event) (*CreditNote, error) {
	var v CreditNote
	if err := decodeObject(e, "credit_note", &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// DecodeCheckoutSession decodes the session in a checkout.session.* event.
func DecodeCheckoutSession(e *Event) (*CheckoutSession, error) {
	var v CheckoutSession
	if err := decodeObject(e, "checkout.session", &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// DecodeCustomer decodes the customer in a customer.* event.
func DecodeCustomer(e *Event) (*Customer, error) {
	var v Customer
	if err := decodeObject(e, "customer", &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// DecodeSubscription decodes the subscription in a customer.subscription.*
// event.
func DecodeSubscription(e *Event) (*Subscription, error) {
	var v Subscription
	if err := decodeObject(e, "subscription", &v); err != nil {
		return nil, err
	}
	return &v, nil
}
