package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/downline/downline"
)

// WebhookEventStatus is what became of a received billing event.
type WebhookEventStatus string

// The webhook event statuses.
const (
	EventReceived       WebhookEventStatus = "received"        // stored, not yet processed
	EventApplied        WebhookEventStatus = "applied"         // its intents were applied
	EventNeedsAttention WebhookEventStatus = "needs_attention" // an operator must act, then replay
	EventIgnored        WebhookEventStatus = "ignored"         // nothing to do; the outcome says why
)

// WebhookEvent is a billing provider's event exactly as received.
type WebhookEvent struct {
	ID          int64
	Source      string // "stripe"
	EventID     string // the provider's id; unique per source
	EventType   string
	Payload     []byte // the raw body, as signed
	ReceivedAt  time.Time
	Status      WebhookEventStatus
	Outcome     string    // a sentence describing the last processing
	ProcessedAt time.Time // zero until processed
	Replays     int       // times processed again after the first
}

// AttentionItem is one entry of the needs-attention queue.
type AttentionItem struct {
	ID             int64
	WebhookEventID int64 // zero when not raised by a webhook event
	Source         string
	Ref            string // the provider object concerned
	Reason         string
	CreatedAt      time.Time
	ResolvedAt     time.Time // zero while open
	Resolution     string
}

// SaveWebhookEvent stores a verified event unless one with the same source
// and event id exists. It returns the stored event's id (the earlier one
// for a duplicate) and whether this call stored it. Its signature uses only
// standard types so that stripe.EventLog is satisfied without an import.
func (db *DB) SaveWebhookEvent(ctx context.Context, source, eventID, eventType string, payload []byte) (int64, bool, error) {
	if source == "" || eventID == "" || eventType == "" {
		return 0, false, downline.Errorf(downline.CodeInvalid, "webhook event %q: source, id and type are required", eventID)
	}
	tx, err := db.beginTx(ctx, true)
	if err != nil {
		return 0, false, err
	}
	defer tx.Rollback()
	var id int64
	err = tx.queryRow(ctx, `INSERT INTO webhook_events (source, event_id, event_type, payload, received_at, status,
		outcome, replays) VALUES (?, ?, ?, ?, ?, ?, '', 0) ON CONFLICT (source, event_id) DO NOTHING RETURNING id`,
		source, eventID, eventType, payload, encodeTime(tx.now), EventReceived).Scan(&id)
	isNew := err == nil
	if errors.Is(err, sql.ErrNoRows) {
		err = tx.queryRow(ctx, `SELECT id FROM webhook_events WHERE source = ? AND event_id = ?`, source, eventID).Scan(&id)
	}
	if err != nil {
		return 0, false, fmt.Errorf("save webhook event %s: %w", eventID, err)
	}
	if err := tx.Commit(); err != nil {
		return 0, false, fmt.Errorf("save webhook event %s: %w", eventID, err)
	}
	return id, isNew, nil
}

// WebhookEventPayload returns a stored event's id and raw body, for
// replaying it. Returns CodeNotFound.
func (db *DB) WebhookEventPayload(ctx context.Context, source, eventID string) (int64, []byte, error) {
	ev, err := db.FindWebhookEvent(ctx, source, eventID)
	if err != nil {
		return 0, nil, err
	}
	return ev.ID, ev.Payload, nil
}

// FindWebhookEvent returns one stored event. Returns CodeNotFound.
func (db *DB) FindWebhookEvent(ctx context.Context, source, eventID string) (*WebhookEvent, error) {
	tx, err := db.beginTx(ctx, false)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	return findWebhookEvent(ctx, tx, source, eventID)
}

func findWebhookEvent(ctx context.Context, tx *Tx, source, eventID string) (*WebhookEvent, error) {
	evs, err := findWebhookEvents(ctx, tx, WebhookEventFilter{Source: &source, EventID: &eventID})
	if err != nil {
		return nil, err
	}
	if len(evs) == 0 {
		return nil, downline.Errorf(downline.CodeNotFound, "Webhook event %s not found.", eventID)
	}
	return evs[0], nil
}

// WebhookEventFilter selects stored events; nil fields match everything.
type WebhookEventFilter struct {
	Source  *string
	EventID *string
	Status  *WebhookEventStatus
	AfterID int64 // keyset cursor; results are ordered by ID
	Limit   int   // 0: no limit
}

