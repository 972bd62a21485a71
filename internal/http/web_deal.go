package http

import (
	"net/http"
	"strings"

	"github.com/downline/downline"
)

// portalDealsPage lists a distributor's deal registrations with the form
// for a new one.
type portalDealsPage struct {
	layout
	Deals        []*Deal
	Customers    []*downline.Customer
	CustomerN    int
	Organisation string
	Domain       string
}

// handleWebDealIndex shows the distributor's deals.
func (s *Server) handleWebDealIndex(w http.ResponseWriter, r *http.Request) {
	u, err := requireDistributor(r)
	if err != nil {
		s.webError(w, r, err)
		return
	}
	p := portalDealsPage{layout: s.newLayout(r, "Customers & deals", "deals")}
	if s.Customers != nil {
		if p.Customers, p.CustomerN, err = s.Customers.FindCustomers(r.Context(), downline.CustomerFilter{DistributorID: &u.DistributorID, Limit: 100}); err != nil {
			s.webError(w, r, err)
			return
		}
	}
	if s.Web.FindDeals != nil {
		if p.Deals, err = s.Web.FindDeals(r.Context(), u.DistributorID); err != nil {
			s.webError(w, r, err)
			return
		}
	}
	s.render(w, r, http.StatusOK, "portal_deals", p)
}

// normalDomain reduces what a person types ("https://www.Acme.example/x")
// to a bare lower-case host name ("acme.example"), or "" when it is not
// one.
func normalDomain(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.TrimPrefix(strings.TrimPrefix(s, "https://"), "http://")
	s, _, _ = strings.Cut(s, "/")
	s = strings.TrimPrefix(s, "www.")
	if len(s) < 3 || len(s) > 253 || !strings.Contains(s, ".") || strings.HasPrefix(s, ".") || strings.HasSuffix(s, ".") {
		return ""
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.') {
			return ""
		}
	}
	return s
}

// handleWebDealCreate registers a deal; it then waits for the vendor's
// approval.
func (s *Server) handleWebDealCreate(w http.ResponseWriter, r *http.Request) {
	u, err := requireDistributor(r)
	if err != nil {
		s.webError(w, r, err)
		return
	}
	if s.Web.RegisterDeal == nil {
		s.webError(w, r, downline.Errorf(downline.CodeNotFound, "Deal registration is not available."))
		return
	}
	org := strings.TrimSpace(r.PostFormValue("organisation"))
	domain := normalDomain(r.PostFormValue("domain"))
	if org == "" || len(org) > 200 || domain == "" {
		p := portalDealsPage{layout: s.newLayout(r, "Customers & deals", "deals"), Organisation: org, Domain: r.PostFormValue("domain")}
		p.Error = "Enter the organisation's name (up to 200 characters) and its web domain, such as acme.example."
		if s.Web.FindDeals != nil {
			p.Deals, _ = s.Web.FindDeals(r.Context(), u.DistributorID)
		}
		s.render(w, r, http.StatusBadRequest, "portal_deals", p)
		return
	}
	d, err := s.Web.RegisterDeal(r.Context(), u.DistributorID, org, domain)
	if err != nil {
		s.webError(w, r, err)
		return
	}
	s.audit(r, "deal.create", "deal", idString(d.ID), nil, d)
	redirect(w, r, "/portal/deals", "Deal with "+d.Organisation+" registered; it awaits approval.")
}
