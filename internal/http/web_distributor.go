package http

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/downline/downline"
)

// adminDistributorsPage searches and lists distributors.
type adminDistributorsPage struct {
	layout
	Query    string
	Status   string
	Statuses []downline.DistributorStatus
	Rows     []*downline.Distributor
	Total    int
	Next     downline.DistributorID
}

// distributorPageSize is the rows of one page of the list.
const distributorPageSize = 50

// handleWebDistributorIndex lists distributors by id, filtered by status,
// or finds one by id, partner number or referral code.
func (s *Server) handleWebDistributorIndex(w http.ResponseWriter, r *http.Request) {
	if _, err := requireStaff(r); err != nil {
		s.webError(w, r, err)
		return
	}
	ctx := r.Context()
	q := r.URL.Query()
	p := adminDistributorsPage{layout: s.newLayout(r, "Distributors", "distributors"), Query: strings.TrimSpace(q.Get("q")),
		Status: q.Get("status"), Statuses: []downline.DistributorStatus{downline.StatusActive, downline.StatusSuspended, downline.StatusTerminated}}
	if p.Query != "" {
		var found []*downline.Distributor
		if id, err := strconv.ParseInt(p.Query, 10, 64); err == nil {
			if d, err := s.Distributors.FindDistributorByID(ctx, downline.DistributorID(id)); err == nil {
				found = append(found, d)
			}
		}
		for _, f := range []downline.DistributorFilter{{ExternalID: &p.Query, Limit: 1}, {ReferralCode: &p.Query, Limit: 1}} {
			ds, _, err := s.Distributors.FindDistributors(ctx, f)
			if err != nil {
				s.webError(w, r, err)
				return
			}
			for _, d := range ds {
				if !slices.ContainsFunc(found, func(x *downline.Distributor) bool { return x.ID == d.ID }) {
					found = append(found, d)
				}
			}
		}
		p.Rows, p.Total = found, len(found)
		s.render(w, r, http.StatusOK, "admin_distributors", p)
		return
	}
	f := downline.DistributorFilter{Limit: distributorPageSize}
	if a, err := strconv.ParseInt(q.Get("after"), 10, 64); err == nil {
		f.AfterID = downline.DistributorID(a)
	}
	if p.Status != "" {
		st := downline.DistributorStatus(p.Status)
		f.Status = &st
	}
	var err error
	if p.Rows, p.Total, err = s.Distributors.FindDistributors(ctx, f); err != nil {
		s.webError(w, r, err)
		return
	}
	if len(p.Rows) == distributorPageSize {
		p.Next = p.Rows[len(p.Rows)-1].ID
	}
	s.render(w, r, http.StatusOK, "admin_distributors", p)
}

// adminDistributorPage is one distributor's record for staff.
type adminDistributorPage struct {
	layout
	Currency  string
	D         *downline.Distributor
	Upline    []*downline.Distributor // nearest first
	Frontline []*downline.Distributor
	More      int
	Standing  *Standing
	Balance   downline.DistributorBalance
	Picture   template.HTML
	// Move preview: the new sponsor and the upline the distributor would
	// have after the move.
	MoveTo     *downline.Distributor
	MoveUpline []*downline.Distributor
	MoveValue  string
}

// handleWebDistributorView shows a distributor: record, upline, frontline,
// figures and the tree move form.
func (s *Server) handleWebDistributorView(w http.ResponseWriter, r *http.Request) {
	if _, err := requireStaff(r); err != nil {
		s.webError(w, r, err)
		return
	}
	p, err := s.distributorPage(r)
	if err != nil {
		s.webError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "admin_distributor", p)
}

