package http_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/downline/downline"
)

// target names the record a request acts on, by its relation to the
// distributor user (who acts as A): own is A, downline A1, other B (a
// sibling). Staff get the same three requests.
var targetOf = map[downline.Relation]string{downline.RelOwn: "A", downline.RelDownline: "A1", downline.RelOther: "B"}

// endpoint is one route of the API with the policy the matrix holds it to,
// written out here independently of downline.Allowed.
type endpoint struct {
	method, pattern string
	// staff are the staff roles allowed; dist the relations in which the
	// distributor is allowed ("none" for endpoints without a record).
	staff, dist string
	// record reports whether the request names a distributor's record, so
	// that it is tried as own, downline and other.
	record bool
	req    func(f *fixture, target string) (path, body string)
}

// allStaff and money name the staff roles of the policy table; support
// sees no earnings.
const (
	allStaff = "admin finance compliance support"
	money    = "admin finance compliance"
)

func endpoints() []endpoint {
	did := func(f *fixture, x string) string { return fmt.Sprint(f.dist[x].ID) }
	fixed := func(path, body string) func(*fixture, string) (string, string) {
		return func(*fixture, string) (string, string) { return path, body }
	}
	order := `{"external_id":"M-1","customer_ref":"C-B","purpose":"customer_direct","currency":"EUR","paid_at":"2026-03-10T00:00:00Z","lines":[{"product_ref":"SKU-1","quantity":1,"unit_price":"100.00"}]}`
	return []endpoint{
		{"GET", "/api/v1/programme", allStaff, "none", false, fixed("/api/v1/programme", "")},
		{"GET", "/api/v1/products", allStaff, "none", false, fixed("/api/v1/products", "")},
		{"GET", "/api/v1/products/{id}", allStaff, "none", false, fixed("/api/v1/products/1", "")},
		{"POST", "/api/v1/products", "admin", "", false, fixed("/api/v1/products",
			`{"external_id":"SKU-M","name":"Matrix","kind":"service","retail_price":"5.00","cv":"4.00","commissionable":true}`)},
		{"GET", "/api/v1/distributors", allStaff, "", false, fixed("/api/v1/distributors", "")},
		{"POST", "/api/v1/distributors", "admin", "", false, fixed("/api/v1/distributors",
			`{"external_id":"M-D","sponsor_id":1,"joined_at":"2026-03-01T00:00:00Z","country":"DE"}`)},
		{"GET", "/api/v1/distributors/{id}", allStaff, "own downline", true, func(f *fixture, x string) (string, string) {
			return "/api/v1/distributors/" + did(f, x), ""
		}},
		{"PATCH", "/api/v1/distributors/{id}", "admin", "own", true, func(f *fixture, x string) (string, string) {
			return "/api/v1/distributors/" + did(f, x), `{"display_name":"Name of ` + x + `"}`
		}},
		{"POST", "/api/v1/distributors/{id}/cancel", "admin", "own", true, func(f *fixture, x string) (string, string) {
			return "/api/v1/distributors/" + did(f, x) + "/cancel", ""
		}},
		{"GET", "/api/v1/distributors/{id}/downline", allStaff, "own downline", true, func(f *fixture, x string) (string, string) {
			return "/api/v1/distributors/" + did(f, x) + "/downline", ""
		}},
		{"GET", "/api/v1/distributors/{id}/downline/search", allStaff, "own downline", true, func(f *fixture, x string) (string, string) {
			return "/api/v1/distributors/" + did(f, x) + "/downline/search?q=name", ""
		}},
		{"GET", "/api/v1/distributors/{id}/upline", allStaff, "own downline", true, func(f *fixture, x string) (string, string) {
			return "/api/v1/distributors/" + did(f, x) + "/upline", ""
		}},
		{"GET", "/api/v1/customers", allStaff, "own", true, func(f *fixture, x string) (string, string) {
			return "/api/v1/customers?distributor_id=" + did(f, x), ""
		}},
		{"GET", "/api/v1/customers/{id}", allStaff, "own", true, func(f *fixture, x string) (string, string) {
			return fmt.Sprint("/api/v1/customers/", f.cust[x].ID), ""
		}},
		{"POST", "/api/v1/customers", "admin", "own", true, func(f *fixture, x string) (string, string) {
			return "/api/v1/customers", `{"external_id":"M-C-` + x + `","name":"New","distributor_id":` + did(f, x) + `,"attribution":"deal"}`
		}},
		{"GET", "/api/v1/orders", allStaff, "own", true, func(f *fixture, x string) (string, string) {
			return "/api/v1/orders?distributor_id=" + did(f, x), ""
		}},
		{"GET", "/api/v1/orders/{id}", allStaff, "own", true, func(f *fixture, x string) (string, string) {
			return fmt.Sprint("/api/v1/orders/", f.order[x].ID), ""
		}},
		{"POST", "/api/v1/orders", "admin finance", "", false, fixed("/api/v1/orders", order)},
		{"POST", "/api/v1/orders/batch", "admin finance", "", false, fixed("/api/v1/orders/batch", `{"orders":[`+order+`]}`)},
		{"GET", "/api/v1/refunds", allStaff, "own", true, func(f *fixture, x string) (string, string) {
			return fmt.Sprint("/api/v1/refunds?order_id=", f.order[x].ID), ""
		}},
		{"POST", "/api/v1/refunds", "admin finance", "", false, fixed("/api/v1/refunds",
			`{"external_id":"M-R","order_ref":"O-B","refunded_at":"2026-03-15T00:00:00Z","lines":[{"line_no":1,"amount":"1.00"}]}`)},
		{"GET", "/api/v1/audit", "admin compliance", "", false, fixed("/api/v1/audit", "")},
		{"GET", "/api/v1/users", "admin", "", false, fixed("/api/v1/users", "")},
		{"POST", "/api/v1/users", "admin", "", false, fixed("/api/v1/users", `{"email":"new@vendor.example","role":"support"}`)},
		{"GET", "/api/v1/tokens", allStaff, "none", false, fixed("/api/v1/tokens", "")},
		{"POST", "/api/v1/tokens", allStaff, "none", false, fixed("/api/v1/tokens", `{"name":"m","scopes":["read"]}`)},
		{"DELETE", "/api/v1/tokens/{id}", allStaff, "none", false, fixed("/api/v1/tokens/999", "")},
		{"GET", "/api/v1/me", allStaff, "none", false, fixed("/api/v1/me", "")},
		{"POST", "/api/v1/plans", "admin", "", false, fixed("/api/v1/plans", `{"yaml":"not a plan","active_from":"2026-01"}`)},
		{"GET", "/api/v1/runs", money, "", false, fixed("/api/v1/runs", "")},
		{"POST", "/api/v1/runs", "admin finance", "", false, fixed("/api/v1/runs", `{"period":"2026-03","kind":"preview"}`)},
		{"GET", "/api/v1/runs/{id}", money, "", false, fixed("/api/v1/runs/999", "")},
		{"GET", "/api/v1/runs/{id}/lines", money, "own", true, func(f *fixture, x string) (string, string) {
			return "/api/v1/runs/999/lines?earner_id=" + did(f, x), ""
		}},
		{"GET", "/api/v1/balances", money, "own", true, func(f *fixture, x string) (string, string) {
			return "/api/v1/balances?distributor_id=" + did(f, x), ""
		}},
		{"PUT", "/api/v1/distributors/{id}/payout-details", "admin", "own", true, func(f *fixture, x string) (string, string) {
			return "/api/v1/distributors/" + did(f, x) + "/payout-details", `{"method":"sepa","holder_name":"H","iban":"DE89370400440532013000"}`
		}},
		{"POST", "/api/v1/payouts/release", "admin finance", "", false, fixed("/api/v1/payouts/release", `{}`)},
		{"POST", "/api/v1/payout-batches", "admin finance", "", false, fixed("/api/v1/payout-batches",
			`{"period":"2026-02","seq":1,"method":"sepa","as_of":"2026-03-15T00:00:00Z"}`)},
		{"GET", "/api/v1/payout-batches/{id}", money, "", false, fixed("/api/v1/payout-batches/nope", "")},
		{"POST", "/api/v1/payout-batches/{id}/items/{item}", "admin finance", "", false, fixed("/api/v1/payout-batches/nope/items/1", `{"status":"paid"}`)},
		{"GET", "/api/v1/verifications", "admin compliance", "", false, fixed("/api/v1/verifications", "")},
		{"POST", "/api/v1/verifications/{id}/decision", "admin compliance", "", false, fixed("/api/v1/verifications/999/decision",
			`{"status":"confirmed","by":"matrix"}`)},
		{"GET", "/api/v1/risk-flags", "admin compliance", "", false, fixed("/api/v1/risk-flags?status=open", "")},
		{"POST", "/api/v1/risk-flags/{id}/review", "admin compliance", "", false, fixed("/api/v1/risk-flags/999/review",
			`{"status":"dismissed","by":"matrix"}`)},
		{"GET", "/api/v1/selfdealing-holds", "admin compliance", "", false, fixed("/api/v1/selfdealing-holds?status=open", "")},
	}
}

