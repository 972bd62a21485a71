package http

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/downline/downline"
)

// portalStatementsPage lists the closed periods a distributor has a
// statement for.
type portalStatementsPage struct {
	layout
	Currency string
	Rows     []statementRow
}

// statementRow is one closed period with the distributor's total in it.
type statementRow struct {
	Period string
	Total  int64
	Rank   string
}

// handleWebStatementIndex lists the distributor's statements, newest first.
func (s *Server) handleWebStatementIndex(w http.ResponseWriter, r *http.Request) {
	u, err := requireDistributor(r)
	if err != nil {
		s.webError(w, r, err)
		return
	}
	ctx := r.Context()
	prog, err := s.Programme.FindProgramme(ctx)
	if err != nil {
		s.webError(w, r, err)
		return
	}
	p := portalStatementsPage{layout: s.newLayout(r, "Statements", "statements"), Currency: prog.Currency}
	if s.Runs != nil {
		runs, err := s.Runs.FindRuns(ctx, "")
		if err != nil {
			s.webError(w, r, err)
			return
		}
		closed := closedRuns(runs, 24)
		for i := len(closed) - 1; i >= 0; i-- {
			row := statementRow{Period: closed[i].Period}
			st, err := s.standingOf(ctx, closed[i].ID, u.DistributorID)
			if err != nil {
				s.webError(w, r, err)
				return
			}
			if st != nil {
				row.Total, row.Rank = st.Total, st.PaidRank
			}
			p.Rows = append(p.Rows, row)
		}
	}
	s.render(w, r, http.StatusOK, "portal_statements", p)
}

// handleWebStatementPDF sends the statement of a closed period as PDF.
func (s *Server) handleWebStatementPDF(w http.ResponseWriter, r *http.Request) {
	u, err := requireDistributor(r)
	if err != nil {
		s.webError(w, r, err)
		return
	}
	period, ok := strings.CutSuffix(r.PathValue("file"), ".pdf")
	if !ok || !downline.IsPeriodName(period) || s.Web.Statement == nil {
		s.webError(w, r, downline.Errorf(downline.CodeNotFound, "No statement %q.", r.PathValue("file")))
		return
	}
	pdf, err := s.Web.Statement(r.Context(), u.DistributorID, period)
	if err != nil {
		s.webError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf("inline; filename=%q", "statement-"+period+".pdf"))
	w.Header().Set("Cache-Control", "private, no-store")
	w.Write(pdf)
}
