package stripe

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"
)

// Intent is what one event asks Downline to do, in domain-neutral terms:
// one of NewOrder, Refund, Attribution, SubscriptionEnded, NeedsAttention or
// Ignored. Intents of one event are applied in the order given.
type Intent interface{ isIntent() }

// NewOrder asks for an order for a paid invoice. ExternalID (the invoice id)
// is the idempotency key: applying it twice must create one order.
type NewOrder struct {
	ExternalID   string // Stripe invoice id
	Customer     string // Stripe customer id
	Subscription string // Stripe subscription id, "" for one-off invoices
	Lines        []OrderLine
	Total        int64 // Σ line amounts, minor units
	Currency     string
	PaidAt       time.Time
	Renewal      bool // a subscription_cycle payment, credited like the first one
}

// OrderLine is one product line of a NewOrder. Amount is net of tax and
// discounts, in minor units; it may be negative for proration credits.
type OrderLine struct {
	ExternalID string // Stripe invoice line id
	PriceID    string
	Product    string // Downline product, from the caller's price mapping
	Quantity   int64
	Amount     int64
}

// Refund asks for a full or partial refund of the order created for
// OrderExternalID. ExternalID is the idempotency key.
//
// When Cumulative is set, Stripe sent only the charge's running refund
// total (API versions from 2022-11-15 omit the refund list): Amount is that
// total, ExternalID names the total, and the applier refunds Amount minus
// what it already recorded for the same charge.
type Refund struct {
	ExternalID      string
	OrderExternalID string // Stripe invoice id
	Amount          int64
	Currency        string
	Full            bool // the order is refunded in full with this refund
	Cumulative      bool
	At              time.Time
}

// Attribution records who referred a Stripe customer. An empty ReferralCode
// still introduces the customer (with its email, whose domain feeds the
// self-dealing and self-referral checks) without crediting anyone.
type Attribution struct {
	Customer     string // Stripe customer id
	Email        string
	Name         string
	ReferralCode string
	Source       string // Stripe object type the code came from
	At           time.Time
}

// SubscriptionEnded reports that a subscription was cancelled for good; no
// further renewals will be credited.
type SubscriptionEnded struct {
	Subscription string
	Customer     string
	Status       string
	EndedAt      time.Time
}

// NeedsAttention puts the event in the operator's queue. Ref names the
// Stripe object concerned; Reason is a sentence for the operator. After the
// operator fixes the cause (a price mapping, a customer) the stored event is
// replayed.
type NeedsAttention struct {
	Ref    string
	Reason string
}

// Ignored records why an event has no effect, so that every stored event
// has a visible outcome.
type Ignored struct {
	Reason string
}

func (NewOrder) isIntent()          {}
func (Refund) isIntent()            {}
func (Attribution) isIntent()       {}
func (SubscriptionEnded) isIntent() {}
func (NeedsAttention) isIntent()    {}
func (Ignored) isIntent()           {}

// Lookup is the caller's view of its catalogue and customers.
type Lookup interface {
	// ProductForPrice returns the Downline product sold under a Stripe
	// price id, and whether there is one.
	ProductForPrice(priceID string) (product string, ok bool)
	// IsKnownCustomer reports whether Downline has a customer for a Stripe
	// customer id.
	IsKnownCustomer(customerID string) bool
}

// MapLookup is a Lookup over in-memory maps, for callers that load the
// price mapping and the relevant customers before mapping an event.
type MapLookup struct {
	Products  map[string]string // Stripe price id → Downline product
	Customers map[string]bool   // Stripe customer ids Downline knows
}

// ProductForPrice implements Lookup.
func (l MapLookup) ProductForPrice(priceID string) (string, bool) {
	p, ok := l.Products[priceID]
	return p, ok
}

// IsKnownCustomer implements Lookup.
func (l MapLookup) IsKnownCustomer(customerID string) bool { return l.Customers[customerID] }

// Mapping configures Intents.
type Mapping struct {
	Lookup   Lookup
	Livemode bool   // events of the other mode are ignored
	Currency string // programme currency (ISO, any case); "" accepts any
	// ReferralKeys are the metadata keys that may carry a referral code,
	// in order of preference; nil means "referral_code", then "ref".
	ReferralKeys []string
}

var referralCodePattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// Intents maps an event to what Downline should do. It never returns an
// empty slice: an event it cannot act on yields NeedsAttention or Ignored.
func Intents(e *Event, m Mapping) []Intent {
	if e.Livemode != m.Livemode {
		return []Intent{Ignored{Reason: fmt.Sprintf("event livemode=%t on an endpoint configured for livemode=%t", e.Livemode, m.Livemode)}}
	}
	var (
		out []Intent
		err error
	)
	switch e.Type {
	case TypeInvoicePaid:
		out, err = invoiceIntents(e, m)
	case TypeChargeRefunded:
		out, err = chargeIntents(e, m)
	case TypeCreditNoteCreated:
		out, err = creditNoteIntents(e, m)
	case TypeCheckoutSessionComplete:
		out, err = checkoutIntents(e, m)
	case TypeCustomerCreated:
		out, err = customerIntents(e, m)
	case TypeSubscriptionDeleted:
		out, err = subscriptionIntents(e)
	default:
		return []Intent{Ignored{Reason: fmt.Sprintf("event type %s is not handled", e.Type)}}
	}
	if err != nil {
		return []Intent{NeedsAttention{Ref: e.ID, Reason: err.Error()}}
	}
	return out
}