// FindWebhookEvents returns the events matching filter, ordered by ID.
func (db *DB) FindWebhookEvents(ctx context.Context, filter WebhookEventFilter) ([]*WebhookEvent, error) {
	tx, err := db.beginTx(ctx, false)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	return findWebhookEvents(ctx, tx, filter)
}

func findWebhookEvents(ctx context.Context, tx *Tx, f WebhookEventFilter) ([]*WebhookEvent, error) {
	var w where
	if f.Source != nil {
		w.add("source = ?", *f.Source)
	}
	if f.EventID != nil {
		w.add("event_id = ?", *f.EventID)
	}
	if f.Status != nil {
		w.add("status = ?", *f.Status)
	}
	if f.AfterID != 0 {
		w.add("id > ?", f.AfterID)
	}
	rows, err := tx.query(ctx, `SELECT id, source, event_id, event_type, payload, received_at, status, outcome,
		processed_at, replays FROM webhook_events`+w.String()+` ORDER BY id`+page(f.Limit, 0), w.args...)
	if err != nil {
		return nil, fmt.Errorf("find webhook events: %w", err)
	}
	defer rows.Close()
	var out []*WebhookEvent
	for rows.Next() {
		var e WebhookEvent
		var received int64
		var processed sql.NullInt64
		if err := rows.Scan(&e.ID, &e.Source, &e.EventID, &e.EventType, &e.Payload, &received, &e.Status,
			&e.Outcome, &processed, &e.Replays); err != nil {
			return nil, fmt.Errorf("find webhook events: %w", err)
		}
		e.ReceivedAt = decodeTime(received)
		if processed.Valid {
			e.ProcessedAt = decodeTime(processed.Int64)
		}
		out = append(out, &e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find webhook events: %w", err)
	}
	return out, nil
}

// FinishWebhookEvent records the outcome of processing event id (status
// applied, needs_attention or ignored) and opens one needs-attention item
// per entry of attention, each "ref\treason", in one transaction.
// Processing an event again (a replay) counts in Replays; an item already
// open for the same event and reason is not opened twice. Returns
// CodeNotFound.
func (db *DB) FinishWebhookEvent(ctx context.Context, id int64, status, outcome string, attention []string) error {
	switch WebhookEventStatus(status) {
	case EventApplied, EventNeedsAttention, EventIgnored:
	default:
		return downline.Errorf(downline.CodeInvalid, "webhook event %d: status %q is not a processing outcome", id, status)
	}
	tx, err := db.beginTx(ctx, true)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var source string
	var processed sql.NullInt64
	if err := tx.queryRow(ctx, `SELECT source, processed_at FROM webhook_events WHERE id = ?`, id).Scan(&source, &processed); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return downline.Errorf(downline.CodeNotFound, "Webhook event %d not found.", id)
		}
		return fmt.Errorf("finish webhook event %d: %w", id, err)
	}
	replay := 0
	if processed.Valid {
		replay = 1
	}
	if _, err := tx.exec(ctx, `UPDATE webhook_events SET status = ?, outcome = ?, processed_at = ?, replays = replays + ?
		WHERE id = ?`, status, outcome, encodeTime(tx.now), replay, id); err != nil {
		return fmt.Errorf("finish webhook event %d: %w", id, err)
	}
	for _, item := range attention {
		ref, reason, ok := strings.Cut(item, "\t")
		if !ok {
			ref, reason = "", item
		}
		a := AttentionItem{Ref: ref, Reason: reason}
		var open int
		err := tx.queryRow(ctx, `SELECT COUNT(*) FROM attention_items WHERE webhook_event_id = ? AND reason = ?
			AND resolved_at IS NULL`, id, a.Reason).Scan(&open)
		if err != nil {
			return fmt.Errorf("finish webhook event %d: find attention items: %w", id, err)
		}
		if open > 0 {
			continue
		}
		if _, err := tx.exec(ctx, `INSERT INTO attention_items (webhook_event_id, source, ref, reason, created_at, resolution)
			VALUES (?, ?, ?, ?, ?, '')`, id, source, a.Ref, a.Reason, encodeTime(tx.now)); err != nil {
			return fmt.Errorf("finish webhook event %d: open attention item: %w", id, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("finish webhook event %d: %w", id, err)
	}
	return nil
}

// FindAttentionItems returns the queue ordered by ID: only open items when
// openOnly is set.
func (db *DB) FindAttentionItems(ctx context.Context, openOnly bool) ([]*AttentionItem, error) {
	tx, err := db.beginTx(ctx, false)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	q := `SELECT id, webhook_event_id, source, ref, reason, created_at, resolved_at, resolution FROM attention_items`
	if openOnly {
		q += ` WHERE resolved_at IS NULL`
	}
	rows, err := tx.query(ctx, q+` ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("find attention items: %w", err)
	}
	defer rows.Close()
	var out []*AttentionItem
	for rows.Next() {
		var a AttentionItem
		var ev, resolved sql.NullInt64
		var created int64
		if err := rows.Scan(&a.ID, &ev, &a.Source, &a.Ref, &a.Reason, &created, &resolved, &a.Resolution); err != nil {
			return nil, fmt.Errorf("find attention items: %w", err)
		}
		a.WebhookEventID, a.CreatedAt = ev.Int64, decodeTime(created)
		if resolved.Valid {
			a.ResolvedAt = decodeTime(resolved.Int64)
		}
		out = append(out, &a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find attention items: %w", err)
	}
	return out, nil
}

// ResolveAttentionItem closes an item with a note on what was done.
// Returns CodeNotFound, and CodeConflict when it is already resolved.
func (db *DB) ResolveAttentionItem(ctx context.Context, id int64, resolution string) error {
	tx, err := db.beginTx(ctx, true)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	res, err := tx.exec(ctx, `UPDATE attention_items SET resolved_at = ?, resolution = ? WHERE id = ? AND resolved_at IS NULL`,
		encodeTime(tx.now), resolution, id)
	if err != nil {
		return fmt.Errorf("resolve attention item %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		var one int
		if err := tx.queryRow(ctx, `SELECT 1 FROM attention_items WHERE id = ?`, id).Scan(&one); errors.Is(err, sql.ErrNoRows) {
			return downline.Errorf(downline.CodeNotFound, "Attention item %d not found.", id)
		}
		return downline.Errorf(downline.CodeConflict, "Attention item %d is already resolved.", id)
	}
	return tx.Commit()
}

// SetBillingPrice maps a provider's price id to a product (by external
// id), replacing any earlier mapping. Returns CodeInvalid for an unknown
// product.
func (db *DB) SetBillingPrice(ctx context.Context, provider, priceID, productRef string) error {
	if provider == "" || priceID == "" {
		return downline.Errorf(downline.CodeInvalid, "billing price %q: provider and price id are required", priceID)
	}
	tx, err := db.beginTx(ctx, true)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var pid int64
	if err := tx.queryRow(ctx, `SELECT id FROM products WHERE external_id = ?`, productRef).Scan(&pid); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return downline.Errorf(downline.CodeInvalid, "billing price %q: product %q does not exist", priceID, productRef)
		}
		return fmt.Errorf("set billing price %s: %w", priceID, err)
	}
	if _, err := tx.exec(ctx, `INSERT INTO billing_prices (provider, price_id, product_id, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (provider, price_id) DO UPDATE SET product_id = excluded.product_id`,
		provider, priceID, pid, encodeTime(tx.now)); err != nil {
		return fmt.Errorf("set billing price %s: %w", priceID, err)
	}
	return tx.Commit()
}

// BillingPrices returns a provider's price id → product external id map.
func (db *DB) BillingPrices(ctx context.Context, provider string) (map[string]string, error) {
	tx, err := db.beginTx(ctx, false)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	rows, err := tx.query(ctx, `SELECT b.price_id, p.external_id FROM billing_prices b JOIN products p ON p.id = b.product_id
		WHERE b.provider = ? ORDER BY b.price_id`, provider)
	if err != nil {
		return nil, fmt.Errorf("billing prices: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var price, product string
		if err := rows.Scan(&price, &product); err != nil {
			return nil, fmt.Errorf("billing prices: %w", err)
		}
		out[price] = product
	}
	return out, rows.Err()
}
