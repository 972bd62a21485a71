package http_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/downline/downline"
)

// TestVerificationAPI lists a sampled period's cases page by page and
// records decisions: a rejection, its idempotent retry, a conflicting
// confirmation, each change audited once. Every answer is validated
// against the OpenAPI document.
func TestVerificationAPI(t *testing.T) {
	f := newFixture(t)
	schemas := newAPISchemas(t)
	co := f.client(t, schemas, f.tokens[downline.RoleCompliance])
	// The fixture's three customer orders are in 2026-03; a rate of 1
	// samples them all.
	res, err := f.db.SampleVerifications(ctx, downline.SampleRequest{Period: "2026-03", RateNum: 1, RateDen: 1, Key: []byte("api test key")})
	if err != nil || res.Cases != 3 {
		t.Fatalf("sample = %+v, %v", res, err)
	}
	type pageJSON struct {
		Items []struct {
			ID             int64  `json:"id"`
			OrderRef       string `json:"order_ref"`
			Status         string `json:"status"`
			ReversedAmount string `json:"reversed_amount"`
		} `json:"items"`
		Total      int    `json:"total"`
		NextCursor string `json:"next_cursor"`
	}
	var p1, p2 pageJSON
	co.call("GET", "/api/v1/verifications?period=2026-03&limit=2", http.StatusOK, nil).decode(t, &p1)
	if len(p1.Items) != 2 || p1.Total != 3 || p1.NextCursor == "" {
		t.Fatalf("first page = %+v", p1)
	}
	co.call("GET", "/api/v1/verifications?period=2026-03&limit=2&cursor="+p1.NextCursor, http.StatusOK, nil).decode(t, &p2)
	if len(p2.Items) != 1 || p2.Items[0].ID <= p1.Items[1].ID {
		t.Fatalf("second page = %+v", p2)
	}
	co.call("GET", "/api/v1/verifications?status=maybe", http.StatusBadRequest, nil)

	const path = "/api/v1/verifications/{id}/decision"
	id := fmt.Sprint(p1.Items[0].ID)
	var got struct {
		Status    string `json:"status"`
		DecidedBy string `json:"decided_by"`
	}
	co.call("POST", path, http.StatusOK, map[string]string{"status": "rejected", "note": "no such purchase"}, "{id}", id).decode(t, &got)
	if got.Status != "rejected" || got.DecidedBy != "compliance" {
		t.Errorf("decision = %+v, want rejected by the signed-in user", got)
	}
	co.call("POST", path, http.StatusOK, map[string]string{"status": "rejected"}, "{id}", id)
	co.call("POST", path, http.StatusConflict, map[string]string{"status": "confirmed"}, "{id}", id)
	co.call("POST", path, http.StatusBadRequest, map[string]string{"status": "maybe"}, "{id}", id)
	co.call("POST", path, http.StatusNotFound, map[string]string{"status": "confirmed"}, "{id}", "999")
	action := "verification.decide"
	es, n, err := f.db.FindAuditEntries(ctx, downline.AuditFilter{Action: &action})
	if err != nil || n != 1 || es[0].TargetID != id || es[0].AfterDigest == "" {
		t.Errorf("audit entries = %d (%v), want one for case %d", n, err, p1.Items[0].ID)
	}
	var rejected pageJSON
	co.call("GET", "/api/v1/verifications?status=rejected", http.StatusOK, nil).decode(t, &rejected)
	if len(rejected.Items) != 1 || rejected.Items[0].ReversedAmount != "0.00" {
		t.Errorf("rejected cases = %+v, want one with nothing reversed (its period is open)", rejected)
	}
}
