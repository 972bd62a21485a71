package simulate

import (
	"fmt"
	"math/bits"
	"time"

	"github.com/downline/downline/compliance"
	"github.com/downline/downline/compplan"
)

// epoch is the first simulated period; the simulator's months are
// 2030-01, 2030-02, …
var epoch = time.Date(2030, time.January, 1, 0, 0, 0, 0, time.UTC)

func periodOf(month int) compplan.Period {
	start := epoch.AddDate(0, month-1, 0)
	return compplan.Period{Name: start.Format("2006-01"), Start: start, End: start.AddDate(0, 1, 0)}
}

// pay builds the month's snapshot (the tree, pre-aggregated volumes and
// the carried state) and evaluates it with the production engine.
func (w *world) pay(month int) (*compplan.Result, error) {
	per := periodOf(month)
	n := len(w.key)
	ds := w.dsBuf[:0]
	for i := range n {
		if int(w.join[i]) > month {
			continue
		}
		d := compplan.Distributor{ID: compplan.ID(i + 1), JoinedAt: w.starts[w.join[i]], Status: compplan.StatusActive}
		if s := w.sponsor[i]; s >= 0 {
			d.Sponsor = compplan.ID(s + 1)
		}
		if w.left[i] != 0 {
			d.Status = compplan.StatusTerminated
		}
		ds = append(ds, d)
	}
	w.dsBuf = ds
	// Distinct customers per agent over the plan's trailing window: those
	// it currently owns that ordered in the window (the engine takes the
	// count instead of customer ids carried in its state).
	orders := grow(w.ordBuf, n)
	w.ordBuf = orders
	act := grow(w.actBuf, n)
	w.actBuf = act
	from := month - w.plan.CustomerWindowMonths() + 1
	for c := range w.cOwner {
		o := w.cOwner[c]
		if o < 0 || !w.present(int(o), month) {
			continue
		}
		if !w.cDead[c] && int(w.cFrom[c]) <= month {
			orders[o]++
			w.cLast[c] = int16(month)
		}
		if int(w.cLast[c]) >= from && w.cLast[c] > 0 {
			act[o]++
		}
	}
	vs := w.vsBuf[:0]
	for i := range n {
		if !w.present(i, month) || w.cuvMonth[i] == 0 && w.pcvMonth[i] == 0 && act[i] == 0 {
			continue
		}
		v := compplan.DistributorVolume{ID: compplan.ID(i + 1), Volume: compplan.Volume{
			CuV: w.cuvMonth[i], PCV: w.pcvMonth[i], QV: w.cuvMonth[i] + w.pcvMonth[i], BV: w.cuvMonth[i],
			CustomerOrders:  orders[i],
			CustomerRevenue: w.cuvMonth[i], TotalRevenue: w.cuvMonth[i] + w.pcvMonth[i],
		}, ActiveCustomers: &act[i]}
		if w.fastStart(i, month) {
			v.Volume.FSV = w.cuvMonth[i]
		}
		vs = append(vs, v)
	}
	w.vsBuf = vs
	res, err := compplan.Evaluate(w.plan, &compplan.Snapshot{Period: per, Distributors: ds, Volumes: vs, State: w.state})
	if err != nil {
		return nil, fmt.Errorf("simulate month %d: %w", month, err)
	}
	w.state = res.StateOut()
	return res, nil
}

// fastStart reports whether month lies in agent i's fast-start window of
// the plan's longest fast-start bonus (whole months from joining).
func (w *world) fastStart(i, month int) bool {
	days := 0
	for _, b := range w.plan.Bonuses {
		if b.Kind == compplan.KindFastStart {
			days = max(days, b.Days)
		}
	}
	if days == 0 {
		return false
	}
	start := periodOf(int(w.join[i])).Start
	return periodOf(month).Start.Before(start.AddDate(0, 0, days))
}

