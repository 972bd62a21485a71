package http

import (
	"net/http"
	"strconv"
	"time"

	"github.com/downline/downline"
)

// distributorJSON is the full API shape of a distributor, shown to staff
// and to the distributor itself.
type distributorJSON struct {
	ID               int64     `json:"id"`
	ExternalID       string    `json:"external_id"`
	SponsorID        int64     `json:"sponsor_id,omitempty"`
	PlacementParent  int64     `json:"placement_parent_id,omitempty"`
	PlacementSide    string    `json:"placement_side,omitempty"`
	ReferralCode     string    `json:"referral_code"`
	Status           string    `json:"status"`
	JoinedAt         time.Time `json:"joined_at"`
	Country          string    `json:"country,omitempty"`
	Email            string    `json:"email,omitempty"`
	DisplayName      string    `json:"display_name,omitempty"`
	AgreementVersion string    `json:"agreement_version,omitempty"`
}

func newDistributorJSON(d *downline.Distributor) distributorJSON {
	return distributorJSON{
		ID: int64(d.ID), ExternalID: d.ExternalID, SponsorID: int64(d.SponsorID),
		PlacementParent: int64(d.PlacementParentID), PlacementSide: string(d.PlacementSide),
		ReferralCode: d.ReferralCode, Status: string(d.Status), JoinedAt: d.JoinedAt.UTC(),
		Country: d.Country, Email: d.Email, DisplayName: d.DisplayName, AgreementVersion: d.AgreementVersion,
	}
}

type distributorRequest struct {
	ExternalID        string    `json:"external_id"`
	SponsorID         int64     `json:"sponsor_id"`
	PlacementParentID int64     `json:"placement_parent_id"`
	PlacementSide     string    `json:"placement_side"`
	ReferralCode      string    `json:"referral_code"`
	JoinedAt          time.Time `json:"joined_at"`
	Country           string    `json:"country"`
	Email             string    `json:"email"`
	DisplayName       string    `json:"display_name"`
	AgreementVersion  string    `json:"agreement_version"`
}

// handleAPIDistributorCreate enrols a distributor on the vendor's side (an
// import or a manual enrolment); self-service sign-up is
// handleAPIEnrolmentCreate.
func (s *Server) handleAPIDistributorCreate(w http.ResponseWriter, r *http.Request) {
	if err := s.authorize(r, downline.PermDistributorCreate, downline.RelNone); err != nil {
		s.writeError(w, r, err)
		return
	}
	req, err := decode[distributorRequest](r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if req.JoinedAt.IsZero() {
		req.JoinedAt = s.now()
	}
	d := &downline.Distributor{ExternalID: req.ExternalID, SponsorID: downline.DistributorID(req.SponsorID),
		PlacementParentID: downline.DistributorID(req.PlacementParentID), PlacementSide: downline.Side(req.PlacementSide),
		ReferralCode: req.ReferralCode, JoinedAt: req.JoinedAt, Country: req.Country, Email: req.Email,
		DisplayName: req.DisplayName, AgreementVersion: req.AgreementVersion}
	if err := s.Distributors.CreateDistributor(r.Context(), d); err != nil {
		s.writeError(w, r, err)
		return
	}
	out := newDistributorJSON(d)
	if err := s.audit(r, "distributor.create", "distributor", idString(int64(d.ID)), nil, out); err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, out)
}

// handleAPIDistributorList lists distributors by ID with keyset
// pagination. Filters: status, sponsor_id, country, referral_code.
func (s *Server) handleAPIDistributorList(w http.ResponseWriter, r *http.Request) {
	if err := s.authorize(r, downline.PermDistributorList, downline.RelNone); err != nil {
		s.writeError(w, r, err)
		return
	}
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
	if n, err := queryID(r, "sponsor_id"); err != nil {
		s.writeError(w, r, err)
		return
	} else if n != 0 {
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

// handleAPIDistributorGet shows a distributor: in full to staff and to
// itself, and under its DP-02 tier to an upline.
func (s *Server) handleAPIDistributorGet(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "distributor")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	rel, up, err := s.authorizeDistributor(r, downline.PermDistributorRead, downline.DistributorID(id))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	d, err := s.Distributors.FindDistributorByID(r.Context(), downline.DistributorID(id))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if rel == downline.RelDownline {
		v, err := s.newViewer(r)
		if err == nil {
			err = s.allowHarvest(r, v, 1)
		}
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, v.member(d, v.actor.DepthBelow(d.ID, up)))
		return
	}
	writeJSON(w, http.StatusOK, newDistributorJSON(d))
}

type distributorPatch struct {
	Status           *string `json:"status"`
	Country          *string `json:"country"`
	Email            *string `json:"email"`
	DisplayName      *string `json:"display_name"`
	AgreementVersion *string `json:"agreement_version"`
}

// handleAPIDistributorUpdate changes a distributor. A distributor may
// change its own display name and email; status, country and agreement
// need the vendor.
func (s *Server) handleAPIDistributorUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "distributor")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if _, _, err := s.authorizeDistributor(r, downline.PermDistributorUpdate, downline.DistributorID(id)); err != nil {
		s.writeError(w, r, err)
		return
	}
	req, err := decode[distributorPatch](r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	a := downline.ActorFromContext(r.Context())
	if !a.Role.IsStaff() && (req.Status != nil || req.Country != nil || req.AgreementVersion != nil) {
		s.writeError(w, r, downline.Errorf(downline.CodeForbidden, "Only the vendor changes status, country and agreement."))
		return
	}
	before, err := s.Distributors.FindDistributorByID(r.Context(), downline.DistributorID(id))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	upd := downline.DistributorUpdate{Country: req.Country, Email: req.Email, DisplayName: req.DisplayName,
		AgreementVersion: req.AgreementVersion}
	if req.Status != nil {
		st := downline.DistributorStatus(*req.Status)
		upd.Status = &st
	}
	d, err := s.Distributors.UpdateDistributor(r.Context(), downline.DistributorID(id), upd)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := newDistributorJSON(d)
	if err := s.audit(r, "distributor.update", "distributor", idString(id), newDistributorJSON(before), out); err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}
