package stripe_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"

	"github.com/downline/downline/internal/stripe"
)

// Ids taken from Stripe's example objects in fixtures3.json.
const (
	fxInvoice     = "in_1MoqxGLgUG5tbmjcJeILGSau"
	fxInvoiceLine = "il_1MoqxDLgUG5tbmjct1y8AVhx"
	fxCustomer    = "cus_NZbFQAsc0ptasX"
	fxOneOffPrice = "price_1MoS36LgUG5tbmjch8DFzJe3"
	fxMonthPrice  = "price_1MoS37LgUG5tbmjcCA3GTNX8"
	fxSub         = "sub_1MoqxHLgUG5tbmjcG8lOfx2N"
	fxCharge      = "ch_1MoS30LgUG5tbmjcjfsQqpHI"
	fxCreditNote  = "cn_1MoqxTLgUG5tbmjcYOw6O0nz"
	fxCNInvoice   = "in_1MoqxTLgUG5tbmjc7Pweyrwz"
)

func testMapping() stripe.Mapping {
	return stripe.Mapping{
		Currency: "USD",
		Lookup: stripe.MapLookup{
			Products:  map[string]string{fxOneOffPrice: "setup-service", fxMonthPrice: "support-monthly"},
			Customers: map[string]bool{fxCustomer: true},
		},
	}
}

// decode signs nothing: it builds the event body from the fixture object
// and decodes it the way the webhook handler does.
func decode(t *testing.T, id, typ string, obj map[string]any) *stripe.Event {
	t.Helper()
	e, err := stripe.DecodeEvent(eventBody(t, id, typ, obj))
	if err != nil {
		t.Fatalf("DecodeEvent: %v", err)
	}
	return e
}

// paidInvoice turns Stripe's draft example invoice into a paid one.
func paidInvoice(t *testing.T, reason string) map[string]any {
	inv := fixture(t, "invoice")
	inv["status"] = "paid"
	inv["paid"] = true
	inv["amount_paid"] = 1000
	inv["billing_reason"] = reason
	inv["subscription"] = fxSub
	inv["status_transitions"].(map[string]any)["paid_at"] = 1679588800
	return inv
}

func lines(inv map[string]any) []any { return inv["lines"].(map[string]any)["data"].([]any) }

