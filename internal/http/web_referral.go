package http

import (
	"net/http"
	"net/url"

	"github.com/downline/downline"
	qrcode "github.com/skip2/go-qrcode"
)

// portalReferralPage shows the distributor's referral code and link.
type portalReferralPage struct {
	layout
	Code     string
	Link     string
	Campaign string
	Landing  string
}

// referralLink is the link that records a click and sends the visitor to
// the programme's landing page with the code attached.
func referralLink(r *http.Request, code, campaign string) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	link := scheme + "://" + r.Host + "/r/" + url.PathEscape(code)
	if campaign != "" {
		link += "/" + url.PathEscape(campaign)
	}
	return link
}

// handleWebReferral shows the code, the link with a copy button and its
// QR code.
func (s *Server) handleWebReferral(w http.ResponseWriter, r *http.Request) {
	u, err := requireDistributor(r)
	if err != nil {
		s.webError(w, r, err)
		return
	}
	d, err := s.Distributors.FindDistributorByID(r.Context(), u.DistributorID)
	if err != nil {
		s.webError(w, r, err)
		return
	}
	p := portalReferralPage{layout: s.newLayout(r, "Referral links", "referral"), Code: d.ReferralCode,
		Campaign: r.URL.Query().Get("campaign")}
	if prog, err := s.Programme.FindProgramme(r.Context()); err == nil {
		p.Landing = prog.LandingURL
	}
	if p.Code != "" {
		p.Link = referralLink(r, p.Code, p.Campaign)
	}
	s.render(w, r, http.StatusOK, "portal_referral", p)
}

// handleWebReferralQR sends the referral link as a QR code (PNG).
func (s *Server) handleWebReferralQR(w http.ResponseWriter, r *http.Request) {
	u, err := requireDistributor(r)
	if err != nil {
		s.webError(w, r, err)
		return
	}
	d, err := s.Distributors.FindDistributorByID(r.Context(), u.DistributorID)
	if err != nil {
		s.webError(w, r, err)
		return
	}
	if d.ReferralCode == "" {
		s.webError(w, r, downline.Errorf(downline.CodeNotFound, "You have no referral code yet."))
		return
	}
	png, err := qrcode.Encode(referralLink(r, d.ReferralCode, r.URL.Query().Get("campaign")), qrcode.Medium, 360)
	if err != nil {
		s.webError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "private, max-age=300")
	w.Write(png)
}
