package http

import (
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/downline/downline"
	"github.com/downline/downline/compliance"
)

// memberJSON is one distributor as a viewer may see it in the genealogy.
// Staff see every field; a distributor sees its downline under the DP-02
// tiers: a pseudonymous ref always, name and join month for its
// frontline, nothing of customers, orders or earnings.
type memberJSON struct {
	// Ref is the id for staff and the pseudonym for a distributor viewer;
	// ParentRef is the sponsor's ref ("self" for the viewer itself).
	Ref       string `json:"ref"`
	ParentRef string `json:"parent_ref,omitempty"`
	// Depth is the number of sponsor steps below the viewer's own
	// distributor (staff: below the queried distributor).
	Depth       int    `json:"depth"`
	Tier        string `json:"tier"`
	DisplayName string `json:"display_name,omitempty"`
	JoinMonth   string `json:"join_month,omitempty"`
	// Staff only.
	ID         int64  `json:"id,omitempty"`
	ExternalID string `json:"external_id,omitempty"`
	Status     string `json:"status,omitempty"`
	Country    string `json:"country,omitempty"`
}

// viewer renders genealogy members for the request's actor.
type viewer struct {
	s     *Server
	actor *downline.Actor
	self  *downline.Distributor // the distributor viewer's own record
}

func (s *Server) newViewer(r *http.Request) (*viewer, error) {
	v := &viewer{s: s, actor: downline.ActorFromContext(r.Context())}
	if v.actor != nil && v.actor.Role == downline.RoleDistributor {
		d, err := s.Distributors.FindDistributorByID(r.Context(), v.actor.DistributorID)
		if err != nil {
			return nil, err
		}
		v.self = d
	}
	return v, nil
}

func (v *viewer) staff() bool { return v.self == nil }

// ref is how the viewer names distributor id.
func (v *viewer) ref(id downline.DistributorID) string {
	switch {
	case id == 0:
		return ""
	case v.staff():
		return idString(int64(id))
	case id == v.self.ID:
		return "self"
	}
	return compliance.Pseudonym(v.s.state.pseudonymKey, idString(int64(id)))
}

// member renders d, depth sponsor steps below the viewer.
func (v *viewer) member(d *downline.Distributor, depth int) memberJSON {
	m := memberJSON{Ref: v.ref(d.ID), ParentRef: v.ref(d.SponsorID), Depth: depth}
	if v.staff() {
		m.Tier = "staff"
		m.ID, m.ExternalID, m.Status, m.Country = int64(d.ID), d.ExternalID, string(d.Status), d.Country
		m.DisplayName, m.JoinMonth = d.DisplayName, d.JoinedAt.UTC().Format("2006-01")
		return m
	}
	if depth <= 0 {
		m.ParentRef = "" // the viewer's own sponsor is upline: not shown
	}
	tier := compliance.Visibility(depth, compliance.Consent{
		Terminated:  d.Status == downline.StatusTerminated,
		CrossBorder: d.Country != "" && v.self.Country != "" && d.Country != v.self.Country,
	})
	m.Tier = tier.String()
	view := compliance.Filter(compliance.ParticipantView{ID: idString(int64(d.ID)), Pseudonym: m.Ref,
		DisplayName: d.DisplayName, JoinMonth: d.JoinedAt.UTC().Format("2006-01")}, tier)
	m.DisplayName, m.JoinMonth = view.DisplayName, view.JoinMonth
	if tier == compliance.TierSelf {
		m.ID, m.ExternalID, m.Status, m.Country = int64(d.ID), d.ExternalID, string(d.Status), d.Country
	}
	return m
}

// genealogyParams reads depth (1 to 10, default 3), limit and the cursor
// "depth.id" of the last member of the previous page.
func genealogyParams(r *http.Request) (depth, limit, afterDepth int, afterID int64, err error) {
	q := r.URL.Query()
	depth = 3
	if v := q.Get("depth"); v != "" {
		if depth, err = strconv.Atoi(v); err != nil || depth < 1 || depth > 10 {
			return 0, 0, 0, 0, downline.Errorf(downline.CodeInvalid, "query parameter depth: must be an integer from 1 to 10")
		}
	}
	if _, limit, err = pageParams(withoutCursor(r)); err != nil {
		return 0, 0, 0, 0, err
	}
	if c := q.Get("cursor"); c != "" {
		ds, is, ok := strings.Cut(c, ".")
		d, err1 := strconv.Atoi(ds)
		id, err2 := strconv.ParseInt(is, 10, 64)
		if !ok || err1 != nil || err2 != nil {
			return 0, 0, 0, 0, downline.Errorf(downline.CodeInvalid, "query parameter cursor: not a cursor from a previous page")
		}
		afterDepth, afterID = d, id
	}
	return depth, limit, afterDepth, afterID, nil
}

