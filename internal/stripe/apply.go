package stripe

import (
	"context"
	"fmt"
	"math/bits"
	"sort"
	"strings"

	"github.com/downline/downline"
)

// EventLog keeps raw events and their outcomes. *sqlstore.DB implements it.
type EventLog interface {
	// SaveWebhookEvent stores an event unless its id is known; it returns
	// the stored id and whether this call stored it.
	SaveWebhookEvent(ctx context.Context, source, eventID, eventType string, payload []byte) (int64, bool, error)
	// FinishWebhookEvent records the outcome (status applied,
	// needs_attention or ignored) and opens one needs-attention item per
	// "ref\treason" entry.
	FinishWebhookEvent(ctx context.Context, id int64, status, outcome string, attention []string) error
	// WebhookEventPayload returns a stored event for replay.
	WebhookEventPayload(ctx context.Context, source, eventID string) (int64, []byte, error)
}

// PriceBook maps billing price ids to products. *sqlstore.DB implements it.
type PriceBook interface {
	// BillingPrices returns a provider's price id → product external id.
	BillingPrices(ctx context.Context, provider string) (map[string]string, error)
}

// ReferralMover re-credits a customer that was given to the house account
// by default when its referral arrives in a later event (Checkout sends
// customer.created before checkout.session.completed). *sqlstore.DB
// implements it.
type ReferralMover interface {
	// CreditReferredCustomer moves the customer from the house account to
	// the referrer and logs the move; CodeConflict when it has moved since.
	CreditReferredCustomer(ctx context.Context, customerRef string, from, to downline.DistributorID, reason string) error
}

// Source names Stripe in the event log and the price book.
const Source = "stripe"

// Applier is the Receiver that turns Stripe events into Downline records
// through the domain services: it stores the raw event (deduplicated on
// its id), maps it to intents and applies them. Customers are keyed by
// their Stripe id (Customer.ExternalID) and orders by the invoice id, so
// applying an event twice creates nothing new.
type Applier struct {
	Events       EventLog
	Prices       PriceBook
	Customers    downline.CustomerService
	Distributors downline.DistributorService
	Orders       downline.OrderService
	Refunds      downline.RefundService
	Mover        ReferralMover // optional; without it a late referral only opens an attention item
	// HouseRef is the external id of the company's own distributor
	// account, credited with customers that arrive without a referral.
	HouseRef string
	Livemode bool
	Currency string // programme currency

	// OnCustomerCredited, when set, runs each time an event is processed
	// (replays included, so it must be idempotent) after a customer is
	// created or moved to a referrer. cmd/downline sets none: the store
	// runs the TX-11 self-dealing check itself when an order of the pair
	// arrives.
	//
	// There is no order hook: CreateOrder writes the order.attributed
	// outgoing webhook to the outbox in the order's own transaction, once
	// per order (a duplicate delivery or a replay creates no order and so
	// announces nothing again).
	OnCustomerCredited func(ctx context.Context, customerRef string, to downline.DistributorID) error
}

// ReceiveEvent implements Receiver. A duplicate delivery is acknowledged
// without processing; an event whose processing failed half-way stays in
// the "received" state, visible, for Replay.
func (a *Applier) ReceiveEvent(ctx context.Context, e *Event, raw []byte) error {
	id, isNew, err := a.Events.SaveWebhookEvent(ctx, Source, e.ID, e.Type, raw)
	if err != nil {
		return fmt.Errorf("receive stripe event %s: %w", e.ID, err)
	}
	if !isNew {
		return nil
	}
	return a.process(ctx, id, e)
}

// Replay processes a stored event again, after an operator fixed what its
// needs-attention item reported. Records that already exist are not
// created twice. Returns CodeNotFound for an unknown event.
func (a *Applier) Replay(ctx context.Context, eventID string) error {
	id, raw, err := a.Events.WebhookEventPayload(ctx, Source, eventID)
	if err != nil {
		return err
	}
	e, err := DecodeEvent(raw)
	if err != nil {
		return fmt.Errorf("replay stripe event %s: %w", eventID, err)
	}
	return a.process(ctx, id, e)
}

