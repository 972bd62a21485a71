package compplan_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/downline/downline/compplan"
)

func FuzzParsePlan(f *testing.F) {
	files, _ := filepath.Glob("../examples/plans/*.yaml")
	more, _ := filepath.Glob("testdata/*/plan.yaml")
	for _, p := range append(files, more...) {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	f.Add("plan: x\nversion: 1\ncurrency: USD\nbonuses: [{id: a, kind: unilevel, levels: [{rate_pct: 101}]}]\n")
	f.Add("[1, 2")
	f.Fuzz(func(t *testing.T, src string) {
		p, err := compplan.ParsePlan(strings.NewReader(src))
		if err != nil {
			if p != nil {
				t.Fatal("plan returned with an error")
			}
			if !strings.Contains(err.Error(), ":") {
				t.Fatalf("error without a location: %v", err)
			}
			return
		}
		// A plan that parses evaluates on a tiny tree without panicking.
		per, _ := compplan.ParsePeriod("2026-10", time.UTC)
		_, _ = compplan.Evaluate(p, &compplan.Snapshot{Period: per,
			Distributors: []compplan.Distributor{{ID: 1}, {ID: 2, Sponsor: 1}},
			Orders:       []compplan.Order{{ID: "o", Distributor: 2, Customer: "c", PaidAt: per.Start, CV: 12345, BV: 12345}}})
	})
}

func FuzzReadDistributorsCSV(f *testing.F) {
	f.Add("id,sponsor_id,joined_at,status,placement_parent_id,placement_side\n1,,2026-01-01,active,,\n2,1,2026-01-02T10:00:00Z,suspended,1,L\n")
	f.Add("id,sponsor_id,joined_at,status\n1,2,2026-01-01,active\n2,1,2026-01-01,active\n")
	f.Add("id\n\"unterminated\n")
	f.Fuzz(func(t *testing.T, src string) {
		ds, x, err := compplan.ReadDistributorsCSV("d.csv", strings.NewReader(src), time.UTC)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "d.csv:") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		if _, err := compplan.NewTree(ds); err != nil {
			if e := compplan.LocateRecordError(err, x, nil); !strings.HasPrefix(e.Error(), "d.csv:") {
				t.Fatalf("tree error not located: %v", e)
			}
		}
	})
}

func FuzzReadOrdersCSV(f *testing.F) {
	p, err := compplan.LoadPlan("../examples/plans/customer-first.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add("id,distributor_id,customer_id,purpose,paid_at,cv,qv,bv,amount,currency,refund_of\na,1,c,customer_direct,2026-10-01,12.34,,,,USD,\nb,1,c,customer_direct,2026-10-02,-1.00,,,,,a\n")
	f.Add("id,distributor_id,customer_id,purpose,paid_at,cv\nx,1,,personal_use,2026-10-01,1.5\n")
	f.Fuzz(func(t *testing.T, src string) {
		os_, _, err := compplan.ReadOrdersCSV("o.csv", bytes.NewReader([]byte(src)), p, time.UTC)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "o.csv:") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		for _, o := range os_ {
			if o.RefundOf == "" && o.CV < 0 {
				t.Fatalf("negative order %s without refund_of", o.ID)
			}
		}
	})
}
