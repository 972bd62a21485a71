package webhook_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/downline/downline/internal/webhook"
)

var t0 = time.Unix(1700000000, 0).UTC()

func TestSignIndependentDigest(t *testing.T) {
	// Python: hmac.new(b'whsec_dl', b'1700000000.{"event":"payout.paid"}', hashlib.sha256).hexdigest()
	const want = "t=1700000000,v1=b824d4f2309d05b88432a68a1dfc8818e8f400fe58351bb56c504c8125091355"
	if got := webhook.Sign([]byte(`{"event":"payout.paid"}`), t0, "whsec_dl"); got != want {
		t.Errorf("Sign = %q, want %q", got, want)
	}
}

func TestVerify(t *testing.T) {
	body := []byte(`{"a":1}`)
	h := webhook.Sign(body, t0, "old", "new")
	tests := []struct {
		name   string
		body   []byte
		header string
		secret string
		now    time.Time
		ok     bool
	}{
		{"new secret", body, h, "new", t0, true},
		{"old secret", body, h, "old", t0.Add(5 * time.Minute), true},
		{"stale", body, h, "new", t0.Add(5*time.Minute + time.Second), false},
		{"other secret", body, h, "x", t0, false},
		{"tampered", []byte(`{"a":2}`), h, "new", t0, false},
		{"no signature", body, "t=1700000000", "new", t0, false},
	}
	for _, tt := range tests {
		err := webhook.Verify(tt.body, tt.header, tt.secret, 5*time.Minute, tt.now)
		if (err == nil) != tt.ok {
			t.Errorf("%s: Verify = %v, want ok=%t", tt.name, err, tt.ok)
		}
	}
}

func TestBackoffSchedule(t *testing.T) {
	b := webhook.Backoff{} // 30 s doubling, capped at 6 h, 12 attempts
	// 30s·2^(n−1): 30s, 1m, 2m, 4m, 8m, 16m, 32m, 64m, 128m, 256m, then
	// 512m > 360m is capped at 6 h; attempt 12 is the last.
	want := []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute,
		16 * time.Minute, 32 * time.Minute, 64 * time.Minute, 128 * time.Minute, 256 * time.Minute, 6 * time.Hour}
	for n := 1; n <= 12; n++ {
		next, ok := b.Next(n, t0)
		if n == 12 {
			if ok {
				t.Errorf("Next(12) = %s, want no more attempts", next)
			}
			continue
		}
		if !ok || next.Sub(t0) != want[n-1] {
			t.Errorf("Next(%d) = +%s,%t, want +%s", n, next.Sub(t0), ok, want[n-1])
		}
	}
}

// memOutbox is an in-memory Outbox.
type memOutbox struct {
	mu       sync.Mutex
	due      []webhook.Delivery
	outcomes []webhook.Outcome
}

func (m *memOutbox) DueDeliveries(_ context.Context, now time.Time, limit int) ([]webhook.Delivery, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []webhook.Delivery
	for _, d := range m.due {
		if !d.NextAt.After(now) && len(out) < limit {
			out = append(out, d)
		}
	}
	return out, nil
}

func (m *memOutbox) RecordOutcome(_ context.Context, o webhook.Outcome) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.outcomes = append(m.outcomes, o)
	return nil
}

func TestSenderDrain(t *testing.T) {
	var (
		mu   sync.Mutex
		seen []string
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := webhook.Verify(body, r.Header.Get(webhook.SignatureHeader), "whsec_dl", time.Minute, t0); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		mu.Lock()
		seen = append(seen, r.Header.Get("Downline-Event-Id")+" "+r.Header.Get("Downline-Attempt"))
		mu.Unlock()
		if r.URL.Path == "/down" {
			http.Error(w, "maintenance", http.StatusServiceUnavailable)
		}
	}))
	defer srv.Close()
	ob := &memOutbox{due: []webhook.Delivery{
		{ID: 1, EndpointURL: srv.URL + "/ok", Secret: "whsec_dl", EventID: "evt_1", EventType: webhook.EventPayoutPaid, Payload: []byte(`{"id":1}`), NextAt: t0},
		{ID: 2, EndpointURL: srv.URL + "/down", Secret: "whsec_dl", EventID: "evt_2", EventType: webhook.EventPeriodClosed, Payload: []byte(`{"id":2}`), Attempts: 2, NextAt: t0},
		{ID: 3, EndpointURL: srv.URL + "/ok", Secret: "wrong", EventID: "evt_3", Payload: []byte(`{}`), Attempts: 11, NextAt: t0},
		{ID: 4, EndpointURL: srv.URL + "/ok", Secret: "whsec_dl", EventID: "evt_4", Payload: []byte(`{}`), NextAt: t0.Add(time.Hour)},
	}}
	s := &webhook.Sender{Client: srv.Client(), Now: func() time.Time { return t0 }}
	n, err := s.Drain(context.Background(), ob, 10)
	if err != nil || n != 3 {
		t.Fatalf("Drain = %d, %v; want 3 attempts (delivery 4 is not due)", n, err)
	}
	want := []webhook.Outcome{
		{DeliveryID: 1, Attempt: 1, At: t0, Status: 200, Delivered: true},
		// Third attempt failed: retry after 30s·2² = 2 min.
		{DeliveryID: 2, Attempt: 3, At: t0, Status: 503, Error: "endpoint answered 503 Service Unavailable", NextAt: t0.Add(2 * time.Minute)},
		// Twelfth attempt rejected (bad signature): no attempts left.
		{DeliveryID: 3, Attempt: 12, At: t0, Status: 400, Error: "endpoint answered 400 Bad Request", Dead: true},
	}
	if diff := cmp.Diff(want, ob.outcomes); diff != "" {
		t.Errorf("outcomes diff (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"evt_1 1", "evt_2 3"}, seen); diff != "" {
		t.Errorf("receiver saw diff (-want +got):\n%s", diff)
	}
}

func TestSenderNetworkError(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // nothing listens any more
	s := &webhook.Sender{Now: func() time.Time { return t0 }}
	o := s.Send(context.Background(), webhook.Delivery{ID: 9, EndpointURL: url, Secret: "s", Payload: []byte(`{}`)})
	if o.Delivered || o.Status != 0 || o.Error == "" || !o.NextAt.Equal(t0.Add(30*time.Second)) {
		t.Errorf("Send to a closed port = %+v, want an error and a retry in 30 s", o)
	}
}
