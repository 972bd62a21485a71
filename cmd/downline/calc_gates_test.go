package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// TestCalcGates runs the three gates through `downline calc`'s optional
// inputs: distributors.csv columns country, resale_bought, resale_resold
// and --company-12m. A (1) sponsors B (2); B sells 1,000 to a customer.
// TX-05 (6 of 10 resold) and TX-12 (A in CN) withhold A's 10 % override;
// TX-07 (compliance.md TX-07 (d): f = 0.9625) scales it to 96.25.
func TestCalcGates(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	orders := write("orders.csv", "id,distributor_id,customer_id,purpose,paid_at,cv\nb,2,c1,customer_direct,2026-10-03,1000\n")
	plan := func(gate string) string {
		return write("plan.yaml", "plan: g\nversion: \"1\"\ncurrency: USD\ngates: {"+gate+"}\nbonuses:\n"+
			"  - {id: direct, kind: direct, rate_pct: \"20\"}\n  - {id: ov, kind: unilevel, levels: [{rate_pct: \"10\"}]}\n")
	}
	for _, tt := range []struct {
		name, gate, dists string
		extra             []string
		want              string
	}{
		{"TX-05", `sell_through_min_pct: "70"`, "id,sponsor_id,joined_at,status,resale_bought,resale_resold\n1,,2026-01-01,active,10,6\n2,1,2026-01-02,active,,\n", nil, "0.00"},
		{"TX-05 met", `sell_through_min_pct: "70"`, "id,sponsor_id,joined_at,status,resale_bought,resale_resold\n1,,2026-01-01,active,10,7\n2,1,2026-01-02,active,,\n", nil, "100.00"},
		{"TX-07", `end_user_min_pct: "80", customer_cv_share_min: "2/3"`, "id,sponsor_id,joined_at,status\n1,,2026-01-01,active\n2,1,2026-01-02,active\n",
			[]string{"--company-12m", "10000000,6500000,1200000"}, "96.25"},
		{"TX-12", `cn_own_sales_cap_pct: "30"`, "id,sponsor_id,joined_at,status,country\n1,,2026-01-01,active,CN\n2,1,2026-01-02,active,DE\n", nil, "0.00"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dists := write("distributors.csv", tt.dists)
			args := append([]string{"--plan", plan(tt.gate), "--distributors", dists, "--orders", orders, "--period", "2026-10"}, tt.extra...)
			out, stderr, code := runCalcArgs(t, args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			var doc struct {
				Totals map[string]string `json:"totals"`
			}
			if err := json.Unmarshal([]byte(out), &doc); err != nil {
				t.Fatal(err)
			}
			if doc.Totals["ov"] != tt.want || doc.Totals["direct"] != "200.00" {
				t.Errorf("totals %v; want ov %s, direct 200.00", doc.Totals, tt.want)
			}
		})
	}
	if _, stderr, code := runCalcArgs(t, "--plan", plan(`end_user_min_pct: "80"`), "--distributors", write("d.csv", "id,sponsor_id,joined_at,status\n1,,2026-01-01,active\n2,1,2026-01-02,active\n"),
		"--orders", orders, "--period", "2026-10", "--company-12m", "1,2"); code == 0 {
		t.Errorf("--company-12m 1,2 accepted; stderr %s", stderr)
	}
}
