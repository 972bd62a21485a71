package http

import (
	"net/http"
	"strconv"
	"time"

	"github.com/downline/downline"
)

type balanceJSON struct {
	DistributorID int64  `json:"distributor_id"`
	Earned        string `json:"earned"`
	Payable       string `json:"payable"`
	Receivable    string `json:"receivable"`
	Available     string `json:"available"`
}

// handleAPIBalanceList shows ledger balances: a distributor's own, or for
// staff one distributor's (distributor_id) or everyone's with a posting.
func (s *Server) handleAPIBalanceList(w http.ResponseWriter, r *http.Request) {
	dist, err := s.ownedFilter(r, downline.PermCommissionRead)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	cur, err := s.currency(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var ids []downline.DistributorID
	if dist != nil {
		ids = append(ids, *dist)
	}
	bs, err := s.Payouts.Balances(r.Context(), ids...)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := page[balanceJSON]{Items: make([]balanceJSON, 0, len(bs)), Total: len(bs)}
	for _, b := range bs {
		out.Items = append(out.Items, balanceJSON{DistributorID: int64(b.DistributorID), Earned: formatMoney(b.Earned, cur),
			Payable: formatMoney(b.Payable, cur), Receivable: formatMoney(b.Receivable, cur), Available: formatMoney(b.Available, cur)})
	}
	writeJSON(w, http.StatusOK, out)
}

type payoutDetailsRequest struct {
	Method        string `json:"method"`
	HolderName    string `json:"holder_name"`
	IBAN          string `json:"iban"`
	BIC           string `json:"bic"`
	RoutingNumber string `json:"routing_number"`
	AccountNumber string `json:"account_number"`
	AccountType   string `json:"account_type"`
	Email         string `json:"email"`
	TaxStatus     string `json:"tax_status"`
}

// handleAPIPayoutDetailsUpdate sets a distributor's payout details. A
// distributor sets its own bank details; only the vendor marks the tax
// form received or verified. The answer never repeats the details.
func (s *Server) handleAPIPayoutDetailsUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "distributor")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if _, _, err := s.authorizeDistributor(r, downline.PermPayoutDetailsUpdate, downline.DistributorID(id)); err != nil {
		s.writeError(w, r, err)
		return
	}
	req, err := decode[payoutDetailsRequest](r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if a := downline.ActorFromContext(r.Context()); !a.Role.IsStaff() && req.TaxStatus != string(downline.TaxMissing) && req.TaxStatus != "" {
		s.writeError(w, r, downline.Errorf(downline.CodeForbidden, "Only the vendor records the tax form."))
		return
	}
	if req.TaxStatus == "" {
		req.TaxStatus = string(downline.TaxMissing)
	}
	d := &downline.PayoutDetails{DistributorID: downline.DistributorID(id), Method: downline.PayoutMethod(req.Method),
		HolderName: req.HolderName, IBAN: req.IBAN, BIC: req.BIC, RoutingNumber: req.RoutingNumber,
		AccountNumber: req.AccountNumber, AccountType: req.AccountType, Email: req.Email, TaxStatus: downline.TaxStatus(req.TaxStatus)}
	if err := s.Payouts.SetPayoutDetails(r.Context(), d); err != nil {
		s.writeError(w, r, err)
		return
	}
	// The digest covers the details, so the log proves a change without
	// holding bank data.
	if err := s.audit(r, "payout_details.update", "distributor", idString(id), nil, req); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

type releaseRequest struct {
	AsOf time.Time `json:"as_of"`
}

// handleAPIPayoutRelease moves earnings whose hold ended by as_of (default
// now) to payable.
func (s *Server) handleAPIPayoutRelease(w http.ResponseWriter, r *http.Request) {
	if err := s.authorize(r, downline.PermPayoutCreate, downline.RelNone); err != nil {
		s.writeError(w, r, err)
		return
	}
	req, err := decode[releaseRequest](r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if req.AsOf.IsZero() {
		req.AsOf = s.now()
	}
	n, err := s.Payouts.ReleaseHolds(r.Context(), req.AsOf)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := s.audit(r, "payout.release", "ledger", req.AsOf.UTC().Format(time.RFC3339), nil, n); err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]int{"released_runs": n})
}