// public are the routes that need no credential.
var public = map[string]bool{
	"GET /healthz": true, "GET /api/v1/openapi.json": true, "POST /api/v1/sessions": true,
	"DELETE /api/v1/sessions/current": true, "POST /api/v1/password-resets": true,
	"POST /api/v1/password-resets/confirm": true, "POST /api/v1/enrolments": true,
}

// TestAuthorizationMatrix sends every endpoint as every role, for records
// of its own, of its downline and of someone else, and fails on any access
// the policy table above does not grant and on any grant it refuses.
// Allowed means the request got past authorisation (any status but 401 and
// 403, and no server error); refused means 403.
func TestAuthorizationMatrix(t *testing.T) {
	f := newFixture(t)
	for _, ep := range endpoints() {
		rels := []downline.Relation{downline.RelNone}
		if ep.record {
			rels = []downline.Relation{downline.RelOwn, downline.RelDownline, downline.RelOther}
		}
		for _, role := range downline.Roles() {
			for _, rel := range rels {
				path, body := ep.req(f, targetOf[rel])
				want := false
				if role == downline.RoleDistributor {
					want = strings.Contains(" "+ep.dist+" ", " "+rel.String()+" ")
				} else {
					want = strings.Contains(" "+ep.staff+" ", " "+string(role)+" ")
				}
				// The domain policy must agree with the table.
				if p := permissionOf(t, ep); p != "" && downline.Allowed(role, p, rel) != want {
					t.Errorf("%s %s: Allowed(%s, %s) = %v, table says %v", ep.method, ep.pattern, role, rel, !want, want)
				}
				res := f.do(t, role, ep.method, path, body)
				allowed := res.status != http.StatusUnauthorized && res.status != http.StatusForbidden
				if res.status >= 500 {
					t.Errorf("%s %s as %s (%s): status %d: %s", ep.method, path, role, rel, res.status, res.body)
				}
				if allowed != want {
					t.Errorf("%s %s as %s on %s record: status %d, want allowed=%v: %s", ep.method, path, role, rel, res.status, want, res.body)
				}
			}
		}
		// Without a credential every endpoint answers 401.
		path, body := ep.req(f, "A")
		if res := f.do(t, "", ep.method, path, body); res.status != http.StatusUnauthorized {
			t.Errorf("%s %s without credential: status %d, want 401", ep.method, path, res.status)
		}
	}
}

