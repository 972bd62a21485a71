package http

import (
	"net/http"
	"slices"
	"strings"

	"github.com/downline/downline"
)

// periodRow is one period of the periods page.
type periodRow struct {
	Name    string
	Close   *downline.Run
	Preview *downline.Run // the newest preview
	Runs    int
	// CanClose is set for the one period that may close next: the oldest
	// open period with a preview, after the last closed one.
	CanClose bool
}

// adminPeriodsPage lists the periods with their runs.
type adminPeriodsPage struct {
	layout
	Currency string
	Current  string
	Rows     []periodRow
}

// periodRows groups runs (newest first) by period, newest period first,
// and adds the current period when it has no run yet.
func periodRows(runs []*downline.Run, current string) []periodRow {
	byName := map[string]*periodRow{}
	var names []string
	for _, r := range runs {
		row := byName[r.Period]
		if row == nil {
			row = &periodRow{Name: r.Period}
			byName[r.Period] = row
			names = append(names, r.Period)
		}
		row.Runs++
		switch {
		case r.Kind == downline.RunClose:
			row.Close = r
		case row.Preview == nil:
			row.Preview = r
		}
	}
	if byName[current] == nil && current != "" {
		byName[current] = &periodRow{Name: current}
		names = append(names, current)
	}
	slices.SortFunc(names, func(a, b string) int { return strings.Compare(b, a) })
	rows := make([]periodRow, len(names))
	lastClosed := ""
	for i, n := range names {
		rows[i] = *byName[n]
		if rows[i].Close != nil && n > lastClosed {
			lastClosed = n
		}
	}
	for i := len(rows) - 1; i >= 0; i-- {
		if rows[i].Close == nil && rows[i].Name > lastClosed {
			rows[i].CanClose = rows[i].Preview != nil
			break
		}
	}
	return rows
}

// handleWebPeriodIndex lists the periods: closed ones with their final
// figures, open ones with their newest preview.
func (s *Server) handleWebPeriodIndex(w http.ResponseWriter, r *http.Request) {
	if _, err := requireStaff(r); err != nil {
		s.webError(w, r, err)
		return
	}
	if s.Runs == nil {
		s.webError(w, r, downline.Errorf(downline.CodeNotFound, "Commission runs are not configured."))
		return
	}
	ctx := r.Context()
	prog, err := s.Programme.FindProgramme(ctx)
	if err != nil {
		s.webError(w, r, err)
		return
	}
	per, err := prog.PeriodOf(s.now())
	if err != nil {
		s.webError(w, r, err)
		return
	}
	runs, err := s.Runs.FindRuns(ctx, "")
	if err != nil {
		s.webError(w, r, err)
		return
	}
	p := adminPeriodsPage{layout: s.newLayout(r, "Periods", "periods"), Currency: prog.Currency, Current: per.Name,
		Rows: periodRows(runs, per.Name)}
	s.render(w, r, http.StatusOK, "admin_periods", p)
}

// adminPeriodPage shows one period's runs and what changed between the
// two newest.
type adminPeriodPage struct {
	layout
	Currency string
	Period   string
	Runs     []*downline.Run
	Close    *downline.Run
	Latest   *downline.Run
	Diff     *downline.RunDiff
	DiffMore int
	CanClose bool
}

// handleWebPeriodView shows a period: its runs, the diff of the two newest
// and the preview and close actions.
func (s *Server) handleWebPeriodView(w http.ResponseWriter, r *http.Request) {
	if _, err := requireStaff(r); err != nil {
		s.webError(w, r, err)
		return
	}
	name := r.PathValue("period")
	if !downline.IsPeriodName(name) || s.Runs == nil {
		s.webError(w, r, downline.Errorf(downline.CodeNotFound, "No period %q.", name))
		return
	}
	ctx := r.Context()
	prog, err := s.Programme.FindProgramme(ctx)
	if err != nil {
		s.webError(w, r, err)
		return
	}
	all, err := s.Runs.FindRuns(ctx, "")
	if err != nil {
		s.webError(w, r, err)
		return
	}
	p := adminPeriodPage{layout: s.newLayout(r, "Period "+monthText(name), "periods"), Currency: prog.Currency, Period: name}
	for _, row := range periodRows(all, "") {
		if row.Name == name {
			p.CanClose = row.CanClose
		}
	}
	for _, run := range all {
		if run.Period == name {
			p.Runs = append(p.Runs, run)
			if run.Kind == downline.RunClose {
				p.Close = run
			}
		}
	}
	if len(p.Runs) > 0 {
		p.Latest = p.Runs[0]
	}
	if len(p.Runs) >= 2 {
		if p.Diff, err = s.Runs.DiffRuns(ctx, p.Runs[1].ID, p.Runs[0].ID); err != nil {
			s.webError(w, r, err)
			return
		}
		slices.SortFunc(p.Diff.Totals, func(a, b downline.RunTotalDiff) int {
			da, db := abs(a.To-a.From), abs(b.To-b.From)
			if da != db {
				if da > db {
					return -1
				}
				return 1
			}
			return int(a.DistributorID - b.DistributorID)
		})
		if n := len(p.Diff.Totals); n > 20 {
			p.DiffMore, p.Diff.Totals = n-20, p.Diff.Totals[:20]
		}
	}
	s.render(w, r, http.StatusOK, "admin_period", p)
}

func abs(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

// handleWebPeriodPreview evaluates the period again as a preview.
func (s *Server) handleWebPeriodPreview(w http.ResponseWriter, r *http.Request) {
	s.runPeriod(w, r)
}

func (s *Server) runPeriod(w http.ResponseWriter, r *http.Request) {
	u, err := requireStaff(r)
	if err != nil {
		s.webError(w, r, err)
		return
	}
	if u.Role != downline.RoleAdmin && u.Role != downline.RoleFinance {
		s.webError(w, r, downline.Errorf(downline.CodeForbidden, "Only admins and finance may run commissions."))
		return
	}
	name := r.PathValue("period")
	if s.Runs == nil {
		s.webError(w, r, downline.Errorf(downline.CodeNotFound, "Commission runs are not configured."))
		return
	}
	run, err := s.Runs.PreviewRun(r.Context(), name, downline.RunOptions{HoldDays: -1})
	if err != nil {
		s.webError(w, r, err)
		return
	}
	s.audit(r, "run.preview", "run", idString(int64(run.ID)), nil, run)
	redirect(w, r, "/admin/periods/"+name, "Preview computed: "+moneyText(run.Total, run.Currency)+" on "+moneyText(run.TotalCV, run.Currency)+" CV.")
}
