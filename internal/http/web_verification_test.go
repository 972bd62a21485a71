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
