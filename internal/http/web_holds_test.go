package http_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/downline/downline"
)

// TestWebHolds lists the demo's TX-11 holds, one of them acknowledged,
// on the back office, open ones by default; distributors never see them.
func TestWebHolds(t *testing.T) {
	f := newWebFixture(t, 300)
	hs, _, err := f.db.FindSelfDealingHolds(t.Context(), downline.SelfDealingHoldFilter{})
	if err != nil {
		t.Fatal(err)
	}
	// demo.Build's intake holds the pairs; cmd/downline's demo then
	// acknowledges one, as here.
	if len(hs) < 2 {
		t.Fatalf("the demo staged %d holds, want at least 2", len(hs))
	}
	if err := f.db.AcknowledgeSelfDealing(t.Context(), hs[0].ID, "Pat Lee", "pat@customer.example"); err != nil {
		t.Fatal(err)
	}
	open := len(hs) - 1
	admin := signInCookie(t, f.handler, adminEmail)
	dist := signInCookie(t, f.handler, distributorEmail)
	if code, _ := get(t, f.handler, "/admin/holds", dist); code != http.StatusForbidden {
		t.Errorf("holds as a distributor = %d, want 403", code)
	}
	code, body := get(t, f.handler, "/admin/holds", admin)
	if code != http.StatusOK || strings.Count(body, `<span class="badge warn">open</span>`) != open ||
		strings.Contains(body, `badge ok">acknowledged`) || !strings.Contains(body, "TX-11") {
		t.Fatalf("open holds page = %d, want %d open holds and no acknowledged one:\n%s", code, open, body)
	}
	_, body = get(t, f.handler, "/admin/holds?status=", admin)
	if n := strings.Count(body, "<tr>") - 1; n != len(hs) || !strings.Contains(body, `badge ok">acknowledged`) {
		t.Errorf("all holds page shows %d rows, want %d with the acknowledged one", n, len(hs))
	}
	if code, _ := get(t, f.handler, "/admin/holds?status=held", admin); code != http.StatusBadRequest {
		t.Errorf("status held = %d, want 400", code)
	}
	if _, body := get(t, f.handler, "/admin/risk-flags", admin); !strings.Contains(body, `href="/admin/holds"`) {
		t.Error("the risk flags page does not link the holds")
	}
}
