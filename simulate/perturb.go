package simulate

// inject applies the paired perturbation of month: one more median
// customer for each agent of injectCust, one more recruit for each agent
// of injectRec. Injected keys carry synthBit so that their random streams
// never coincide with the baseline's.
func (w *world) inject(month int) {
	for _, i := range w.injectCust {
		w.addCustomer(i, mix(w.key[i]^0xc1c1)|synthBit, month, w.p.CustomerMedian)
	}
	for _, i := range w.injectRec {
		key := mix(w.key[i]^0x7ec7ec) | synthBit
		r := w.addAgent(key, i, month, true)
		if w.p.Script != nil {
			for j := range w.p.Script.RecruitCustomers {
				w.pend = append(w.pend, pending{owner: r, from: month + 1, value: w.p.CustomerMedian,
					key: mix(key^uint64(j+1)) | synthBit})
			}
		}
	}
}

// sample picks the participants whose incentive ratio is measured: in a
// script the named agent; otherwise up to IRSample participants present in
// month t0, in a seeded random order, none an ancestor of another (so that
// one's perturbation never pays another).
func (w *world) sample(t0 int) []int32 {
	if s := w.p.Script; s != nil {
		if i, ok := w.scriptIdx[s.IRAgent]; ok {
			return []int32{i}
		}
		return nil
	}
	var cand []int32
	for i := range w.key {
		if !w.synth[i] && int(w.join[i]) <= t0 && (w.left[i] == 0 || int(w.left[i]) > t0) {
			cand = append(cand, int32(i))
		}
	}
	st := w.rnd(0x5a5a, t0, purposeEffort)
	for i := len(cand) - 1; i > 0; i-- { // Fisher–Yates
		j := int(st.pcg.Uint64() % uint64(i+1))
		cand[i], cand[j] = cand[j], cand[i]
	}
	accepted := make([]bool, len(w.key))
	ancestor := make([]bool, len(w.key))
	var out []int32
	for _, c := range cand {
		if len(out) >= w.p.IRSample {
			break
		}
		if accepted[c] || ancestor[c] {
			continue
		}
		ok := true
		for a := w.sponsor[c]; a >= 0; a = w.sponsor[a] {
			if accepted[a] {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		accepted[c] = true
		for a := w.sponsor[c]; a >= 0 && !ancestor[a]; a = w.sponsor[a] {
			ancestor[a] = true
		}
		out = append(out, c)
	}
	return out
}
