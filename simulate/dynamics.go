package simulate

import "math"

// pending is a scripted or synthetic customer not yet won.
type pending struct {
	owner int32
	from  int
	value int64
	key   uint64
}

// scriptMonth adds the scripted agents joining in month and the customers
// they win.
func (w *world) scriptMonth(month int) {
	s := w.p.Script
	for k, a := range s.Agents {
		if a.Join != month {
			continue
		}
		sp := int32(-1)
		if a.Sponsor >= 0 {
			sp = w.scriptIdx[a.Sponsor]
		}
		i := w.addAgent(uint64(k+1), sp, month, false)
		w.scriptIdx[k] = i
		for j, c := range a.Customers {
			w.pend = append(w.pend, pending{owner: i, from: c.From, value: c.Value, key: mix(uint64(k+1)<<20 | uint64(j+1))})
		}
	}
	w.flushPending(month)
}

// flushPending wins the pending customers whose first month has come.
func (w *world) flushPending(month int) {
	kept := w.pend[:0]
	for _, c := range w.pend {
		if c.from == month {
			w.addCustomer(c.owner, c.key, month, c.value)
		} else {
			kept = append(kept, c)
		}
	}
	w.pend = kept
}

// attrition removes participants by the monthly hazard
// h = h₀ · k(tenure) · exp(−β · net of the last 3 months / 100 units).
func (w *world) attrition(month int) {
	p := w.p
	if p.NoAttrition || p.FirstYearAttrition == 0 {
		return
	}
	h0 := 1 - math.Pow(1-p.FirstYearAttrition, 1.0/12)
	for i := range w.key {
		if !w.present(i, month) || int(w.join[i]) >= month {
			continue
		}
		k := 1.0
		if month-int(w.join[i]) >= 12 {
			k = p.LaterTenureFactor
		}
		h := w.netHist[i]
		net3 := float64(h[0]+h[1]+h[2]) / 10000
		hz := min(1, h0*k*math.Exp(-p.AttritionBeta*net3))
		s := w.rnd(w.key[i], month, purposeAttrition)
		if s.float() < hz {
			w.left[i] = int16(month)
		}
	}
}

// owner resolves a customer's current owner: a leaver's customers pass to
// its sponsor (or to the company, -1), with path compression.
func (w *world) owner(c int, month int) int32 {
	o := w.cOwner[c]
	for o >= 0 && w.left[o] != 0 {
		if !w.p.ReassignToSponsor {
			o = -1
			break
		}
		o = w.sponsor[o]
	}
	w.cOwner[c] = o
	return o
}

// recruit draws each participant's recruits:
// Poisson(λ_r · e · S_r · exp(−tenure/decay)).
func (w *world) recruit(month int) {
	p := w.p
	if w.noRecruitAt > 0 && month >= w.noRecruitAt {
		return
	}
	sr := 1 - float64(w.pEver)/float64(p.PMax)
	if sr <= 0 {
		return
	}
	n := len(w.key)
	for i := range n {
		if !w.present(i, month) || int(w.join[i]) >= month || w.effort[i] == 0 {
			continue
		}
		g := 1.0
		if p.RecruitDecayMonths > 0 {
			g = math.Exp(-float64(month-int(w.join[i])-1) / p.RecruitDecayMonths)
		}
		s := w.rnd(w.key[i], month, purposeRecruit)
		k := s.poisson(p.LambdaR * w.effort[i] * sr * g)
		for j := range k {
			if w.pEver >= p.PMax {
				return
			}
			w.addAgent(mix(w.key[i]^uint64(month)<<40^uint64(j+1)<<20^0x5ec), int32(i), month, false)
		}
	}
}

// acquire draws each participant's new customers: Poisson(λ_c · e · S_c).
func (w *world) acquire(month int) {
	p := w.p
	sc := 1 - float64(w.aliveCustomers)/float64(p.CMax)
	if sc > 0 {
		for i := range w.key {
			if !w.present(i, month) || int(w.join[i]) >= month || w.effort[i] == 0 {
				continue
			}
			s := w.rnd(w.key[i], month, purposeCustomer)
			k := s.poisson(p.LambdaC * w.effort[i] * sc)
			for j := range k {
				key := mix(w.key[i] ^ uint64(month)<<40 ^ uint64(j+1)<<20 ^ 0xc05)
				w.addCustomer(int32(i), key, month, w.customerValue(key))
			}
		}
	}
	w.flushPending(month)
}

// churn ends customers with monthly probability q_c.
func (w *world) churn(month int) {
	q := w.p.ChurnC
	if q == 0 {
		return
	}
	for c := range w.cKey {
		if w.cDead[c] || int(w.cFrom[c]) >= month || w.cSynth(c) {
			continue
		}
		s := w.rnd(w.cKey[c], month, purposeChurn)
		if s.float() < q {
			w.cDead[c] = true
			w.aliveCustomers--
		}
	}
}

// cSynth reports whether customer c is an injected (never churning) one.
func (w *world) cSynth(c int) bool { return w.cKey[c]&synthBit != 0 }

// synthBit marks the keys of injected customers and recruits.
const synthBit = 1 << 63

// personalUse draws each participant's personal-use purchases.
func (w *world) personalUse(month int) {
	p := w.p
	if p.PPersonal == 0 || p.PersonalMedian == 0 {
		return
	}
	for i := range w.key {
		if !w.present(i, month) {
			continue
		}
		s := w.rnd(w.key[i], month, purposePersonal)
		if s.float() >= p.PPersonal {
			continue
		}
		v := int64(math.Round(float64(p.PersonalMedian) * math.Exp(s.normal())))
		w.pcvMonth[i] += min(v, p.PersonalMax)
	}
}

// qualifyPurchases is the pay-to-play detector: where a rank threshold
// counts own purchases (PV), a participant within δ below it buys the
// shortfall with probability p_q. Under a compliant plan there is no such
// threshold and nothing is bought.
func (w *world) qualifyPurchases(month int) {
	if len(w.qualify) == 0 || w.qualifyOff || w.p.PQualify == 0 {
		return
	}
	for i := range w.key {
		if !w.present(i, month) {
			continue
		}
		pv := w.cuvMonth[i] + w.pcvMonth[i]
		for _, t := range w.qualify {
			short := t - pv
			if short <= 0 || short > w.p.QualifyDelta {
				continue
			}
			s := w.rnd(w.key[i], month, purposeQualify)
			if s.float() < w.p.PQualify {
				w.pcvMonth[i] += short
			}
			break
		}
	}
}
