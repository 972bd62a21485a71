package main

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/downline/downline"
	"github.com/downline/downline/compliance"
	"github.com/downline/downline/internal/sqlstore"
)

// storeMonths converts the store's closed runs into the months the
// file-based reports compute with: the same figures a results file of
// `downline calc` carries, with pay net of the run's clawbacks.
func storeMonths(runs []sqlstore.ReportRun) []month {
	ms := make([]month, 0, len(runs))
	id := func(d downline.DistributorID) string { return strconv.FormatInt(int64(d), 10) }
	frac := func(n, d int64) string {
		if d <= 0 {
			return ""
		}
		return fmt.Sprintf("%d/%d", n, d)
	}
	for _, r := range runs {
		m := month{file: fmt.Sprintf("run %d", r.Run.ID), period: r.Run.Period, plan: r.PlanID + " " + r.PlanVersion,
			hash: r.Run.ResultHash, sponsor: map[string]string{}, cuv: map[string]int64{}, rpcv: map[string]int64{},
			total: map[string]int64{}, active: map[string]bool{}, withheld: map[string]string{},
			totalAll: r.Run.Total + r.Run.Clawbacks, totalCV: r.Run.TotalCV}
		if r.Run.CompanyTestFired {
			m.company = compliance.Frac(r.Run.CompanyFactorNum, r.Run.CompanyFactorDen)
		}
		for _, w := range r.Rows {
			d := id(w.Distributor)
			m.ids = append(m.ids, d)
			if w.Sponsor != 0 {
				m.sponsor[d] = id(w.Sponsor)
			}
			m.cuv[d], m.rpcv[d], m.total[d] = w.CuV, w.RPCV, w.Total+w.Clawbacks
			m.active[d], m.withheld[d] = w.Active, w.Withheld
			for _, l := range w.Lines {
				m.lines = append(m.lines, calcLine{Earner: d, Bonus: l.Bonus, Source: id(l.Source), Level: l.Level,
					CompressedLevel: l.CompressedLevel, Basis: compliance.Money(l.Basis), Rate: frac(l.RateNum, l.RateDen),
					Scale: frac(l.ScaleNum, l.ScaleDen), Amount: compliance.Money(l.Amount), Withheld: l.Withheld})
				m.amount = append(m.amount, l.Amount)
			}
		}
		ms = append(ms, m)
	}
	return ms
}

// storeRuns opens the store and reads the closed runs of first to last.
func storeRuns(ctx context.Context, cfg *Config, first, last string) (*sqlstore.DB, []month, error) {
	db, err := openRunStore(ctx, cfg)
	if err != nil {
		return nil, nil, err
	}
	runs, err := db.ReportRuns(ctx, first, last)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return db, storeMonths(runs), nil
}

// storeIDS reads the year's closed runs and every distributor whose
// agreement was in force on at least one day of it.
func storeIDS(ctx context.Context, cfg *Config, year int) ([]month, []compliance.IncomeRecord, error) {
	if year < 1 || year > 9999 {
		return nil, nil, usageError{fmt.Errorf("report ids: --year %d: want a calendar year with the store", year)}
	}
	y := fmt.Sprintf("%04d", year)
	db, ms, err := storeRuns(ctx, cfg, y+"-01", y+"-12")
	if err != nil {
		return nil, nil, err
	}
	defer db.Close()
	if len(ms) == 0 {
		return nil, nil, downline.Errorf(downline.CodeNotFound, "No closed periods in %s.", y)
	}
	ps, err := db.ReportParticipants(ctx, time.Date(year+1, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		return nil, nil, err
	}
	var recs []compliance.IncomeRecord
	for _, p := range ps {
		if p.LeftPeriod != "" && p.LeftPeriod < y+"-01" {
			continue
		}
		r := compliance.IncomeRecord{ID: strconv.FormatInt(int64(p.Distributor), 10), EnrolledAt: p.JoinedAt}
		if p.LeftPeriod != "" {
			if r.LeftAt, err = time.Parse("2006-01", p.LeftPeriod); err != nil {
				return nil, nil, fmt.Errorf("report ids: distributor %d: left period %q: %w", p.Distributor, p.LeftPeriod, err)
			}
		}
		recs = append(recs, r)
	}
	return ms, recs, nil
}

// storeDashboard reads the close of period and of the 11 months before it
// and fills in revenue, personal use and refunds from the period volumes
// and refunds: revenue over the closed months, the rest for period alone.
func storeDashboard(ctx context.Context, cfg *Config, period string, in *compliance.DashboardInput) ([]month, error) {
	first, err := downline.ShiftPeriodName(period, -11)
	if err != nil || !downline.IsPeriodName(period) {
		return nil, usageError{fmt.Errorf("report compliance: --period %q: want YYYY-MM with the store", period)}
	}
	db, ms, err := storeRuns(ctx, cfg, first, period)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	if len(ms) == 0 || ms[len(ms)-1].period != period {
		return nil, downline.Errorf(downline.CodeNotFound, "Period %s is not closed.", period)
	}
	ps, err := db.ReportPeriods(ctx, first, period)
	if err != nil {
		return nil, err
	}
	closed := map[string]bool{}
	for _, m := range ms {
		closed[m.period] = true
	}
	for _, p := range ps {
		if !closed[p.Period] {
			continue
		}
		rev := p.CustomerRevenue + p.ParticipantRevenue
		in.Revenue12 += rev
		if p.Period == period {
			in.PCV = p.PCV
			in.Refunds = p.RefundAmount
			in.GrossRevenue = rev + p.RefundAmount
		}
	}
	vs, err := db.VerificationSummary(ctx, period)
	if err != nil {
		return nil, err
	}
	in.Verification = compliance.VerificationFigures{Population: vs.Population, Cases: vs.Cases,
		Confirmed: vs.Confirmed, Rejected: vs.Rejected, Overdue: vs.Overdue}
	return ms, nil
}

// storeIncomeSource reads the closed runs from January of period's year
// to period.
func storeIncomeSource(ctx context.Context, cfg *Config, period string) ([]month, error) {
	if !downline.IsPeriodName(period) {
		return nil, usageError{fmt.Errorf("report income-source: --period %q: want YYYY-MM with the store", period)}
	}
	db, ms, err := storeRuns(ctx, cfg, period[:4]+"-01", period)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	if len(ms) == 0 || ms[len(ms)-1].period != period {
		return nil, downline.Errorf(downline.CodeNotFound, "Period %s is not closed.", period)
	}
	return ms, nil
}