// storeLookup answers Lookup from the price book and the customer store,
// remembering the first infrastructure error.
type storeLookup struct {
	ctx    context.Context
	prices map[string]string
	cs     downline.CustomerService
	err    error
}

func (l *storeLookup) ProductForPrice(id string) (string, bool) { p, ok := l.prices[id]; return p, ok }

func (l *storeLookup) IsKnownCustomer(id string) bool {
	_, n, err := l.cs.FindCustomers(l.ctx, downline.CustomerFilter{ExternalID: &id, Limit: 1})
	if err != nil && l.err == nil {
		l.err = err
	}
	return n > 0
}

// outcome accumulates what processing one event did.
type outcome struct {
	done      []string
	attention []string
	ignored   int
}

func (o *outcome) attend(ref, reason string) { o.attention = append(o.attention, ref+"\t"+reason) }

func (a *Applier) process(ctx context.Context, id int64, e *Event) error {
	prices, err := a.Prices.BillingPrices(ctx, Source)
	if err != nil {
		return fmt.Errorf("process stripe event %s: %w", e.ID, err)
	}
	lk := &storeLookup{ctx: ctx, prices: prices, cs: a.Customers}
	intents := Intents(e, Mapping{Lookup: lk, Livemode: a.Livemode, Currency: a.Currency})
	if lk.err != nil {
		return fmt.Errorf("process stripe event %s: %w", e.ID, lk.err)
	}
	var o outcome
	for _, in := range intents {
		var err error
		switch in := in.(type) {
		case Attribution:
			err = a.applyAttribution(ctx, in, &o)
		case NewOrder:
			err = a.applyOrder(ctx, in, &o)
		case Refund:
			err = a.applyRefund(ctx, in, &o)
		case SubscriptionEnded:
			o.done = append(o.done, fmt.Sprintf("subscription %s ended; no further renewals", in.Subscription))
		case NeedsAttention:
			o.attend(in.Ref, in.Reason)
		case Ignored:
			o.ignored++
			o.done = append(o.done, in.Reason)
		}
		if err != nil {
			return fmt.Errorf("process stripe event %s: %w", e.ID, err)
		}
	}
	status := "applied"
	switch {
	case len(o.attention) > 0:
		status = "needs_attention"
	case o.ignored == len(intents):
		status = "ignored"
	}
	summary := strings.Join(o.done, "; ")
	if len(o.attention) > 0 {
		summary = strings.TrimPrefix(summary+fmt.Sprintf("; %d item(s) need attention", len(o.attention)), "; ")
	}
	return a.Events.FinishWebhookEvent(ctx, id, status, summary, o.attention)
}

// refusal reports whether err is the store refusing a record (bad data or
// a conflict), which belongs in the queue, rather than a failure to retry.
func refusal(err error) bool {
	c := downline.ErrorCode(err)
	return c == downline.CodeInvalid || c == downline.CodeConflict || c == downline.CodeNotFound
}

func (a *Applier) applyAttribution(ctx context.Context, at Attribution, o *outcome) error {
	existing, _, err := a.Customers.FindCustomers(ctx, downline.CustomerFilter{ExternalID: &at.Customer, Limit: 1})
	if err != nil {
		return err
	}
	var referrer downline.DistributorID
	if at.ReferralCode != "" {
		ds, _, err := a.Distributors.FindDistributors(ctx, downline.DistributorFilter{ReferralCode: &at.ReferralCode, Limit: 1})
		if err != nil {
			return err
		}
		if len(ds) == 1 && ds[0].Status == downline.StatusActive {
			referrer = ds[0].ID
		} else {
			o.attend(at.Customer, fmt.Sprintf("referral code %s is unknown or not active", at.ReferralCode))
		}
	}
	if len(existing) > 0 {
		return a.lateReferral(ctx, existing[0], referrer, at, o)
	}
	c := &downline.Customer{ExternalID: at.Customer, Name: firstNonEmpty(at.Name, at.Email, at.Customer),
		Domain: customerDomain(at.Email), Attribution: downline.AttributionCode, DistributorID: referrer}
	if c.DistributorID == 0 {
		if a.HouseRef == "" {
			o.attend(at.Customer, "customer has no valid referral and no house account is configured")
			return nil
		}
		c.DistributorRef, c.Attribution = a.HouseRef, downline.AttributionManual
	}
	if err := a.Customers.CreateCustomer(ctx, c); err != nil {
		if refusal(err) {
			o.attend(at.Customer, downline.ErrorMessage(err))
			return nil
		}
		return err
	}
	o.done = append(o.done, fmt.Sprintf("customer %s credited to distributor %d", at.Customer, c.DistributorID))
	if a.OnCustomerCredited != nil {
		return a.OnCustomerCredited(ctx, c.ExternalID, c.DistributorID)
	}
	return nil
}

