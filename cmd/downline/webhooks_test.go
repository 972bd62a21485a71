package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/downline/downline/internal/sqlstore"
	"github.com/downline/downline/internal/sqlstore/sqlstoretest"
	"github.com/downline/downline/internal/webhook"
)

// TestSendWebhooks delivers an enqueued event to a real receiver, signed,
// and records it as delivered so that it is not sent again.
func TestSendWebhooks(t *testing.T) {
	db := sqlstoretest.OpenSQLite(t)
	db.Now = time.Now
	const secret = "0123456789abcdef-secret"
	got := make(chan error, 4)
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		got <- webhook.Verify(body, r.Header.Get(webhook.SignatureHeader), secret, time.Minute, time.Now())
	}))
	defer recv.Close()
	ctx := context.Background()
	if err := db.CreateWebhookEndpoint(ctx, &sqlstore.WebhookEndpoint{URL: recv.URL, Secret: secret,
		EventTypes: []string{"period.closed"}, Active: true}); err != nil {
		t.Fatal(err)
	}
	if n, err := db.EnqueueWebhook(ctx, "period.closed", "period.closed:2026-10", []byte(`{"period":"2026-10"}`)); err != nil || n != 1 {
		t.Fatalf("EnqueueWebhook = %d, %v; want one delivery", n, err)
	}
	sctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); sendWebhooks(sctx, slog.New(slog.DiscardHandler), db, 10*time.Millisecond) }()
	select {
	case err := <-got:
		if err != nil {
			t.Errorf("the receiver could not verify the signature: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no delivery within 10 s")
	}
	time.Sleep(100 * time.Millisecond) // a few more ticks: nothing must be sent again
	cancel()
	<-done
	if len(got) != 0 {
		t.Errorf("the event was delivered %d more times; want once", len(got))
	}
	due, err := db.DueWebhookDeliveries(ctx, time.Now().Add(24*time.Hour), 10)
	if err != nil || len(due) != 0 {
		t.Errorf("due deliveries after success = %v, %v; want none", due, err)
	}
}
