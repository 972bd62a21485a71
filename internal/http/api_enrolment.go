package http

import (
	"encoding/hex"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/downline/downline"
)

type enrolmentRequest struct {
	// ReferralCode names the sponsor; empty means the programme's default
	// sponsor.
	ReferralCode     string `json:"referral_code"`
	Email            string `json:"email"`
	Password         string `json:"password"`
	DisplayName      string `json:"display_name"`
	Country          string `json:"country"`
	BirthDate        string `json:"birth_date"` // YYYY-MM-DD
	AgreementVersion string `json:"agreement_version"`
	AcceptAgreement  bool   `json:"accept_agreement"`
}

type enrolmentJSON struct {
	Distributor      distributorJSON `json:"distributor"`
	UserID           int64           `json:"user_id"`
	AgreementVersion string          `json:"agreement_version"`
	AcceptedAt       time.Time       `json:"accepted_at"`
	CoolingOffEnds   time.Time       `json:"cooling_off_ends"`
	CancelledAt      *time.Time      `json:"cancelled_at,omitempty"`
}

// handleAPIEnrolmentCreate is self-service sign-up: through a sponsor's
// referral code or the programme's default sponsor, with the agreement
// accepted (version, time and IP recorded), at least the minimum age, and
// a cooling-off window from the compliance parameters.
func (s *Server) handleAPIEnrolmentCreate(w http.ResponseWriter, r *http.Request) {
	if !s.state.signIns.allow(clientIP(r), s.now()) {
		tooMany(s, w, r)
		return
	}
	req, err := decode[enrolmentRequest](r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	now := s.now()
	bad := func(field, why string) {
		s.writeError(w, r, downline.Errorf(downline.CodeInvalid, "enrolment of %q: %s %s", req.Email, field, why))
	}
	switch {
	case !req.AcceptAgreement:
		bad("accept_agreement", "must be true: the agreement must be accepted")
		return
	case s.AgreementVersion != "" && req.AgreementVersion != s.AgreementVersion:
		bad("agreement_version", "must be the agreement in force, "+s.AgreementVersion)
		return
	}
	if err := checkPassword(req.Password); err != nil {
		s.writeError(w, r, err)
		return
	}
	birth, err := time.Parse(time.DateOnly, req.BirthDate)
	if err != nil {
		bad("birth_date", "must be a date YYYY-MM-DD")
		return
	}
	sponsor, err := s.sponsorFor(r, req.ReferralCode)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var rnd [8]byte
	if _, err := io.ReadFull(s.rand(), rnd[:]); err != nil {
		s.writeError(w, r, err)
		return
	}
	p := s.params()
	ext := "ENR-" + strings.ToUpper(hex.EncodeToString(rnd[:]))
	d := &downline.Distributor{ExternalID: ext, SponsorID: sponsor.ID, JoinedAt: now, Country: req.Country,
		Email: strings.ToLower(strings.TrimSpace(req.Email)), DisplayName: req.DisplayName, AgreementVersion: req.AgreementVersion}
	e := &downline.Enrolment{AgreementVersion: req.AgreementVersion, AcceptedAt: now, AcceptedIP: clientIP(r),
		BirthDate: birth, CoolingOffEnds: now.AddDate(0, 0, p.ParticipantCoolingOffDays)}
	if err := e.Validate(ext, p.MinAge); err != nil {
		s.writeError(w, r, err)
		return
	}
	h, err := HashPassword(req.Password, s.Password, s.rand())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	u := &downline.User{Email: d.Email, Name: req.DisplayName, Role: downline.RoleDistributor, PasswordHash: h}
	if err := s.Enrolments.Enrol(r.Context(), d, e, u); err != nil {
		s.writeError(w, r, err)
		return
	}
	out := enrolmentJSON{Distributor: newDistributorJSON(d), UserID: int64(u.ID), AgreementVersion: e.AgreementVersion,
		AcceptedAt: e.AcceptedAt.UTC(), CoolingOffEnds: e.CoolingOffEnds.UTC()}
	if err := s.auditAs(r, u.Actor(), "distributor.enrol", "distributor", idString(int64(d.ID)), nil, out); err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, out)
}

// sponsorFor finds the active sponsor with the referral code, or the
// programme's default sponsor when code is empty.
func (s *Server) sponsorFor(r *http.Request, code string) (*downline.Distributor, error) {
	if code == "" {
		p, err := s.Programme.FindProgramme(r.Context())
		if err != nil {
			return nil, err
		}
		if p.DefaultSponsorRef == "" {
			return nil, downline.Errorf(downline.CodeInvalid, "enrolment: referral_code is required; the programme has no default sponsor")
		}
		return s.Distributors.FindDistributorByExternalID(r.Context(), p.DefaultSponsorRef)
	}
	ds, _, err := s.Distributors.FindDistributors(r.Context(), downline.DistributorFilter{ReferralCode: &code, Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(ds) == 0 || ds[0].Status != downline.StatusActive {
		return nil, downline.Errorf(downline.CodeInvalid, "enrolment: referral_code %q is not an active distributor's code", code)
	}
	return ds[0], nil
}

// handleAPIDistributorCancel cancels a participation inside the cooling-off
// window: every purchase the distributor made itself (personal use, resale
// stock, fees, kits) is refunded in full, then the enrolment is cancelled
// and the distributor terminated (PL-07). The refunds have external ids
// derived from the orders, so a retry after a failure refunds nothing twice.
func (s *Server) handleAPIDistributorCancel(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "distributor")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if _, _, err := s.authorizeDistributor(r, downline.PermDistributorCancel, downline.DistributorID(id)); err != nil {
		s.writeError(w, r, err)
		return
	}
	ctx := r.Context()
	e, err := s.Enrolments.FindEnrolment(ctx, downline.DistributorID(id))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if !e.CanCancel(s.now()) {
		s.writeError(w, r, downline.Errorf(downline.CodeConflict, "The cooling-off window has ended or the participation is cancelled already."))
		return
	}
	did := downline.DistributorID(id)
	os, _, err := s.Orders.FindOrders(ctx, downline.OrderFilter{DistributorID: &did})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	refunded := 0
	for _, o := range os {
		if o.Purpose.HasCustomer() || o.Status == downline.OrderRefunded {
			continue
		}
		rf := &downline.Refund{ExternalID: "cooling-off-" + o.ExternalID, OrderID: o.ID, RefundedAt: s.now(),
			Reason: "cancellation inside the cooling-off window (PL-07)"}
		if err := s.Refunds.CreateRefund(ctx, rf); err != nil {
			s.writeError(w, r, err)
			return
		}
		if err := s.audit(r, "refund.create", "refund", idString(int64(rf.ID)), nil, rf.ExternalID); err != nil {
			s.writeError(w, r, err)
			return
		}
		refunded++
	}
	e, err = s.Enrolments.CancelEnrolment(ctx, did)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	d, err := s.Distributors.FindDistributorByID(ctx, did)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	cancelled := e.CancelledAt.UTC()
	out := enrolmentJSON{Distributor: newDistributorJSON(d), AgreementVersion: e.AgreementVersion,
		AcceptedAt: e.AcceptedAt.UTC(), CoolingOffEnds: e.CoolingOffEnds.UTC(), CancelledAt: &cancelled}
	if err := s.audit(r, "distributor.cancel", "distributor", idString(id), nil, out); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Refunded-Orders", idString(int64(refunded)))
	writeJSON(w, http.StatusOK, out)
}
