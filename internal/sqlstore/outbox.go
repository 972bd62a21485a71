package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/downline/downline"
)

// WebhookEndpoint is a receiver of Downline's outgoing webhooks.
type WebhookEndpoint struct {
	ID         int64
	URL        string
	Secret     string
	EventTypes []string // event types delivered; "*" for all
	Active     bool
	CreatedAt  time.Time
}

// CreateWebhookEndpoint stores an endpoint, filling ID and CreatedAt.
func (db *DB) CreateWebhookEndpoint(ctx context.Context, e *WebhookEndpoint) error {
	if !strings.HasPrefix(e.URL, "https://") && !strings.HasPrefix(e.URL, "http://") {
		return downline.Errorf(downline.CodeInvalid, "webhook endpoint %q: url must be http(s)", e.URL)
	}
	if len(e.Secret) < 16 || len(e.EventTypes) == 0 {
		return downline.Errorf(downline.CodeInvalid, "webhook endpoint %q: a secret of 16+ characters and event types are required", e.URL)
	}
	tx, err := db.beginTx(ctx, true)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	e.CreatedAt = tx.now
	if err := tx.queryRow(ctx, `INSERT INTO webhook_endpoints (url, secret, event_types, active, created_at)
		VALUES (?, ?, ?, ?, ?) RETURNING id`, e.URL, e.Secret, strings.Join(e.EventTypes, ","), e.Active,
		encodeTime(e.CreatedAt)).Scan(&e.ID); err != nil {
		return fmt.Errorf("create webhook endpoint: %w", err)
	}
	return tx.Commit()
}

// EnqueueWebhook writes one outbox delivery per active endpoint subscribed
// to eventType, in its own transaction. Store methods that announce a
// change call enqueueWebhook inside their own transaction instead, so the
// change and its announcement commit together.
func (db *DB) EnqueueWebhook(ctx context.Context, eventType, eventID string, payload []byte) (int, error) {
	tx, err := db.beginTx(ctx, true)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	n, err := enqueueWebhook(ctx, tx, eventType, eventID, payload)
	if err != nil {
		return 0, err
	}
	return n, tx.Commit()
}

// enqueueWebhook inserts the deliveries of one event in tx and returns how
// many. The same event id is enqueued at most once per endpoint.
func enqueueWebhook(ctx context.Context, tx *Tx, eventType, eventID string, payload []byte) (int, error) {
	rows, err := tx.query(ctx, `SELECT id, event_types FROM webhook_endpoints WHERE active ORDER BY id`)
	if err != nil {
		return 0, fmt.Errorf("enqueue webhook %s: %w", eventID, err)
	}
	var targets []int64
	for rows.Next() {
		var id int64
		var types string
		if err := rows.Scan(&id, &types); err != nil {
			rows.Close()
			return 0, fmt.Errorf("enqueue webhook %s: %w", eventID, err)
		}
		for _, t := range strings.Split(types, ",") {
			if t == "*" || t == eventType {
				targets = append(targets, id)
				break
			}
		}
	}
	if err := rows.Close(); err != nil {
		return 0, fmt.Errorf("enqueue webhook %s: %w", eventID, err)
	}
	for _, id := range targets {
		if _, err := tx.exec(ctx, `INSERT INTO webhook_deliveries (endpoint_id, event_id, event_type, payload, created_at,
			status, attempts, next_at, last_status, last_error) VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, 0, '')
			ON CONFLICT (endpoint_id, event_id) DO NOTHING`,
			id, eventID, eventType, payload, encodeTime(tx.now), encodeTime(tx.now)); err != nil {
			return 0, fmt.Errorf("enqueue webhook %s: %w", eventID, err)
		}
	}
	return len(targets), nil
}

// WebhookDelivery is one outbox row due for an attempt. Its fields match
// webhook.Delivery, so callers convert with a plain type conversion.
type WebhookDelivery struct {
	ID          int64
	EndpointURL string
	Secret      string
	EventID     string
	EventType   string
	Payload     []byte
	Attempts    int
	NextAt      time.Time
}

// DueWebhookDeliveries returns up to limit pending deliveries due at now,
// oldest due first. One delivery worker per database is assumed.
func (db *DB) DueWebhookDeliveries(ctx context.Context, now time.Time, limit int) ([]WebhookDelivery, error) {
	tx, err := db.beginTx(ctx, false)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	rows, err := tx.query(ctx, `SELECT d.id, e.url, e.secret, d.event_id, d.event_type, d.payload, d.attempts, d.next_at
		FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
		WHERE d.status = 'pending' AND d.next_at <= ? ORDER BY d.next_at, d.id`+page(limit, 0), encodeTime(now))
	if err != nil {
		return nil, fmt.Errorf("due webhook deliveries: %w", err)
	}
	defer rows.Close()
	var out []WebhookDelivery
	for rows.Next() {
		var d WebhookDelivery
		var next int64
		if err := rows.Scan(&d.ID, &d.EndpointURL, &d.Secret, &d.EventID, &d.EventType, &d.Payload, &d.Attempts, &next); err != nil {
			return nil, fmt.Errorf("due webhook deliveries: %w", err)
		}
		d.NextAt = decodeTime(next)
		out = append(out, d)
	}
	return out, rows.Err()
}

// WebhookOutcome is the result of one delivery attempt. Its fields match
// webhook.Outcome.
type WebhookOutcome struct {
	DeliveryID int64
	Attempt    int
	At         time.Time
	Status     int
	Error      string
	Delivered  bool
	NextAt     time.Time
	Dead       bool
}

// RecordWebhookOutcome writes an attempt's outcome back to the outbox.
// Returns CodeNotFound for an unknown delivery.
func (db *DB) RecordWebhookOutcome(ctx context.Context, o WebhookOutcome) error {
	status := "pending"
	var next, delivered sql.NullInt64
	switch {
	case o.Delivered:
		status, delivered = "delivered", sql.NullInt64{Int64: encodeTime(o.At), Valid: true}
	case o.Dead:
		status = "dead"
	default:
		next = sql.NullInt64{Int64: encodeTime(o.NextAt), Valid: true}
	}
	tx, err := db.beginTx(ctx, true)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	res, err := tx.exec(ctx, `UPDATE webhook_deliveries SET status = ?, attempts = ?, next_at = ?, last_status = ?,
		last_error = ?, delivered_at = ? WHERE id = ?`, status, o.Attempt, next, o.Status, o.Error, delivered, o.DeliveryID)
	if err != nil {
		return fmt.Errorf("record webhook outcome %d: %w", o.DeliveryID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return downline.Errorf(downline.CodeNotFound, "Webhook delivery %d not found.", o.DeliveryID)
	}
	return tx.Commit()
}
