package sqlstore_test

import (
	"testing"
	"time"

	"github.com/downline/downline"
	"github.com/downline/downline/internal/sqlstore"
	"github.com/google/go-cmp/cmp"
)

// TestReportReads closes January and February on the run world (A
// sponsoring B, customer C-1 of B) and reads them back for the reports.
// January: O-1 of 1,000.00; February: O-2 of 1,000.00 refunded by 250.00
// in February, so February's CuV is 1,000.00 - 250.00 = 750.00.
func TestReportReads(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *sqlstore.DB) {
		runWorld(t, db)
		runOrder(t, db, "O-1", time.Date(2026, 1, 20, 12, 0, 0, 0, time.UTC))
		opts := downline.RunOptions{HoldDays: -1}
		if _, err := db.CloseRun(ctx, "2026-01", opts); err != nil {
			t.Fatal(err)
		}
		runOrder(t, db, "O-2", time.Date(2026, 2, 5, 12, 0, 0, 0, time.UTC))
		if err := runRefund(db, "R-1", "O-2", 25000, time.Date(2026, 2, 10, 12, 0, 0, 0, time.UTC)); err != nil {
			t.Fatal(err)
		}
		// A preview is not a close: it never shows in the reports.
		if _, err := db.PreviewRun(ctx, "2026-02", opts); err != nil {
			t.Fatal(err)
		}
		if _, err := db.CloseRun(ctx, "2026-02", opts); err != nil {
			t.Fatal(err)
		}
		a, _ := db.FindDistributorByExternalID(ctx, "A")
		b, _ := db.FindDistributorByExternalID(ctx, "B")

		runs, err := db.ReportRuns(ctx, "2026-01", "2026-12")
		if err != nil {
			t.Fatal(err)
		}
		type row struct {
			Period          string
			Plan            string
			ID, Sponsor     downline.DistributorID
			CuV, Total      int64
			Lines           int
			LineSum, Active int64
		}
		var got []row
		for _, r := range runs {
			for _, w := range r.Rows {
				var sum int64
				for _, l := range w.Lines {
					sum += l.Amount
				}
				act := int64(0)
				if w.Active {
					act = 1
				}
				got = append(got, row{r.Run.Period, r.PlanID + " " + r.PlanVersion, w.Distributor, w.Sponsor, w.CuV, w.Total,
					len(w.Lines), sum, act})
			}
		}
		// January: B 20 % of 1,000.00 = 200.00; A 6 % of 1,000.00 = 60.00.
		// February: B 20 % of 750.00 = 150.00; A 6 % of 750.00 = 45.00.
		want := []row{
			{"2026-01", "run-test 1", a.ID, 0, 0, 6000, 1, 6000, 1},
			{"2026-01", "run-test 1", b.ID, a.ID, 100000, 20000, 1, 20000, 1},
			{"2026-02", "run-test 1", a.ID, 0, 0, 4500, 1, 4500, 1},
			{"2026-02", "run-test 1", b.ID, a.ID, 75000, 15000, 1, 15000, 1},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("report runs (-want +got):\n%s", diff)
		}
		if runs, err := db.ReportRuns(ctx, "2026-02", "2026-02"); err != nil || len(runs) != 1 || runs[0].Run.Kind != downline.RunClose {
			t.Errorf("report runs of February alone: %+v, %v; want its close", runs, err)
		}
		if _, err := db.ReportRuns(ctx, "2026-1", "2026-12"); err == nil {
			t.Error("report runs from period 2026-1: no error")
		}

		periods, err := db.ReportPeriods(ctx, "2026-01", "2026-12")
		if err != nil {
			t.Fatal(err)
		}
		wantPeriods := []sqlstore.ReportPeriod{
			{Period: "2026-01", CustomerRevenue: 100000, CuV: 100000},
			{Period: "2026-02", CustomerRevenue: 75000, CuV: 75000, Refunds: 1, RefundAmount: 25000, RefundCV: 25000},
		}
		if diff := cmp.Diff(wantPeriods, periods); diff != "" {
			t.Errorf("report periods (-want +got):\n%s", diff)
		}

		ps, err := db.ReportParticipants(ctx, time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		joined := time.Date(2026, 1, 10, 12, 0, 0, 0, time.UTC)
		wantPs := []sqlstore.ReportParticipant{{Distributor: a.ID, JoinedAt: joined}, {Distributor: b.ID, JoinedAt: joined}}
		if diff := cmp.Diff(wantPs, ps); diff != "" {
			t.Errorf("report participants (-want +got):\n%s", diff)
		}
		if ps, err := db.ReportParticipants(ctx, joined); err != nil || len(ps) != 0 {
			t.Errorf("participants joined before %s: %+v, %v; want none", joined, ps, err)
		}
	})
}