func invoiceIntents(e *Event, m Mapping) ([]Intent, error) {
	inv, err := DecodeInvoice(e)
	if err != nil {
		return nil, err
	}
	cur, err := checkCurrency(m, "invoice "+inv.ID, inv.Currency)
	if err != nil {
		return nil, err
	}
	if inv.Customer == "" {
		return nil, fmt.Errorf("invoice %s: field customer is empty", inv.ID)
	}
	if inv.Lines.HasMore {
		return nil, fmt.Errorf("invoice %s: the event lists only part of the lines; the order needs the full list", inv.ID)
	}
	var out []Intent
	customer := string(inv.Customer)
	known := m.Lookup != nil && m.Lookup.IsKnownCustomer(customer)
	if code := referralCode(m, inv.Metadata); code != "" {
		out = append(out, Attribution{Customer: customer, Email: inv.CustomerEmail, Name: inv.CustomerName,
			ReferralCode: code, Source: "invoice", At: e.Created})
		known = true // the attribution introduces the customer
	}
	if !known {
		return nil, fmt.Errorf("invoice %s: customer %s is unknown to Downline", inv.ID, customer)
	}
	o := NewOrder{ExternalID: inv.ID, Customer: customer, Subscription: string(inv.Subscription),
		Currency: cur, PaidAt: e.Created,
		Renewal: inv.BillingReason == BillingReasonSubscriptionCycle}
	if inv.StatusTransitions.PaidAt != nil {
		o.PaidAt = time.Unix(*inv.StatusTransitions.PaidAt, 0).UTC()
	}
	var unknown []string
	for i, l := range inv.Lines.Data {
		if l.Price == nil || l.Price.ID == "" {
			unknown = append(unknown, fmt.Sprintf("line %d (%s) has no price", i+1, l.ID))
			continue
		}
		product, ok := "", false
		if m.Lookup != nil {
			product, ok = m.Lookup.ProductForPrice(l.Price.ID)
		}
		if !ok {
			unknown = append(unknown, fmt.Sprintf("line %d (%s) has unmapped price %s", i+1, l.ID, l.Price.ID))
			continue
		}
		amount := l.Amount
		if l.AmountExcludingTax != nil {
			amount = *l.AmountExcludingTax
		}
		for _, d := range l.DiscountAmounts {
			amount -= d.Amount
		}
		o.Lines = append(o.Lines, OrderLine{ExternalID: l.ID, PriceID: l.Price.ID, Product: product,
			Quantity: l.Quantity, Amount: amount})
		o.Total += amount
	}
	if len(unknown) > 0 {
		return nil, fmt.Errorf("invoice %s: %s", inv.ID, strings.Join(unknown, "; "))
	}
	if len(o.Lines) == 0 {
		return nil, fmt.Errorf("invoice %s: no lines", inv.ID)
	}
	if o.Total == 0 && inv.AmountPaid == 0 {
		// A free trial or a fully discounted invoice is not a sale (PL-01:
		// no credit for free sign-ups), so it must not create an order.
		return append(out, Ignored{Reason: fmt.Sprintf("invoice %s: nothing was paid", inv.ID)}), nil
	}
	return append(out, o), nil
}

func chargeIntents(e *Event, m Mapping) ([]Intent, error) {
	ch, err := DecodeCharge(e)
	if err != nil {
		return nil, err
	}
	cur, err := checkCurrency(m, "charge "+ch.ID, ch.Currency)
	if err != nil {
		return nil, err
	}
	if ch.Invoice == "" {
		return nil, fmt.Errorf("charge %s: not linked to an invoice, so no order to refund", ch.ID)
	}
	order := string(ch.Invoice)
	if ch.Refunds == nil || len(ch.Refunds.Data) == 0 || ch.Refunds.HasMore {
		if ch.AmountRefunded <= 0 {
			return []Intent{Ignored{Reason: fmt.Sprintf("charge %s: nothing refunded", ch.ID)}}, nil
		}
		return []Intent{Refund{ExternalID: fmt.Sprintf("%s/refunded/%d", ch.ID, ch.AmountRefunded),
			OrderExternalID: order, Amount: ch.AmountRefunded, Currency: cur,
			Full: ch.Refunded, Cumulative: true, At: e.Created}}, nil
	}
	refunds := make([]RefundObject, 0, len(ch.Refunds.Data))
	for _, r := range ch.Refunds.Data {
		if r.Status == "failed" || r.Status == "canceled" {
			continue
		}
		refunds = append(refunds, r)
	}
	sort.Slice(refunds, func(i, j int) bool {
		if refunds[i].Created != refunds[j].Created {
			return refunds[i].Created < refunds[j].Created
		}
		return refunds[i].ID < refunds[j].ID
	})
	var out []Intent
	for i, r := range refunds {
		at := e.Created
		if r.Created > 0 {
			at = time.Unix(r.Created, 0).UTC()
		}
		out = append(out, Refund{ExternalID: r.ID, OrderExternalID: order, Amount: r.Amount, Currency: cur,
			Full: ch.Refunded && i == len(refunds)-1, At: at})
	}
	if len(out) == 0 {
		return []Intent{Ignored{Reason: fmt.Sprintf("charge %s: every refund failed or was cancelled", ch.ID)}}, nil
	}
	return out, nil
}

