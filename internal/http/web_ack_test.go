package http_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/downline/downline"
	"github.com/downline/downline/attribution"
)

// TestAckPage: someone at the customer follows the signed TX-11 link and
// acknowledges the relationship (TX-11 (d): the order is pending_ack until
// a different person in the customer's domain signs). The distributor
// cannot acknowledge, nor can an address outside the customer's domain; a
// tampered link is refused and an expired one is gone.
func TestAckPage(t *testing.T) {
	f := newWebFixture(t, 300)
	key := []byte("a test acknowledgement key of 32+ bytes")
	srv := newWebServer(f.db)
	srv.AckKey = key
	h := srv.Handler()
	ctx := t.Context()
	hs, _, err := f.db.FindSelfDealingHolds(ctx, downline.SelfDealingHoldFilter{Status: downline.HoldOpen, Limit: 1})
	if err != nil || len(hs) != 1 || hs[0].PendingOrders == 0 {
		t.Fatalf("an open hold with held orders: %v, %v", hs, err)
	}
	hold := hs[0]
	cust, err := f.db.FindCustomerByID(ctx, hold.CustomerID)
	if err != nil {
		t.Fatal(err)
	}
	dist, err := f.db.FindDistributorByID(ctx, hold.DistributorID)
	if err != nil {
		t.Fatal(err)
	}
	sign := func(expires time.Time) string {
		tok, err := attribution.SignAck(key, attribution.Ack{HoldID: hold.ID, CustomerID: hold.CustomerID,
			DistributorID: hold.DistributorID, ExpiresAt: expires})
		if err != nil {
			t.Fatal(err)
		}
		return "/ack/" + tok
	}
	link := sign(webNow.Add(30 * 24 * time.Hour))
	do := func(method, path string, form url.Values) (int, string) {
		req := httptest.NewRequest(method, path, strings.NewReader(form.Encode()))
		if method == "POST" {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code, rec.Body.String()
	}
	if code, body := do("GET", link, nil); code != http.StatusOK || !strings.Contains(body, `<form method="post">`) ||
		!strings.Contains(body, cust.Name) {
		t.Fatalf("GET link = %d:\n%s", code, body)
	}
	if code, _ := do("GET", link+"x", nil); code != http.StatusBadRequest {
		t.Errorf("tampered link = %d, want 400", code)
	}
	if code, _ := do("GET", sign(webNow.Add(-time.Hour)), nil); code != http.StatusGone {
		t.Errorf("expired link = %d, want 410", code)
	}
	for _, tc := range []struct {
		name, email string
		want        int
	}{
		{"The Seller", dist.Email, http.StatusForbidden},
		{"Someone Else", "someone@elsewhere.example", http.StatusForbidden},
		{"", "cfo@" + cust.Domain, http.StatusBadRequest},
	} {
		if code, body := do("POST", link, url.Values{"name": {tc.name}, "email": {tc.email}}); code != tc.want {
			t.Errorf("acknowledged by %q <%s> = %d, want %d:\n%s", tc.name, tc.email, code, tc.want, body)
		}
	}
	if got, _, _ := f.db.FindSelfDealingHolds(ctx, downline.SelfDealingHoldFilter{CustomerID: hold.CustomerID, DistributorID: hold.DistributorID}); got[0].Status() != downline.HoldOpen {
		t.Fatal("a refused acknowledgement released the hold")
	}
	code, body := do("POST", link, url.Values{"name": {"Casey Fox"}, "email": {"casey.fox@" + cust.Domain}})
	if code != http.StatusOK || !strings.Contains(body, "Acknowledged by Casey Fox") {
		t.Fatalf("acknowledgement = %d:\n%s", code, body)
	}
	got, _, err := f.db.FindSelfDealingHolds(ctx, downline.SelfDealingHoldFilter{CustomerID: hold.CustomerID, DistributorID: hold.DistributorID})
	if err != nil || len(got) != 1 || got[0].Status() != downline.HoldAcknowledged || got[0].AckEmail != "casey.fox@"+cust.Domain ||
		got[0].PendingOrders != 0 {
		t.Fatalf("hold after the acknowledgement: %+v, %v; want acknowledged with nothing pending", got, err)
	}
	if code, body := do("GET", link, nil); code != http.StatusOK || !strings.Contains(body, "Acknowledged by Casey Fox") {
		t.Errorf("GET after the acknowledgement = %d:\n%s", code, body)
	}
	srv.AckKey = nil
	if code, _ := do("GET", link, nil); code != http.StatusNotFound {
		t.Errorf("without a key the page = %d, want 404", code)
	}
}
