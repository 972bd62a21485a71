package http

import (
	"fmt"
	"html/template"
	"net/http"

	"github.com/downline/downline"
	"github.com/downline/downline/compliance"
)

// adminCompliancePage is the compliance dashboard of the last closed
// period with its earnings distribution.
type adminCompliancePage struct {
	layout
	Currency string
	Close    *downline.Run
	KPIs     []compliance.KPI
	Summary  compliance.Summary
	Zero     int
	Top1     compliance.Ratio
	Bands    template.HTML
	Lorenz   template.HTML
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
	if s.Web.Runs == nil || s.Web.Standings == nil {
		s.render(w, r, http.StatusOK, "admin_compliance", p)
		return
	}
	runs, err := s.Web.Runs.FindRuns(ctx, "")
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
	all, err := s.Web.Standings(ctx, p.Close.ID)
	if err != nil {
		s.webError(w, r, err)
		return
	}
	t, err := s.periodTotals(ctx, p.Close.Period)
	if err != nil {
		s.webError(w, r, err)
		return
	}
	pay := make([]int64, len(all))
	in := compliance.DashboardInput{CuV: t.CuV, PCV: t.PCV, Compensation: p.Close.Total, GrossRevenue: t.CustomerRevenue + t.ParticipantRevenue}
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
		rs, _, err := s.Refunds.FindRefunds(ctx, downline.RefundFilter{Period: &p.Close.Period})
		if err != nil {
			s.webError(w, r, err)
			return
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
			label = "≥ " + shortMoney(p.Currency)(earningsBands[i-1])
		case i > 0:
			label = shortMoney(p.Currency)(earningsBands[i-1]) + "–" + shortMoney(p.Currency)(earningsBands[i])
		}
		if i == 1 {
			label = "< " + shortMoney(p.Currency)(earningsBands[1])
		}
		bars[i] = chartBar{Label: label, Value: c, Text: fmt.Sprint(c)}
	}
	p.Bands = barChartSVG("Participants by earnings in "+monthText(p.Close.Period), bars, func(v int64) string { return fmt.Sprint(v) })
	lz := compliance.Lorenz(pay, 10)
	xs := make([]string, len(lz))
	curve, equal := chartSeries{Name: "Share of pay", Class: "s1"}, chartSeries{Name: "Equal shares", Class: "s3"}
	for i, v := range lz {
		xs[i] = fmt.Sprintf("%d%%", i*10)
		curve.Values = append(curve.Values, int64(v*1000+0.5))
		equal.Values = append(equal.Values, int64(i*100))
	}
	p.Lorenz = lineChartSVG("Lorenz curve of pay", xs, []chartSeries{curve, equal}, func(v int64) string { return fmt.Sprintf("%d%%", v/10) })
	s.render(w, r, http.StatusOK, "admin_compliance", p)
}
