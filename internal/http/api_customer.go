package http

import (
	"net/http"
	"time"

	"github.com/downline/downline"
)

type customerJSON struct {
	ID            int64     `json:"id"`
	ExternalID    string    `json:"external_id"`
	Name          string    `json:"name"`
	Domain        string    `json:"domain,omitempty"`
	DistributorID int64     `json:"distributor_id"`
	Attribution   string    `json:"attribution"`
	CreatedAt     time.Time `json:"created_at"`
}

func newCustomerJSON(c *downline.Customer) customerJSON {
	return customerJSON{ID: int64(c.ID), ExternalID: c.ExternalID, Name: c.Name, Domain: c.Domain,
		DistributorID: int64(c.DistributorID), Attribution: string(c.Attribution), CreatedAt: c.CreatedAt.UTC()}
}

type customerRequest struct {
	ExternalID    string `json:"external_id"`
	Name          string `json:"name"`
	Domain        string `json:"domain"`
	DistributorID int64  `json:"distributor_id"`
	Attribution   string `json:"attribution"`
}

// ownedFilter returns the distributor a list must be restricted to: the
// distributor_id query parameter, forced to the actor's own distributor
// for a distributor actor. It authorises p for that relation.
func (s *Server) ownedFilter(r *http.Request, p downline.Permission) (*downline.DistributorID, error) {
	var want *downline.DistributorID
	if n, err := queryID(r, "distributor_id"); err != nil {
		return nil, err
	} else if n != 0 {
		id := downline.DistributorID(n)
		want = &id
	}
	a := downline.ActorFromContext(r.Context())
	if a == nil || a.Role != downline.RoleDistributor {
		return want, s.authorize(r, p, downline.RelNone)
	}
	if want == nil {
		want = &a.DistributorID
	}
	_, _, err := s.authorizeDistributor(r, p, *want)
	return want, err
}

// handleAPICustomerList lists customers by ID. Filters: distributor_id,
// domain. A distributor sees only its own customers.
func (s *Server) handleAPICustomerList(w http.ResponseWriter, r *http.Request) {
	dist, err := s.ownedFilter(r, downline.PermCustomerRead)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	after, limit, err := pageParams(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	f := downline.CustomerFilter{AfterID: downline.CustomerID(after), Limit: limit, DistributorID: dist}
	if v := r.URL.Query().Get("domain"); v != "" {
		f.Domain = &v
	}
	cs, total, err := s.Customers.FindCustomers(r.Context(), f)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := page[customerJSON]{Items: make([]customerJSON, 0, len(cs)), Total: total}
	for _, c := range cs {
		out.Items = append(out.Items, newCustomerJSON(c))
	}
	if len(cs) == limit {
		out.NextCursor = idString(int64(cs[len(cs)-1].ID))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) handleAPICustomerGet(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "customer")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := s.authorize(r, downline.PermCustomerRead, downline.RelOwn); err != nil {
		s.writeError(w, r, err)
		return
	}
	c, err := s.Customers.FindCustomerByID(r.Context(), downline.CustomerID(id))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if _, _, err := s.authorizeDistributor(r, downline.PermCustomerRead, c.DistributorID); err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, newCustomerJSON(c))
}

// handleAPICustomerCreate attributes a customer to a distributor. A
// distributor registers customers for itself only, as a deal or code
// attribution.
func (s *Server) handleAPICustomerCreate(w http.ResponseWriter, r *http.Request) {
	if err := s.authorize(r, downline.PermCustomerCreate, downline.RelOwn); err != nil {
		s.writeError(w, r, err)
		return
	}
	req, err := decode[customerRequest](r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	a := downline.ActorFromContext(r.Context())
	if a != nil && a.Role == downline.RoleDistributor && req.DistributorID == 0 {
		req.DistributorID = int64(a.DistributorID)
	}
	if _, _, err := s.authorizeDistributor(r, downline.PermCustomerCreate, downline.DistributorID(req.DistributorID)); err != nil {
		s.writeError(w, r, err)
		return
	}
	at := downline.Attribution(req.Attribution)
	if !a.Role.IsStaff() && at != downline.AttributionDeal && at != downline.AttributionCode && at != downline.AttributionLink {
		s.writeError(w, r, downline.Errorf(downline.CodeInvalid, "customer %q: attribution must be deal, code or link", req.ExternalID))
		return
	}
	c := &downline.Customer{ExternalID: req.ExternalID, Name: req.Name, Domain: req.Domain,
		DistributorID: downline.DistributorID(req.DistributorID), Attribution: at}
	if err := s.Customers.CreateCustomer(r.Context(), c); err != nil {
		s.writeError(w, r, err)
		return
	}
	out := newCustomerJSON(c)
	if err := s.audit(r, "customer.create", "customer", idString(int64(c.ID)), nil, out); err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, out)
}