// lateReferral handles a referral for a customer that exists. First touch:
// a customer credited through a referral keeps its distributor, which also
// keeps renewals where they were. Only the house account's default credit
// gives way to a referral that arrives later.
func (a *Applier) lateReferral(ctx context.Context, c *downline.Customer, referrer downline.DistributorID, at Attribution, o *outcome) error {
	byDefault := c.DistributorRef == a.HouseRef && c.Attribution == downline.AttributionManual
	if referrer == 0 || !byDefault || referrer == c.DistributorID {
		o.done = append(o.done, "customer "+at.Customer+" already credited")
		return nil
	}
	if a.Mover == nil {
		o.attend(at.Customer, fmt.Sprintf("referral code %s arrived after the customer was credited to the house account", at.ReferralCode))
		return nil
	}
	reason := fmt.Sprintf("referral code %s from Stripe %s after a default house credit", at.ReferralCode, at.Source)
	if err := a.Mover.CreditReferredCustomer(ctx, c.ExternalID, c.DistributorID, referrer, reason); err != nil {
		if refusal(err) {
			o.attend(at.Customer, downline.ErrorMessage(err))
			return nil
		}
		return err
	}
	o.done = append(o.done, fmt.Sprintf("customer %s moved from the house account to distributor %d", at.Customer, referrer))
	if a.OnCustomerCredited != nil {
		return a.OnCustomerCredited(ctx, c.ExternalID, referrer)
	}
	return nil
}

func (a *Applier) applyOrder(ctx context.Context, no NewOrder, o *outcome) error {
	ord := &downline.Order{ExternalID: no.ExternalID, CustomerRef: no.Customer, Purpose: downline.PurposeCustomerDirect,
		Currency: no.Currency, PaidAt: no.PaidAt}
	for _, l := range no.Lines {
		ord.Lines = append(ord.Lines, splitLine(l)...)
	}
	if err := a.Orders.CreateOrder(ctx, ord); err != nil {
		if refusal(err) {
			o.attend(no.ExternalID, downline.ErrorMessage(err))
			return nil
		}
		return err
	}
	kind := "order"
	if no.Renewal {
		kind = "renewal order"
	}
	o.done = append(o.done, fmt.Sprintf("%s %s credited to distributor %d", kind, no.ExternalID, ord.DistributorID))
	return nil
}

// splitLine turns a line amount that quantity does not divide into two
// lines at adjacent unit prices, so that the order total is exact without
// rounding: 1000 over 3 units is 2 × 333 + 1 × 334.
func splitLine(l OrderLine) []*downline.OrderLine {
	q := l.Quantity
	if q <= 0 {
		q = 1
	}
	unit, rest := l.Amount/q, l.Amount%q
	if rest == 0 {
		return []*downline.OrderLine{{ProductRef: l.Product, Quantity: q, UnitPrice: unit}}
	}
	if rest < 0 { // keep the remainder non-negative for negative amounts
		unit, rest = unit-1, rest+q
	}
	return []*downline.OrderLine{
		{ProductRef: l.Product, Quantity: q - rest, UnitPrice: unit},
		{ProductRef: l.Product, Quantity: rest, UnitPrice: unit + 1},
	}
}

