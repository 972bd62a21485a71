package stripe_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/downline/downline/internal/stripe"
)

// memReceiver keeps raw events by id, as the store does, so the tests can
// observe what the handler passed on.
type memReceiver struct {
	mu     sync.Mutex
	events map[string][]byte
	calls  int
	err    error
}

func (m *memReceiver) ReceiveEvent(_ context.Context, e *stripe.Event, raw []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.calls++
	if m.err != nil {
		return m.err
	}
	if _, dup := m.events[e.ID]; !dup {
		m.events[e.ID] = append([]byte(nil), raw...)
	}
	return nil
}

func TestWebhookHandler(t *testing.T) {
	now := time.Unix(1700000000, 0).UTC()
	v, err := stripe.NewVerifier([]string{"whsec_new", "whsec_old"}, 0, fixedClock(now))
	if err != nil {
		t.Fatal(err)
	}
	inv := paidInvoice(t, "subscription_create")
	body := eventBody(t, "evt_inv", stripe.TypeInvoicePaid, inv)
	big := append(bytes.Repeat([]byte(" "), stripe.MaxPayloadBytes), body...)

	tests := []struct {
		name       string
		method     string
		body       []byte
		header     string
		recvErr    error
		wantStatus int
		wantStored int
	}{
		{"signed by current secret", http.MethodPost, body, stripe.Sign(body, now, "whsec_new"), nil, 200, 1},
		{"signed by rotated-out secret", http.MethodPost, body, stripe.Sign(body, now, "whsec_old"), nil, 200, 1},
		{"bad signature stores nothing", http.MethodPost, body, stripe.Sign(body, now, "whsec_other"), nil, 400, 0},
		{"no header stores nothing", http.MethodPost, body, "", nil, 400, 0},
		{"stale delivery stores nothing", http.MethodPost, body, stripe.Sign(body, now.Add(-time.Hour), "whsec_new"), nil, 400, 0},
		{"signed non-event", http.MethodPost, []byte(`{"id":"x"}`), stripe.Sign([]byte(`{"id":"x"}`), now, "whsec_new"), nil, 400, 0},
		{"oversized body", http.MethodPost, big, stripe.Sign(big, now, "whsec_new"), nil, 413, 0},
		{"receiver failure asks for redelivery", http.MethodPost, body, stripe.Sign(body, now, "whsec_new"), errors.New("disk full"), 500, 0},
		{"GET is not allowed", http.MethodGet, nil, "", nil, 405, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			recv := &memReceiver{events: map[string][]byte{}, err: tt.recvErr}
			srv := httptest.NewServer(stripe.NewWebhookHandler(v, recv, nil))
			defer srv.Close()
			req, _ := http.NewRequest(tt.method, srv.URL+"/webhooks/stripe", bytes.NewReader(tt.body))
			if tt.header != "" {
				req.Header.Set("Stripe-Signature", tt.header)
			}
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			msg, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status = %d (%s), want %d", resp.StatusCode, msg, tt.wantStatus)
			}
			if len(recv.events) != tt.wantStored {
				t.Fatalf("stored %d events, want %d", len(recv.events), tt.wantStored)
			}
			if tt.wantStored == 1 && !bytes.Equal(recv.events["evt_inv"], body) {
				t.Errorf("stored body differs from the raw body")
			}
			if tt.wantStatus == 400 && len(bytes.TrimSpace(msg)) == 0 {
				t.Errorf("400 response has an empty body; want the reason")
			}
		})
	}
}

func TestWebhookHandlerRedelivery(t *testing.T) {
	now := time.Unix(1700000000, 0).UTC()
	v, _ := stripe.NewVerifier([]string{"whsec_new"}, 0, fixedClock(now))
	recv := &memReceiver{events: map[string][]byte{}}
	h := stripe.NewWebhookHandler(v, recv, nil)
	body := eventBody(t, "evt_dup", stripe.TypeCustomerCreated, fixture(t, "customer"))
	for i := range 2 {
		// Stripe re-signs every attempt with a fresh timestamp.
		req := httptest.NewRequest(http.MethodPost, "/webhooks/stripe", bytes.NewReader(body))
		req.Header.Set("Stripe-Signature", stripe.Sign(body, now.Add(time.Duration(i)*time.Second), "whsec_new"))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 200 {
			t.Fatalf("delivery %d: status %d, want 200", i+1, rec.Code)
		}
	}
	if recv.calls != 2 || len(recv.events) != 1 {
		t.Errorf("calls=%d stored=%d, want 2 calls and 1 stored event", recv.calls, len(recv.events))
	}
}
