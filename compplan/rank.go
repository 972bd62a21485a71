package compplan

// ranks evaluates paid-as and title ranks bottom-up: leg requirements read
// the same period's ranks of the legs, so one reverse pass over the
// canonical order suffices (children come after their parent).
func (r *Result) ranks() {
	p, t := r.plan, r.tree
	if len(p.Ranks) == 0 {
		return
	}
	// Check cheap personal requirements before leg requirements.
	reqs := make([][]Requirement, len(p.Ranks))
	for k, rk := range p.Ranks {
		for _, q := range rk.Requires {
			if !q.isLeg() {
				reqs[k] = append(reqs[k], q)
			}
		}
		for _, q := range rk.Requires {
			if q.isLeg() {
				reqs[k] = append(reqs[k], q)
			}
		}
	}
	maxSub := make([]int8, t.n) // highest paid-as rank anywhere in i's subtree
	grace := int16(p.RankGracePeriods)
	for i := t.n - 1; i >= 0; i-- {
		kids := t.kids[t.childStart[i]:t.childStart[i+1]]
		met := int8(0)
		if t.status[i] == StatusActive {
			for k := len(reqs); k >= 1; k-- {
				if r.meets(i, reqs[k-1], kids, maxSub) {
					met = int8(k)
					break
				}
			}
		}
		paid := met
		if r.prevPaid != nil && met < r.prevPaid[i] && r.graceUsed[i] < grace && t.status[i] == StatusActive {
			paid = r.prevPaid[i]
			r.graceUsed[i]++
		} else {
			r.graceUsed[i] = 0
		}
		r.paid[i] = paid
		r.title[i] = max(r.title[i], paid)
		// Pulled from the children (final: they come after i), which
		// are adjacent in the breadth-first order, rather than pushed
		// to the parent, a random write.
		m := paid
		for _, c := range kids {
			m = max(m, maxSub[c])
		}
		maxSub[i] = m
	}
}

func (q *Requirement) isLeg() bool {
	switch q.Metric {
	case MetricQualifyingGV, MetricLegsWithRank, MetricLegsWithVolume:
		return true
	}
	return false
}

// meets reports whether distributor i meets every requirement.
func (r *Result) meets(i int, reqs []Requirement, kids []int32, maxSub []int8) bool {
	for qi := range reqs {
		q := &reqs[qi]
		switch q.Metric {
		case MetricCuV:
			if r.cuv[i] < q.Min {
				return false
			}
		case MetricPV:
			if r.pv[i] < q.Min {
				return false
			}
		case MetricGV:
			if r.gv[i] < q.Min {
				return false
			}
		case MetricActiveCustomers:
			if r.cust12 == nil || int(r.cust12[i]) < q.Count {
				return false
			}
		case MetricQualifyingGV:
			if r.gv[i] < q.Min {
				return false // qualifying GV never exceeds GV
			}
			legCap := floorMulDiv(q.Min, q.LegCap.Num, q.LegCap.Den)
			v := r.pv[i]
			for _, c := range kids {
				v += min(r.gv[c], legCap)
			}
			if v < q.Min {
				return false
			}
		case MetricLegsWithVolume:
			n := 0
			for _, c := range kids {
				if r.gv[c] >= q.Min {
					if n++; n >= q.Count {
						break
					}
				}
			}
			if n < q.Count {
				return false
			}
		case MetricLegsWithRank:
			n := 0
			for _, c := range kids {
				if maxSub[c] >= q.rank {
					if n++; n >= q.Count {
						break
					}
				}
			}
			if n < q.Count {
				return false
			}
		}
	}
	return true
}