func (a *Applier) applyRefund(ctx context.Context, r Refund, o *outcome) error {
	ord, err := a.Orders.FindOrderByExternalID(ctx, r.OrderExternalID)
	if downline.ErrorCode(err) == downline.CodeNotFound {
		o.attend(r.ExternalID, fmt.Sprintf("refund of invoice %s, which has no order", r.OrderExternalID))
		return nil
	}
	if err != nil {
		return err
	}
	var remaining, refunded int64
	rem := make([]int64, len(ord.Lines))
	for i, l := range ord.Lines {
		rem[i] = l.Amount() - l.RefundedAmount
		remaining += rem[i]
		refunded += l.RefundedAmount
	}
	amount := r.Amount
	if r.Cumulative {
		// Only the charge's running total is known; what the order has
		// already had back is subtracted.
		amount -= refunded
	}
	if amount <= 0 {
		o.done = append(o.done, fmt.Sprintf("refund %s: nothing left to refund", r.ExternalID))
		return nil
	}
	ref := &downline.Refund{ExternalID: r.ExternalID, OrderID: ord.ID, RefundedAt: r.At, Reason: "Stripe " + r.ExternalID}
	if amount < remaining {
		ref.Lines = prorate(amount, rem)
	} // otherwise no lines: everything that remains is refunded
	if amount > remaining {
		o.attend(r.ExternalID, fmt.Sprintf("refund of %d exceeds the %d that remains of order %s; refunded the remainder", amount, remaining, ord.ExternalID))
	}
	if err := a.Refunds.CreateRefund(ctx, ref); err != nil {
		if refusal(err) {
			o.attend(r.ExternalID, downline.ErrorMessage(err))
			return nil
		}
		return err
	}
	o.done = append(o.done, fmt.Sprintf("refund %s of order %s", r.ExternalID, ord.ExternalID))
	return nil
}

// prorate splits amount over lines in proportion to what remains of each,
// by largest remainder: every share is floor(amount × rem_i / Σrem), and
// the units left over go to the largest fractional parts (lower line first
// on ties). The shares sum to amount exactly; no line gets more than it has.
func prorate(amount int64, rem []int64) []downline.RefundLine {
	var total uint64
	for _, r := range rem {
		total += uint64(max(r, 0))
	}
	type share struct {
		i         int
		q, r      uint64
		remaining int64
	}
	shares := make([]share, 0, len(rem))
	var given int64
	for i, r := range rem {
		if r <= 0 {
			continue
		}
		hi, lo := bits.Mul64(uint64(amount), uint64(r))
		q, rr := bits.Div64(hi, lo, total)
		shares = append(shares, share{i: i, q: q, r: rr, remaining: r})
		given += int64(q)
	}
	sort.SliceStable(shares, func(a, b int) bool { return shares[a].r > shares[b].r })
	for k := 0; given < amount && k < len(shares); k++ {
		if int64(shares[k].q) < shares[k].remaining {
			shares[k].q++
			given++
		}
	}
	sort.Slice(shares, func(a, b int) bool { return shares[a].i < shares[b].i })
	var out []downline.RefundLine
	for _, s := range shares {
		if s.q > 0 {
			out = append(out, downline.RefundLine{LineNo: s.i + 1, Amount: int64(s.q)})
		}
	}
	return out
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			if len(s) > 200 {
				s = s[:200]
			}
			return s
		}
	}
	return ""
}

// customerDomain returns the organisation domain of a billing email, or ""
// for a consumer mailbox or anything that is not a plain domain.
func customerDomain(email string) string {
	i := strings.LastIndexByte(email, '@')
	if i < 0 {
		return ""
	}
	d := strings.ToLower(strings.TrimSpace(email[i+1:]))
	if consumerMail[d] || !strings.Contains(d, ".") {
		return ""
	}
	for _, c := range d {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.') {
			return ""
		}
	}
	return d
}

// consumerMail lists mailbox providers whose domain says nothing about the
// customer organisation.
var consumerMail = map[string]bool{
	"gmail.com": true, "googlemail.com": true, "outlook.com": true, "hotmail.com": true, "live.com": true,
	"yahoo.com": true, "icloud.com": true, "me.com": true, "aol.com": true, "proton.me": true,
	"protonmail.com": true, "gmx.de": true, "gmx.net": true, "web.de": true,
}
