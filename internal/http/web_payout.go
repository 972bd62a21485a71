package http

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/downline/downline"
)

// adminPayoutsPage lists the payout batches and offers a new one.
type adminPayoutsPage struct {
	layout
	Currency string
	Periods  []string // closed periods, newest first
	Methods  []downline.PayoutMethod
	Batches  []batchSummary
}

// batchSummary is one batch with its item counts and amounts by status.
type batchSummary struct {
	*downline.PayoutBatch
	Sent, Held, Paid, Failed int
	Amount                   int64
}

func summarize(b *downline.PayoutBatch) batchSummary {
	bs := batchSummary{PayoutBatch: b}
	for _, it := range b.Items {
		switch it.Status {
		case downline.PayoutSent:
			bs.Sent++
		case downline.PayoutHeld:
			bs.Held++
		case downline.PayoutPaid:
			bs.Paid++
		case downline.PayoutFailed:
			bs.Failed++
		}
		if it.Status != downline.PayoutHeld {
			bs.Amount += it.Amount
		}
	}
	return bs
}

// maxBatchesPerPeriod bounds the probe for a period's batches, whose ids
// are "period-seq".
const maxBatchesPerPeriod = 20

// handleWebPayoutIndex lists every batch of the closed periods.
func (s *Server) handleWebPayoutIndex(w http.ResponseWriter, r *http.Request) {
	if _, err := requireStaff(r); err != nil {
		s.webError(w, r, err)
		return
	}
	if s.Runs == nil || s.Payouts == nil {
		s.webError(w, r, downline.Errorf(downline.CodeNotFound, "Payouts are not configured."))
		return
	}
	ctx := r.Context()
	prog, err := s.Programme.FindProgramme(ctx)
	if err != nil {
		s.webError(w, r, err)
		return
	}
	runs, err := s.Runs.FindRuns(ctx, "")
	if err != nil {
		s.webError(w, r, err)
		return
	}
	p := adminPayoutsPage{layout: s.newLayout(r, "Payouts", "payouts"), Currency: prog.Currency,
		Methods: []downline.PayoutMethod{downline.PayoutSEPA, downline.PayoutACH, downline.PayoutPayPal, downline.PayoutWise}}
	closed := closedRuns(runs, 1000)
	for i := len(closed) - 1; i >= 0; i-- {
		per := closed[i].Period
		p.Periods = append(p.Periods, per)
		for seq := 1; seq <= maxBatchesPerPeriod; seq++ {
			b, err := s.Payouts.FindPayoutBatch(ctx, downline.PayoutBatchID(per, seq))
			if downline.ErrorCode(err) == downline.CodeNotFound {
				break
			}
			if err != nil {
				s.webError(w, r, err)
				return
			}
			p.Batches = append(p.Batches, summarize(b))
		}
	}
	s.render(w, r, http.StatusOK, "admin_payouts", p)
}

// handleWebPayoutCreate releases the holds that ended and creates the
// next batch of the period for one method.
func (s *Server) handleWebPayoutCreate(w http.ResponseWriter, r *http.Request) {
	u, err := requireStaff(r)
	if err != nil {
		s.webError(w, r, err)
		return
	}
	if u.Role != downline.RoleAdmin && u.Role != downline.RoleFinance {
		s.webError(w, r, downline.Errorf(downline.CodeForbidden, "Only admins and finance may create payouts."))
		return
	}
	ctx := r.Context()
	prog, err := s.Programme.FindProgramme(ctx)
	if err != nil {
		s.webError(w, r, err)
		return
	}
	period := r.PostFormValue("period")
	method := downline.PayoutMethod(r.PostFormValue("method"))
	min := int64(0)
	if v := r.PostFormValue("minimum"); v != "" {
		m, err := downline.ParseMajor(v, prog.Currency)
		if err != nil {
			s.webError(w, r, downline.Errorf(downline.CodeInvalid, "minimum %q: not an amount in %s", v, prog.Currency))
			return
		}
		min = m.Amount
	}
	if _, err := s.Payouts.ReleaseHolds(ctx, s.now()); err != nil {
		s.webError(w, r, err)
		return
	}
	seq := 1
	for ; seq <= maxBatchesPerPeriod; seq++ {
		_, err := s.Payouts.FindPayoutBatch(ctx, downline.PayoutBatchID(period, seq))
		if downline.ErrorCode(err) == downline.CodeNotFound {
			break
		}
		if err != nil {
			s.webError(w, r, err)
			return
		}
	}
	b, err := s.Payouts.CreatePayoutBatch(ctx, downline.NewPayoutBatch{Period: period, Seq: seq, Method: method, Minimum: min, AsOf: s.now()})
	if err != nil {
		s.webError(w, r, err)
		return
	}
	s.audit(r, "payout_batch.create", "payout_batch", b.ID, nil, summarize(b))
	sum := summarize(b)
	redirect(w, r, "/admin/payouts/"+b.ID, fmt.Sprintf("Batch %s created: %d payments, %d held.", b.ID, sum.Sent, sum.Held))
}