func creditNoteIntents(e *Event, m Mapping) ([]Intent, error) {
	cn, err := DecodeCreditNote(e)
	if err != nil {
		return nil, err
	}
	cur, err := checkCurrency(m, "credit note "+cn.ID, cn.Currency)
	if err != nil {
		return nil, err
	}
	if cn.Invoice == "" {
		return nil, fmt.Errorf("credit note %s: field invoice is empty", cn.ID)
	}
	if cn.Status == "void" {
		return []Intent{Ignored{Reason: fmt.Sprintf("credit note %s is void", cn.ID)}}, nil
	}
	// Volume is net of tax, so the refund is too.
	amount := cn.Subtotal
	if cn.SubtotalExcludingTx != nil {
		amount = *cn.SubtotalExcludingTx
	}
	at := e.Created
	if cn.Created > 0 {
		at = time.Unix(cn.Created, 0).UTC()
	}
	return []Intent{Refund{ExternalID: cn.ID, OrderExternalID: string(cn.Invoice), Amount: amount,
		Currency: cur, At: at}}, nil
}

func checkoutIntents(e *Event, m Mapping) ([]Intent, error) {
	s, err := DecodeCheckoutSession(e)
	if err != nil {
		return nil, err
	}
	code := referralCode(m, s.Metadata)
	if code == "" && s.ClientReferenceID != "" {
		if !referralCodePattern.MatchString(s.ClientReferenceID) {
			return nil, fmt.Errorf("checkout session %s: client_reference_id %.70q is not a referral code", s.ID, s.ClientReferenceID)
		}
		code = s.ClientReferenceID
	}
	if s.Customer == "" {
		if code == "" {
			return []Intent{Ignored{Reason: fmt.Sprintf("checkout session %s: no customer and no referral code", s.ID)}}, nil
		}
		return nil, fmt.Errorf("checkout session %s: referral code %s but no customer to credit", s.ID, code)
	}
	a := Attribution{Customer: string(s.Customer), Email: s.CustomerEmail, ReferralCode: code,
		Source: "checkout.session", At: e.Created}
	if s.CustomerDetails != nil {
		if s.CustomerDetails.Email != "" {
			a.Email = s.CustomerDetails.Email
		}
		a.Name = s.CustomerDetails.Name
	}
	return []Intent{a}, nil
}

func customerIntents(e *Event, m Mapping) ([]Intent, error) {
	c, err := DecodeCustomer(e)
	if err != nil {
		return nil, err
	}
	if c.ID == "" {
		return nil, fmt.Errorf("event %s: customer has no id", e.ID)
	}
	at := e.Created
	if c.Created > 0 {
		at = time.Unix(c.Created, 0).UTC()
	}
	return []Intent{Attribution{Customer: c.ID, Email: c.Email, Name: c.Name,
		ReferralCode: referralCode(m, c.Metadata), Source: "customer", At: at}}, nil
}

func subscriptionIntents(e *Event) ([]Intent, error) {
	s, err := DecodeSubscription(e)
	if err != nil {
		return nil, err
	}
	end := e.Created
	switch {
	case s.EndedAt != nil:
		end = time.Unix(*s.EndedAt, 0).UTC()
	case s.CanceledAt != nil:
		end = time.Unix(*s.CanceledAt, 0).UTC()
	}
	return []Intent{SubscriptionEnded{Subscription: s.ID, Customer: string(s.Customer), Status: s.Status, EndedAt: end}}, nil
}

// referralCode returns the first well-formed code among the configured
// metadata keys. A malformed value is skipped rather than trusted.
func referralCode(m Mapping, md map[string]string) string {
	keys := m.ReferralKeys
	if keys == nil {
		keys = []string{"referral_code", "ref"}
	}
	for _, k := range keys {
		if v := strings.TrimSpace(md[k]); referralCodePattern.MatchString(v) {
			return v
		}
	}
	return ""
}

func checkCurrency(m Mapping, what, cur string) (string, error) {
	c := strings.ToUpper(cur)
	if c == "" {
		return "", fmt.Errorf("%s: field currency is empty", what)
	}
	if m.Currency != "" && !strings.EqualFold(m.Currency, c) {
		return "", fmt.Errorf("%s: currency %s is not the programme currency %s", what, c, strings.ToUpper(m.Currency))
	}
	return c, nil
}
