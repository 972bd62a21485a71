package http_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/downline/downline"
)

// client talks to the test server as one party: with a bearer token, or
// with a session cookie and its CSRF token.
type client struct {
	t       *testing.T
	f       *fixture
	schemas *apiSchemas
	hc      *http.Client
	token   string
	csrf    string
}

func (f *fixture) client(t *testing.T, schemas *apiSchemas, token string) *client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &client{t: t, f: f, schemas: schemas, hc: &http.Client{Jar: jar}, token: token}
}

// call sends a request to the route pattern with its path values filled
// in, checks the answer against the OpenAPI document and, when want is
// not 0, the status.
func (c *client) call(method, pattern string, want int, body any, headers ...string) response {
	c.t.Helper()
	path := pattern
	var rest []string
	for i := 0; i+1 < len(headers); i += 2 {
		if strings.HasPrefix(headers[i], "{") {
			path = strings.Replace(path, headers[i], headers[i+1], 1)
			continue
		}
		rest = append(rest, headers[i], headers[i+1])
	}
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			c.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.f.ts.URL+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if c.csrf != "" {
		req.Header.Set("X-CSRF-Token", c.csrf)
	}
	for i := 0; i+1 < len(rest); i += 2 {
		req.Header.Set(rest[i], rest[i+1])
	}
	res, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	out := response{status: res.StatusCode, header: res.Header, body: b}
	c.schemas.check(c.t, method, strings.SplitN(pattern, "?", 2)[0], out)
	if want != 0 && out.status != want {
		c.t.Fatalf("%s %s = %d, want %d: %s", method, path, out.status, want, b)
	}
	return out
}

// signIn signs the client in with a session and keeps its CSRF token.
func (c *client) signIn(email, password string) {
	c.t.Helper()
	var me struct {
		CSRFToken string `json:"csrf_token"`
	}
	c.call("POST", "/api/v1/sessions", http.StatusCreated, map[string]string{"email": email, "password": password}).decode(c.t, &me)
	c.csrf = me.CSRFToken
}

type idJSON struct {
	ID     int64  `json:"id"`
	Status string `json:"status"`
}