// adminPayoutPage shows one batch.
type adminPayoutPage struct {
	layout
	Batch    batchSummary
	Items    []*downline.PayoutItem
	More     int
	CanMark  bool
	Exported bool
}

// maxItemsShown bounds the items listed on a batch page.
const maxItemsShown = 50

// handleWebPayoutView shows a batch's items with export and mark actions.
func (s *Server) handleWebPayoutView(w http.ResponseWriter, r *http.Request) {
	u, err := requireStaff(r)
	if err != nil {
		s.webError(w, r, err)
		return
	}
	if s.Payouts == nil {
		s.webError(w, r, downline.Errorf(downline.CodeNotFound, "Payouts are not configured."))
		return
	}
	b, err := s.Payouts.FindPayoutBatch(r.Context(), r.PathValue("id"))
	if err != nil {
		s.webError(w, r, err)
		return
	}
	p := adminPayoutPage{layout: s.newLayout(r, "Payout batch "+b.ID, "payouts"), Batch: summarize(b), Items: b.Items,
		CanMark: u.Role == downline.RoleAdmin || u.Role == downline.RoleFinance, Exported: s.Web.ExportPayout != nil}
	if len(p.Items) > maxItemsShown {
		p.More, p.Items = len(p.Items)-maxItemsShown, p.Items[:maxItemsShown]
	}
	s.render(w, r, http.StatusOK, "admin_payout", p)
}

// handleWebPayoutExport downloads the batch's bank or provider file.
func (s *Server) handleWebPayoutExport(w http.ResponseWriter, r *http.Request) {
	if _, err := requireStaff(r); err != nil {
		s.webError(w, r, err)
		return
	}
	if s.Payouts == nil || s.Web.ExportPayout == nil {
		s.webError(w, r, downline.Errorf(downline.CodeNotFound, "Payout export is not configured."))
		return
	}
	b, err := s.Payouts.FindPayoutBatch(r.Context(), r.PathValue("id"))
	if err != nil {
		s.webError(w, r, err)
		return
	}
	name, media, body, err := s.Web.ExportPayout(r.Context(), b)
	if err != nil {
		s.webError(w, r, err)
		return
	}
	s.audit(r, "payout_batch.export", "payout_batch", b.ID, nil, nil)
	w.Header().Set("Content-Type", media)
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", name))
	w.Write(body)
}

// handleWebPayoutItemMark records the bank's answer for one item.
func (s *Server) handleWebPayoutItemMark(w http.ResponseWriter, r *http.Request) {
	u, err := requireStaff(r)
	if err != nil {
		s.webError(w, r, err)
		return
	}
	if u.Role != downline.RoleAdmin && u.Role != downline.RoleFinance {
		s.webError(w, r, downline.Errorf(downline.CodeForbidden, "Only admins and finance may mark payouts."))
		return
	}
	id := r.PathValue("id")
	item, err := strconv.ParseInt(r.PathValue("item"), 10, 64)
	if err != nil {
		s.webError(w, r, downline.Errorf(downline.CodeInvalid, "item %q: not a number", r.PathValue("item")))
		return
	}
	status := downline.PayoutItemStatus(r.PostFormValue("status"))
	if status != downline.PayoutPaid && status != downline.PayoutFailed {
		s.webError(w, r, downline.Errorf(downline.CodeInvalid, "status: must be paid or failed"))
		return
	}
	if err := s.Payouts.MarkPayoutItem(r.Context(), id, item, status, r.PostFormValue("reason")); err != nil {
		s.webError(w, r, err)
		return
	}
	s.audit(r, "payout_item.mark", "payout_item", fmt.Sprintf("%s/%d", id, item), nil, status)
	redirect(w, r, "/admin/payouts/"+id, fmt.Sprintf("Item %d marked %s.", item, status))
}
