package stripe_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/downline/downline"
	"github.com/downline/downline/internal/sqlstore"
	"github.com/downline/downline/internal/sqlstore/sqlstoretest"
	"github.com/downline/downline/internal/stripe"
)

// e2e wires the webhook handler to a real SQLite store, as cmd/downline
// does, with a house account, Alice (referral code ALICE-7) and one product
// sold under Stripe's example one-off price.
type e2e struct {
	db    *sqlstore.DB
	app   *stripe.Applier
	srv   *httptest.Server
	now   time.Time
	alice downline.DistributorID
}

func newE2E(t *testing.T) *e2e {
	t.Helper()
	ctx := context.Background()
	db := sqlstoretest.OpenSQLite(t)
	if err := db.CreateProgramme(ctx, &downline.Programme{Name: "Vendor Partners", Currency: "USD",
		PeriodLength: downline.PeriodMonthly, TimeZone: "UTC"}); err != nil {
		t.Fatal(err)
	}
	// 10.00 per unit, CV 9.00 per unit.
	if err := db.CreateProduct(ctx, &downline.Product{ExternalID: "SUPPORT", Name: "Support", Kind: downline.KindSupport,
		RetailPrice: 1000, CV: 900, QV: 900, Commissionable: true}); err != nil {
		t.Fatal(err)
	}
	joined := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	ds := []*downline.Distributor{
		{ExternalID: "HOUSE", ReferralCode: "HOUSE", JoinedAt: joined},
		{ExternalID: "ALICE", SponsorRef: "HOUSE", ReferralCode: "ALICE-7", JoinedAt: joined, Email: "alice@partner.example"},
	}
	if err := db.CreateDistributors(ctx, ds); err != nil {
		t.Fatal(err)
	}
	if err := db.SetBillingPrice(ctx, stripe.Source, fxOneOffPrice, "SUPPORT"); err != nil {
		t.Fatal(err)
	}
	app := &stripe.Applier{Events: db, Prices: db, Customers: db, Distributors: db, Orders: db, Refunds: db,
		Mover: db, HouseRef: "HOUSE", Currency: "USD"}
	now := time.Unix(1700000000, 0).UTC()
	v, err := stripe.NewVerifier([]string{"whsec_e2e"}, 0, fixedClock(now))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(stripe.NewWebhookHandler(v, app, nil))
	t.Cleanup(srv.Close)
	return &e2e{db: db, app: app, srv: srv, now: now, alice: ds[1].ID}
}

