package sqlstore_test

import (
	"testing"
	"time"

	"github.com/downline/downline"
	"github.com/downline/downline/internal/sqlstore"
)

// TestBackOfficeReads checks the reads the back office needs: a run's
// figures per distributor, a plan version by id, a distributor's deals.
func TestBackOfficeReads(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *sqlstore.DB) {
		runWorld(t, db)
		runOrder(t, db, "INV-1", time.Date(2026, 1, 10, 12, 0, 0, 0, time.UTC))
		r, err := db.CloseRun(ctx, "2026-01", downline.RunOptions{HoldDays: -1})
		if err != nil {
			t.Fatal(err)
		}
		a, err := db.FindDistributorByExternalID(ctx, "A")
		if err != nil {
			t.Fatal(err)
		}
		b, err := db.FindDistributorByExternalID(ctx, "B")
		if err != nil {
			t.Fatal(err)
		}
		ss, err := db.RunStandings(ctx, r.ID, b.ID, a.ID, 999999)
		if err != nil {
			t.Fatal(err)
		}
		// B sold 1,000.00 (CuV) and earns 20 %; A's group volume is B's.
		if len(ss) != 2 || ss[0].DistributorID != a.ID || ss[1].DistributorID != b.ID ||
			ss[1].CuV != 100000 || ss[1].Total != 20000 || ss[0].GV != 100000 || ss[0].Total != 6000 {
			t.Errorf("RunStandings = %+v; want A (GV 100000, total 6000) then B (CuV 100000, total 20000)", ss)
		}
		if _, err := db.RunStandings(ctx, r.ID, make([]downline.DistributorID, 501)...); downline.ErrorCode(err) != downline.CodeInvalid {
			t.Errorf("RunStandings with 501 ids: %v, want CodeInvalid", err)
		}
		pv, err := db.FindPlanVersion(ctx, r.PlanVersionID)
		if err != nil || pv.Hash != r.PlanHash || pv.PlanID != "run-test" {
			t.Errorf("FindPlanVersion(%d) = %+v, %v; want the run's plan", r.PlanVersionID, pv, err)
		}
		if _, err := db.FindPlanVersion(ctx, 424242); downline.ErrorCode(err) != downline.CodeNotFound {
			t.Errorf("FindPlanVersion(unknown) = %v, want CodeNotFound", err)
		}
		for _, org := range []string{"Globex", "Initech"} {
			if err := db.CreateDeal(ctx, &sqlstore.Deal{DistributorID: b.ID, Organisation: org, Domain: org + ".example"}); err != nil {
				t.Fatal(err)
			}
		}
		ds, err := db.FindDealsByDistributor(ctx, b.ID)
		if err != nil || len(ds) != 2 || ds[0].Organisation != "Initech" || ds[1].Organisation != "Globex" {
			t.Errorf("FindDealsByDistributor(B) = %v, %v; want Initech then Globex, newest first", ds, err)
		}
		if ds, err := db.FindDealsByDistributor(ctx, a.ID); err != nil || len(ds) != 0 {
			t.Errorf("FindDealsByDistributor(A) = %v, %v; want none", ds, err)
		}
	})
}
