package http

import (
	"context"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/downline/downline"
	"github.com/downline/downline/compliance"
)

// teamNode is one member of the team tree as the viewer may see it under
// DP-02: a name and join month for the frontline, a pseudonym deeper.
type teamNode struct {
	Ref       string
	Name      string
	JoinMonth string
	Depth     int
	Tier      string
	Rank      string
	Active    bool
	HasFigure bool
	// CuV is shown for the frontline only.
	CuV      int64
	ShowCuV  bool
	Currency string
	Children []*teamNode
	Team     int // everyone below, within the depth shown
}

// levelRow aggregates one level of the team: DP-02 lets a sponsor see
// volume deeper than the frontline only aggregated by level.
type levelRow struct {
	Level  int
	People int
	Active int
	CuV    int64
}

// portalTeamPage is the genealogy explorer.
type portalTeamPage struct {
	layout
	Currency string
	Depth    int
	Depths   []int
	Query    string
	Roots    []*teamNode // the frontline, with their teams
	Matches  []*teamNode // search results, flat
	Levels   []levelRow
	Total    int
	Shown    int
	Picture  template.HTML
}

// maxTeamShown bounds the members the explorer loads.
const maxTeamShown = 400

// handleWebTeam shows the distributor's team to a chosen depth, as a tree
// to expand and collapse, with figures by level and a search.
func (s *Server) handleWebTeam(w http.ResponseWriter, r *http.Request) {
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
	p := portalTeamPage{layout: s.newLayout(r, "My team", "team"), Currency: prog.Currency, Depth: 3, Depths: []int{1, 2, 3, 4, 5},
		Query: strings.TrimSpace(r.URL.Query().Get("q"))}
	if d, err := strconv.Atoi(r.URL.Query().Get("depth")); err == nil && d >= 1 && d <= 5 {
		p.Depth = d
	}
	v, err := s.newViewer(r)
	if err != nil {
		s.webError(w, r, err)
		return
	}
	members, err := s.Genealogy.Downline(ctx, u.DistributorID, p.Depth)
	if err != nil {
		s.webError(w, r, err)
		return
	}
	p.Total = len(members)
	if len(members) > maxTeamShown {
		members = members[:maxTeamShown]
	}
	p.Shown = len(members)
	figures, err := s.currentStandings(ctx, prog, members)
	if err != nil {
		s.webError(w, r, err)
		return
	}
	nodes := map[downline.DistributorID]*teamNode{}
	levels := map[int]*levelRow{}
	q := strings.ToLower(p.Query)
	for _, m := range members {
		d, err := s.Distributors.FindDistributorByID(ctx, m.ID)
		if err != nil {
			s.webError(w, r, err)
			return
		}
		mj := v.member(d, m.Depth)
		n := &teamNode{Ref: mj.Ref, Name: mj.DisplayName, JoinMonth: mj.JoinMonth, Depth: m.Depth, Tier: mj.Tier, Currency: prog.Currency}
		lr := levels[m.Depth]
		if lr == nil {
			lr = &levelRow{Level: m.Depth}
			levels[m.Depth] = lr
		}
		lr.People++
		if st, ok := figures[m.ID]; ok {
			n.HasFigure, n.Rank, n.Active = true, st.PaidRank, st.Active
			n.CuV, n.ShowCuV = st.CuV, mj.Tier == compliance.TierLevel1.String() || mj.Tier == compliance.TierLevel1Contact.String()
			lr.CuV += st.CuV
			if st.Active {
				lr.Active++
			}
		}
		nodes[m.ID] = n
		if parent, ok := nodes[m.SponsorID]; ok {
			parent.Children = append(parent.Children, n)
		} else if m.Depth == 1 {
			p.Roots = append(p.Roots, n)
		}
		if q != "" && len(q) >= 2 && matches(v, d, mj, q) {
			p.Matches = append(p.Matches, n)
		}
	}
	for _, n := range p.Roots {
		countTeam(n)
	}
	for _, lr := range levels {
		p.Levels = append(p.Levels, *lr)
	}
	slices.SortFunc(p.Levels, func(a, b levelRow) int { return a.Level - b.Level })
	p.Picture = treeSVG(p.Roots, 3)
	s.render(w, r, http.StatusOK, "portal_team", p)
}

func countTeam(n *teamNode) int {
	for _, c := range n.Children {
		n.Team += 1 + countTeam(c)
	}
	return n.Team
}

// currentStandings returns the figures of the given members in the newest
// run, by distributor.
func (s *Server) currentStandings(ctx context.Context, prog *downline.Programme, members []downline.DownlineMember) (map[downline.DistributorID]Standing, error) {
	out := map[downline.DistributorID]Standing{}
	if s.Runs == nil || s.Web.Standings == nil || len(members) == 0 {
		return out, nil
	}
	per, err := prog.PeriodOf(s.now())
	if err != nil {
		return nil, err
	}
	runs, err := s.Runs.FindRuns(ctx, "")
	if err != nil {
		return nil, err
	}
	run := currentRun(runs, per.Name)
	if run == nil {
		return out, nil
	}
	ids := make([]downline.DistributorID, len(members))
	for i, m := range members {
		ids[i] = m.ID
	}
	st, err := s.Web.Standings(ctx, run.ID, ids...)
	if err != nil {
		return nil, err
	}
	for _, x := range st {
		out[x.DistributorID] = x
	}
	return out, nil
}
