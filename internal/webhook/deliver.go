package webhook

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"time"
)

// Delivery is one outbox row: an event to send to one endpoint. The store
// keeps a struct with the same fields, so callers convert between the two
// with a plain type conversion.
type Delivery struct {
	ID          int64
	EndpointURL string
	Secret      string
	EventID     string // stable across attempts: receivers dedupe on it
	EventType   string
	Payload     []byte // JSON body, exactly as signed
	Attempts    int    // attempts made before this one
	NextAt      time.Time
}

// Outcome is the result of one attempt, to be written back to the outbox.
type Outcome struct {
	DeliveryID int64
	Attempt    int // this attempt's number, 1-based
	At         time.Time
	Status     int    // HTTP status; 0 when no response
	Error      string // "" on success
	Delivered  bool
	// NextAt is when to try again; zero when Delivered or Dead.
	NextAt time.Time
	Dead   bool // no attempts left
}

// Sender makes delivery attempts.
type Sender struct {
	Client  *http.Client // its Timeout bounds one attempt; default 10 s
	Backoff Backoff
	Now     func() time.Time
	Log     *slog.Logger
}

// Send makes one attempt at d and returns its outcome. Any 2xx status is
// success; anything else (including a network error) is retried on the
// backoff schedule, since a receiver that rejects an event today may be
// fixed tomorrow.
func (s *Sender) Send(ctx context.Context, d Delivery) Outcome {
	client := s.Client
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	now := s.Now()
	o := Outcome{DeliveryID: d.ID, Attempt: d.Attempts + 1, At: now}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.EndpointURL, bytes.NewReader(d.Payload))
	if err != nil {
		o.Error = fmt.Sprintf("build request: %v", err)
		return s.retry(o)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Downline-Webhooks/1")
	req.Header.Set("Downline-Event-Id", d.EventID)
	req.Header.Set("Downline-Event-Type", d.EventType)
	req.Header.Set("Downline-Attempt", strconv.Itoa(o.Attempt))
	req.Header.Set(SignatureHeader, Sign(d.Payload, now, d.Secret))
	resp, err := client.Do(req)
	if err != nil {
		o.Error = err.Error()
		return s.retry(o)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	o.Status = resp.StatusCode
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		o.Delivered = true
		return o
	}
	o.Error = "endpoint answered " + resp.Status
	return s.retry(o)
}

func (s *Sender) retry(o Outcome) Outcome {
	next, ok := s.Backoff.Next(o.Attempt, o.At)
	if !ok {
		o.Dead = true
		if s.Log != nil {
			s.Log.Warn("webhook delivery given up", "delivery", o.DeliveryID, "attempts", o.Attempt, "err", o.Error)
		}
		return o
	}
	o.NextAt = next
	return o
}

// Outbox is the store's side of delivery.
type Outbox interface {
	// DueDeliveries returns up to limit deliveries whose next attempt is
	// due at now, oldest first.
	DueDeliveries(ctx context.Context, now time.Time, limit int) ([]Delivery, error)
	// RecordOutcome writes back one attempt's outcome.
	RecordOutcome(ctx context.Context, o Outcome) error
}

// Drain sends every due delivery once and records the outcomes; it returns
// how many it attempted. A worker calls it on a timer.
func (s *Sender) Drain(ctx context.Context, ob Outbox, limit int) (int, error) {
	due, err := ob.DueDeliveries(ctx, s.Now(), limit)
	if err != nil {
		return 0, fmt.Errorf("drain webhooks: %w", err)
	}
	for i, d := range due {
		if err := ob.RecordOutcome(ctx, s.Send(ctx, d)); err != nil {
			return i, fmt.Errorf("drain webhooks: delivery %d: %w", d.ID, err)
		}
	}
	return len(due), nil
}
