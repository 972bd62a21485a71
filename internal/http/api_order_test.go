package http_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/downline/downline"
)

// TestOrderIntakeRules covers TX-01 (d) at the API: an order without a
// purpose is a 422 problem with code E_PURPOSE_REQUIRED, other validation
// errors keep their 400; created orders carry their buyer type, volume
// state and, for resale stock, TX-10's customer-direct nudge; a customer
// order paid with the upline's card is reclassified (TX-02 (d)).
func TestOrderIntakeRules(t *testing.T) {
	f := newFixture(t)
	schemas := newAPISchemas(t)
	order := func(ext, purpose, extra string) string {
		return `{"external_id":"` + ext + `","distributor_ref":"A",` + purpose + `"currency":"EUR",` +
			`"paid_at":"2026-01-15T12:00:00Z",` + extra + `"lines":[{"product_ref":"SKU-1","quantity":1,"unit_price":"100.00"}]}`
	}
	type problem struct {
		Status int    `json:"status"`
		Code   string `json:"code"`
		Detail string `json:"detail"`
	}
	for _, tt := range []struct {
		name, path, body string
		status           int
		code             string
	}{
		{"no purpose", "/api/v1/orders", order("NP-1", "", ""), http.StatusUnprocessableEntity, "E_PURPOSE_REQUIRED"},
		{"empty purpose", "/api/v1/orders", order("NP-2", `"purpose":"",`, ""), http.StatusUnprocessableEntity, "E_PURPOSE_REQUIRED"},
		{"no purpose in a batch", "/api/v1/orders/batch",
			`{"orders":[` + order("NP-3", `"purpose":"personal_use",`, "") + `,` + order("NP-4", "", "") + `]}`,
			http.StatusUnprocessableEntity, "E_PURPOSE_REQUIRED"},
		{"unknown purpose", "/api/v1/orders", order("NP-5", `"purpose":"gift",`, ""), http.StatusBadRequest, "invalid"},
		{"bad currency", "/api/v1/orders", strings.Replace(order("NP-6", `"purpose":"personal_use",`, ""), "EUR", "euro", 1),
			http.StatusBadRequest, "invalid"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := f.do(t, downline.RoleFinance, "POST", tt.path, tt.body)
			if res.status != tt.status || !strings.HasPrefix(res.header.Get("Content-Type"), "application/problem+json") {
				t.Fatalf("status %d (%s), want %d problem+json: %s", res.status, res.header.Get("Content-Type"), tt.status, res.body)
			}
			var p problem
			res.decode(t, &p)
			if p.Code != tt.code || p.Status != tt.status {
				t.Errorf("problem %+v, want code %s", p, tt.code)
			}
			if tt.code == "E_PURPOSE_REQUIRED" && !strings.Contains(p.Detail, "purpose is required") {
				t.Errorf("detail %q does not name the purpose", p.Detail)
			}
			schemas.check(t, "POST", tt.path, res)
		})
	}
	// A stored order says who bought it; resale stock gets the nudge.
	var got struct {
		BuyerType   string   `json:"buyer_type"`
		VolumeState string   `json:"volume_state"`
		Notices     []string `json:"notices"`
	}
	res := f.do(t, downline.RoleFinance, "POST", "/api/v1/orders", order("RS-1", `"purpose":"resale_stock",`, ""))
	if res.status != http.StatusCreated {
		t.Fatalf("resale order: %d %s", res.status, res.body)
	}
	schemas.check(t, "POST", "/api/v1/orders", res)
	res.decode(t, &got)
	if got.BuyerType != "participant" || got.VolumeState != "counted" || len(got.Notices) != 1 ||
		!strings.Contains(got.Notices[0], "Customer-direct is available") {
		t.Errorf("resale order answer %+v, want participant, counted and the TX-10 nudge", got)
	}
	res = f.do(t, downline.RoleFinance, "POST", "/api/v1/orders",
		`{"external_id":"CD-1","customer_ref":"C-A","purpose":"customer_direct","currency":"EUR","paid_at":"2026-01-15T12:00:00Z",`+
			`"lines":[{"product_ref":"SKU-1","quantity":1,"unit_price":"100.00"}]}`)
	got.Notices = nil
	res.decode(t, &got)
	if res.status != http.StatusCreated || got.BuyerType != "customer" || got.Notices != nil {
		t.Errorf("customer order answer %d %+v, want 201, customer, no notices", res.status, got)
	}

	// TX-02: A pays a customer order of its downline A1 with the card of
	// its own purchases: the order becomes A's personal use, the
	// original seller and purpose stay visible.
	res = f.do(t, downline.RoleFinance, "POST", "/api/v1/orders", order("PU-A", `"purpose":"personal_use",`, `"payment_fingerprint":"fp_A",`))
	if res.status != http.StatusCreated {
		t.Fatalf("personal-use order: %d %s", res.status, res.body)
	}
	res = f.do(t, downline.RoleFinance, "POST", "/api/v1/orders",
		`{"external_id":"CD-2","customer_ref":"C-A1","purpose":"customer_direct","currency":"EUR","paid_at":"2026-01-15T12:00:00Z",`+
			`"payment_fingerprint":"fp_A","lines":[{"product_ref":"SKU-1","quantity":1,"unit_price":"100.00"}]}`)
	schemas.check(t, "POST", "/api/v1/orders", res)
	var re struct {
		Purpose               string `json:"purpose"`
		DistributorID         int64  `json:"distributor_id"`
		OriginalDistributorID int64  `json:"original_distributor_id"`
		OriginalPurpose       string `json:"original_purpose"`
	}
	res.decode(t, &re)
	if res.status != http.StatusCreated || re.Purpose != "personal_use" || re.DistributorID != int64(f.dist["A"].ID) ||
		re.OriginalDistributorID != int64(f.dist["A1"].ID) || re.OriginalPurpose != "customer_direct" {
		t.Errorf("circular order answer %d %+v, want personal use of A, originally customer_direct of A1", res.status, re)
	}
}
