package http

import (
	"net/http"

	"github.com/downline/downline"
)

// portalProfilePage shows who the distributor is to the programme.
type portalProfilePage struct {
	layout
	Me *downline.Distributor
}

// handleWebProfile shows the distributor's own record.
func (s *Server) handleWebProfile(w http.ResponseWriter, r *http.Request) {
	u, err := requireDistributor(r)
	if err != nil {
		s.webError(w, r, err)
		return
	}
	p := portalProfilePage{layout: s.newLayout(r, "Profile", "profile")}
	if p.Me, err = s.Distributors.FindDistributorByID(r.Context(), u.DistributorID); err != nil {
		s.webError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "portal_profile", p)
}

// payoutRow is one of the distributor's payouts.
type payoutRow struct {
	Batch  string
	Period string
	Method downline.PayoutMethod
	Item   *downline.PayoutItem
}

// portalPayoutsPage shows the balance, the payouts so far and the payout
// details and tax form on file.
type portalPayoutsPage struct {
	layout
	Currency string
	Balance  downline.DistributorBalance
	Rows     []payoutRow
	Details  *downline.PayoutDetails
}

// handleWebPortalPayouts lists the distributor's payouts, newest first,
// from the batches of the closed periods.
func (s *Server) handleWebPortalPayouts(w http.ResponseWriter, r *http.Request) {
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
	p := portalPayoutsPage{layout: s.newLayout(r, "Payouts & tax", "payouts"), Currency: prog.Currency}
	if s.Payouts == nil || s.Runs == nil {
		s.render(w, r, http.StatusOK, "portal_payouts", p)
		return
	}
	bs, err := s.Payouts.Balances(ctx, u.DistributorID)
	if err != nil {
		s.webError(w, r, err)
		return
	}
	if len(bs) == 1 {
		p.Balance = bs[0]
	}
	runs, err := s.Runs.FindRuns(ctx, "")
	if err != nil {
		s.webError(w, r, err)
		return
	}
	closed := closedRuns(runs, 24)
	for i := len(closed) - 1; i >= 0; i-- {
		for seq := maxBatchesPerPeriod; seq >= 1; seq-- {
			b, err := s.Payouts.FindPayoutBatch(ctx, downline.PayoutBatchID(closed[i].Period, seq))
			if downline.ErrorCode(err) == downline.CodeNotFound {
				continue
			}
			if err != nil {
				s.webError(w, r, err)
				return
			}
			for _, it := range b.Items {
				if it.DistributorID == u.DistributorID {
					p.Rows = append(p.Rows, payoutRow{Batch: b.ID, Period: b.Period, Method: b.Method, Item: it})
					if p.Details == nil && it.Details != nil {
						p.Details = it.Details
					}
				}
			}
		}
	}
	s.render(w, r, http.StatusOK, "portal_payouts", p)
}
