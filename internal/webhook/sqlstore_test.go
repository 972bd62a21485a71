package webhook_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/downline/downline/internal/sqlstore"
	"github.com/downline/downline/internal/sqlstore/sqlstoretest"
	"github.com/downline/downline/internal/webhook"
)

// storeOutbox adapts *sqlstore.DB to Outbox as cmd/downline does; the
// delivery and outcome types have the same fields on both sides.
type storeOutbox struct{ db *sqlstore.DB }

func (s storeOutbox) DueDeliveries(ctx context.Context, now time.Time, limit int) ([]webhook.Delivery, error) {
	rows, err := s.db.DueWebhookDeliveries(ctx, now, limit)
	out := make([]webhook.Delivery, len(rows))
	for i, r := range rows {
		out[i] = webhook.Delivery(r)
	}
	return out, err
}

func (s storeOutbox) RecordOutcome(ctx context.Context, o webhook.Outcome) error {
	return s.db.RecordWebhookOutcome(ctx, sqlstore.WebhookOutcome(o))
}

// An event enqueued in the store is delivered, signed, and not sent again;
// a failing endpoint is retried after the backoff.
func TestDrainStoreOutbox(t *testing.T) {
	ctx := context.Background()
	db := sqlstoretest.OpenSQLite(t)
	now := sqlstoretest.Now
	got := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got[r.URL.Path+" "+r.Header.Get("Downline-Event-Id")]++
		if r.URL.Path == "/down" {
			w.WriteHeader(http.StatusBadGateway)
		}
	}))
	defer srv.Close()
	for _, path := range []string{"/ok", "/down"} {
		if err := db.CreateWebhookEndpoint(ctx, &sqlstore.WebhookEndpoint{URL: srv.URL + path, Secret: "whsec_0123456789abcdef",
			EventTypes: []string{webhook.EventPeriodClosed}, Active: true}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.EnqueueWebhook(ctx, webhook.EventPeriodClosed, "period-2026-02", []byte(`{"period":"2026-02"}`)); err != nil {
		t.Fatal(err)
	}
	clock := now
	s := &webhook.Sender{Client: srv.Client(), Now: func() time.Time { return clock }}
	ob := storeOutbox{db}
	for _, step := range []struct {
		at   time.Duration
		want int
	}{{0, 2}, {10 * time.Second, 0}, {30 * time.Second, 1}} {
		clock = now.Add(step.at)
		n, err := s.Drain(ctx, ob, 10)
		if err != nil || n != step.want {
			t.Fatalf("Drain at +%s = %d, %v; want %d attempts", step.at, n, err, step.want)
		}
	}
	if got["/ok period-2026-02"] != 1 || got["/down period-2026-02"] != 2 {
		t.Errorf("receiver saw %v, want /ok once and /down twice", got)
	}
}
