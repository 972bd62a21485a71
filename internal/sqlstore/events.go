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
