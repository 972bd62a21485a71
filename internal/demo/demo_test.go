package demo_test

import (
	"context"
	"testing"

	"github.com/downline/downline"
	"github.com/downline/downline/internal/demo"
	"github.com/downline/downline/internal/sqlstore"
	"github.com/downline/downline/internal/sqlstore/sqlstoretest"
	"github.com/google/go-cmp/cmp"
)

func services(db *sqlstore.DB) demo.Services {
	return demo.Services{Programme: db, Products: db, Distributors: db, Customers: db, Orders: db, Refunds: db}
}

// TestBuild checks that the demo is a plausible programme, that the same
// seed gives the same programme, and that a second build reuses the data.
func TestBuild(t *testing.T) {
	ctx := context.Background()
	opt := demo.Options{Seed: 7, Distributors: 300, LastPeriod: "2026-10"}
	a, b := sqlstoretest.OpenSQLite(t), sqlstoretest.OpenSQLite(t)
	sa, err := demo.Build(ctx, services(a), opt)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	sb, err := demo.Build(ctx, services(b), opt)
	if err != nil {
		t.Fatalf("Build again on another database: %v", err)
	}
	if diff := cmp.Diff(sa, sb); diff != "" {
		t.Errorf("same seed, different programmes (-first +second):\n%s", diff)
	}
	want := []string{"2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10"}
	if diff := cmp.Diff(want, sa.Periods); diff != "" {
		t.Errorf("periods (-want +got):\n%s", diff)
	}
	if sa.Distributors != 300 || sa.Products != 7 || sa.Customers < 100 || sa.Orders < 5*sa.Customers/2 || sa.Refunds == 0 {
		t.Errorf("Build = %+v; want 300 distributors, 7 products, 100+ customers, renewals and refunds", sa)
	}

	// Heavy tail: the largest frontline is far above the mean of one.
	ds, _, err := a.FindDistributors(ctx, downline.DistributorFilter{})
	if err != nil {
		t.Fatal(err)
	}
	front := map[downline.DistributorID]int{}
	for _, d := range ds {
		if d.SponsorID != 0 {
			front[d.SponsorID]++
		}
	}
	most := 0
	for _, n := range front {
		most = max(most, n)
	}
	if most < 10 {
		t.Errorf("largest frontline = %d, want a heavy-tailed tree (10 or more)", most)
	}

	// Every purpose the demo promises is present.
	for _, p := range []downline.OrderPurpose{downline.PurposeCustomerDirect, downline.PurposePersonalUse, downline.PurposeNonCommissionable} {
		if _, n, err := a.FindOrders(ctx, downline.OrderFilter{Purpose: &p, Limit: 1}); err != nil || n == 0 {
			t.Errorf("orders with purpose %s: %d, %v; want some", p, n, err)
		}
	}

	again, err := demo.Build(ctx, services(a), opt)
	if err != nil {
		t.Fatalf("Build on existing data: %v", err)
	}
	if !again.Reused || again.Orders != sa.Orders || again.Distributors != 300 {
		t.Errorf("second Build = %+v; want it to reuse the %d orders", again, sa.Orders)
	}
}

// TestBuildCompliance checks that the demo stages the compliance cases the
// review pages show: TX-11 holds with their self-referral flags and held
// orders, orders paid with an upline's card (reclassified and flagged) and
// one refused cyclic move.
func TestBuildCompliance(t *testing.T) {
	ctx := context.Background()
	db := sqlstoretest.OpenSQLite(t)
	s, err := demo.Build(ctx, services(db), demo.Options{Seed: 7, Distributors: 300, LastPeriod: "2026-10"})
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	if len(s.Holds) != 2 || s.CircularOrders != 2 || s.RefusedMoves != 1 {
		t.Fatalf("Build = %d holds, %d circular orders, %d refused moves; want 2, 2, 1", len(s.Holds), s.CircularOrders, s.RefusedMoves)
	}
	flags, _, err := db.FindRiskFlags(ctx, downline.RiskFlagFilter{})
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, f := range flags {
		kinds[f.Kind]++
	}
	want := map[string]int{sqlstore.RiskSelfReferral: 2, sqlstore.RiskCircularCustomer: 2, sqlstore.RiskCircularSponsorship: 1}
	if diff := cmp.Diff(want, kinds); diff != "" {
		t.Errorf("risk flags by kind (-want +got):\n%s", diff)
	}
	for _, h := range s.Holds {
		ref := h.CustomerRef
		cs, _, err := db.FindCustomers(ctx, downline.CustomerFilter{ExternalID: &ref})
		if err != nil || len(cs) != 1 {
			t.Fatalf("customer %s: %v", ref, err)
		}
		os, n, err := db.FindOrders(ctx, downline.OrderFilter{CustomerID: &cs[0].ID})
		if err != nil || n == 0 {
			t.Fatalf("orders of held customer %s: %d, %v; want some", ref, n, err)
		}
		for _, o := range os {
			if o.VolumeState != downline.VolumePendingAck {
				t.Errorf("order %s of held customer %s: volume state %s, want %s", o.ExternalID, ref, o.VolumeState, downline.VolumePendingAck)
			}
		}
	}
	personal := downline.PurposePersonalUse
	os, _, err := db.FindOrders(ctx, downline.OrderFilter{Purpose: &personal})
	if err != nil {
		t.Fatal(err)
	}
	reclassified := 0
	for _, o := range os {
		if o.OriginalPurpose == downline.PurposeCustomerDirect {
			reclassified++
		}
	}
	if reclassified != 2 {
		t.Errorf("%d customer orders reclassified as personal use, want the 2 paid with an upline's card", reclassified)
	}
}