func TestIntentsInvoicePaid(t *testing.T) {
	paidAt := time.Unix(1679588800, 0).UTC()
	tests := []struct {
		name   string
		edit   func(t *testing.T) map[string]any
		tweakM func(*stripe.Mapping)
		want   []stripe.Intent
	}{
		{
			name: "first subscription payment",
			edit: func(t *testing.T) map[string]any { return paidInvoice(t, "subscription_create") },
			want: []stripe.Intent{stripe.NewOrder{
				ExternalID: fxInvoice, Customer: fxCustomer, Subscription: fxSub, Currency: "USD", PaidAt: paidAt,
				Lines: []stripe.OrderLine{{ExternalID: fxInvoiceLine, PriceID: fxOneOffPrice, Product: "setup-service", Quantity: 1, Amount: 1000}},
				Total: 1000,
			}},
		},
		{
			// Line 1: 3 × 1000 = 3000, less a 300 discount → 2700.
			// Line 2: 2000 with 200 inclusive tax → 1800 excluding tax.
			// Total 2700 + 1800 = 4500.
			name: "renewal with discount and inclusive tax",
			edit: func(t *testing.T) map[string]any {
				inv := paidInvoice(t, "subscription_cycle")
				l1 := lines(inv)[0].(map[string]any)
				l1["quantity"], l1["amount"], l1["amount_excluding_tax"] = 3, 3000, 3000
				l1["discount_amounts"] = []any{map[string]any{"amount": 300, "discount": "di_1"}}
				l2 := map[string]any{"id": "il_2", "amount": 2000, "amount_excluding_tax": 1800, "quantity": 1,
					"currency": "usd", "price": map[string]any{"id": fxMonthPrice, "product": map[string]any{"id": "prod_NZbFOV0OmNHxwl"}}}
				inv["lines"].(map[string]any)["data"] = append(lines(inv), l2)
				return inv
			},
			want: []stripe.Intent{stripe.NewOrder{
				ExternalID: fxInvoice, Customer: fxCustomer, Subscription: fxSub, Currency: "USD", PaidAt: paidAt, Renewal: true,
				Lines: []stripe.OrderLine{
					{ExternalID: fxInvoiceLine, PriceID: fxOneOffPrice, Product: "setup-service", Quantity: 3, Amount: 2700},
					{ExternalID: "il_2", PriceID: fxMonthPrice, Product: "support-monthly", Quantity: 1, Amount: 1800},
				},
				Total: 4500,
			}},
		},
		{
			name:   "unmapped price goes to the queue",
			edit:   func(t *testing.T) map[string]any { return paidInvoice(t, "subscription_create") },
			tweakM: func(m *stripe.Mapping) { m.Lookup = stripe.MapLookup{Customers: map[string]bool{fxCustomer: true}} },
			want: []stripe.Intent{stripe.NeedsAttention{Ref: "evt_1",
				Reason: "invoice " + fxInvoice + ": line 1 (" + fxInvoiceLine + ") has unmapped price " + fxOneOffPrice}},
		},
		{
			name:   "unknown customer goes to the queue",
			edit:   func(t *testing.T) map[string]any { return paidInvoice(t, "subscription_create") },
			tweakM: func(m *stripe.Mapping) { m.Lookup = stripe.MapLookup{Products: map[string]string{fxOneOffPrice: "x"}} },
			want: []stripe.Intent{stripe.NeedsAttention{Ref: "evt_1",
				Reason: "invoice " + fxInvoice + ": customer " + fxCustomer + " is unknown to Downline"}},
		},
		{
			name: "referral code in metadata introduces an unknown customer",
			edit: func(t *testing.T) map[string]any {
				inv := paidInvoice(t, "subscription_create")
				inv["metadata"] = map[string]any{"referral_code": "ALICE-7"}
				inv["customer_email"] = "it@acme.example"
				return inv
			},
			tweakM: func(m *stripe.Mapping) {
				m.Lookup = stripe.MapLookup{Products: map[string]string{fxOneOffPrice: "setup-service"}}
			},
			want: []stripe.Intent{
				stripe.Attribution{Customer: fxCustomer, Email: "it@acme.example", ReferralCode: "ALICE-7", Source: "invoice",
					At: time.Unix(1234567890, 0).UTC()},
				stripe.NewOrder{ExternalID: fxInvoice, Customer: fxCustomer, Subscription: fxSub, Currency: "USD", PaidAt: paidAt,
					Lines: []stripe.OrderLine{{ExternalID: fxInvoiceLine, PriceID: fxOneOffPrice, Product: "setup-service", Quantity: 1, Amount: 1000}},
					Total: 1000},
			},
		},
		{
			name:   "foreign currency goes to the queue",
			edit:   func(t *testing.T) map[string]any { return paidInvoice(t, "subscription_create") },
			tweakM: func(m *stripe.Mapping) { m.Currency = "eur" },
			want: []stripe.Intent{stripe.NeedsAttention{Ref: "evt_1",
				Reason: "invoice " + fxInvoice + ": currency USD is not the programme currency EUR"}},
		},
		{
			name: "free trial invoice is not a sale",
			edit: func(t *testing.T) map[string]any {
				inv := paidInvoice(t, "subscription_create")
				inv["amount_paid"] = 0
				l := lines(inv)[0].(map[string]any)
				l["amount"], l["amount_excluding_tax"] = 0, 0
				return inv
			},
			want: []stripe.Intent{stripe.Ignored{Reason: "invoice " + fxInvoice + ": nothing was paid"}},
		},
		{
			name: "truncated line list goes to the queue",
			edit: func(t *testing.T) map[string]any {
				inv := paidInvoice(t, "subscription_create")
				inv["lines"].(map[string]any)["has_more"] = true
				return inv
			},
			want: []stripe.Intent{stripe.NeedsAttention{Ref: "evt_1",
				Reason: "invoice " + fxInvoice + ": the event lists only part of the lines; the order needs the full list"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := testMapping()
			if tt.tweakM != nil {
				tt.tweakM(&m)
			}
			got := stripe.Intents(decode(t, "evt_1", stripe.TypeInvoicePaid, tt.edit(t)), m)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Intents diff (-want +got):\n%s", diff)
			}
		})
	}
}

