package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const calcDistributors = `id,sponsor_id,joined_at,status,placement_parent_id,placement_side
1,,2026-01-01,active,,
2,1,2026-01-02,active,1,L
3,1,2026-01-03,active,1,R
4,2,2026-09-20,active,2,L
5,2,2026-09-25,active,2,R
6,3,2026-10-01,active,3,L
`

const calcOrders = `id,distributor_id,customer_id,purpose,paid_at,cv,qv,bv,amount,currency,refund_of
a,1,c1,customer_direct,2026-10-01,300,,,,,
b,1,c2,customer_direct,2026-10-02,250.50,,,,,
c,2,c3,customer_direct,2026-10-03,1200,,,,,
d,2,c4,customer_direct,2026-10-03,400,,,,,
e,2,,personal_use,2026-10-04,150,,,,,
f,3,c5,customer_direct,2026-10-05,900,,,,,
g,3,c6,customer_direct,2026-10-05,80,,,,,
h,4,c7,customer_direct,2026-10-06,2000,,,,,
i,4,c8,customer_direct,2026-10-06,700,,,,,
j,5,c9,customer_direct,2026-10-07,650,,,,,
k,6,c10,customer_direct,2026-10-08,1800,,,,,
l,6,c10,customer_direct,2026-10-09,-100,,,,,k
m,1,c1,customer_direct,2026-11-01,500,,,,,
n,4,c7,customer_direct,2026-11-03,900,,,,,
o,6,c10,customer_direct,2026-11-04,300,,,,,
`