// post delivers body signed with secret and returns the status.
func (x *e2e) post(t *testing.T, body []byte, secret string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, x.srv.URL+"/webhooks/stripe", bytes.NewReader(body))
	req.Header.Set("Stripe-Signature", stripe.Sign(body, x.now, secret))
	resp, err := x.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func (x *e2e) orders(t *testing.T) []*downline.Order {
	t.Helper()
	os, _, err := x.db.FindOrders(context.Background(), downline.OrderFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return os
}

func (x *e2e) event(t *testing.T, id string) *sqlstore.WebhookEvent {
	t.Helper()
	ev, err := x.db.FindWebhookEvent(context.Background(), stripe.Source, id)
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

// threeSeatInvoice is Stripe's example invoice, paid: 3 units at 10.00
// less a 3.00 discount = 27.00.
func threeSeatInvoice(t *testing.T, id, reason string) map[string]any {
	inv := paidInvoice(t, reason)
	inv["id"] = id
	l := lines(inv)[0].(map[string]any)
	l["quantity"], l["amount"], l["amount_excluding_tax"] = 3, 3000, 3000
	l["discount_amounts"] = []any{map[string]any{"amount": 300, "discount": "di_1"}}
	inv["amount_paid"] = 2700
	return inv
}

// The acceptance test: a signed invoice.paid for a referred
// customer yields one attributed order with the right volume; a replay
// yields nothing new; a bad signature stores nothing and gets 400.
func TestEndToEndReferredInvoice(t *testing.T) {
	x := newE2E(t)
	ctx := context.Background()
	var credited []string
	x.app.OnCustomerCredited = func(_ context.Context, ref string, to downline.DistributorID) error {
		credited = append(credited, fmt.Sprintf("%s→%d", ref, to))
		return nil
	}
	// A subscriber of order.attributed: the store announces each order
	// once, from the order's transaction.
	if err := x.db.CreateWebhookEndpoint(ctx, &sqlstore.WebhookEndpoint{URL: "https://hooks.example/downline",
		Secret: "0123456789abcdef", EventTypes: []string{sqlstore.EventOrderAttributed}, Active: true}); err != nil {
		t.Fatal(err)
	}

	cust := fixture(t, "customer")
	cust["email"], cust["name"] = "it@acme.example", "Acme IT"
	cust["metadata"] = map[string]any{"referral_code": "ALICE-7"}
	if st := x.post(t, eventBody(t, "evt_cus", stripe.TypeCustomerCreated, cust), "whsec_e2e"); st != 200 {
		t.Fatalf("customer.created: status %d", st)
	}
	c, _, err := x.db.FindCustomers(ctx, downline.CustomerFilter{})
	if err != nil || len(c) != 1 || c[0].DistributorID != x.alice || c[0].Domain != "acme.example" ||
		c[0].Attribution != downline.AttributionCode {
		t.Fatalf("customers = %+v, %v; want one credited to Alice by code, domain acme.example", c, err)
	}

	body := eventBody(t, "evt_inv1", stripe.TypeInvoicePaid, threeSeatInvoice(t, "in_first", "subscription_create"))
	if st := x.post(t, body, "whsec_other"); st != 400 {
		t.Fatalf("badly signed invoice.paid: status %d, want 400", st)
	}
	if _, err := x.db.FindWebhookEvent(ctx, stripe.Source, "evt_inv1"); downline.ErrorCode(err) != downline.CodeNotFound {
		t.Fatalf("badly signed event was stored: %v", err)
	}
	if n := len(x.orders(t)); n != 0 {
		t.Fatalf("badly signed event created %d orders", n)
	}

	for i := range 2 { // the second delivery is Stripe retrying
		if st := x.post(t, body, "whsec_e2e"); st != 200 {
			t.Fatalf("invoice.paid delivery %d: status %d", i+1, st)
		}
	}
	if err := x.app.Replay(ctx, "evt_inv1"); err != nil {
		t.Fatalf("Replay: %v", err)
	}
	os := x.orders(t)
	if len(os) != 1 {
		t.Fatalf("orders = %d after two deliveries and a replay, want 1", len(os))
	}
	o := os[0]
	// Amount 2700 = 3 × 900; CV from the catalogue 3 × 900 = 2700.
	if o.ExternalID != "in_first" || o.DistributorID != x.alice || o.Total() != 2700 || o.TotalCV() != 2700 ||
		o.Purpose != downline.PurposeCustomerDirect || o.Currency != "USD" {
		t.Errorf("order = %+v total %d CV %d; want in_first credited to Alice, 2700 USD, CV 2700", o, o.Total(), o.TotalCV())
	}
	if ev := x.event(t, "evt_inv1"); ev.Status != sqlstore.EventApplied || ev.Replays != 1 {
		t.Errorf("event = %s with %d replays, want applied with 1", ev.Status, ev.Replays)
	}

	// A renewal stays credited to Alice.
	renewal := eventBody(t, "evt_inv2", stripe.TypeInvoicePaid, threeSeatInvoice(t, "in_renewal", "subscription_cycle"))
	if st := x.post(t, renewal, "whsec_e2e"); st != 200 {
		t.Fatalf("renewal: status %d", st)
	}
	// The hook runs once per processing: not for the duplicate delivery,
	// but again for a replay, so it must be idempotent.
	if diff := cmp.Diff([]string{fmt.Sprintf("%s→%d", fxCustomer, x.alice)}, credited); diff != "" {
		t.Errorf("OnCustomerCredited calls (-want +got):\n%s", diff)
	}
	// One order.attributed per order: neither Stripe's retry nor the
	// replay announces in_first again.
	due, err := x.db.DueWebhookDeliveries(ctx, time.Now().AddDate(1, 0, 0), 100)
	if err != nil {
		t.Fatal(err)
	}
	var announced []string
	for _, d := range due {
		var ev struct {
			Data struct {
				ExternalID string `json:"external_id"`
			} `json:"data"`
		}
		if err := json.Unmarshal(d.Payload, &ev); err != nil {
			t.Fatal(err)
		}
		announced = append(announced, d.EventType+" "+ev.Data.ExternalID)
	}
	if diff := cmp.Diff([]string{"order.attributed in_first", "order.attributed in_renewal"}, announced); diff != "" {
		t.Errorf("outbox (-want +got):\n%s", diff)
	}
	if os := x.orders(t); len(os) != 2 || os[1].DistributorID != x.alice {
		t.Fatalf("after renewal: %d orders, want 2 with the renewal credited to Alice", len(os))
	}

	// A partial refund of 10.00 on the first order: prorated on its only
	// line (2700 remain) → 1000.
	ch := fixture(t, "charge")
	ch["invoice"], ch["amount"], ch["amount_refunded"] = "in_first", 2700, 1000
	ch["currency"] = "usd"
	re := fixture(t, "refund")
	re["id"], re["amount"], re["created"] = "re_part", 1000, 1679600000
	ch["refunds"].(map[string]any)["data"] = []any{re}
	if st := x.post(t, eventBody(t, "evt_ref", stripe.TypeChargeRefunded, ch), "whsec_e2e"); st != 200 {
		t.Fatalf("charge.refunded: status %d", st)
	}
	first, err := x.db.FindOrderByExternalID(ctx, "in_first")
	if err != nil {
		t.Fatal(err)
	}
	if first.Status != downline.OrderPartiallyRefunded || first.Lines[0].RefundedAmount != 1000 {
		t.Errorf("after refund: status %s refunded %d, want partially_refunded 1000", first.Status, first.Lines[0].RefundedAmount)
	}
}

// An invoice for an unmapped price is kept, queued for attention, and
// becomes an order when replayed after the price is mapped.
func TestEndToEndNeedsAttentionThenReplay(t *testing.T) {
	x := newE2E(t)
	ctx := context.Background()
	cust := fixture(t, "customer")
	cust["name"] = "Beta Ltd"
	if st := x.post(t, eventBody(t, "evt_cus", stripe.TypeCustomerCreated, cust), "whsec_e2e"); st != 200 {
		t.Fatalf("customer.created: status %d", st)
	}
	inv := threeSeatInvoice(t, "in_unmapped", "subscription_create")
	lines(inv)[0].(map[string]any)["price"].(map[string]any)["id"] = "price_new"
	if st := x.post(t, eventBody(t, "evt_inv", stripe.TypeInvoicePaid, inv), "whsec_e2e"); st != 200 {
		t.Fatalf("invoice.paid: status %d", st)
	}
	if ev := x.event(t, "evt_inv"); ev.Status != sqlstore.EventNeedsAttention {
		t.Fatalf("event status %s, want needs_attention", ev.Status)
	}
	items, err := x.db.FindAttentionItems(ctx, true)
	if err != nil || len(items) != 1 {
		t.Fatalf("attention items = %d, %v; want 1", len(items), err)
	}
	if n := len(x.orders(t)); n != 0 {
		t.Fatalf("%d orders before the price is mapped, want 0", n)
	}
	if err := x.db.SetBillingPrice(ctx, stripe.Source, "price_new", "SUPPORT"); err != nil {
		t.Fatal(err)
	}
	if err := x.app.Replay(ctx, "evt_inv"); err != nil {
		t.Fatal(err)
	}
	os := x.orders(t)
	if len(os) != 1 || os[0].Total() != 2700 {
		t.Fatalf("after replay: %d orders, want one of 2700", len(os))
	}
	// The house account holds a customer that came without a referral.
	house, _ := x.db.FindDistributorByExternalID(ctx, "HOUSE")
	if os[0].DistributorID != house.ID {
		t.Errorf("order credited to %d, want the house account %d", os[0].DistributorID, house.ID)
	}
	if ev := x.event(t, "evt_inv"); ev.Status != sqlstore.EventApplied {
		t.Errorf("after replay the event is %s, want applied", ev.Status)
	}
}

// A line amount its quantity does not divide is split exactly, and a
// partial refund is prorated over the lines by largest remainder.
func TestEndToEndSplitAndProrate(t *testing.T) {
	x := newE2E(t)
	ctx := context.Background()
	cust := fixture(t, "customer")
	cust["metadata"] = map[string]any{"ref": "ALICE-7"}
	x.post(t, eventBody(t, "evt_c", stripe.TypeCustomerCreated, cust), "whsec_e2e")
	inv := paidInvoice(t, "subscription_create")
	l := lines(inv)[0].(map[string]any)
	l["quantity"], l["amount"], l["amount_excluding_tax"] = 3, 1000, 1000
	if st := x.post(t, eventBody(t, "evt_i", stripe.TypeInvoicePaid, inv), "whsec_e2e"); st != 200 {
		t.Fatalf("status %d", st)
	}
	o, err := x.db.FindOrderByExternalID(ctx, fxInvoice)
	if err != nil {
		t.Fatal(err)
	}
	// 1000 over 3 units: 2 × 333 + 1 × 334 = 1000 exactly.
	if len(o.Lines) != 2 || o.Lines[0].Quantity != 2 || o.Lines[0].UnitPrice != 333 ||
		o.Lines[1].Quantity != 1 || o.Lines[1].UnitPrice != 334 || o.Total() != 1000 {
		t.Errorf("lines = %+v %+v, want 2×333 and 1×334", *o.Lines[0], *o.Lines[1])
	}
	// Refund 500 of 1000 across lines with 666 and 334 remaining:
	// 500×666/1000 = 333.0 → 333; 500×334/1000 = 167.0 → 167; sum 500.
	ch := fixture(t, "charge")
	ch["invoice"], ch["amount"], ch["amount_refunded"] = fxInvoice, 1000, 500
	re := fixture(t, "refund")
	re["id"], re["amount"], re["created"] = "re_half", 500, 1679600000
	ch["refunds"].(map[string]any)["data"] = []any{re}
	x.post(t, eventBody(t, "evt_r", stripe.TypeChargeRefunded, ch), "whsec_e2e")
	o, _ = x.db.FindOrderByExternalID(ctx, fxInvoice)
	if o.Lines[0].RefundedAmount != 333 || o.Lines[1].RefundedAmount != 167 {
		t.Errorf("refunded %d and %d, want 333 and 167", o.Lines[0].RefundedAmount, o.Lines[1].RefundedAmount)
	}
}

// Stripe Checkout sends customer.created (no referral) before
// checkout.session.completed (with client_reference_id): the default house
// credit gives way to the referral, and a later code does not move the
// customer again (first touch).
func TestEndToEndReferralAfterDefaultCredit(t *testing.T) {
	x := newE2E(t)
	ctx := context.Background()
	if st := x.post(t, eventBody(t, "evt_cus", stripe.TypeCustomerCreated, fixture(t, "customer")), "whsec_e2e"); st != 200 {
		t.Fatalf("customer.created: status %d", st)
	}
	house, _ := x.db.FindDistributorByExternalID(ctx, "HOUSE")
	credited := func() *downline.Customer {
		cs, _, err := x.db.FindCustomers(ctx, downline.CustomerFilter{})
		if err != nil || len(cs) != 1 {
			t.Fatalf("customers = %d, %v", len(cs), err)
		}
		return cs[0]
	}
	if c := credited(); c.DistributorID != house.ID || c.Attribution != downline.AttributionManual {
		t.Fatalf("customer = %+v, want the house account by default", c)
	}
	s := fixture(t, "checkout.session")
	s["client_reference_id"], s["customer"], s["status"] = "ALICE-7", fxCustomer, "complete"
	if st := x.post(t, eventBody(t, "evt_cs", stripe.TypeCheckoutSessionComplete, s), "whsec_e2e"); st != 200 {
		t.Fatalf("checkout.session.completed: status %d", st)
	}
	if c := credited(); c.DistributorID != x.alice || c.Attribution != downline.AttributionCode {
		t.Fatalf("customer = %+v, want moved to Alice by code", c)
	}
	// Another code later: first touch keeps Alice.
	if err := x.db.CreateDistributors(ctx, []*downline.Distributor{{ExternalID: "BOB", SponsorRef: "HOUSE",
		ReferralCode: "BOB-1", JoinedAt: time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)}}); err != nil {
		t.Fatal(err)
	}
	s["client_reference_id"] = "BOB-1"
	x.post(t, eventBody(t, "evt_cs2", stripe.TypeCheckoutSessionComplete, s), "whsec_e2e")
	if c := credited(); c.DistributorID != x.alice {
		t.Errorf("customer moved to %d by a later code, want Alice (first touch)", c.DistributorID)
	}
}