// TestVendorFlowEndToEnd integrates a vendor through the API alone: the
// catalogue, a root distributor, a finance user who sets its password and
// makes an API token, a self-service enrolment through a referral code,
// the new distributor attributing a customer, orders with idempotency
// keys, a refund, a cancellation inside the cooling-off window, and the
// audit chain. Every answer is validated against the OpenAPI document.
// Then the period is closed and paid out (closeAndPay).
func TestVendorFlowEndToEnd(t *testing.T) {
	f := newFixture(t)
	schemas := newAPISchemas(t)
	admin := f.client(t, schemas, f.tokens[downline.RoleAdmin])

	admin.call("POST", "/api/v1/products", http.StatusCreated, map[string]any{"external_id": "E-SEAT", "name": "Seat",
		"kind": "subscription", "retail_price": "49.00", "cv": "40.00", "commissionable": true})
	admin.call("POST", "/api/v1/products", http.StatusCreated, map[string]any{"external_id": "E-KIT", "name": "Kit",
		"kind": "tool", "retail_price": "25.00"})
	var root idJSON
	admin.call("POST", "/api/v1/distributors", http.StatusCreated, map[string]any{"external_id": "E-ROOT",
		"referral_code": "ROOTCODE", "country": "DE", "joined_at": "2026-01-01T00:00:00Z"}).decode(t, &root)

	// A finance user: created by the admin, sets its password with the
	// one-time token, signs in, and makes itself an API token.
	var fu struct {
		ResetToken string `json:"reset_token"`
	}
	admin.call("POST", "/api/v1/users", http.StatusCreated, map[string]string{"email": "fin@vendor.example", "role": "finance"}).decode(t, &fu)
	anon := f.client(t, schemas, "")
	anon.call("POST", "/api/v1/password-resets/confirm", http.StatusNoContent, map[string]string{"token": fu.ResetToken, "password": "correct horse battery"})
	anon.call("POST", "/api/v1/password-resets/confirm", http.StatusBadRequest, map[string]string{"token": fu.ResetToken, "password": "correct horse battery"})
	fin := f.client(t, schemas, "")
	fin.signIn("fin@vendor.example", "correct horse battery")
	csrf := fin.csrf
	fin.csrf = ""
	fin.call("POST", "/api/v1/tokens", http.StatusForbidden, map[string]any{"name": "billing", "scopes": []string{"read", "write"}})
	fin.csrf = csrf
	var tok struct {
		Token string `json:"token"`
	}
	fin.call("POST", "/api/v1/tokens", http.StatusCreated, map[string]any{"name": "billing", "scopes": []string{"read", "write"}}).decode(t, &tok)
	billing := f.client(t, schemas, tok.Token)

	// Self-service enrolment through the root's referral code.
	enrol := map[string]any{"referral_code": "ROOTCODE", "email": "new@example.com", "password": "a long enough secret",
		"display_name": "Newcomer", "country": "DE", "birth_date": "2008-03-16", "agreement_version": "v1", "accept_agreement": true}
	anon.call("POST", "/api/v1/enrolments", http.StatusBadRequest, enrol) // one day short of 18 on 15 March 2026
	enrol["birth_date"] = "2008-03-15"
	var en struct {
		Distributor struct {
			ID        int64 `json:"id"`
			SponsorID int64 `json:"sponsor_id"`
		} `json:"distributor"`
		CoolingOffEnds time.Time `json:"cooling_off_ends"`
	}
	anon.call("POST", "/api/v1/enrolments", http.StatusCreated, enrol).decode(t, &en)
	if en.Distributor.SponsorID != root.ID || !en.CoolingOffEnds.Equal(time.Date(2026, 4, 14, 12, 0, 0, 0, time.UTC)) {
		t.Errorf("enrolment: sponsor %d, cooling-off ends %v; want %d and 30 days after 15 March", en.Distributor.SponsorID, en.CoolingOffEnds, root.ID)
	}
	did := fmt.Sprint(en.Distributor.ID)

	// The new distributor signs in and registers a deal.
	dist := f.client(t, schemas, "")
	dist.signIn("new@example.com", "a long enough secret")
	var cust idJSON
	dist.call("POST", "/api/v1/customers", http.StatusCreated, map[string]any{"external_id": "E-CUST", "name": "Acme",
		"domain": "acme.example", "attribution": "deal"}).decode(t, &cust)

	// Billing records orders with idempotency keys.
	order := map[string]any{"external_id": "E-INV-1", "customer_id": cust.ID, "purpose": "customer_direct", "currency": "EUR",
		"paid_at": "2026-03-15T09:00:00Z", "lines": []map[string]any{{"product_ref": "E-SEAT", "quantity": 3, "unit_price": "49.00"}}}
	first := billing.call("POST", "/api/v1/orders", http.StatusCreated, order, "Idempotency-Key", "k-1")
	again := billing.call("POST", "/api/v1/orders", http.StatusCreated, order, "Idempotency-Key", "k-1")
	if !bytes.Equal(first.body, again.body) || again.header.Get("Idempotent-Replayed") != "true" {
		t.Errorf("replay: body equal %v, Idempotent-Replayed %q; want the first answer replayed", bytes.Equal(first.body, again.body), again.header.Get("Idempotent-Replayed"))
	}
	order["external_id"] = "E-INV-2"
	billing.call("POST", "/api/v1/orders", http.StatusConflict, order, "Idempotency-Key", "k-1")
	bad := map[string]any{"external_id": "E-INV-2", "purpose": "customer_direct", "currency": "EUR", "paid_at": "2026-03-15T09:00:00Z",
		"customer_id": cust.ID, "lines": []map[string]any{{"product_ref": "E-SEAT", "quantity": 0, "unit_price": "49.00"}}}
	billing.call("POST", "/api/v1/orders", http.StatusBadRequest, bad, "Idempotency-Key", "k-2")
	billing.call("POST", "/api/v1/orders", http.StatusCreated, order, "Idempotency-Key", "k-2") // failures are not stored
	var o1 struct {
		ID    int64  `json:"id"`
		Total string `json:"total"`
		CV    string `json:"cv"`
	}
	first.decode(t, &o1)
	if o1.Total != "147.00" || o1.CV != "120.00" { // 3 × 49.00 and 3 × 40.00 catalogue CV
		t.Errorf("order total %s, CV %s; want 147.00 and 120.00", o1.Total, o1.CV)
	}
	var kit idJSON
	billing.call("POST", "/api/v1/orders/batch", http.StatusCreated, map[string]any{"orders": []map[string]any{
		{"external_id": "E-KIT-1", "distributor_id": en.Distributor.ID, "purpose": "non_commissionable", "currency": "EUR",
			"paid_at": "2026-03-15T10:00:00Z", "lines": []map[string]any{{"product_ref": "E-KIT", "quantity": 1, "unit_price": "25.00"}}},
	}}, "Idempotency-Key", "batch-1")
	var kits struct{ Items []idJSON }
	dist.call("GET", "/api/v1/orders?purpose=non_commissionable", http.StatusOK, nil).decode(t, &kits)
	if len(kits.Items) != 1 {
		t.Fatalf("the distributor sees %d kit orders, want 1", len(kits.Items))
	}
	kit = kits.Items[0]
	var rf struct {
		Amount string `json:"amount"`
	}
	billing.call("POST", "/api/v1/refunds", http.StatusCreated, map[string]any{"external_id": "E-RF-1", "order_id": o1.ID,
		"refunded_at": "2026-03-15T11:00:00Z", "lines": []map[string]any{{"line_no": 1, "amount": "49.00"}}}).decode(t, &rf)
	if rf.Amount != "49.00" {
		t.Errorf("refund amount %s, want 49.00", rf.Amount)
	}
	dist.call("GET", "/api/v1/refunds?order_id="+fmt.Sprint(o1.ID), http.StatusOK, nil)

	// Cancellation inside the cooling-off window refunds the kit in full.
	dist.call("POST", "/api/v1/distributors/{id}/cancel", http.StatusOK, nil, "{id}", did)
	var k struct{ Status string }
	admin.call("GET", "/api/v1/orders/{id}", http.StatusOK, nil, "{id}", fmt.Sprint(kit.ID)).decode(t, &k)
	if k.Status != "refunded" {
		t.Errorf("kit order after cancellation: %s, want refunded", k.Status)
	}
	var d struct{ Status string }
	admin.call("GET", "/api/v1/distributors/{id}", http.StatusOK, nil, "{id}", did).decode(t, &d)
	if d.Status != "terminated" {
		t.Errorf("distributor after cancellation: %s, want terminated", d.Status)
	}
	dist.call("POST", "/api/v1/distributors/{id}/cancel", http.StatusConflict, nil, "{id}", did)

	// The audit log holds every write, and its chain verifies.
	var audit struct {
		Items []struct {
			Seq          int64     `json:"seq"`
			At           time.Time `json:"at"`
			ActorUserID  int64     `json:"actor_user_id"`
			ActorName    string    `json:"actor_name"`
			ActorRole    string    `json:"actor_role"`
			Action       string    `json:"action"`
			TargetType   string    `json:"target_type"`
			TargetID     string    `json:"target_id"`
			BeforeDigest string    `json:"before_digest"`
			AfterDigest  string    `json:"after_digest"`
			PrevHash     string    `json:"prev_hash"`
			Hash         string    `json:"hash"`
		} `json:"items"`
	}
	admin.call("GET", "/api/v1/audit?limit=500", http.StatusOK, nil).decode(t, &audit)
	var chain downline.AuditChain
	actions := map[string]int{}
	for _, e := range audit.Items {
		actions[e.Action]++
		if err := chain.Next(&downline.AuditEntry{Seq: e.Seq, At: e.At, ActorUserID: e.ActorUserID, ActorName: e.ActorName,
			ActorRole: downline.Role(e.ActorRole), Action: e.Action, TargetType: e.TargetType, TargetID: e.TargetID,
			BeforeDigest: e.BeforeDigest, AfterDigest: e.AfterDigest, PrevHash: e.PrevHash, Hash: e.Hash}); err != nil {
			t.Fatalf("audit chain: %v", err)
		}
	}
	// 3 orders (the replay and the failures add nothing), the kit refund
	// and the partial refund.
	for action, want := range map[string]int{"product.create": 2, "distributor.create": 1, "user.create": 1,
		"token.create": 1, "distributor.enrol": 1, "customer.create": 1, "order.create": 3, "refund.create": 2,
		"distributor.cancel": 1, "user.password_reset": 1, "session.create": 2} {
		if actions[action] != want {
			t.Errorf("audit: %d × %s, want %d (all: %v)", actions[action], action, want, actions)
		}
	}
	closeAndPay(t, f, schemas, admin, billing)

	// The distributor signs out; its cookie stops working.
	dist.call("DELETE", "/api/v1/sessions/current", http.StatusNoContent, nil)
	dist.call("GET", "/api/v1/me", http.StatusUnauthorized, nil)
}