// withoutCursor returns r with the cursor parameter removed, for
// pageParams, whose cursors are plain ids.
func withoutCursor(r *http.Request) *http.Request {
	r2 := r.Clone(r.Context())
	q := r2.URL.Query()
	q.Del("cursor")
	r2.URL.RawQuery = q.Encode()
	return r2
}

// handleAPIGenealogySearch searches the subtree below a distributor for q
// in what the viewer may see: for staff the external id, name and email;
// for a distributor the names of its frontline and exact pseudonyms.
func (s *Server) handleAPIGenealogySearch(w http.ResponseWriter, r *http.Request) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if len(q) < 2 || len(q) > 100 {
		s.writeError(w, r, downline.Errorf(downline.CodeInvalid, "query parameter q: must be 2 to 100 characters"))
		return
	}
	s.searchDownline(w, r, strings.ToLower(q))
}

// maxSearchMembers bounds the subtree a search reads.
const maxSearchMembers = 5000

// searchDownline reads the subtree to the requested depth (at most
// maxSearchMembers members), ordered by depth then id, and pages through
// the matches; the cursor is "depth.id" of the last match shown.
func (s *Server) searchDownline(w http.ResponseWriter, r *http.Request, search string) {
	id, err := pathID(r, "distributor")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	_, up, err := s.authorizeDistributor(r, downline.PermGenealogyRead, downline.DistributorID(id))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	depth, limit, afterDepth, afterID, err := genealogyParams(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	v, err := s.newViewer(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	base := 0 // the queried distributor's depth below the viewer
	if !v.staff() {
		base = v.actor.DepthBelow(downline.DistributorID(id), up)
	}
	ms, err := s.Genealogy.Downline(r.Context(), downline.DistributorID(id), depth)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if len(ms) > maxSearchMembers {
		s.writeError(w, r, downline.Errorf(downline.CodeInvalid, "query parameter depth: the subtree holds more than %d members; search less deep", maxSearchMembers))
		return
	}
	start := sort.Search(len(ms), func(i int) bool {
		return ms[i].Depth > afterDepth || ms[i].Depth == afterDepth && int64(ms[i].ID) > afterID
	})
	out := memberPage{Items: []memberJSON{}}
	var last downline.DownlineMember
	for _, dm := range ms[start:] {
		d, err := s.Distributors.FindDistributorByID(r.Context(), dm.ID)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		m := v.member(d, base+dm.Depth)
		if !matches(v, d, m, search) {
			continue
		}
		if len(out.Items) == limit {
			// One more match exists: the page continues after the last.
			out.NextCursor = strconv.Itoa(last.Depth) + "." + idString(int64(last.ID))
			break
		}
		out.Items = append(out.Items, m)
		last = dm
	}
	if err := s.allowHarvest(r, v, len(out.Items)); err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// matches reports whether the search term q (lower-case) matches what the
// viewer may see of d.
func matches(v *viewer, d *downline.Distributor, m memberJSON, q string) bool {
	has := func(s string) bool { return s != "" && strings.Contains(strings.ToLower(s), q) }
	if v.staff() {
		return has(d.ExternalID) || has(d.DisplayName) || has(d.Email)
	}
	return has(m.DisplayName) || strings.EqualFold(m.Ref, q)
}

// handleAPIGenealogyUpline returns the path from a distributor up to the
// root, nearest first. A distributor sees the path only up to itself:
// its own upline is never shown.
func (s *Server) handleAPIGenealogyUpline(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "distributor")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	rel, up, err := s.authorizeDistributor(r, downline.PermGenealogyRead, downline.DistributorID(id))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	v, err := s.newViewer(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if v.staff() {
		if up, err = s.Genealogy.Upline(r.Context(), downline.DistributorID(id)); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	out := page[memberJSON]{Items: []memberJSON{}}
	if rel != downline.RelOwn {
		base := 0 // staff: depths above the queried distributor are negative
		if !v.staff() {
			base = v.actor.DepthBelow(downline.DistributorID(id), up)
		}
		for i, u := range up {
			d, err := s.Distributors.FindDistributorByID(r.Context(), u)
			if err != nil {
				s.writeError(w, r, err)
				return
			}
			out.Items = append(out.Items, v.member(d, base-i-1))
			if !v.staff() && u == v.self.ID {
				break
			}
		}
	}
	out.Total = len(out.Items)
	if err := s.allowHarvest(r, v, len(out.Items)); err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}
