package http

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strings"

	"github.com/downline/downline"
	"github.com/downline/downline/compplan"
)

// portalDashboardPage is the distributor's dashboard.
type portalDashboardPage struct {
	layout
	Me       *downline.Distributor
	Currency string
	Period   string // the current period, "Nov 2026"
	// Run is the run the figures come from: the current period's newest
	// run, else the newest run of any period. Nil before the first run.
	Run       *downline.Run
	RunLabel  string
	Standing  *Standing
	RankName  string
	NextRank  string
	Progress  []rankProgress
	Balance   downline.DistributorBalance
	Frontline int
	// Charts of the closed periods, oldest first.
	VolumeChart   template.HTML
	EarningsChart template.HTML
	Months        int
}

// rankProgress is one requirement of the next rank and how far the
// distributor is from it.
type rankProgress struct {
	Label   string
	Have    string
	Need    string
	Percent int // 0 to 100
	Met     bool
	Note    string
}

// currentRun picks the run a dashboard shows: the newest of the period,
// else the newest overall. runs are newest first.
func currentRun(runs []*downline.Run, period string) *downline.Run {
	for _, r := range runs {
		if r.Period == period {
			return r
		}
	}
	if len(runs) > 0 {
		return runs[0]
	}
	return nil
}

// closedRuns returns the close of each period, oldest first, at most n.
func closedRuns(runs []*downline.Run, n int) []*downline.Run {
	var out []*downline.Run
	for _, r := range runs {
		if r.Kind == downline.RunClose {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b *downline.Run) int { return strings.Compare(a.Period, b.Period) })
	if len(out) > n {
		out = out[len(out)-n:]
	}
	return out
}

// standingOf returns one distributor's standing in a run, nil when the
// run has none for it.
func (s *Server) standingOf(ctx context.Context, run downline.RunID, id downline.DistributorID) (*Standing, error) {
	if s.Web.Standings == nil {
		return nil, nil
	}
	st, err := s.Web.Standings(ctx, run, id)
	if err != nil {
		return nil, fmt.Errorf("standing of distributor %d in run %d: %w", id, run, err)
	}
	for i := range st {
		if st[i].DistributorID == id {
			return &st[i], nil
		}
	}
	return nil, nil
}

// handleWebPortalDashboard shows a distributor this period's figures, the
// way to the next rank and the trend of the closed periods.
func (s *Server) handleWebPortalDashboard(w http.ResponseWriter, r *http.Request) {
	u, err := requireDistributor(r)
	if err != nil {
		s.webError(w, r, err)
		return
	}
	ctx := r.Context()
	p := portalDashboardPage{layout: s.newLayout(r, "Dashboard", "dashboard")}
	if p.Me, err = s.Distributors.FindDistributorByID(ctx, u.DistributorID); err != nil {
		s.webError(w, r, err)
		return
	}
	prog, err := s.Programme.FindProgramme(ctx)
	if err != nil {
		s.webError(w, r, err)
		return
	}
	p.Currency = prog.Currency
	per, err := prog.PeriodOf(s.now())
	if err != nil {
		s.webError(w, r, err)
		return
	}
	p.Period = monthText(per.Name)
	if s.Genealogy != nil {
		down, err := s.Genealogy.Downline(ctx, p.Me.ID, 1)
		if err != nil {
			s.webError(w, r, err)
			return
		}
		p.Frontline = len(down)
	}
	if s.Payouts != nil {
		bs, err := s.Payouts.Balances(ctx, p.Me.ID)
		if err != nil {
			s.webError(w, r, err)
			return
		}
		if len(bs) == 1 {
			p.Balance = bs[0]
		}
	}
	if s.Runs == nil {
		s.render(w, r, http.StatusOK, "portal_dashboard", p)
		return
	}
	runs, err := s.Runs.FindRuns(ctx, "")
	if err != nil {
		s.webError(w, r, err)
		return
	}
	if p.Run = currentRun(runs, per.Name); p.Run != nil {
		kind := "Preview"
		if p.Run.Kind == downline.RunClose {
			kind = "Final figures"
		}
		p.RunLabel = fmt.Sprintf("%s of %s, computed %s", kind, monthText(p.Run.Period), p.Run.CreatedAt.UTC().Format("2 Jan 15:04 UTC"))
		if p.Standing, err = s.standingOf(ctx, p.Run.ID, p.Me.ID); err != nil {
			s.webError(w, r, err)
			return
		}
		if err := s.rankProgress(ctx, &p); err != nil {
			s.webError(w, r, err)
			return
		}
	}
	if err := s.portalCharts(ctx, &p, runs); err != nil {
		s.webError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "portal_dashboard", p)
}