// closeAndPay activates the reference plan, closes March, and pays
// distributor A, who sees only its own lines and balance.
func closeAndPay(t *testing.T, f *fixture, schemas *apiSchemas, admin, billing *client) {
	plan, err := os.ReadFile(filepath.Join("..", "..", "examples", "plans", "customer-first.yaml"))
	if err != nil {
		t.Fatalf("reference plan: %v", err)
	}
	if !strings.Contains(string(plan), "currency: USD") {
		t.Fatal("the reference plan no longer says currency: USD")
	}
	yaml := strings.Replace(string(plan), "currency: USD", "currency: EUR", 1)
	admin.call("POST", "/api/v1/plans", http.StatusCreated, map[string]string{"yaml": yaml, "active_from": "2026-01"})
	var run struct {
		ID    int64  `json:"id"`
		Total string `json:"total"`
	}
	billing.call("POST", "/api/v1/runs", http.StatusCreated, map[string]any{"period": "2026-03", "kind": "close", "hold_days": 0},
		"Idempotency-Key", "close-2026-03").decode(t, &run)
	a := f.client(t, schemas, f.tokens[downline.RoleDistributor])
	aID := fmt.Sprint(f.dist["A"].ID)
	var lines struct {
		Items []struct {
			Earner int64  `json:"earner_id"`
			Amount string `json:"amount"`
		} `json:"items"`
	}
	a.call("GET", "/api/v1/runs/{id}/lines", http.StatusOK, nil, "{id}", fmt.Sprint(run.ID)).decode(t, &lines)
	if len(lines.Items) == 0 {
		t.Fatalf("A has no commission lines in run %d (total %s)", run.ID, run.Total)
	}
	for _, l := range lines.Items {
		if l.Earner != int64(f.dist["A"].ID) {
			t.Errorf("A sees a line of distributor %d", l.Earner)
		}
	}
	a.call("GET", "/api/v1/runs/{id}/lines?earner_id="+fmt.Sprint(f.dist["A1"].ID), http.StatusForbidden, nil, "{id}", fmt.Sprint(run.ID))
	a.call("GET", "/api/v1/balances?distributor_id="+fmt.Sprint(f.dist["A1"].ID), http.StatusForbidden, nil)
	a.call("PUT", "/api/v1/distributors/{id}/payout-details", http.StatusNoContent, map[string]string{"method": "sepa",
		"holder_name": "A", "iban": "DE89370400440532013000", "bic": "COBADEFFXXX"}, "{id}", aID)
	admin.call("PUT", "/api/v1/distributors/{id}/payout-details", http.StatusNoContent, map[string]string{"method": "sepa",
		"holder_name": "A", "iban": "DE89370400440532013000", "bic": "COBADEFFXXX", "tax_status": "verified"}, "{id}", aID)
	billing.call("POST", "/api/v1/payouts/release", http.StatusOK, map[string]string{"as_of": "2026-04-02T00:00:00Z"})
	var bal struct {
		Items []struct {
			Available string `json:"available"`
		} `json:"items"`
	}
	a.call("GET", "/api/v1/balances", http.StatusOK, nil).decode(t, &bal)
	if len(bal.Items) != 1 || bal.Items[0].Available == "0.00" {
		t.Fatalf("A's balance after release: %+v, want one positive balance", bal.Items)
	}
	var batch struct {
		ID    string `json:"id"`
		Items []struct {
			ItemNo        int64  `json:"item_no"`
			DistributorID int64  `json:"distributor_id"`
			Amount        string `json:"amount"`
			Status        string `json:"status"`
		} `json:"items"`
	}
	billing.call("POST", "/api/v1/payout-batches", http.StatusCreated, map[string]any{"period": "2026-03", "seq": 1, "method": "sepa",
		"minimum": "0.01", "as_of": "2026-04-02T00:00:00Z"}).decode(t, &batch)
	paid := false
	for _, it := range batch.Items {
		if it.DistributorID == int64(f.dist["A"].ID) {
			if it.Status != "sent" || it.Amount != bal.Items[0].Available {
				t.Errorf("A's payout item %+v, want sent for %s", it, bal.Items[0].Available)
			}
			billing.call("POST", "/api/v1/payout-batches/{id}/items/{item}", http.StatusNoContent, map[string]string{"status": "paid"},
				"{id}", batch.ID, "{item}", fmt.Sprint(it.ItemNo))
			paid = true
		}
	}
	if !paid {
		t.Fatalf("batch %s has no item for A: %+v", batch.ID, batch.Items)
	}
	admin.call("GET", "/api/v1/payout-batches/{id}", http.StatusOK, nil, "{id}", batch.ID)
	a.call("GET", "/api/v1/balances", http.StatusOK, nil).decode(t, &bal)
	if bal.Items[0].Available != "0.00" {
		t.Errorf("A's available balance after payout: %s, want 0.00", bal.Items[0].Available)
	}
}