func TestIntentsRefunds(t *testing.T) {
	created := time.Unix(1234567890, 0).UTC()
	tests := []struct {
		name string
		typ  string
		obj  func(t *testing.T) map[string]any
		want []stripe.Intent
	}{
		{
			name: "charge without invoice goes to the queue",
			typ:  stripe.TypeChargeRefunded,
			obj: func(t *testing.T) map[string]any {
				ch := fixture(t, "charge")
				ch["amount_refunded"], ch["refunded"] = 100, true
				return ch
			},
			want: []stripe.Intent{stripe.NeedsAttention{Ref: "evt_1",
				Reason: "charge " + fxCharge + ": not linked to an invoice, so no order to refund"}},
		},
		{
			// Two refunds of 30 and 70 on a 100 charge: the second
			// completes the full refund (30 + 70 = 100).
			name: "refund list, partial then full",
			typ:  stripe.TypeChargeRefunded,
			obj: func(t *testing.T) map[string]any {
				ch := fixture(t, "charge")
				ch["invoice"], ch["amount_refunded"], ch["refunded"] = fxInvoice, 100, true
				r1, r2 := fixture(t, "refund"), fixture(t, "refund")
				r1["id"], r1["amount"], r1["created"] = "re_2", 70, 1234567990
				r2["id"], r2["amount"], r2["created"] = "re_1", 30, 1234567890
				failed := fixture(t, "refund")
				failed["id"], failed["status"] = "re_3", "failed"
				ch["refunds"].(map[string]any)["data"] = []any{r1, failed, r2}
				return ch
			},
			want: []stripe.Intent{
				stripe.Refund{ExternalID: "re_1", OrderExternalID: fxInvoice, Amount: 30, Currency: "USD", At: created},
				stripe.Refund{ExternalID: "re_2", OrderExternalID: fxInvoice, Amount: 70, Currency: "USD", Full: true, At: created.Add(100 * time.Second)},
			},
		},
		{
			name: "no refund list: cumulative total",
			typ:  stripe.TypeChargeRefunded,
			obj: func(t *testing.T) map[string]any {
				ch := fixture(t, "charge")
				ch["invoice"], ch["amount_refunded"] = map[string]any{"id": fxInvoice, "object": "invoice"}, 40
				delete(ch, "refunds")
				return ch
			},
			want: []stripe.Intent{stripe.Refund{ExternalID: fxCharge + "/refunded/40", OrderExternalID: fxInvoice,
				Amount: 40, Currency: "USD", Cumulative: true, At: created}},
		},
		{
			// Stripe's example credit note: subtotal excluding tax 1690.
			name: "credit note",
			typ:  stripe.TypeCreditNoteCreated,
			obj:  func(t *testing.T) map[string]any { return fixture(t, "credit_note") },
			want: []stripe.Intent{stripe.Refund{ExternalID: fxCreditNote, OrderExternalID: fxCNInvoice,
				Amount: 1690, Currency: "USD", At: created}},
		},
		{
			name: "void credit note",
			typ:  stripe.TypeCreditNoteCreated,
			obj: func(t *testing.T) map[string]any {
				cn := fixture(t, "credit_note")
				cn["status"] = "void"
				return cn
			},
			want: []stripe.Intent{stripe.Ignored{Reason: "credit note " + fxCreditNote + " is void"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := stripe.Intents(decode(t, "evt_1", tt.typ, tt.obj(t)), testMapping())
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Intents diff (-want +got):\n%s", diff)
			}
		})
	}
}