func (s *Server) distributorPage(r *http.Request) (*adminDistributorPage, error) {
	ctx := r.Context()
	id, err := pathID(r, "distributor")
	if err != nil {
		return nil, err
	}
	d, err := s.Distributors.FindDistributorByID(ctx, downline.DistributorID(id))
	if err != nil {
		return nil, err
	}
	prog, err := s.Programme.FindProgramme(ctx)
	if err != nil {
		return nil, err
	}
	name := d.DisplayName
	if name == "" {
		name = "#" + idString(id)
	}
	p := &adminDistributorPage{layout: s.newLayout(r, name, "distributors"), Currency: prog.Currency, D: d}
	if p.Upline, err = s.uplineOf(ctx, d.ID); err != nil {
		return nil, err
	}
	front, err := s.Genealogy.Downline(ctx, d.ID, 3)
	if err != nil {
		return nil, err
	}
	if len(front) > maxTeamShown {
		front = front[:maxTeamShown]
	}
	nodes := map[downline.DistributorID]*teamNode{}
	var roots []*teamNode
	for _, m := range front {
		n := &teamNode{Depth: m.Depth, Ref: "#" + idString(int64(m.ID))}
		nodes[m.ID] = n
		if m.Depth == 1 {
			roots = append(roots, n)
			if len(p.Frontline) < 25 {
				fd, err := s.Distributors.FindDistributorByID(ctx, m.ID)
				if err != nil {
					return nil, err
				}
				p.Frontline = append(p.Frontline, fd)
			} else {
				p.More++
			}
		} else if parent := nodes[m.SponsorID]; parent != nil {
			parent.Children = append(parent.Children, n)
		}
	}
	figures, err := s.currentStandings(ctx, prog, append(front, downline.DownlineMember{ID: d.ID}))
	if err != nil {
		return nil, err
	}
	for did, n := range nodes {
		if st, ok := figures[did]; ok {
			n.HasFigure, n.Active = true, st.Active
		}
	}
	if st, ok := figures[d.ID]; ok {
		p.Standing = &st
	}
	p.Picture = treeSVG(roots, 3)
	if s.Payouts != nil {
		bs, err := s.Payouts.Balances(ctx, d.ID)
		if err != nil {
			return nil, err
		}
		if len(bs) == 1 {
			p.Balance = bs[0]
		}
	}
	return p, nil
}

// uplineOf loads the records of id's upline, nearest first.
func (s *Server) uplineOf(ctx context.Context, id downline.DistributorID) ([]*downline.Distributor, error) {
	up, err := s.Genealogy.Upline(ctx, id)
	if err != nil {
		return nil, err
	}
	out := make([]*downline.Distributor, 0, len(up))
	for _, u := range up {
		d, err := s.Distributors.FindDistributorByID(ctx, u)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

// handleWebDistributorMove previews a sponsor change (the button
// "preview") or makes it (the button "move"), refusing a move under the
// distributor's own downline.
func (s *Server) handleWebDistributorMove(w http.ResponseWriter, r *http.Request) {
	u, err := requireStaff(r)
	if err != nil {
		s.webError(w, r, err)
		return
	}
	if u.Role != downline.RoleAdmin {
		s.webError(w, r, downline.Errorf(downline.CodeForbidden, "Only admins may move distributors."))
		return
	}
	ctx := r.Context()
	p, err := s.distributorPage(r)
	if err != nil {
		s.webError(w, r, err)
		return
	}
	p.MoveValue = strings.TrimSpace(r.PostFormValue("sponsor"))
	fail := func(msg string) {
		p.Error = msg
		s.render(w, r, http.StatusBadRequest, "admin_distributor", p)
	}
	to, err := s.findDistributorRef(ctx, p.MoveValue)
	if downline.ErrorCode(err) == downline.CodeNotFound {
		fail(fmt.Sprintf("No distributor %q: give an id or a partner number.", p.MoveValue))
		return
	} else if err != nil {
		s.webError(w, r, err)
		return
	}
	if to.ID == p.D.ID {
		fail("A distributor cannot sponsor itself.")
		return
	}
	up, err := s.uplineOf(ctx, to.ID)
	if err != nil {
		s.webError(w, r, err)
		return
	}
	if slices.ContainsFunc(up, func(x *downline.Distributor) bool { return x.ID == p.D.ID }) {
		fail(fmt.Sprintf("%s is in this distributor's own downline; the move would make a cycle.", to.DisplayName))
		return
	}
	if r.PostFormValue("action") != "move" {
		p.MoveTo, p.MoveUpline = to, append([]*downline.Distributor{to}, up...)
		s.render(w, r, http.StatusOK, "admin_distributor", p)
		return
	}
	before := p.D.SponsorID
	if _, err := s.Distributors.MoveDistributor(ctx, p.D.ID, downline.DistributorMove{SponsorID: &to.ID}); err != nil {
		s.webError(w, r, err)
		return
	}
	s.audit(r, "distributor.move", "distributor", idString(int64(p.D.ID)), map[string]int64{"sponsor": int64(before)}, map[string]int64{"sponsor": int64(to.ID)})
	redirect(w, r, "/admin/distributors/"+idString(int64(p.D.ID)), "Moved under "+to.DisplayName+"; the change applies from the current period.")
}

// findDistributorRef finds a distributor by id or partner number.
func (s *Server) findDistributorRef(ctx context.Context, ref string) (*downline.Distributor, error) {
	if id, err := strconv.ParseInt(ref, 10, 64); err == nil && id > 0 {
		if d, err := s.Distributors.FindDistributorByID(ctx, downline.DistributorID(id)); err == nil {
			return d, nil
		}
	}
	return s.Distributors.FindDistributorByExternalID(ctx, ref)
}
