package sqlstore_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/downline/downline"
	"github.com/downline/downline/internal/sqlstore"
	"github.com/downline/downline/internal/sqlstore/sqlstoretest"
)

func TestWebhookEventsDedupeAndReplay(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *sqlstore.DB) {
		raw := []byte(`{"id":"evt_1","type":"invoice.paid"}`)
		id, isNew, err := db.SaveWebhookEvent(ctx, "stripe", "evt_1", "invoice.paid", raw)
		if err != nil || !isNew {
			t.Fatalf("SaveWebhookEvent = %v, new=%t; want stored", err, isNew)
		}
		ev, err := db.FindWebhookEvent(ctx, "stripe", "evt_1")
		if err != nil || ev.ID != id {
			t.Fatalf("FindWebhookEvent = %+v, %v; want id %d", ev, err, id)
		}
		want := &sqlstore.WebhookEvent{ID: ev.ID, Source: "stripe", EventID: "evt_1", EventType: "invoice.paid",
			Payload: raw, ReceivedAt: sqlstoretest.Now, Status: sqlstore.EventReceived}
		if diff := cmp.Diff(want, ev); diff != "" {
			t.Errorf("stored event (-want +got):\n%s", diff)
		}
		// A redelivery (even with other bytes) keeps the first copy.
		dupID, isNew, err := db.SaveWebhookEvent(ctx, "stripe", "evt_1", "invoice.paid", []byte(`{}`))
		if err != nil || isNew || dupID != ev.ID {
			t.Fatalf("duplicate save = %d, new=%t, %v; want %d, not new", dupID, isNew, err, ev.ID)
		}
		if gotID, payload, err := db.WebhookEventPayload(ctx, "stripe", "evt_1"); err != nil || gotID != id || string(payload) != string(raw) {
			t.Fatalf("WebhookEventPayload = %d %s %v; want the first body", gotID, payload, err)
		}
		// The same id from another source is another event.
		if _, isNew, _ := db.SaveWebhookEvent(ctx, "other", "evt_1", "x", raw); !isNew {
			t.Error("event id of another source treated as a duplicate")
		}

		attention := []string{"in_1\tunmapped price price_9"}
		if err := db.FinishWebhookEvent(ctx, ev.ID, string(sqlstore.EventNeedsAttention), "1 item", attention); err != nil {
			t.Fatal(err)
		}
		// Replaying before the cause is fixed must not duplicate the item.
		if err := db.FinishWebhookEvent(ctx, ev.ID, string(sqlstore.EventNeedsAttention), "1 item", attention); err != nil {
			t.Fatal(err)
		}
		items, err := db.FindAttentionItems(ctx, true)
		if err != nil {
			t.Fatal(err)
		}
		wantItems := []*sqlstore.AttentionItem{{WebhookEventID: ev.ID, Source: "stripe", Ref: "in_1",
			Reason: "unmapped price price_9", CreatedAt: sqlstoretest.Now}}
		if diff := cmp.Diff(wantItems, items, cmpopts.IgnoreFields(sqlstore.AttentionItem{}, "ID")); diff != "" {
			t.Errorf("open items (-want +got):\n%s", diff)
		}
		if err := db.ResolveAttentionItem(ctx, items[0].ID, "mapped price_9 to SUP"); err != nil {
			t.Fatal(err)
		}
		if err := db.ResolveAttentionItem(ctx, items[0].ID, "again"); downline.ErrorCode(err) != downline.CodeConflict {
			t.Errorf("resolving twice = %v, want conflict", err)
		}
		if err := db.ResolveAttentionItem(ctx, 999, "x"); downline.ErrorCode(err) != downline.CodeNotFound {
			t.Errorf("resolving unknown = %v, want not found", err)
		}
		if err := db.FinishWebhookEvent(ctx, ev.ID, string(sqlstore.EventApplied), "order created", nil); err != nil {
			t.Fatal(err)
		}
		got, err := db.FindWebhookEvent(ctx, "stripe", "evt_1")
		if err != nil {
			t.Fatal(err)
		}
		// Processed three times: the first, then two replays.
		if got.Status != sqlstore.EventApplied || got.Replays != 2 || got.Outcome != "order created" || !got.ProcessedAt.Equal(sqlstoretest.Now) {
			t.Errorf("after replay: %+v, want applied with 2 replays", got)
		}
		st := sqlstore.EventApplied
		if evs, err := db.FindWebhookEvents(ctx, sqlstore.WebhookEventFilter{Status: &st}); err != nil || len(evs) != 1 {
			t.Errorf("FindWebhookEvents(applied) = %d, %v; want 1", len(evs), err)
		}
		if _, err := db.FindWebhookEvent(ctx, "stripe", "evt_404"); downline.ErrorCode(err) != downline.CodeNotFound {
			t.Errorf("FindWebhookEvent(unknown) = %v, want not found", err)
		}
		if err := db.FinishWebhookEvent(ctx, ev.ID, string(sqlstore.EventReceived), "", nil); downline.ErrorCode(err) != downline.CodeInvalid {
			t.Errorf("finishing as received = %v, want invalid", err)
		}
	})
}

func TestBillingPrices(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *sqlstore.DB) {
		seed(t, db)
		for price, sku := range map[string]string{"price_sup": "SUP", "price_seat": "SUP"} {
			if err := db.SetBillingPrice(ctx, "stripe", price, sku); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.SetBillingPrice(ctx, "stripe", "price_seat", "SEAT"); err != nil { // remap
			t.Fatal(err)
		}
		if err := db.SetBillingPrice(ctx, "stripe", "price_x", "NOPE"); downline.ErrorCode(err) != downline.CodeInvalid {
			t.Errorf("unknown product = %v, want invalid", err)
		}
		got, err := db.BillingPrices(ctx, "stripe")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(map[string]string{"price_sup": "SUP", "price_seat": "SEAT"}, got); diff != "" {
			t.Errorf("prices (-want +got):\n%s", diff)
		}
	})
}