func TestIntentsCustomersAndSubscriptions(t *testing.T) {
	created := time.Unix(1234567890, 0).UTC()
	const session = "cs_test_a1vvp1B50lYAE8U2KLu1lzd6US91IMmBfnLfDXmJiKOQIzXbgFKgxUviQu"
	tests := []struct {
		name     string
		typ      string
		livemode bool
		obj      func(t *testing.T) map[string]any
		want     []stripe.Intent
	}{
		{
			name: "checkout with client_reference_id",
			typ:  stripe.TypeCheckoutSessionComplete,
			obj: func(t *testing.T) map[string]any {
				s := fixture(t, "checkout.session")
				s["client_reference_id"], s["customer"], s["status"] = "ALICE-7", fxCustomer, "complete"
				return s
			},
			want: []stripe.Intent{stripe.Attribution{Customer: fxCustomer, Email: "example@example.com",
				ReferralCode: "ALICE-7", Source: "checkout.session", At: created}},
		},
		{
			name: "checkout metadata wins over client_reference_id",
			typ:  stripe.TypeCheckoutSessionComplete,
			obj: func(t *testing.T) map[string]any {
				s := fixture(t, "checkout.session")
				s["client_reference_id"], s["customer"] = "ALICE-7", fxCustomer
				s["metadata"] = map[string]any{"ref": "BOB"}
				return s
			},
			want: []stripe.Intent{stripe.Attribution{Customer: fxCustomer, Email: "example@example.com",
				ReferralCode: "BOB", Source: "checkout.session", At: created}},
		},
		{
			name: "checkout code without customer goes to the queue",
			typ:  stripe.TypeCheckoutSessionComplete,
			obj: func(t *testing.T) map[string]any {
				s := fixture(t, "checkout.session")
				s["client_reference_id"] = "ALICE-7"
				return s
			},
			want: []stripe.Intent{stripe.NeedsAttention{Ref: "evt_1",
				Reason: "checkout session " + session + ": referral code ALICE-7 but no customer to credit"}},
		},
		{
			name: "checkout client_reference_id that is not a code",
			typ:  stripe.TypeCheckoutSessionComplete,
			obj: func(t *testing.T) map[string]any {
				s := fixture(t, "checkout.session")
				s["client_reference_id"], s["customer"] = "order 12/7", fxCustomer
				return s
			},
			want: []stripe.Intent{stripe.NeedsAttention{Ref: "evt_1",
				Reason: "checkout session " + session + `: client_reference_id "order 12/7" is not a referral code`}},
		},
		{
			name: "customer created with referral metadata",
			typ:  stripe.TypeCustomerCreated,
			obj: func(t *testing.T) map[string]any {
				c := fixture(t, "customer")
				c["email"], c["name"] = "it@acme.example", "Acme IT"
				c["metadata"] = map[string]any{"referral_code": "ALICE-7"}
				return c
			},
			want: []stripe.Intent{stripe.Attribution{Customer: fxCustomer, Email: "it@acme.example", Name: "Acme IT",
				ReferralCode: "ALICE-7", Source: "customer", At: created}},
		},
		{
			name: "customer created without referral",
			typ:  stripe.TypeCustomerCreated,
			obj:  func(t *testing.T) map[string]any { return fixture(t, "customer") },
			want: []stripe.Intent{stripe.Attribution{Customer: fxCustomer, Source: "customer", At: created}},
		},
		{
			name: "subscription deleted",
			typ:  stripe.TypeSubscriptionDeleted,
			obj: func(t *testing.T) map[string]any {
				s := fixture(t, "subscription")
				s["status"] = "canceled"
				return s
			},
			want: []stripe.Intent{stripe.SubscriptionEnded{Subscription: fxSub, Customer: fxCustomer, Status: "canceled", EndedAt: created}},
		},
		{
			name: "unhandled type",
			typ:  "customer.updated",
			obj:  func(t *testing.T) map[string]any { return fixture(t, "customer") },
			want: []stripe.Intent{stripe.Ignored{Reason: "event type customer.updated is not handled"}},
		},
		{
			name:     "live event on a test endpoint",
			typ:      stripe.TypeCustomerCreated,
			livemode: true,
			obj:      func(t *testing.T) map[string]any { return fixture(t, "customer") },
			want:     []stripe.Intent{stripe.Ignored{Reason: "event livemode=true on an endpoint configured for livemode=false"}},
		},
		{
			name: "object of the wrong type",
			typ:  stripe.TypeInvoicePaid,
			obj:  func(t *testing.T) map[string]any { return fixture(t, "customer") },
			want: []stripe.Intent{stripe.NeedsAttention{Ref: "evt_1", Reason: `event evt_1: data.object is a "customer", want "invoice"`}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := decode(t, "evt_1", tt.typ, tt.obj(t))
			e.Livemode = tt.livemode
			got := stripe.Intents(e, testMapping())
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Intents diff (-want +got):\n%s", diff)
			}
		})
	}
}

// Whatever a signed event contains, mapping it yields at least one intent:
// no event is silently dropped.
func TestIntentsNeverEmpty(t *testing.T) {
	resources := []string{"invoice", "charge", "credit_note", "checkout.session", "customer", "subscription", "refund", "price"}
	types := []string{stripe.TypeInvoicePaid, stripe.TypeChargeRefunded, stripe.TypeCreditNoteCreated,
		stripe.TypeCheckoutSessionComplete, stripe.TypeCustomerCreated, stripe.TypeSubscriptionDeleted, "ping"}
	objs := map[string]map[string]any{}
	for _, r := range resources {
		objs[r] = fixture(t, r)
	}
	rapid.Check(t, func(rt *rapid.T) {
		obj := objs[rapid.SampledFrom(resources).Draw(rt, "resource")]
		// Drop a random field to exercise missing data.
		keys := make([]string, 0, len(obj))
		for k := range obj {
			if k != "object" {
				keys = append(keys, k)
			}
		}
		cp := make(map[string]any, len(obj))
		for k, v := range obj {
			cp[k] = v
		}
		if len(keys) > 0 {
			delete(cp, rapid.SampledFrom(sortedStrings(keys)).Draw(rt, "drop"))
		}
		e := decode(t, "evt_p", rapid.SampledFrom(types).Draw(rt, "type"), cp)
		if got := stripe.Intents(e, testMapping()); len(got) == 0 {
			rt.Fatalf("Intents(%s with %s) is empty", e.Type, e.ObjectType)
		}
	})
}
