package http

import (
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/downline/downline"
	"github.com/downline/downline/compplan"
	"github.com/downline/downline/simulate"
)

// adminSimulatePage runs the agent simulator on the plan in force.
type adminSimulatePage struct {
	layout
	Plan         string
	Months       int
	Replications int
	Seed         uint64
	Report       *simulate.Report
	Histogram    template.HTML
	Rows         []simRow
}

// simRow is one figure of the simulation with its 95 % interval.
type simRow struct {
	Name         string
	Mean, Lo, Hi string
}

// Bounds that keep a simulation run from the console short.
const (
	maxSimMonths       = 60
	maxSimReplications = 50
)

// handleWebSimulate shows the simulator form and, with run=1, runs it:
// a pure computation, so a GET that can be bookmarked and repeated.
func (s *Server) handleWebSimulate(w http.ResponseWriter, r *http.Request) {
	if _, err := requireStaff(r); err != nil {
		s.webError(w, r, err)
		return
	}
	q := r.URL.Query()
	p := adminSimulatePage{layout: s.newLayout(r, "Simulator", "compliance"), Months: 24, Replications: 10, Seed: 1}
	if v, err := strconv.Atoi(q.Get("months")); err == nil && v >= 6 && v <= maxSimMonths {
		p.Months = v
	}
	if v, err := strconv.Atoi(q.Get("replications")); err == nil && v >= 2 && v <= maxSimReplications {
		p.Replications = v
	}
	if v, err := strconv.ParseUint(q.Get("seed"), 10, 64); err == nil && v > 0 {
		p.Seed = v
	}
	pp, err := s.planPage(r)
	if err != nil {
		s.webError(w, r, err)
		return
	}
	if pp.Current == nil {
		s.webError(w, r, downline.Errorf(downline.CodeNotFound, "No plan version is in force yet."))
		return
	}
	p.Plan = pp.Current.PlanID + " " + pp.Current.Version
	if q.Get("run") != "1" {
		s.render(w, r, http.StatusOK, "admin_simulate", p)
		return
	}
	plan, err := compplan.ParsePlan(strings.NewReader(pp.Current.YAML))
	if err != nil {
		s.webError(w, r, fmt.Errorf("plan version %d: %w", pp.Current.ID, err))
		return
	}
	prm := simulate.DefaultParams()
	prm.Months, prm.Replications, prm.Seed = p.Months, p.Replications, p.Seed
	if prm.Window > prm.Months/2 {
		prm.Window = prm.Months / 2
	}
	if p.Report, err = simulate.Run(r.Context(), plan, prm, simulate.Options{}); err != nil {
		s.webError(w, r, err)
		return
	}
	pct := func(x float64) string { return strconv.FormatFloat(100*x, 'f', 1, 64) + "%" }
	cash := func(x float64) string { return moneyText(int64(x*100), plan.Currency) }
	for _, f := range []struct {
		name string
		st   simulate.Stat
		fmt  func(float64) string
	}{
		{"Participants at the end", p.Report.Participants, func(x float64) string { return strconv.FormatFloat(x, 'f', 0, 64) }},
		{"Lose money (net of costs)", p.Report.LossRate, pct},
		{"Earn nothing", p.Report.ZeroShare, pct},
		{"Median net income", p.Report.MedianNet, cash},
		{"Top 1 % share of pay", p.Report.Top1Share, pct},
		{"Customer share of volume", p.Report.CustomerShare, pct},
		{"Payout ratio", p.Report.PayoutRatio, pct},
	} {
		p.Rows = append(p.Rows, simRow{Name: f.name, Mean: f.fmt(f.st.Mean), Lo: f.fmt(f.st.Lo), Hi: f.fmt(f.st.Hi)})
	}
	bars := make([]chartBar, len(p.Report.NetHistogram))
	for i, b := range p.Report.NetHistogram {
		bars[i] = chartBar{Label: shortMoney(plan.Currency)(int64(b.Lo * 100)), Value: int64(b.Count), Text: strconv.Itoa(b.Count)}
	}
	p.Histogram = barChartSVG("Participants by net income over the run", bars, func(v int64) string { return strconv.FormatInt(v, 10) })
	s.render(w, r, http.StatusOK, "admin_simulate", p)
}
