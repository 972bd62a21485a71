package http

import (
	"net/http"
	"strconv"
	"time"

	"github.com/downline/downline"
)

// distributorJSON is the API shape of a distributor.
type distributorJSON struct {
	ID              int64     `json:"id"`
	ExternalID      string    `json:"external_id"`
	SponsorID       int64     `json:"sponsor_id,omitempty"`
	PlacementParent int64     `json:"placement_parent_id,omitempty"`
	PlacementSide   string    `json:"placement_side,omitempty"`
	ReferralCode    string    `json:"referral_code"`
	Status          string    `json:"status"`
	JoinedAt        time.Time `json:"joined_at"`
	Country         string    `json:"country,omitempty"`
	DisplayName     string    `json:"display_name,omitempty"`
}

func newDistributorJSON(d *downline.Distributor) distributorJSON {
	return distributorJSON{
		ID: int64(d.ID), ExternalID: d.ExternalID, SponsorID: int64(d.SponsorID),
		PlacementParent: int64(d.PlacementParentID), PlacementSide: string(d.PlacementSide),
		ReferralCode: d.ReferralCode, Status: string(d.Status), JoinedAt: d.JoinedAt.UTC(),
		Country: d.Country, DisplayName: d.DisplayName,
	}
}

// handleAPIDistributorList lists distributors by ID with keyset
// pagination. Filters: status, sponsor_id, country, referral_code.
func (s *Server) handleAPIDistributorList(w http.ResponseWriter, r *http.Request) {
	after, limit, err := pageParams(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	f := downline.DistributorFilter{AfterID: downline.DistributorID(after), Limit: limit}
	q := r.URL.Query()
	if v := q.Get("status"); v != "" {
		st := downline.DistributorStatus(v)
		if !st.IsValid() {
			s.writeError(w, r, downline.Errorf(downline.CodeInvalid, "query parameter status: must be active, suspended or terminated"))
			return
		}
		f.Status = &st
	}
	if v := q.Get("sponsor_id"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			s.writeError(w, r, downline.Errorf(downline.CodeInvalid, "query parameter sponsor_id: must be a positive integer"))
			return
		}
		id := downline.DistributorID(n)
		f.SponsorID = &id
	}
	if v := q.Get("country"); v != "" {
		f.Country = &v
	}
	if v := q.Get("referral_code"); v != "" {
		f.ReferralCode = &v
	}
	ds, total, err := s.Distributors.FindDistributors(r.Context(), f)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := page[distributorJSON]{Items: make([]distributorJSON, 0, len(ds)), Total: total}
	for _, d := range ds {
		out.Items = append(out.Items, newDistributorJSON(d))
	}
	if len(ds) == limit {
		out.NextCursor = strconv.FormatInt(int64(ds[len(ds)-1].ID), 10)
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) handleAPIDistributorGet(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "distributor")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	d, err := s.Distributors.FindDistributorByID(r.Context(), downline.DistributorID(id))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, newDistributorJSON(d))
}
