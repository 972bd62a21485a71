package http_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/downline/downline"
)

// TestWebVerifications samples the last closed period, shows its figures
// on the compliance dashboard, and rejects a receipt from the case list.
// Distributors never see the list.
func TestWebVerifications(t *testing.T) {
	f := newWebFixture(t, 300)
	period := f.periods[len(f.periods)-2] // the last closed period
	res, err := f.db.SampleVerifications(t.Context(), downline.SampleRequest{Period: period, RateNum: 1, RateDen: 10, Key: []byte("web test key")})
	if err != nil || res.Cases == 0 {
		t.Fatalf("sample = %+v, %v", res, err)
	}
	admin := signInCookie(t, f.handler, adminEmail)
	dist := signInCookie(t, f.handler, distributorEmail)
	if code, _ := get(t, f.handler, "/admin/verifications", dist); code != http.StatusForbidden {
		t.Errorf("verifications as a distributor = %d, want 403", code)
	}
	code, body := get(t, f.handler, "/admin/compliance", admin)
	if code != http.StatusOK || !strings.Contains(body, `id="verification"`) || !strings.Contains(body, fmt.Sprintf("%d selected", res.Cases)) {
		t.Fatalf("compliance page = %d, without the verification figures", code)
	}
	code, body = get(t, f.handler, "/admin/verifications?period="+period, admin)
	if code != http.StatusOK || strings.Count(body, `action="/admin/verifications/`) != min(res.Cases, 100) {
		t.Fatalf("verifications page = %d with %d decision forms, want %d", code, strings.Count(body, `action="/admin/verifications/`), res.Cases)
	}
	cs, _, err := f.db.FindVerifications(t.Context(), downline.VerificationFilter{Limit: 1})
	if err != nil || len(cs) != 1 {
		t.Fatal(cs, err)
	}
	rec := post(t, f.handler, fmt.Sprintf("/admin/verifications/%d/decision", cs[0].ID), admin,
		url.Values{"csrf_token": {csrfOf(t, body)}, "status": {"rejected"}, "note": {"customer unknown"}, "period": {period}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("decide = %d: %s", rec.Code, rec.Body)
	}
	c, err := f.db.FindVerification(t.Context(), cs[0].ID)
	if err != nil || c.Status != downline.VerificationRejected || c.DecidedBy != "Ada Admin" || c.Note != "customer unknown" {
		t.Errorf("case after the form = %+v, %v", c, err)
	}
	_, body = get(t, f.handler, "/admin/verifications?status=rejected", admin)
	if !strings.Contains(body, "Ada Admin") || !strings.Contains(body, c.OrderRef) {
		t.Errorf("the rejected case is not listed with its decider")
	}
}

// TestWebRiskFlags lists the open flags on the back office and dismisses
// one from the list, audited; distributors never see the list.
func TestWebRiskFlags(t *testing.T) {
	f := newWebFixture(t, 300)
	os, _, err := f.db.FindOrders(t.Context(), downline.OrderFilter{Limit: 2})
	if err != nil || len(os) != 2 {
		t.Fatal(os, err)
	}
	// The demo stages a few flags of its own (internal/demo/compliance.go).
	_, staged, err := f.db.FindRiskFlags(t.Context(), downline.RiskFlagFilter{Status: downline.RiskOpen})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range os {
		if _, err := f.db.SQL().ExecContext(t.Context(), f.db.Rebind(`INSERT INTO risk_flags (kind, order_id, reason, created_at, status, reviewed_by)
			VALUES ('circular_customer', ?, 'paid with the card of the upline', 0, 'open', '')`), o.ID); err != nil {
			t.Fatal(err)
		}
	}
	admin := signInCookie(t, f.handler, adminEmail)
	dist := signInCookie(t, f.handler, distributorEmail)
	if code, _ := get(t, f.handler, "/admin/risk-flags", dist); code != http.StatusForbidden {
		t.Errorf("risk flags as a distributor = %d, want 403", code)
	}
	code, body := get(t, f.handler, "/admin/risk-flags", admin)
	if code != http.StatusOK || strings.Count(body, `action="/admin/risk-flags/`) != staged+2 || !strings.Contains(body, "paid with the card of the upline") {
		t.Fatalf("risk flags page = %d with %d review forms, want %d", code, strings.Count(body, `action="/admin/risk-flags/`), staged+2)
	}
	fl, _, err := f.db.FindRiskFlags(t.Context(), downline.RiskFlagFilter{Limit: 1})
	if err != nil || len(fl) != 1 {
		t.Fatal(fl, err)
	}
	rec := post(t, f.handler, fmt.Sprintf("/admin/risk-flags/%d/review", fl[0].ID), admin,
		url.Values{"csrf_token": {csrfOf(t, body)}, "status": {"dismissed"}, "note": {"the customer's own card"}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("review = %d: %s", rec.Code, rec.Body)
	}
	_, body = get(t, f.handler, "/admin/risk-flags?status=dismissed", admin)
	if !strings.Contains(body, "Ada Admin") || !strings.Contains(body, "the customer&#39;s own card") {
		t.Errorf("the dismissed flag is not listed with its reviewer and note")
	}
	action := "risk.review"
	if _, n, err := f.db.FindAuditEntries(t.Context(), downline.AuditFilter{Action: &action}); err != nil || n != 1 {
		t.Errorf("audit entries = %d, %v; want 1", n, err)
	}
}
