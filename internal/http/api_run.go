package http

import (
	"net/http"
	"strconv"
	"time"

	"github.com/downline/downline"
)

type planRequest struct {
	YAML       string `json:"yaml"`
	ActiveFrom string `json:"active_from"`
}

type planJSON struct {
	ID         int64     `json:"id"`
	Hash       string    `json:"hash"`
	PlanID     string    `json:"plan_id"`
	Version    string    `json:"version"`
	ActiveFrom string    `json:"active_from"`
	CreatedAt  time.Time `json:"created_at"`
}

// handleAPIPlanCreate activates a compensation plan version from a period.
func (s *Server) handleAPIPlanCreate(w http.ResponseWriter, r *http.Request) {
	if err := s.authorize(r, downline.PermPlanActivate, downline.RelNone); err != nil {
		s.writeError(w, r, err)
		return
	}
	req, err := decode[planRequest](r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	pv, err := s.Runs.ActivatePlan(r.Context(), req.YAML, req.ActiveFrom)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := planJSON{ID: pv.ID, Hash: pv.Hash, PlanID: pv.PlanID, Version: pv.Version, ActiveFrom: pv.ActiveFrom, CreatedAt: pv.CreatedAt.UTC()}
	if err := s.audit(r, "plan.activate", "plan_version", idString(pv.ID), nil, out); err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, out)
}

type runJSON struct {
	ID           int64  `json:"id"`
	Period       string `json:"period"`
	Kind         string `json:"kind"`
	PlanHash     string `json:"plan_hash"`
	InputHash    string `json:"input_hash"`
	ResultHash   string `json:"result_hash"`
	Distributors int    `json:"distributors"`
	Lines        int    `json:"lines"`
	Total        string `json:"total"`
	Clawbacks    string `json:"clawbacks"`
	TotalCV      string `json:"total_cv"`
	// Scale and CompanyFactor are exact fractions "num/den", as a line's
	// rate and scale are.
	Scale            string    `json:"scale"`
	ScaledBy         string    `json:"scaled_by"`
	CompanyTestFired bool      `json:"company_test_fired"`
	CompanyFactor    string    `json:"company_factor"`
	PayableAt        time.Time `json:"payable_at"`
	CreatedAt        time.Time `json:"created_at"`
}

func newRunJSON(u *downline.Run) runJSON {
	return runJSON{ID: int64(u.ID), Period: u.Period, Kind: string(u.Kind), PlanHash: u.PlanHash, InputHash: u.InputHash,
		ResultHash: u.ResultHash, Distributors: u.Distributors, Lines: u.Lines, Total: formatMoney(u.Total, u.Currency),
		Clawbacks: formatMoney(u.Clawbacks, u.Currency), TotalCV: formatMoney(u.TotalCV, u.Currency),
		Scale: fraction(u.ScaleNum, u.ScaleDen), ScaledBy: u.ScaledBy, CompanyTestFired: u.CompanyTestFired,
		CompanyFactor: fraction(u.CompanyFactorNum, u.CompanyFactorDen),
		PayableAt:     u.PayableAt.UTC(), CreatedAt: u.CreatedAt.UTC()}
}

// fraction writes num/den exactly ("5/8"); an unset fraction (den 0) is
// 1/1.
func fraction(num, den int64) string {
	if den == 0 {
		return "1/1"
	}
	return strconv.FormatInt(num, 10) + "/" + strconv.FormatInt(den, 10)
}

type runRequest struct {
	Period   string `json:"period"`
	Kind     string `json:"kind"`
	HoldDays *int   `json:"hold_days"`
}

