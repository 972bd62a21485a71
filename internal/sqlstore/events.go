package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/downline/downline"
)

// The outgoing webhook events written to the outbox in the same
// transaction as the change they announce, so that an event is sent if
// and only if its change committed. Event ids are derived from the change,
// so a retried write enqueues nothing twice (the outbox dedupes on them).
const (
	EventDistributorEnrolled = "distributor.enrolled"
	EventPeriodClosed        = "period.closed"
	EventPayoutPaid          = "payout.paid"
	EventOrderAttributed     = "order.attributed"
)

// enqueueEvent marshals data as the event's payload and writes it to the
// outbox for every active endpoint that takes the event type.
func enqueueEvent(ctx context.Context, tx *Tx, eventType, eventID string, data any) error {
	body, err := json.Marshal(struct {
		ID      string    `json:"id"`
		Type    string    `json:"type"`
		Created time.Time `json:"created"`
		Data    any       `json:"data"`
	}{eventID, eventType, tx.now, data})
	if err != nil {
		return fmt.Errorf("event %s: %w", eventID, err)
	}
	if _, err := enqueueWebhook(ctx, tx, eventType, eventID, body); err != nil {
		return fmt.Errorf("event %s: %w", eventID, err)
	}
	return nil
}

func enqueueEnrolled(ctx context.Context, tx *Tx, d *downline.Distributor) error {
	return enqueueEvent(ctx, tx, EventDistributorEnrolled, fmt.Sprintf("distributor.enrolled:%d", d.ID), map[string]any{
		"distributor_id": d.ID, "external_id": d.ExternalID, "sponsor_id": d.SponsorID,
		"referral_code": d.ReferralCode, "joined_at": d.JoinedAt.UTC(),
	})
}

func enqueueClosed(ctx context.Context, tx *Tx, r *downline.Run) error {
	return enqueueEvent(ctx, tx, EventPeriodClosed, "period.closed:"+r.Period, map[string]any{
		"period": r.Period, "run_id": r.ID, "plan_hash": r.PlanHash, "input_hash": r.InputHash,
		"result_hash": r.ResultHash, "currency": r.Currency,
		"total":    downline.NewMoney(r.Total, r.Currency).FormatMajor(),
		"total_cv": downline.NewMoney(r.TotalCV, r.Currency).FormatMajor(),
	})
}

func enqueuePaid(ctx context.Context, tx *Tx, batch string, item int64, dist downline.DistributorID, amount int64, currency string) error {
	return enqueueEvent(ctx, tx, EventPayoutPaid, fmt.Sprintf("payout.paid:%s:%d", batch, item), map[string]any{
		"batch": batch, "item": item, "distributor_id": dist,
		"amount": downline.NewMoney(amount, currency).FormatMajor(), "currency": currency,
	})
}

// enqueueAttributed announces each new order and the distributor it is
// credited to. One query finds whether any endpoint takes the event, so
// that intake without subscribers pays nothing more.
func enqueueAttributed(ctx context.Context, tx *Tx, os []*downline.Order) error {
	if len(os) == 0 {
		return nil
	}
	var n int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM webhook_endpoints WHERE active AND (','||event_types||',' LIKE '%,*,%'
		OR ','||event_types||',' LIKE ?)`, "%,"+EventOrderAttributed+",%").Scan(&n); err != nil {
		return fmt.Errorf("event %s: %w", EventOrderAttributed, err)
	}
	if n == 0 {
		return nil
	}
	for _, o := range os {
		data := map[string]any{
			"order_id": o.ID, "external_id": o.ExternalID, "distributor_id": o.DistributorID,
			"distributor_ref": o.DistributorRef, "purpose": o.Purpose, "period": o.Period,
			"volume_state": o.VolumeState, "currency": o.Currency, "paid_at": o.PaidAt.UTC(),
			"total": downline.NewMoney(o.Total(), o.Currency).FormatMajor(),
			"cv":    downline.NewMoney(o.TotalCV(), o.Currency).FormatMajor(),
		}
		if o.CustomerID != 0 {
			data["customer_id"], data["customer_ref"] = o.CustomerID, o.CustomerRef
		}
		if o.OriginalDistributorID != 0 {
			data["original_distributor_id"], data["original_purpose"] = o.OriginalDistributorID, o.OriginalPurpose
		}
		if err := enqueueEvent(ctx, tx, EventOrderAttributed, fmt.Sprintf("order.attributed:%d", o.ID), data); err != nil {
			return err
		}
	}
	return nil
}
