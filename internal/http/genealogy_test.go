package http_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/downline/downline"
	"github.com/google/go-cmp/cmp"
)

// TestSubtreePaging pages through R's subtree two members at a time and
// checks the depth-first order, the depth limit, and that a forged cursor
// is refused.
func TestSubtreePaging(t *testing.T) {
	f := newFixture(t)
	schemas := newAPISchemas(t)
	walk := func(depth int) []string {
		var got []string
		cursor := ""
		for i := 0; i < 10; i++ {
			res := f.do(t, downline.RoleSupport, "GET", fmt.Sprintf("/api/v1/distributors/%d/downline?depth=%d&limit=2&cursor=%s", f.dist["R"].ID, depth, cursor), "")
			schemas.check(t, "GET", "/api/v1/distributors/{id}/downline", res)
			var pg struct {
				Items      []memberView `json:"items"`
				NextCursor string       `json:"next_cursor"`
			}
			res.decode(t, &pg)
			for _, m := range pg.Items {
				got = append(got, fmt.Sprintf("%s@%d", m.ExternalID, m.Depth))
			}
			if cursor = pg.NextCursor; cursor == "" {
				return got
			}
		}
		t.Fatal("paging does not end")
		return nil
	}
	// Preorder with siblings by id: A (id 2) before B (id 5).
	if diff := cmp.Diff([]string{"A@1", "A1@2", "A2@3", "B@1"}, walk(3)); diff != "" {
		t.Errorf("depth 3 (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"A@1", "A1@2", "B@1"}, walk(2)); diff != "" {
		t.Errorf("depth 2 (-want +got):\n%s", diff)
	}
	// A cursor naming B under A's subtree is refused.
	forged := fmt.Sprintf("/api/v1/distributors/%d/downline?cursor=%d", f.dist["A"].ID, f.dist["B"].ID)
	if res := f.do(t, downline.RoleSupport, "GET", forged, ""); res.status != http.StatusBadRequest || strings.Contains(string(res.body), "Name of B") {
		t.Errorf("forged cursor: %d %s, want 400", res.status, res.body)
	}
}

// TestSearchPaging pages through search matches one at a time: by depth,
// then id, and the last page has no cursor.
func TestSearchPaging(t *testing.T) {
	f := newFixture(t)
	schemas := newAPISchemas(t)
	var got []string
	cursor := ""
	for i := 0; i < 10; i++ {
		res := f.do(t, downline.RoleSupport, "GET", fmt.Sprintf("/api/v1/distributors/%d/downline/search?q=name+of&limit=1&cursor=%s", f.dist["R"].ID, cursor), "")
		schemas.check(t, "GET", "/api/v1/distributors/{id}/downline/search", res)
		var pg struct {
			Items      []memberView `json:"items"`
			NextCursor string       `json:"next_cursor"`
		}
		res.decode(t, &pg)
		for _, m := range pg.Items {
			got = append(got, m.ExternalID)
		}
		if cursor = pg.NextCursor; cursor == "" {
			break
		}
	}
	if diff := cmp.Diff([]string{"A", "B", "A1", "A2"}, got); diff != "" {
		t.Errorf("search pages (-want +got):\n%s", diff)
	}
}