// handleAPIRunCreate previews or closes a period. A close posts to the
// ledger; closing a closed period again returns the stored close.
func (s *Server) handleAPIRunCreate(w http.ResponseWriter, r *http.Request) {
	if err := s.authorize(r, downline.PermRunCreate, downline.RelNone); err != nil {
		s.writeError(w, r, err)
		return
	}
	req, err := decode[runRequest](r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	opts := downline.RunOptions{HoldDays: -1}
	if req.HoldDays != nil {
		if *req.HoldDays < 0 || *req.HoldDays > 366 {
			s.writeError(w, r, downline.Errorf(downline.CodeInvalid, "run of %s: hold_days must be 0 to 366", req.Period))
			return
		}
		opts.HoldDays = *req.HoldDays
	}
	var run *downline.Run
	switch downline.RunKind(req.Kind) {
	case downline.RunPreview:
		run, err = s.Runs.PreviewRun(r.Context(), req.Period, opts)
	case downline.RunClose:
		run, err = s.Runs.CloseRun(r.Context(), req.Period, opts)
	default:
		err = downline.Errorf(downline.CodeInvalid, "run of %s: kind must be preview or close", req.Period)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := newRunJSON(run)
	if err := s.audit(r, "run."+req.Kind, "run", idString(int64(run.ID)), nil, out); err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, out)
}

// handleAPIRunList lists the runs of a period (all without one), newest
// first.
func (s *Server) handleAPIRunList(w http.ResponseWriter, r *http.Request) {
	if err := s.authorize(r, downline.PermRunRead, downline.RelNone); err != nil {
		s.writeError(w, r, err)
		return
	}
	period := r.URL.Query().Get("period")
	if period != "" && !downline.IsPeriodName(period) {
		s.writeError(w, r, downline.Errorf(downline.CodeInvalid, "query parameter period: must be YYYY-MM"))
		return
	}
	runs, err := s.Runs.FindRuns(r.Context(), period)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := page[runJSON]{Items: make([]runJSON, 0, len(runs)), Total: len(runs)}
	for _, u := range runs {
		out.Items = append(out.Items, newRunJSON(u))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) handleAPIRunGet(w http.ResponseWriter, r *http.Request) {
	if err := s.authorize(r, downline.PermRunRead, downline.RelNone); err != nil {
		s.writeError(w, r, err)
		return
	}
	id, err := pathID(r, "run")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	run, err := s.Runs.FindRunByID(r.Context(), downline.RunID(id))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, newRunJSON(run))
}

type commissionLineJSON struct {
	LineNo          int64  `json:"line_no"`
	Earner          int64  `json:"earner_id"`
	Bonus           string `json:"bonus"`
	Kind            string `json:"kind"`
	Source          int64  `json:"source_id,omitempty"`
	Level           int    `json:"level"`
	CompressedLevel int    `json:"compressed_level"`
	Basis           string `json:"basis"`
	Rate            string `json:"rate"`
	Scale           string `json:"scale"`
	Amount          string `json:"amount"`
	OrderID         int64  `json:"order_id,omitempty"`
	RefundID        int64  `json:"refund_id,omitempty"`
}

// handleAPIRunLines lists a run's commission lines: one earner's
// (earner_id; a distributor's own, always) or, for staff, all.
func (s *Server) handleAPIRunLines(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "run")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	n, err := queryID(r, "earner_id")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	earner := downline.DistributorID(n)
	if a := downline.ActorFromContext(r.Context()); a != nil && a.Role == downline.RoleDistributor && earner == 0 {
		earner = a.DistributorID
	}
	if earner != 0 {
		_, _, err = s.authorizeDistributor(r, downline.PermCommissionRead, earner)
	} else {
		err = s.authorize(r, downline.PermCommissionRead, downline.RelNone)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	run, err := s.Runs.FindRunByID(r.Context(), downline.RunID(id))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	ls, err := s.Runs.FindRunLines(r.Context(), run.ID, earner)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := page[commissionLineJSON]{Items: make([]commissionLineJSON, 0, len(ls)), Total: len(ls)}
	for _, l := range ls {
		out.Items = append(out.Items, commissionLineJSON{LineNo: l.LineNo, Earner: int64(l.Earner), Bonus: l.Bonus, Kind: l.Kind,
			Source: int64(l.Source), Level: l.Level, CompressedLevel: l.CompressedLevel, Basis: formatMoney(l.Basis, run.Currency),
			Rate: fraction(l.RateNum, l.RateDen), Scale: fraction(l.ScaleNum, l.ScaleDen),
			Amount: formatMoney(l.Amount, run.Currency), OrderID: int64(l.OrderID), RefundID: int64(l.RefundID)})
	}
	writeJSON(w, http.StatusOK, out)
}