func writeCalcFiles(t *testing.T) (dir, dists, orders string) {
	t.Helper()
	dir = t.TempDir()
	dists, orders = filepath.Join(dir, "distributors.csv"), filepath.Join(dir, "orders.csv")
	if err := os.WriteFile(dists, []byte(calcDistributors), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(orders, []byte(calcOrders), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, dists, orders
}

func runCalcArgs(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{getenv: func(string) string { return "" }, stdin: strings.NewReader(""), stdout: &out, stderr: &errb}
	err := runCalc(context.Background(), e, args)
	code = exitCode(err, &errb)
	return out.String(), errb.String(), code
}

// calcDoc is the part of the result document the tests read.
type calcDoc struct {
	Period       string `json:"period"`
	Plan         string `json:"plan"`
	Hash         string `json:"hash"`
	Distributors []struct {
		ID       string            `json:"id"`
		CuV      string            `json:"cuv"`
		GV       string            `json:"gv"`
		Earnings map[string]string `json:"earnings"`
		Total    string            `json:"total"`
	} `json:"distributors"`
	Lines []struct {
		Earner, Bonus, Amount, Explain string
	} `json:"lines"`
	Totals map[string]string `json:"totals"`
}

func TestCalcExamplePlans(t *testing.T) {
	plans, _ := filepath.Glob("../../examples/plans/*.yaml")
	if len(plans) < 2 {
		t.Fatalf("found %d example plans, want at least 2", len(plans))
	}
	for _, plan := range plans {
		t.Run(filepath.Base(plan), func(t *testing.T) {
			dir, dists, orders := writeCalcFiles(t)
			state := filepath.Join(dir, "state.json")
			out, errs, code := runCalcArgs(t, "--plan", plan, "--distributors", dists, "--orders", orders, "--period", "2026-10", "--state-out", state)
			if code != 0 {
				t.Fatalf("calc exit %d: %s", code, errs)
			}
			var doc calcDoc
			if err := json.Unmarshal([]byte(out), &doc); err != nil {
				t.Fatalf("result is not JSON: %v", err)
			}
			if doc.Period != "2026-10" || len(doc.Hash) != 64 || len(doc.Distributors) != 6 || doc.Totals["all"] == "" {
				t.Errorf("unexpected result header: period %q hash %q %d distributors totals %v", doc.Period, doc.Hash, len(doc.Distributors), doc.Totals)
			}
			if len(doc.Lines) == 0 || doc.Lines[0].Explain == "" {
				t.Errorf("no explained lines in %s", plan)
			}
			// The next period reads the state; the same run twice gives the same bytes.
			args := []string{"--plan", plan, "--distributors", dists, "--orders", orders, "--period", "2026-11", "--state-in", state}
			out1, errs, code := runCalcArgs(t, args...)
			if code != 0 {
				t.Fatalf("calc 2026-11 exit %d: %s", code, errs)
			}
			out2, _, _ := runCalcArgs(t, args...)
			if out1 != out2 {
				t.Error("two runs of the same period differ")
			}
		})
	}
}

func TestCalcCSVFormatAndOut(t *testing.T) {
	dir, dists, orders := writeCalcFiles(t)
	res := filepath.Join(dir, "lines.csv")
	_, errs, code := runCalcArgs(t, "--plan", "../../examples/plans/customer-first.yaml", "--distributors", dists, "--orders", orders,
		"--period", "2026-10", "--format", "csv", "--out", res)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	b, err := os.ReadFile(res)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(b), "earner,bonus,source,level,compressed_level,basis,rate,scale,amount,withheld,explain\n") {
		t.Errorf("lines CSV header: %q", strings.SplitN(string(b), "\n", 2)[0])
	}
	// Direct 20 % of 1's CuV 550.50 = 110.10.
	if !strings.Contains(string(b), "1,direct,1,0,0,550.50,0.2,1,110.10,") {
		t.Errorf("lines CSV lacks 1's direct line:\n%s", b)
	}
}

func TestCalcBadInput(t *testing.T) {
	tests := []struct {
		name      string
		dists     string
		orders    string
		wantInErr string
	}{
		{"unknown sponsor", "id,sponsor_id,joined_at,status\n1,,2026-01-01,active\n2,9,2026-01-01,active\n", "", "distributors.csv:3:3: sponsor_id: unknown sponsor 9"},
		{"cycle", "id,sponsor_id,joined_at,status\n1,,2026-01-01,active\n2,3,2026-01-01,active\n3,2,2026-01-01,active\n", "", "distributors.csv:3:3: sponsor_id: sponsor cycle"},
		{"duplicate id", "id,sponsor_id,joined_at,status\n1,,2026-01-01,active\n1,,2026-01-01,active\n", "", "distributors.csv:3:1: id: duplicate id 1"},
		{"bad date", "id,sponsor_id,joined_at,status\n1,,2026-13-01,active\n", "", "distributors.csv:2:4: joined_at:"},
		{"bad number", "", "id,distributor_id,customer_id,purpose,paid_at,cv\nx,1,c,customer_direct,2026-10-01,12.3.4\n", "orders.csv:2:34: cv: malformed number"},
		{"unknown purpose", "", "id,distributor_id,customer_id,purpose,paid_at,cv\nx,1,c,gift,2026-10-01,1\n", "orders.csv:2:7: purpose: unknown purpose \"gift\""},
		{"unknown distributor", "", "id,distributor_id,customer_id,purpose,paid_at,cv\nx,1,c,customer_direct,2026-10-01,1\ny,77,c,customer_direct,2026-10-01,1\n", "orders.csv:3:3: distributor_id:"},
		{"quote", "", "id,distributor_id,customer_id,purpose,paid_at,cv\nx,1,\"c,customer_direct,2026-10-01,1\n", "orders.csv:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if tt.dists == "" {
				tt.dists = "id,sponsor_id,joined_at,status\n1,,2026-01-01,active\n"
			}
			if tt.orders == "" {
				tt.orders = "id,distributor_id,customer_id,purpose,paid_at,cv\n"
			}
			d, o := filepath.Join(dir, "distributors.csv"), filepath.Join(dir, "orders.csv")
			os.WriteFile(d, []byte(tt.dists), 0o644)
			os.WriteFile(o, []byte(tt.orders), 0o644)
			out, errs, code := runCalcArgs(t, "--plan", "../../examples/plans/unilevel-ranks.yaml", "--distributors", d, "--orders", o, "--period", "2026-10")
			if code != 2 {
				t.Errorf("exit %d, want 2 (stderr %q)", code, errs)
			}
			if out != "" {
				t.Errorf("printed a result on bad input: %q", out)
			}
			if !strings.Contains(errs, tt.wantInErr) {
				t.Errorf("stderr = %q, want it to contain %q", errs, tt.wantInErr)
			}
		})
	}
}

func TestCalcBadPlanAndFlags(t *testing.T) {
	dir, dists, orders := writeCalcFiles(t)
	plan := filepath.Join(dir, "plan.yaml")
	os.WriteFile(plan, []byte("plan: x\nversion: \"1\"\ncurrency: USD\nbonuses:\n  - id: d\n    kind: direct\n    rate_pct: \"abc\"\n"), 0o644)
	_, errs, code := runCalcArgs(t, "--plan", plan, "--distributors", dists, "--orders", orders, "--period", "2026-10")
	if code != 2 || !strings.Contains(errs, "plan.yaml:7:15: bonuses[0].rate_pct: want a percentage") {
		t.Errorf("bad plan: exit %d, stderr %q", code, errs)
	}
	if _, errs, code := runCalcArgs(t, "--plan", plan); code != 2 || !strings.Contains(errs, "--distributors is required") {
		t.Errorf("missing flag: exit %d, stderr %q", code, errs)
	}
	if _, errs, code := runCalcArgs(t, "--plan", "../../examples/plans/customer-first.yaml", "--distributors", dists, "--orders", orders, "--period", "2026-1"); code != 2 {
		t.Errorf("bad period: exit %d, stderr %q", code, errs)
	}
}
