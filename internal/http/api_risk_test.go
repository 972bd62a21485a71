package http_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/downline/downline"
)

// TestRiskFlagAPI lists flags page by page and by status, reviews one (its
// retry is a no-op, the opposite review a conflict), audits the change
// once, and sees a verification rejection confirm its order's flag. Every
// answer is validated against the OpenAPI document.
func TestRiskFlagAPI(t *testing.T) {
	f := newFixture(t)
	schemas := newAPISchemas(t)
	co := f.client(t, schemas, f.tokens[downline.RoleCompliance])
	os, _, err := f.db.FindOrders(ctx, downline.OrderFilter{})
	if err != nil || len(os) < 3 {
		t.Fatalf("orders = %d, %v", len(os), err)
	}
	for _, o := range os[:3] {
		if _, err := f.db.SQL().ExecContext(ctx, f.db.Rebind(`INSERT INTO risk_flags (kind, order_id, reason, created_at, status, reviewed_by)
			VALUES ('circular_customer', ?, 'card of the upline', 0, 'open', '')`), o.ID); err != nil {
			t.Fatal(err)
		}
	}
	type pageJSON struct {
		Items []struct {
			ID         int64  `json:"id"`
			OrderID    int64  `json:"order_id"`
			Status     string `json:"status"`
			ReviewedBy string `json:"reviewed_by"`
			ReviewNote string `json:"review_note"`
		} `json:"items"`
		Total      int    `json:"total"`
		NextCursor string `json:"next_cursor"`
	}
	var p1, p2 pageJSON
	co.call("GET", "/api/v1/risk-flags?status=open&limit=2", http.StatusOK, nil).decode(t, &p1)
	if len(p1.Items) != 2 || p1.Total != 3 || p1.NextCursor == "" {
		t.Fatalf("first page = %+v", p1)
	}
	co.call("GET", "/api/v1/risk-flags?status=open&limit=2&cursor="+p1.NextCursor, http.StatusOK, nil).decode(t, &p2)
	if len(p2.Items) != 1 || p2.Items[0].ID <= p1.Items[1].ID {
		t.Fatalf("second page = %+v", p2)
	}
	co.call("GET", "/api/v1/risk-flags?status=maybe", http.StatusBadRequest, nil)

	const path = "/api/v1/risk-flags/{id}/review"
	id := fmt.Sprint(p1.Items[0].ID)
	co.call("POST", path, http.StatusOK, map[string]string{"status": "dismissed", "note": "a family member pays"}, "{id}", id)
	co.call("POST", path, http.StatusOK, map[string]string{"status": "dismissed"}, "{id}", id)
	co.call("POST", path, http.StatusConflict, map[string]string{"status": "confirmed"}, "{id}", id)
	co.call("POST", path, http.StatusBadRequest, map[string]string{"status": "open"}, "{id}", id)
	co.call("POST", path, http.StatusNotFound, map[string]string{"status": "confirmed"}, "{id}", "999")
	action := "risk.review"
	es, n, err := f.db.FindAuditEntries(ctx, downline.AuditFilter{Action: &action})
	if err != nil || n != 1 || es[0].TargetID != id || es[0].TargetType != "risk_flag" {
		t.Errorf("audit entries = %d (%v), want one for flag %s", n, err, id)
	}

	// Rejecting the receipt of the second flag's order confirms the flag.
	if _, err := f.db.SampleVerifications(ctx, downline.SampleRequest{Period: "2026-03", RateNum: 1, RateDen: 1, Key: []byte("api test key")}); err != nil {
		t.Fatal(err)
	}
	oid := downline.OrderID(p1.Items[1].OrderID)
	cs, _, err := f.db.FindVerifications(ctx, downline.VerificationFilter{OrderID: &oid})
	if err != nil || len(cs) != 1 {
		t.Fatalf("case of order %d: %v, %v", oid, cs, err)
	}
	co.call("POST", "/api/v1/verifications/{id}/decision", http.StatusOK, map[string]string{"status": "rejected"}, "{id}", fmt.Sprint(cs[0].ID))
	var closed pageJSON
	co.call("GET", fmt.Sprint("/api/v1/risk-flags?order_id=", oid), http.StatusOK, nil).decode(t, &closed)
	if len(closed.Items) != 1 || closed.Items[0].Status != "confirmed" || closed.Items[0].ReviewedBy != "compliance" {
		t.Errorf("flag of the rejected order = %+v, want confirmed by compliance", closed)
	}
	var open pageJSON
	co.call("GET", "/api/v1/risk-flags?status=open", http.StatusOK, nil).decode(t, &open)
	if open.Total != 1 {
		t.Errorf("open flags = %d, want 1", open.Total)
	}
}
