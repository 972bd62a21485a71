package http

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"slices"

	"github.com/downline/downline"
	"github.com/downline/downline/compliance"
)

// complianceFigures are what the compliance page computes from a closed
// run; they are cached by run.
type complianceFigures struct {
	KPIs    []compliance.KPI
	Summary compliance.Summary
	Zero    int
	Top1    compliance.Ratio
	Bands   template.HTML
	Lorenz  template.HTML
}

// adminCompliancePage is the compliance dashboard of the last closed
// period with its earnings distribution.
type adminCompliancePage struct {
	layout
	Currency string
	Close    *downline.Run
	*complianceFigures
	// KPIs are the cached figures' KPIs with the receipt verification rows
	// (TX-02) computed afresh: decisions change them after the close.
	KPIs         []compliance.KPI
	Verification *downline.VerificationSummary
}

// earningsBands are the bands of the earnings histogram, in minor units:
// each band holds totals from its bound up to the next.
var earningsBands = []int64{1, 5000, 25000, 100000, 500000}

// handleWebCompliance shows the RP-03 KPIs of the last closed period and
// how its earnings were spread across all participants, zeros included.
func (s *Server) handleWebCompliance(w http.ResponseWriter, r *http.Request) {
	if _, err := requireStaff(r); err != nil {
		s.webError(w, r, err)
		return
	}
	ctx := r.Context()
	prog, err := s.Programme.FindProgramme(ctx)
	if err != nil {
		s.webError(w, r, err)
		return
	}
	p := adminCompliancePage{layout: s.newLayout(r, "Compliance", "compliance"), Currency: prog.Currency}
	if s.Runs == nil || s.Web.Standings == nil {
		s.render(w, r, http.StatusOK, "admin_compliance", p)
		return
	}
	runs, err := s.Runs.FindRuns(ctx, "")
	if err != nil {
		s.webError(w, r, err)
		return
	}
	closed := closedRuns(runs, 1)
	if len(closed) == 0 {
		s.render(w, r, http.StatusOK, "admin_compliance", p)
		return
	}
	p.Close = closed[0]
	if p.complianceFigures, err = s.complianceOf(ctx, p.Close, p.Currency); err != nil {
		s.webError(w, r, err)
		return
	}
	p.KPIs = p.complianceFigures.KPIs
	if s.Verifications != nil {
		if p.Verification, err = s.Verifications.VerificationSummary(ctx, p.Close.Period); err != nil {
			s.webError(w, r, err)
			return
		}
		v := p.Verification
		fresh := compliance.VerificationKPIs(compliance.VerificationFigures{Population: v.Population, Cases: v.Cases,
			Confirmed: v.Confirmed, Rejected: v.Rejected, Overdue: v.Overdue}, s.params())
		p.KPIs = make([]compliance.KPI, 0, len(p.complianceFigures.KPIs))
		for _, k := range p.complianceFigures.KPIs {
			for _, f := range fresh {
				if f.ID == k.ID {
					k = f
				}
			}
			p.KPIs = append(p.KPIs, k)
		}
	}
	// TX-07: an alert row for each close of the trailing 12 months whose
	// company-level tests failed.
	p.KPIs = append(slices.Clip(p.KPIs), compliance.CompanyTestAlerts(companyTests(closedRuns(runs, 12)), s.params())...)
	s.render(w, r, http.StatusOK, "admin_compliance", p)
}

// companyTests lists the runs whose TX-07 company tests failed, with the
// factor that scaled their multi-level pay.
func companyTests(runs []*downline.Run) []compliance.CompanyTestEvent {
	var out []compliance.CompanyTestEvent
	for _, r := range runs {
		if r.CompanyTestFired {
			out = append(out, compliance.CompanyTestEvent{Period: r.Period, Factor: compliance.Frac(r.CompanyFactorNum, r.CompanyFactorDen)})
		}
	}
	return out
}

// complianceOf computes the figures of a closed run, or returns them from
// the cache.
func (s *Server) complianceOf(ctx context.Context, run *downline.Run, currency string) (*complianceFigures, error) {
	if f, ok := s.cache().getReport(run.ID); ok {
		return f, nil
	}
	all, err := s.Web.Standings(ctx, run.ID)
	if err != nil {
		return nil, err
	}
	t, err := s.closedTotals(ctx, run)
	if err != nil {
		return nil, err
	}
	p := &complianceFigures{}
	pay := make([]int64, len(all))
	in := compliance.DashboardInput{CuV: t.CuV, PCV: t.PCV, Compensation: run.Total, GrossRevenue: t.CustomerRevenue + t.ParticipantRevenue}
	counts := make([]int64, len(earningsBands)+1)
	for i, st := range all {
		pay[i] = st.Total
		in.RPCV += st.PV - st.CuV
		band := 0
		for band < len(earningsBands) && st.Total >= earningsBands[band] {
			band++
		}
		counts[band]++
	}
	in.PerParticipant = pay
	if s.Refunds != nil {
		rs, _, err := s.Refunds.FindRefunds(ctx, downline.RefundFilter{Period: &run.Period})
		if err != nil {
			return nil, err
		}
		for _, rf := range rs {
			for _, l := range rf.Lines {
				in.Refunds += l.Amount
			}
		}
	}
	p.KPIs = compliance.Dashboard(in, s.params())
	p.Summary = compliance.Summarize(pay)
	p.Top1 = compliance.TopShare(pay, 1)
	p.Zero = int(counts[0])
	bars := make([]chartBar, len(counts))
	for i, c := range counts {
		label := "none"
		switch {
		case i == len(earningsBands):
			label = "≥ " + shortMoney(currency)(earningsBands[i-1])
		case i > 0:
			label = shortMoney(currency)(earningsBands[i-1]) + "–" + shortMoney(currency)(earningsBands[i])
		}
		if i == 1 {
			label = "< " + shortMoney(currency)(earningsBands[1])
		}
		bars[i] = chartBar{Label: label, Value: c, Text: fmt.Sprint(c)}
	}
	p.Bands = barChartSVG("Participants by earnings in "+monthText(run.Period), bars, func(v int64) string { return fmt.Sprint(v) })
	lz := compliance.Lorenz(pay, 10)
	xs := make([]string, len(lz))
	curve, equal := chartSeries{Name: "Share of pay", Class: "s1"}, chartSeries{Name: "Equal shares", Class: "s3"}
	for i, v := range lz {
		xs[i] = fmt.Sprintf("%d%%", i*10)
		curve.Values = append(curve.Values, int64(v*1000+0.5))
		equal.Values = append(equal.Values, int64(i*100))
	}
	p.Lorenz = lineChartSVG("Lorenz curve of pay", xs, []chartSeries{curve, equal}, func(v int64) string { return fmt.Sprintf("%d%%", v/10) })
	s.cache().putReport(run.ID, p)
	return p, nil
}