type batchRequest struct {
	Period  string    `json:"period"`
	Seq     int       `json:"seq"`
	Method  string    `json:"method"`
	Minimum string    `json:"minimum"`
	AsOf    time.Time `json:"as_of"`
}

type batchJSON struct {
	ID       string          `json:"id"`
	Period   string          `json:"period"`
	Method   string          `json:"method"`
	Currency string          `json:"currency"`
	AsOf     time.Time       `json:"as_of"`
	Items    []batchItemJSON `json:"items"`
}

type batchItemJSON struct {
	ItemNo        int64  `json:"item_no"`
	DistributorID int64  `json:"distributor_id"`
	Amount        string `json:"amount"`
	Receivable    string `json:"receivable"`
	Status        string `json:"status"`
	Reason        string `json:"reason,omitempty"`
}

func newBatchJSON(b *downline.PayoutBatch) batchJSON {
	out := batchJSON{ID: b.ID, Period: b.Period, Method: string(b.Method), Currency: b.Currency, AsOf: b.AsOf.UTC(),
		Items: make([]batchItemJSON, 0, len(b.Items))}
	for _, it := range b.Items {
		out.Items = append(out.Items, batchItemJSON{ItemNo: it.ItemNo, DistributorID: int64(it.DistributorID),
			Amount: formatMoney(it.Amount, b.Currency), Receivable: formatMoney(it.Receivable, b.Currency),
			Status: string(it.Status), Reason: it.Reason})
	}
	return out
}

// handleAPIPayoutBatchCreate creates a payout batch in one method; the
// same request again returns the stored batch.
func (s *Server) handleAPIPayoutBatchCreate(w http.ResponseWriter, r *http.Request) {
	if err := s.authorize(r, downline.PermPayoutCreate, downline.RelNone); err != nil {
		s.writeError(w, r, err)
		return
	}
	req, err := decode[batchRequest](r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	cur, err := s.currency(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	min, err := parseAmount("payout batch "+req.Period, "minimum", req.Minimum, cur)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if req.AsOf.IsZero() {
		req.AsOf = s.now()
	}
	b, err := s.Payouts.CreatePayoutBatch(r.Context(), downline.NewPayoutBatch{Period: req.Period, Seq: req.Seq,
		Method: downline.PayoutMethod(req.Method), Minimum: min, AsOf: req.AsOf})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := newBatchJSON(b)
	if err := s.audit(r, "payout_batch.create", "payout_batch", b.ID, nil, out); err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, out)
}

func (s *Server) handleAPIPayoutBatchGet(w http.ResponseWriter, r *http.Request) {
	if err := s.authorize(r, downline.PermPayoutRead, downline.RelNone); err != nil {
		s.writeError(w, r, err)
		return
	}
	b, err := s.Payouts.FindPayoutBatch(r.Context(), r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, newBatchJSON(b))
}

type itemStatusRequest struct {
	Status string `json:"status"`
	Reason string `json:"reason"`
}

// handleAPIPayoutItemUpdate records the bank's answer for one sent item.
func (s *Server) handleAPIPayoutItemUpdate(w http.ResponseWriter, r *http.Request) {
	if err := s.authorize(r, downline.PermPayoutCreate, downline.RelNone); err != nil {
		s.writeError(w, r, err)
		return
	}
	item, err := strconv.ParseInt(r.PathValue("item"), 10, 64)
	if err != nil || item <= 0 {
		s.writeError(w, r, downline.Errorf(downline.CodeInvalid, "payout item %q: must be a positive integer", r.PathValue("item")))
		return
	}
	req, err := decode[itemStatusRequest](r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	st := downline.PayoutItemStatus(req.Status)
	if st != downline.PayoutPaid && st != downline.PayoutFailed {
		s.writeError(w, r, downline.Errorf(downline.CodeInvalid, "payout item %d: status must be paid or failed", item))
		return
	}
	batch := r.PathValue("id")
	if err := s.Payouts.MarkPayoutItem(r.Context(), batch, item, st, req.Reason); err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := s.audit(r, "payout_item."+req.Status, "payout_item", batch+"/"+idString(item), nil, req); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
