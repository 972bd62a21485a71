package http_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/downline/downline"
	dlhttp "github.com/downline/downline/internal/http"
)

type memberView struct {
	Ref         string `json:"ref"`
	ParentRef   string `json:"parent_ref"`
	Depth       int    `json:"depth"`
	Tier        string `json:"tier"`
	DisplayName string `json:"display_name"`
	ID          int64  `json:"id"`
	ExternalID  string `json:"external_id"`
}

// TestDP02Tiers checks what distributor A sees of its downline (DP-02):
// its frontline A1 by name and join month under a pseudonym, its level 2
// A2 only as a pseudonym, never ids, emails, customers or orders.
func TestDP02Tiers(t *testing.T) {
	f := newFixture(t)
	schemas := newAPISchemas(t)
	a := downline.RoleDistributor
	res := f.do(t, a, "GET", fmt.Sprint("/api/v1/distributors/", f.dist["A"].ID, "/downline"), "")
	schemas.check(t, "GET", "/api/v1/distributors/{id}/downline", res)
	var pg struct {
		Items []memberView `json:"items"`
	}
	res.decode(t, &pg)
	if len(pg.Items) != 2 {
		t.Fatalf("A's downline: %d members, want 2: %s", len(pg.Items), res.body)
	}
	l1, l2 := pg.Items[0], pg.Items[1]
	if l1.Tier != "level1" || l1.DisplayName != "Name of A1" || l1.ParentRef != "self" || l1.Depth != 1 {
		t.Errorf("level 1 view = %+v, want tier level1, name, parent self, depth 1", l1)
	}
	if l2.Tier != "aggregate" || l2.DisplayName != "" || l2.ParentRef != l1.Ref || l2.Depth != 2 {
		t.Errorf("level 2 view = %+v, want tier aggregate, no name, parent %s, depth 2", l2, l1.Ref)
	}
	for _, m := range pg.Items {
		if !strings.HasPrefix(m.Ref, "P-") || m.ID != 0 || m.ExternalID != "" {
			t.Errorf("member %+v: want a pseudonym and no id or external id", m)
		}
	}
	body := string(res.body)
	for _, secret := range []string{"A1@example.com", "A2@example.com", "Name of A2", "Customer of"} {
		if strings.Contains(body, secret) {
			t.Errorf("downline view leaks %q: %s", secret, body)
		}
	}
	// The record view of a level-2 member is the same pseudonymous view.
	res = f.do(t, a, "GET", fmt.Sprint("/api/v1/distributors/", f.dist["A2"].ID), "")
	schemas.check(t, "GET", "/api/v1/distributors/{id}", res)
	var m memberView
	res.decode(t, &m)
	if m.Ref != l2.Ref || m.DisplayName != "" || strings.Contains(string(res.body), "A2@example.com") {
		t.Errorf("GET level-2 member = %s, want the pseudonymous view %s", res.body, l2.Ref)
	}
	// A downline's customers and orders: 403 (DP-02 "never visible").
	for _, path := range []string{
		fmt.Sprint("/api/v1/customers?distributor_id=", f.dist["A1"].ID),
		fmt.Sprint("/api/v1/customers/", f.cust["A1"].ID),
		fmt.Sprint("/api/v1/orders/", f.order["A1"].ID),
		fmt.Sprint("/api/v1/distributors/", f.dist["B"].ID),              // a sibling
		fmt.Sprint("/api/v1/distributors/", f.dist["R"].ID),              // the sponsor
		fmt.Sprint("/api/v1/distributors/", f.dist["R"].ID, "/downline"), // siblings through the sponsor
	} {
		if res := f.do(t, a, "GET", path, ""); res.status != http.StatusForbidden {
			t.Errorf("GET %s as A = %d, want 403", path, res.status)
		}
	}
	// The path up from A2 stops at A: A's own upline is never shown.
	res = f.do(t, a, "GET", fmt.Sprint("/api/v1/distributors/", f.dist["A2"].ID, "/upline"), "")
	schemas.check(t, "GET", "/api/v1/distributors/{id}/upline", res)
	var up struct{ Items []memberView }
	res.decode(t, &up)
	if len(up.Items) != 2 || up.Items[0].Ref != l1.Ref || up.Items[1].Ref != "self" {
		t.Errorf("upline of A2 as A = %s, want A1 then self", res.body)
	}
	if strings.Contains(string(res.body), "Name of R") {
		t.Errorf("upline view shows A's sponsor: %s", res.body)
	}
	// Search matches only what A may see: A1's name, not A2's.
	res = f.do(t, a, "GET", fmt.Sprint("/api/v1/distributors/", f.dist["A"].ID, "/downline/search?q=name+of+a"), "")
	var found struct{ Items []memberView }
	res.decode(t, &found)
	if len(found.Items) != 1 || found.Items[0].Ref != l1.Ref {
		t.Errorf("search as A = %s, want only A1", res.body)
	}
	// Staff see everything, with real ids.
	res = f.do(t, downline.RoleSupport, "GET", fmt.Sprint("/api/v1/distributors/", f.dist["A"].ID, "/downline?depth=1"), "")
	schemas.check(t, "GET", "/api/v1/distributors/{id}/downline", res)
	var staff struct{ Items []memberView }
	res.decode(t, &staff)
	if len(staff.Items) != 1 || staff.Items[0].ExternalID != "A1" || staff.Items[0].Tier != "staff" {
		t.Errorf("support's depth-1 view of A = %s, want A1 in full", res.body)
	}
}

// TestTerminatedMemberIsAggregate checks DP-05: a terminated frontline
// member loses its name in the sponsor's view at once.
func TestTerminatedMemberIsAggregate(t *testing.T) {
	f := newFixture(t)
	res := f.do(t, downline.RoleAdmin, "PATCH", fmt.Sprint("/api/v1/distributors/", f.dist["A1"].ID), `{"status":"terminated"}`)
	if res.status != http.StatusOK {
		t.Fatalf("terminate A1: %d %s", res.status, res.body)
	}
	res = f.do(t, downline.RoleDistributor, "GET", fmt.Sprint("/api/v1/distributors/", f.dist["A1"].ID), "")
	var m memberView
	res.decode(t, &m)
	if m.Tier != "aggregate" || m.DisplayName != "" {
		t.Errorf("terminated frontline member as seen by A = %s, want aggregate without name", res.body)
	}
}

// TestGenealogyDailyCap checks DP-04: a distributor sees at most the cap of
// genealogy records a day, then gets 429.
func TestGenealogyDailyCap(t *testing.T) {
	f := newFixture(t, func(s *dlhttp.Server) { s.GenealogyDailyCap = 3 })
	path := fmt.Sprint("/api/v1/distributors/", f.dist["A"].ID, "/downline")
	if res := f.do(t, downline.RoleDistributor, "GET", path, ""); res.status != http.StatusOK {
		t.Fatalf("first lookup (2 records): %d", res.status)
	}
	if res := f.do(t, downline.RoleDistributor, "GET", path, ""); res.status != http.StatusTooManyRequests {
		t.Errorf("second lookup (4 records > 3): %d, want 429", res.status)
	}
	// Staff are not capped.
	for i := 0; i < 3; i++ {
		if res := f.do(t, downline.RoleSupport, "GET", path, ""); res.status != http.StatusOK {
			t.Errorf("support lookup %d: %d, want 200", i+1, res.status)
		}
	}
}