// account books the month: each agent's pay from the engine, its costs,
// net and break-even; the company series; and the Vemma test per would-be
// multi-level earner.
func (w *world) account(month int, res *compplan.Result) {
	m := month - 1
	earned := make([]int64, len(w.key))
	t := res.Tree()
	nb := len(w.plan.Bonuses)
	for k := range res.Len() {
		var sum int64
		for b := range nb {
			sum += res.Earned(b, k)
		}
		earned[int(t.ID(k))-1] = sum
	}
	w.payout[m] = res.Total()
	w.cv[m] = res.TotalCV()
	var fee int64
	for _, f := range w.plan.Compliance.MandatoryFees {
		fee += f.Amount
	}
	var kit int64
	if k := w.plan.Compliance.OptionalKit; k != nil {
		kit = k.Price
	}
	for i := range w.key {
		if int(w.join[i]) > month || w.left[i] != 0 && int(w.left[i]) < month {
			continue
		}
		w.cuv[m] += w.cuvMonth[i]
		w.pcv[m] += w.pcvMonth[i]
		w.pcvTot[i] += w.pcvMonth[i]
		if w.left[i] != 0 {
			continue // left this month: no pay, no further costs
		}
		c := w.p.XFix + w.p.XVar*int64(w.newCust[i]) + w.p.ToolsMonthly
		var f, tl int64
		if int(w.join[i]) == month {
			f = fee
			if kit > 0 && w.p.PKit > 0 {
				s := w.rnd(w.key[i], month, purposeKit)
				if s.float() < w.p.PKit {
					tl += kit
				}
			}
		}
		tl += w.p.ToolsMonthly
		c -= w.p.ToolsMonthly
		e := earned[i]
		w.gross[i] += e
		w.cost[i] += c
		w.fees[i] += f
		w.tools[i] += tl
		net := e - c - f - tl
		w.netHist[i][month%3] = net
		w.cumNet[i] += net
		w.months[i]++
		ten := month - int(w.join[i]) + 1
		if ten <= 12 {
			w.gross12[i] += e
		}
		if w.breakEven[i] == 0 && w.cumNet[i] >= 0 {
			w.breakEven[i] = int16(ten)
		}
	}
	w.rpcv[m] = w.cv[m] - w.cuv[m]
	w.vemma(month)
}

// vemma counts, among the would-be multi-level earners of the month, how
// many pass the TX-04 test org CuV / org revenue > cs_min.
func (w *world) vemma(month int) {
	n := len(w.key)
	oc, ot := make([]int64, n), make([]int64, n)
	for i := range n {
		if w.present(i, month) {
			oc[i], ot[i] = w.cuvMonth[i], w.cuvMonth[i]+w.pcvMonth[i]
		}
	}
	own := make([]int64, n)
	copy(own, ot)
	for i := n - 1; i >= 0; i-- {
		if s := w.sponsor[i]; s >= 0 {
			oc[s] += oc[i]
			ot[s] += ot[i]
		}
	}
	cs := compliance.DefaultParams().CSMin
	minCust := int32(w.plan.Gates.MinActiveCustomers)
	for i := range n {
		// A would-be earner of multi-level pay: downline revenue, and (when
		// the plan has TX-06) enough active customers of its own.
		if !w.present(i, month) || ot[i]-own[i] <= 0 || i < len(w.actBuf) && w.actBuf[i] < minCust {
			continue
		}
		w.vemmaCand[month-1]++
		// oc/ot > num/den ⇔ oc·den > num·ot (all non-negative).
		h1, l1 := bits.Mul64(uint64(max(oc[i], 0)), uint64(cs.Den))
		h2, l2 := bits.Mul64(uint64(cs.Num), uint64(ot[i]))
		if h1 > h2 || h1 == h2 && l1 > l2 {
			w.vemmaPass[month-1]++
		}
	}
}

// grow returns buf resized to n zeroed elements, reusing its array.
func grow(buf []int32, n int) []int32 {
	if cap(buf) < n {
		return make([]int32, n, n+n/4)
	}
	buf = buf[:n]
	clear(buf)
	return buf
}
