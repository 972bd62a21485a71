package http

import (
	"context"
	"fmt"
	"html/template"
	"net/http"

	"github.com/downline/downline"
	"github.com/downline/downline/compliance"
)

// adminOverviewPage is the console's front page.
type adminOverviewPage struct {
	layout
	Currency     string
	Period       string // the period the figures are of, "Oct 2026"
	Sales        int64
	CV           int64
	CustomerRev  int64
	Orders       int64
	Distributors int
	// LastClose is the newest closed run; PayoutRatio is of it.
	LastClose *downline.Run
	Alerts    []adminAlert
	Trend     template.HTML
	Ratio     template.HTML
}

// adminAlert is one line of the overview's alert list.
type adminAlert struct {
	Level string // "block", "warn" or "info"
	Text  string
	Link  string
}

// volumeTotals are the sums of a period's volume rows.
type volumeTotals struct {
	CuV, PCV, CustomerRevenue, ParticipantRevenue, Orders int64
}

// closedTotals returns the volume totals of a closed run's period,
// cached: a closed period's volumes no longer change.
func (s *Server) closedTotals(ctx context.Context, run *downline.Run) (volumeTotals, error) {
	c := s.cache()
	if t, ok := c.getTotals(run.ID); ok {
		return t, nil
	}
	t, err := s.periodTotals(ctx, run.Period)
	if err == nil {
		c.putTotals(run.ID, t)
	}
	return t, err
}

// periodTotals streams the period's volumes once and sums them.
func (s *Server) periodTotals(ctx context.Context, period string) (volumeTotals, error) {
	var t volumeTotals
	if s.Web.Volumes == nil {
		return t, nil
	}
	err := s.Web.Volumes.PeriodVolumes(ctx, period, func(v downline.PeriodVolume) error {
		t.CuV += v.CuV
		t.PCV += v.PCV
		t.CustomerRevenue += v.CustomerRevenue
		t.ParticipantRevenue += v.ParticipantRevenue
		t.Orders += v.Orders
		return nil
	})
	if err != nil {
		return t, fmt.Errorf("volumes of %s: %w", period, err)
	}
	return t, nil
}

// handleWebAdminOverview shows the business at a glance: the latest
// period's sales and volume, the payout ratio of the closed periods and
// whatever needs attention.
func (s *Server) handleWebAdminOverview(w http.ResponseWriter, r *http.Request) {
	if _, err := requireStaff(r); err != nil {
		s.webError(w, r, err)
		return
	}
	ctx := r.Context()
	p := adminOverviewPage{layout: s.newLayout(r, "Overview", "overview")}
	prog, err := s.Programme.FindProgramme(ctx)
	if err != nil {
		s.webError(w, r, err)
		return
	}
	p.Currency = prog.Currency
	var runs []*downline.Run
	if s.Runs != nil {
		if runs, err = s.Runs.FindRuns(ctx, ""); err != nil {
			s.webError(w, r, err)
			return
		}
	}
	closed := closedRuns(runs, 12)
	period := ""
	if len(closed) > 0 {
		p.LastClose = closed[len(closed)-1]
		period = p.LastClose.Period
	} else if per, err := prog.PeriodOf(s.now()); err == nil {
		period = per.Name
	}
	p.Period = monthText(period)
	var t volumeTotals
	if p.LastClose != nil {
		t, err = s.closedTotals(ctx, p.LastClose)
		p.Distributors = p.LastClose.Distributors
	} else {
		t, err = s.periodTotals(ctx, period)
	}
	if err != nil {
		s.webError(w, r, err)
		return
	}
	p.Sales, p.CV, p.CustomerRev, p.Orders = t.CustomerRevenue+t.ParticipantRevenue, t.CuV+t.PCV, t.CustomerRevenue, t.Orders
	if p.Alerts, err = s.alerts(ctx, p.LastClose, t); err != nil {
		s.webError(w, r, err)
		return
	}
	if len(closed) > 0 {
		xs := make([]string, len(closed))
		cv := chartSeries{Name: "Commissionable volume", Class: "s1"}
		paid := chartSeries{Name: "Commissions", Class: "s2"}
		bars := make([]chartBar, len(closed))
		for i, run := range closed {
			xs[i] = monthText(run.Period)[:3]
			cv.Values = append(cv.Values, run.TotalCV)
			paid.Values = append(paid.Values, run.Total)
			bp := int64(0)
			if run.TotalCV > 0 {
				bp, _ = downline.MulDiv(run.Total, 1000, run.TotalCV)
			}
			bars[i] = chartBar{Label: xs[i], Value: bp, Text: pctText(run.Total, run.TotalCV)}
		}
		p.Trend = lineChartSVG("Volume and commissions by month", xs, []chartSeries{cv, paid}, shortMoney(p.Currency))
		p.Ratio = barChartSVG("Payout ratio by month", bars, func(v int64) string { return fmt.Sprintf("%d%%", v/10) })
	}
	s.render(w, r, http.StatusOK, "admin_overview", p)
}

// alerts lists the compliance KPIs out of bounds for the last closed
// period and the open items of the needs-attention queue.
func (s *Server) alerts(ctx context.Context, last *downline.Run, t volumeTotals) ([]adminAlert, error) {
	var out []adminAlert
	if last != nil {
		in := compliance.DashboardInput{CuV: t.CuV, RPCV: max(last.TotalCV-t.CuV, 0), PCV: t.PCV, Compensation: last.Total,
			CompanyTests: companyTests([]*downline.Run{last})}
		for _, k := range compliance.Dashboard(in, s.params()) {
			switch k.Level {
			case compliance.LevelWarn, compliance.LevelBlock:
				lvl := "warn"
				if k.Level == compliance.LevelBlock {
					lvl = "block"
				}
				text := fmt.Sprintf("%s is %s (%s)", k.Name, k.Value.Percent(1), k.Threshold)
				if k.ID == "company_test_failed" {
					text = fmt.Sprintf("%s: multi-level pay multiplied by %s", k.Name, k.Value.Percent(1))
				}
				out = append(out, adminAlert{Level: lvl, Text: text, Link: "/admin/compliance"})
			}
		}
	}
	if s.Web.Attention != nil {
		items, err := s.Web.Attention(ctx, true)
		if err != nil {
			return nil, fmt.Errorf("needs-attention queue: %w", err)
		}
		for i, it := range items {
			if i == 5 {
				out = append(out, adminAlert{Level: "info", Text: fmt.Sprintf("%d more items need attention", len(items)-5), Link: "/admin/attention"})
				break
			}
			out = append(out, adminAlert{Level: "info", Text: it.Source + ": " + it.Reason, Link: "/admin/attention"})
		}
	}
	return out, nil
}