// rankProgress fills the paid-as rank's name and the progress towards the
// next rank from the plan version the run evaluated.
func (s *Server) rankProgress(ctx context.Context, p *portalDashboardPage) error {
	if s.Web.PlanVersion == nil || p.Standing == nil {
		return nil
	}
	pv, err := s.Web.PlanVersion(ctx, p.Run.PlanVersionID)
	if err != nil {
		return fmt.Errorf("plan version %d: %w", p.Run.PlanVersionID, err)
	}
	plan, err := compplan.ParsePlan(strings.NewReader(pv.YAML))
	if err != nil {
		return fmt.Errorf("plan version %d: %w", pv.ID, err)
	}
	at := -1
	for i, rk := range plan.Ranks {
		if rk.ID == p.Standing.PaidRank {
			at, p.RankName = i, rk.Name
		}
	}
	if at+1 >= len(plan.Ranks) {
		return nil
	}
	next := plan.Ranks[at+1]
	p.NextRank = next.Name
	mv := func(v int64) string { return moneyText(v, p.Currency) }
	for _, q := range next.Requires {
		var have int64
		rp := rankProgress{}
		switch q.Metric {
		case compplan.MetricCuV:
			rp.Label, have = "Customer volume (CuV)", p.Standing.CuV
		case compplan.MetricPV:
			rp.Label, have = "Personal volume (PV)", p.Standing.PV
		case compplan.MetricGV:
			rp.Label, have = "Group volume (GV)", p.Standing.GV
		case compplan.MetricQualifyingGV:
			rp.Label, have = "Qualifying group volume", p.Standing.GV
			rp.Note = fmt.Sprintf("Shown before the leg cap: one leg counts for at most %s%% of the target.", q.LegCap.Percent())
		case compplan.MetricLegsWithRank:
			rp.Label = fmt.Sprintf("Legs with a %s or higher", rankName(plan, q.Rank))
			rp.Need = fmt.Sprint(q.Count)
			rp.Note = "Counted at the period's close across each whole leg."
			p.Progress = append(p.Progress, rp)
			continue
		case compplan.MetricLegsWithVolume:
			rp.Label = fmt.Sprintf("Legs with at least %s group volume", mv(q.Min))
			rp.Need = fmt.Sprint(q.Count)
			rp.Note = "Counted at the period's close."
			p.Progress = append(p.Progress, rp)
			continue
		default:
			rp.Label = string(q.Metric)
			rp.Need = fmt.Sprint(q.Count)
			p.Progress = append(p.Progress, rp)
			continue
		}
		rp.Have, rp.Need, rp.Met = mv(have), mv(q.Min), have >= q.Min
		rp.Percent = 100
		if q.Min > 0 && have < q.Min {
			rp.Percent = int(max(have, 0) * 100 / q.Min)
		}
		p.Progress = append(p.Progress, rp)
	}
	return nil
}

func rankName(plan *compplan.Plan, id string) string {
	for _, rk := range plan.Ranks {
		if rk.ID == id {
			return rk.Name
		}
	}
	return id
}

// portalCharts draws the volume and earnings of the last closed periods.
func (s *Server) portalCharts(ctx context.Context, p *portalDashboardPage, runs []*downline.Run) error {
	closed := closedRuns(runs, 6)
	p.Months = len(closed)
	if len(closed) == 0 {
		return nil
	}
	xs := make([]string, len(closed))
	pv := chartSeries{Name: "Personal volume", Class: "s1"}
	gv := chartSeries{Name: "Group volume", Class: "s2"}
	bars := make([]chartBar, len(closed))
	for i, run := range closed {
		xs[i] = monthText(run.Period)[:3]
		st, err := s.standingOf(ctx, run.ID, p.Me.ID)
		if err != nil {
			return err
		}
		if st == nil {
			st = &Standing{}
		}
		pv.Values = append(pv.Values, st.PV)
		gv.Values = append(gv.Values, st.GV)
		bars[i] = chartBar{Label: xs[i], Value: st.Total, Text: moneyText(st.Total, p.Currency)}
	}
	p.VolumeChart = lineChartSVG("Volume by month", xs, []chartSeries{pv, gv}, shortMoney(p.Currency))
	p.EarningsChart = barChartSVG("Earnings by month", bars, shortMoney(p.Currency))
	return nil
}