// TestMatrixCoversEveryRoute checks the matrix against the routes of the
// OpenAPI document, so that a new route cannot escape it.
func TestMatrixCoversEveryRoute(t *testing.T) {
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(openAPIDoc(t), &doc); err != nil {
		t.Fatal(err)
	}
	covered := map[string]bool{}
	for _, ep := range endpoints() {
		covered[ep.method+" "+ep.pattern] = true
	}
	var missing []string
	for p, ops := range doc.Paths {
		for m := range ops {
			key := strings.ToUpper(m) + " " + p
			if !covered[key] && !public[key] {
				missing = append(missing, key)
			}
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("routes without a row in the authorisation matrix: %v", missing)
	}
}

// permissionOf reads the endpoint's permission from the OpenAPI document;
// "" for /api/v1/me, which needs only a credential.
func permissionOf(t *testing.T, ep endpoint) downline.Permission {
	t.Helper()
	var doc struct {
		Paths map[string]map[string]struct {
			Permission string `json:"x-permission"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(openAPIDoc(t), &doc); err != nil {
		t.Fatal(err)
	}
	p := doc.Paths[ep.pattern][strings.ToLower(ep.method)].Permission
	if p == "" && ep.pattern != "/api/v1/me" { // /me answers any signed-in user
		t.Fatalf("%s %s: no x-permission in the OpenAPI document", ep.method, ep.pattern)
	}
	return downline.Permission(p)
}

// TestReadScopeCannotWrite checks that a token without the write scope is
// refused on writes its role allows.
func TestReadScopeCannotWrite(t *testing.T) {
	f := newFixture(t)
	res := f.do(t, downline.RoleAdmin, "POST", "/api/v1/tokens", `{"name":"ro","scopes":["read"]}`)
	if res.status != http.StatusCreated {
		t.Fatalf("create read-only token: %d %s", res.status, res.body)
	}
	var tok struct{ Token string }
	res.decode(t, &tok)
	f.tokens["ro"] = tok.Token
	if res := f.do(t, "ro", "GET", "/api/v1/distributors", ""); res.status != http.StatusOK {
		t.Errorf("read with read scope: %d, want 200", res.status)
	}
	if res := f.do(t, "ro", "POST", "/api/v1/products", `{"external_id":"X","name":"X","kind":"fee"}`); res.status != http.StatusForbidden {
		t.Errorf("write with read scope: %d, want 403", res.status)
	}
	// A read-only token cannot mint a write token.
	if res := f.do(t, "ro", "POST", "/api/v1/tokens", `{"name":"rw","scopes":["write"]}`); res.status != http.StatusForbidden {
		t.Errorf("read token minting a write token: %d, want 403", res.status)
	}
}
