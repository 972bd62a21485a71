package http_test

import (
	"io"
	"math/big"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/downline/downline"
	dlhttp "github.com/downline/downline/internal/http"
	"github.com/downline/downline/internal/sqlstore"
	"github.com/downline/downline/internal/sqlstore/sqlstoretest"
)

// TestAPIRunGateFacts previews a run whose TX-07 company test fails and
// checks what the API says about it against the OpenAPI document. The
// fixture's customers buy 3 × 160.00 of CV (revenue 600.00); A's own
// personal use of 10 seats adds revenue 1,000.00 and no rewardable volume
// (the plan has no personal_use block), so over the trailing 12 months
// EU = 480 / 1,600 = 0.3 < 0.8 and f = 0.3 / 0.8 = 3/8 (compliance.md
// TX-07 (a)).
func TestAPIRunGateFacts(t *testing.T) {
	f := newFixture(t, func(s *dlhttp.Server) {
		ws := newWebServer(s.Runs.(*sqlstore.DB))
		s.Web.Standings, s.Web.PlanVersion = ws.Web.Standings, ws.Web.PlanVersion
	})
	if err := f.db.CreateOrder(ctx, &downline.Order{ExternalID: "P-A", DistributorRef: "A", Purpose: downline.PurposePersonalUse,
		Currency: "EUR", PaidAt: sqlstoretest.Now.Add(-time.Hour), Lines: []*downline.OrderLine{{ProductRef: "SKU-1", Quantity: 10, UnitPrice: 10000}}}); err != nil {
		t.Fatal(err)
	}
	plan := `plan: tx07
version: "1"
currency: EUR
gates: {end_user_min_pct: "80", customer_cv_share_min: "2/3"}
bonuses:
  - {id: direct, kind: direct, basis: [cuv], rate_pct: "20"}
  - id: unilevel
    kind: unilevel
    basis: [cuv]
    compression: none
    levels: [{rate_pct: "6"}, {rate_pct: "3"}]
`
	schemas := newAPISchemas(t)
	admin := f.client(t, schemas, f.tokens[downline.RoleAdmin])
	admin.call("POST", "/api/v1/plans", http.StatusCreated, map[string]string{"yaml": plan, "active_from": "2026-01"})
	var run struct {
		ID               int64  `json:"id"`
		Scale            string `json:"scale"`
		ScaledBy         string `json:"scaled_by"`
		CompanyTestFired bool   `json:"company_test_fired"`
		CompanyFactor    string `json:"company_factor"`
	}
	admin.call("POST", "/api/v1/runs", http.StatusCreated, map[string]any{"period": "2026-03", "kind": "preview"}).decode(t, &run)
	factor, ok := new(big.Rat).SetString(run.CompanyFactor)
	if run.ScaledBy != "TX-07" || !run.CompanyTestFired || !ok || factor.Cmp(big.NewRat(3, 8)) != 0 || run.Scale != run.CompanyFactor {
		t.Errorf("run = %+v; want scaled by TX-07, fired, company factor and scale 3/8", run)
	}
	var list struct {
		Items []struct {
			ScaledBy string `json:"scaled_by"`
		} `json:"items"`
	}
	admin.call("GET", "/api/v1/runs?period=2026-03", http.StatusOK, nil).decode(t, &list)
	if len(list.Items) != 1 || list.Items[0].ScaledBy != "TX-07" {
		t.Errorf("run list = %+v; want one run scaled by TX-07", list.Items)
	}

	// The back office says so on the periods page and the period page;
	// once closed, the compliance dashboard raises an alert (RP-03) and the
	// income disclosure statement notes the period (RP-01).
	admin.call("POST", "/api/v1/runs", http.StatusCreated, map[string]any{"period": "2026-03", "kind": "close"})
	for path, want := range map[string][]string{
		"/admin/periods":                     {"scaled by TX-07"},
		"/admin/periods/2026-03":             {"TX-07: company end-user tests failed", "f = 3/8 (37.5%)"},
		"/admin/compliance":                  {"TX-07 company test failed in 2026-03", "37.5 %"},
		"/admin":                             {"TX-07 company test failed in 2026-03: multi-level pay multiplied by 37.5 %"},
		"/admin/income-disclosure?year=2026": {"In 2026-03 (f = 37.5 %) the company-level end-user tests (TX-07) failed"},
	} {
		req, err := http.NewRequest("GET", f.ts.URL+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+f.tokens[downline.RoleAdmin])
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		for _, w := range want {
			if res.StatusCode != http.StatusOK || !strings.Contains(string(body), w) {
				t.Errorf("GET %s = %d; want 200 with %q", path, res.StatusCode, w)
			}
		}
	}
}
