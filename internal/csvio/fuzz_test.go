package csvio

import (
	"strings"
	"testing"
)

// checkRejects asserts what every reader promises: each reject points
// into the input, and a row is either accepted or rejected, never both.
func checkRejects(t *testing.T, in string, rs []*RowError, accepted []int) {
	lines := strings.Count(in, "\n") + 1
	rejected := map[int]bool{}
	for _, r := range rs {
		if r.Line < 1 || r.Line > lines || r.Column < 1 || r.Reason == "" {
			t.Fatalf("reject %v out of the input's %d lines", r, lines)
		}
		rejected[r.Line] = true
	}
	for _, l := range accepted {
		if rejected[l] {
			t.Fatalf("line %d both accepted and rejected", l)
		}
	}
}

func FuzzReadDistributors(f *testing.F) {
	f.Add("id,sponsor_id,joined_at,status,placement_parent_id,placement_side\n1,,2026-01-01,active,,\n2,1,2026-01-02T00:00:00Z,,1,L\n")
	f.Add("id,sponsor_id,joined_at,status\n1,1,x,y\n\"2\n\",,2026-01-01,active\n3,\"\",2026-01-01,\"\n")
	f.Fuzz(func(t *testing.T, in string) {
		got, err := ReadDistributors("f.csv", strings.NewReader(in), Options{})
		if err != nil {
			return
		}
		var acc []int
		for _, r := range got.Rows {
			if err := r.Distributor.Validate(); err != nil && r.Distributor.ReferralCode != "" {
				t.Fatalf("accepted an invalid distributor: %v", err)
			}
			acc = append(acc, r.Pos.Line)
		}
		checkRejects(t, in, got.Rejects, acc)
	})
}

func FuzzReadCustomers(f *testing.F) {
	f.Add("id,name,domain,distributor_id,attribution\nC1,Acme,acme.example,1,code\nC2,,x,1,\n")
	f.Fuzz(func(t *testing.T, in string) {
		got, err := ReadCustomers("f.csv", strings.NewReader(in), Options{})
		if err != nil {
			return
		}
		var acc []int
		for _, r := range got.Rows {
			if err := r.Customer.Validate(); err != nil {
				t.Fatalf("accepted an invalid customer: %v", err)
			}
			acc = append(acc, r.Pos.Line)
		}
		checkRejects(t, in, got.Rejects, acc)
	})
}

func FuzzReadOrders(f *testing.F) {
	f.Add("id,distributor_id,customer_id,purpose,paid_at,cv,qv,bv,amount,currency,refund_of\n" +
		"1,1,1,customer_direct,2026-10-25T19:38:03Z,237.60,237.60,237.60,297.00,USD,\n" +
		"2,1,1,customer_direct,2026-10-28T15:41:30Z,-237.60,-237.60,-237.60,-297.00,USD,1\n")
	f.Add("id,distributor_id,customer_id,purpose,paid_at,cv,sku,quantity\n" +
		"1,1,,personal_use,2026-10-01,3.00,A,3\n1,1,,personal_use,2026-10-01,1.00,B,1\n1,2,,x,,,,\n")
	f.Fuzz(func(t *testing.T, in string) {
		got, err := ReadOrders("f.csv", strings.NewReader(in), Options{Currency: "USD", Product: "P"})
		if err != nil {
			return
		}
		var acc []int
		for _, r := range got.Rows {
			switch {
			case r.Order != nil:
				if err := r.Order.Validate(); err != nil {
					t.Fatalf("accepted an invalid order: %v", err)
				}
			case r.Refund != nil:
				if err := r.Refund.Validate(); err != nil {
					t.Fatalf("accepted an invalid refund: %v", err)
				}
			default:
				t.Fatal("row with neither order nor refund")
			}
			acc = append(acc, r.Pos.Line)
		}
		checkRejects(t, in, got.Rejects, acc)
	})
}
