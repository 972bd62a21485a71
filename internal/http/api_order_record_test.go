package http_test

import (
	"bytes"
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/downline/downline"
	dlhttp "github.com/downline/downline/internal/http"
)

// TestOrderCreateRecorded: through an OrderGroup over the store, a created
// order, its audit entry and the response kept for its Idempotency-Key are
// one transaction; a replay adds nothing; a refused order keeps neither
// key nor audit entry, so a corrected retry may use the key.
func TestOrderCreateRecorded(t *testing.T) {
	f := newFixture(t, func(s *dlhttp.Server) { s.Orders = dlhttp.NewOrderGroup(s.Orders) })
	body := func(ext, customer string) string {
		return fmt.Sprintf(`{"external_id":%q,"customer_ref":%q,"purpose":"customer_direct","currency":"EUR",`+
			`"paid_at":"2026-03-15T11:00:00Z","lines":[{"product_ref":"SKU-1","quantity":1,"unit_price":"100.00"}]}`, ext, customer)
	}
	admin, err := f.db.FindUserByEmail(ctx, "admin@vendor.example")
	if err != nil {
		t.Fatal(err)
	}
	audit := func() []*downline.AuditEntry {
		t.Helper()
		var chain downline.AuditChain
		var es []*downline.AuditEntry
		if err := f.db.WalkAudit(ctx, func(e *downline.AuditEntry) error { es = append(es, e); return chain.Next(e) }); err != nil {
			t.Fatalf("audit chain: %v", err)
		}
		return es
	}

	first := f.do(t, downline.RoleAdmin, "POST", "/api/v1/orders", body("REC-1", "C-A"), "Idempotency-Key", "rec-1")
	if first.status != http.StatusCreated {
		t.Fatalf("create: %d %s", first.status, first.body)
	}
	var o struct {
		ID int64 `json:"id"`
	}
	first.decode(t, &o)
	es := audit()
	last := es[len(es)-1]
	if last.Action != "order.create" || last.TargetID != fmt.Sprint(o.ID) || last.ActorUserID != int64(admin.ID) {
		t.Errorf("last audit entry %+v, want order.create of order %d by user %d", last, o.ID, admin.ID)
	}
	kept, err := f.db.FindIdempotentResponse(ctx, int64(admin.ID), "rec-1")
	if err != nil || kept.Status != http.StatusCreated || !bytes.Equal(kept.Body, first.body) {
		t.Errorf("kept response %+v, %v; want 201 with the body sent", kept, err)
	}

	again := f.do(t, downline.RoleAdmin, "POST", "/api/v1/orders", body("REC-1", "C-A"), "Idempotency-Key", "rec-1")
	if again.status != http.StatusCreated || again.header.Get("Idempotent-Replayed") != "true" || !bytes.Equal(again.body, first.body) {
		t.Errorf("replay: %d %q %s", again.status, again.header.Get("Idempotent-Replayed"), again.body)
	}
	if n := len(audit()); n != len(es) {
		t.Errorf("replay appended %d audit entries", n-len(es))
	}

	// The key is checked in the order's transaction, and a failed request
	// looks it up afterwards: a used key with another body is 409 even
	// when that body would be refused (as a lookup beforehand answered).
	if res := f.do(t, downline.RoleAdmin, "POST", "/api/v1/orders", body("REC-9", "C-NOBODY"), "Idempotency-Key", "rec-1"); res.status != http.StatusConflict {
		t.Errorf("used key, other and bad body: %d %s, want 409", res.status, res.body)
	}
	if res := f.do(t, downline.RoleAdmin, "POST", "/api/v1/orders", body("REC-9", "C-A"), "Idempotency-Key", "rec-1"); res.status != http.StatusConflict {
		t.Errorf("used key, other body: %d %s, want 409", res.status, res.body)
	}
	if _, err := f.db.FindOrderByExternalID(ctx, "REC-9"); downline.ErrorCode(err) != downline.CodeNotFound {
		t.Errorf("order of a refused key stored: %v", err)
	}
	if n := len(audit()); n != len(es) {
		t.Errorf("refused keys appended %d audit entries", n-len(es))
	}

	// The same request sent 8 times at once (one group commit, or a few):
	// one order, one audit entry, and every caller gets the same answer.
	var wg sync.WaitGroup
	same := make([]response, 8)
	for i := range same {
		wg.Add(1)
		go func() {
			defer wg.Done()
			same[i] = f.do(t, downline.RoleAdmin, "POST", "/api/v1/orders", body("REC-8", "C-A"), "Idempotency-Key", "rec-8")
		}()
	}
	wg.Wait()
	replays := 0
	for _, res := range same {
		if res.status != http.StatusCreated || !bytes.Equal(res.body, same[0].body) {
			t.Errorf("concurrent same request: %d %s, want 201 %s", res.status, res.body, same[0].body)
		}
		if res.header.Get("Idempotent-Replayed") == "true" {
			replays++
		}
	}
	if replays != len(same)-1 {
		t.Errorf("concurrent same request: %d replayed, want %d", replays, len(same)-1)
	}
	if n := len(audit()); n != len(es)+1 {
		t.Errorf("concurrent same request appended %d audit entries, want 1", n-len(es))
	}
	es = audit()

	bad := f.do(t, downline.RoleAdmin, "POST", "/api/v1/orders", body("REC-2", "C-NOBODY"), "Idempotency-Key", "rec-2")
	if bad.status != http.StatusBadRequest {
		t.Errorf("unknown customer: %d %s, want 400", bad.status, bad.body)
	}
	if n := len(audit()); n != len(es) {
		t.Errorf("refused order appended %d audit entries", n-len(es))
	}
	if _, err := f.db.FindIdempotentResponse(ctx, int64(admin.ID), "rec-2"); downline.ErrorCode(err) != downline.CodeNotFound {
		t.Errorf("refused order kept its key: %v", err)
	}
	if res := f.do(t, downline.RoleAdmin, "POST", "/api/v1/orders", body("REC-2", "C-B"), "Idempotency-Key", "rec-2"); res.status != http.StatusCreated {
		t.Errorf("corrected retry with the key: %d %s", res.status, res.body)
	}

	// A batch appends one entry per order, in the batch's transaction.
	before := len(audit())
	batch := f.do(t, downline.RoleAdmin, "POST", "/api/v1/orders/batch", `{"orders":[`+body("REC-3", "C-A")+`,`+body("REC-4", "C-B")+`]}`)
	if batch.status != http.StatusCreated {
		t.Fatalf("batch: %d %s", batch.status, batch.body)
	}
	var got struct {
		Items []struct {
			ID int64 `json:"id"`
		} `json:"items"`
	}
	batch.decode(t, &got)
	es = audit()
	if len(es) != before+2 || len(got.Items) != 2 || es[before].TargetID != fmt.Sprint(got.Items[0].ID) ||
		es[before+1].TargetID != fmt.Sprint(got.Items[1].ID) {
		t.Errorf("batch of 2 appended %d entries for orders %v", len(es)-before, got.Items)
	}
}
