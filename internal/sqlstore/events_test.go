package sqlstore_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/downline/downline"
	"github.com/downline/downline/internal/sqlstore"
)

// TestCloseEnqueuesPeriodClosed checks that closing a period writes one
// period.closed delivery per subscribed endpoint, in the close's
// transaction, and that retrying the close enqueues nothing more.
func TestCloseEnqueuesPeriodClosed(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *sqlstore.DB) {
		runWorld(t, db)
		for _, e := range []*sqlstore.WebhookEndpoint{
			{URL: "https://erp.example/hooks", Secret: "0123456789abcdef", EventTypes: []string{"period.closed"}, Active: true},
			{URL: "https://crm.example/hooks", Secret: "0123456789abcdef", EventTypes: []string{"payout.paid"}, Active: true},
		} {
			if err := db.CreateWebhookEndpoint(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
		runOrder(t, db, "INV-1", time.Date(2026, 1, 10, 12, 0, 0, 0, time.UTC))
		if _, err := db.PreviewRun(ctx, "2026-01", downline.RunOptions{HoldDays: -1}); err != nil {
			t.Fatal(err)
		}
		due := func() []sqlstore.WebhookDelivery {
			t.Helper()
			ds, err := db.DueWebhookDeliveries(ctx, time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC), 100)
			if err != nil {
				t.Fatal(err)
			}
			return ds
		}
		if n := len(due()); n != 0 {
			t.Fatalf("after a preview: %d deliveries, want none", n)
		}
		r, err := db.CloseRun(ctx, "2026-01", downline.RunOptions{HoldDays: -1})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.CloseRun(ctx, "2026-01", downline.RunOptions{HoldDays: -1}); err != nil {
			t.Fatal(err)
		}
		ds := due()
		if len(ds) != 1 || ds[0].EventType != "period.closed" || ds[0].EndpointURL != "https://erp.example/hooks" ||
			ds[0].EventID != "period.closed:2026-01" {
			t.Fatalf("deliveries after closing twice = %+v; want one period.closed to the ERP endpoint", ds)
		}
		var body struct {
			Type string `json:"type"`
			Data struct {
				Period     string `json:"period"`
				ResultHash string `json:"result_hash"`
				Total      string `json:"total"`
			} `json:"data"`
		}
		if err := json.Unmarshal(ds[0].Payload, &body); err != nil {
			t.Fatal(err)
		}
		// 20 % of 1,000.00 to B plus 6 % to A: 260.00 EUR.
		if body.Type != "period.closed" || body.Data.Period != "2026-01" || body.Data.ResultHash != r.ResultHash || body.Data.Total != "260.00" {
			t.Errorf("payload = %s; want period 2026-01, the run's hash and total 260.00", ds[0].Payload)
		}
	})
}

// TestOrderEnqueuesAttributed checks that storing an order writes one
// order.attributed delivery per subscribed endpoint ("*" included) in the
// order's transaction, naming the credited distributor, that a retried
// order enqueues nothing more, and that a failed batch enqueues nothing.
func TestOrderEnqueuesAttributed(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *sqlstore.DB) {
		runWorld(t, db)
		for _, e := range []*sqlstore.WebhookEndpoint{
			{URL: "https://crm.example/hooks", Secret: "0123456789abcdef", EventTypes: []string{"payout.paid", "order.attributed"}, Active: true},
			{URL: "https://all.example/hooks", Secret: "0123456789abcdef", EventTypes: []string{"period.closed", "*"}, Active: true},
			{URL: "https://erp.example/hooks", Secret: "0123456789abcdef", EventTypes: []string{"period.closed"}, Active: true},
		} {
			if err := db.CreateWebhookEndpoint(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
		due := func() []sqlstore.WebhookDelivery {
			t.Helper()
			ds, err := db.DueWebhookDeliveries(ctx, time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC), 100)
			if err != nil {
				t.Fatal(err)
			}
			return ds
		}
		runOrder(t, db, "INV-1", time.Date(2026, 1, 10, 12, 0, 0, 0, time.UTC))
		runOrder(t, db, "INV-1", time.Date(2026, 1, 10, 12, 0, 0, 0, time.UTC)) // retry: no-op
		bad := &downline.Order{ExternalID: "INV-2", CustomerRef: "C-1", Purpose: downline.PurposeCustomerDirect, Currency: "EUR",
			PaidAt: time.Date(2026, 1, 11, 12, 0, 0, 0, time.UTC), Lines: []*downline.OrderLine{{ProductRef: "NOPE", Quantity: 1}}}
		if err := db.CreateOrder(ctx, bad); err == nil {
			t.Fatal("order of an unknown product stored")
		}
		ds := due()
		if len(ds) != 2 {
			t.Fatalf("deliveries = %d, want 2 (crm and the catch-all)", len(ds))
		}
		o, _ := db.FindOrderByExternalID(ctx, "INV-1")
		b := distID(t, db, "B")
		for _, d := range ds {
			var ev struct {
				ID   string `json:"id"`
				Type string `json:"type"`
				Data struct {
					OrderID       int64  `json:"order_id"`
					DistributorID int64  `json:"distributor_id"`
					CustomerRef   string `json:"customer_ref"`
					Total         string `json:"total"`
				} `json:"data"`
			}
			if err := json.Unmarshal(d.Payload, &ev); err != nil {
				t.Fatal(err)
			}
			if d.EventType != sqlstore.EventOrderAttributed || ev.Type != "order.attributed" || ev.Data.OrderID != int64(o.ID) ||
				ev.Data.DistributorID != int64(b) || ev.Data.CustomerRef != "C-1" || ev.Data.Total != "1000.00" {
				t.Errorf("delivery %s: %+v, want order %d credited to B %d for 1000.00", d.EndpointURL, ev, o.ID, b)
			}
		}
	})
}
