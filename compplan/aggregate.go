package compplan

import (
	"fmt"
	"time"
)

// Aggregator turns a period's orders into per-distributor volumes without
// holding the orders: call Add once per order (in any order), then pass it
// to EvaluateVolumes. It is not safe for concurrent use.
type Aggregator struct {
	plan   *Plan
	tree   *Tree
	period Period

	cuv, pcv, qv, bv, fsv, custRev, totRev []int64
	custOrders                             []int32
	fastDays                               int64 // seconds; 0 = no fast start
	needCustomers                          bool
	customers                              map[int32]map[string]struct{}
	activeCustomers                        map[int32]int32 // caller-supplied trailing counts
	skipped                                int
}

// NewAggregator returns an empty aggregator for the period's orders over
// the tree.
func NewAggregator(p *Plan, t *Tree, period Period) *Aggregator {
	n := t.Len()
	a := &Aggregator{plan: p, tree: t, period: period,
		cuv: make([]int64, n), pcv: make([]int64, n), qv: make([]int64, n), bv: make([]int64, n),
		fsv: make([]int64, n), custRev: make([]int64, n), totRev: make([]int64, n), custOrders: make([]int32, n)}
	for _, b := range p.Bonuses {
		if b.Kind == KindFastStart {
			a.fastDays = int64(b.Days) * 86400
		}
	}
	a.needCustomers = p.needsCustomers()
	if a.needCustomers {
		a.customers = map[int32]map[string]struct{}{}
	}
	return a
}

// needsCustomers reports whether the plan reads distinct customer counts.
func (p *Plan) needsCustomers() bool {
	if p.Gates.MinActiveCustomers > 0 {
		return true
	}
	for _, r := range p.Ranks {
		for _, q := range r.Requires {
			if q.Metric == MetricActiveCustomers {
				return true
			}
		}
	}
	return false
}

// Skipped returns how many orders fell outside the period and were
// ignored.
func (a *Aggregator) Skipped() int { return a.skipped }

// Add adds one order or refund. Orders outside the period are ignored.
// It returns an error for an unknown distributor.
func (a *Aggregator) Add(o Order) error {
	k := a.tree.lookup.find(o.Distributor)
	if k < 0 {
		return fmt.Errorf("order %s: unknown distributor %d", o.ID, o.Distributor)
	}
	if !a.period.Contains(o.PaidAt) {
		a.skipped++
		return nil
	}
	rev := o.Amount
	if rev == 0 {
		rev = o.CV
	}
	a.totRev[k] += rev
	switch o.Purpose {
	case PurposeCustomerDirect, PurposeReceiptedResale:
		if o.Purpose == PurposeReceiptedResale && !a.plan.Volume.ReceiptedResale {
			return nil
		}
		a.cuv[k] += o.CV
		a.qv[k] += o.QV
		a.bv[k] += o.BV
		a.custRev[k] += rev
		if o.RefundOf == "" && o.CV > 0 {
			a.custOrders[k]++
		}
		if a.fastDays > 0 {
			if j := a.tree.joined[k]; j != 0 {
				if s := o.PaidAt.Unix(); s >= j && s < j+a.fastDays {
					a.fsv[k] += o.CV
				}
			}
		}
		if a.needCustomers && o.Customer != "" && o.RefundOf == "" {
			m := a.customers[k]
			if m == nil {
				m = map[string]struct{}{}
				a.customers[k] = m
			}
			m[o.Customer] = struct{}{}
		}
	case PurposePersonalUse:
		a.pcv[k] += o.CV
		a.qv[k] += o.QV
	}
	return nil
}

// AddVolume adds a pre-aggregated volume (and this period's distinct
// customers, when the plan counts them).
func (a *Aggregator) AddVolume(v DistributorVolume) error {
	k := a.tree.lookup.find(v.ID)
	if k < 0 {
		return fmt.Errorf("volume: unknown distributor %d", v.ID)
	}
	a.cuv[k] += v.Volume.CuV
	a.pcv[k] += v.Volume.PCV
	a.qv[k] += v.Volume.QV
	a.bv[k] += v.Volume.BV
	a.fsv[k] += v.Volume.FSV
	a.custOrders[k] += v.Volume.CustomerOrders
	a.custRev[k] += v.Volume.CustomerRevenue
	a.totRev[k] += v.Volume.TotalRevenue
	if v.ActiveCustomers != nil {
		if a.activeCustomers == nil {
			a.activeCustomers = map[int32]int32{}
		}
		a.activeCustomers[k] = *v.ActiveCustomers
	}
	if a.needCustomers {
		for _, c := range v.Customers {
			m := a.customers[k]
			if m == nil {
				m = map[string]struct{}{}
				a.customers[k] = m
			}
			m[c] = struct{}{}
		}
	}
	return nil
}

// Evaluate builds the tree, aggregates the snapshot's orders and volumes
// and evaluates the plan. It is the one-call form of NewTree,
// NewAggregator, Add/AddVolume and EvaluateVolumes.
func Evaluate(p *Plan, s *Snapshot) (*Result, error) {
	t, err := NewTree(s.Distributors)
	if err != nil {
		return nil, fmt.Errorf("evaluate %s: %w", s.Period.Name, err)
	}
	a := NewAggregator(p, t, s.Period)
	for i := range s.Orders {
		if err := a.Add(s.Orders[i]); err != nil {
			return nil, fmt.Errorf("evaluate %s: %w", s.Period.Name, &RecordError{Orders: true, Record: i, Field: "distributor_id", Err: err})
		}
	}
	for _, v := range s.Volumes {
		if err := a.AddVolume(v); err != nil {
			return nil, fmt.Errorf("evaluate %s: %w", s.Period.Name, err)
		}
	}
	return EvaluateVolumes(a, s.State)
}

// monthIndex returns year*12+month for a "YYYY-MM" period name, or -1.
func monthIndex(name string) int {
	t, err := time.Parse("2006-01", name)
	if err != nil {
		return -1
	}
	return t.Year()*12 + int(t.Month()) - 1
}
