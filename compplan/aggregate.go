package compplan

import "fmt"

// Aggregator turns a period's orders into per-distributor volumes without
// holding the orders: call Add once per order (in any order), then pass it
// to EvaluateVolumes. It is not safe for concurrent use.
type Aggregator struct {
	plan   *Plan
	tree   *Tree
	period Period
	start  int64 // period bounds, unix seconds
	end    int64

	vol             []aggVol // per distributor, one cache line each
	fastDays        int64    // seconds; 0 = no fast start
	needCustomers   bool
	customers       map[int32]map[string]struct{}
	activeCustomers map[int32]int32       // caller-supplied trailing counts
	sellThrough     map[int32]SellThrough // TX-05, only distributors with figures
	company         *CompanyVolume        // TX-07 window totals; nil = this period
	skipped         int
}

// aggVol is one distributor's running sums; kept together so that adding
// an order touches one cache line.
type aggVol struct {
	cuv, pcv, qv, bv, fsv, custRev, totRev int64
	custOrders                             int32
}

// NewAggregator returns an empty aggregator for the period's orders over
// the tree.
func NewAggregator(p *Plan, t *Tree, period Period) *Aggregator {
	a := &Aggregator{plan: p, tree: t, period: period, start: period.Start.Unix(), end: period.End.Unix(),
		vol: make([]aggVol, t.Len())}
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
	if err := a.AddRow(o.Distributor, o.Purpose, o.PaidAt.Unix(), o.CV, o.QV, o.BV, o.Amount, o.RefundOf != ""); err != nil {
		return fmt.Errorf("order %s: unknown distributor %d", o.ID, o.Distributor)
	}
	if a.needCustomers && o.Customer != "" && o.RefundOf == "" && a.period.Contains(o.PaidAt) &&
		(o.Purpose == PurposeCustomerDirect || o.Purpose == PurposeReceiptedResale && a.plan.Volume.ReceiptedResale) {
		k := a.tree.lookup.find(o.Distributor)
		m := a.customers[k]
		if m == nil {
			m = map[string]struct{}{}
			a.customers[k] = m
		}
		m[o.Customer] = struct{}{}
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
	s := &a.vol[k]
	s.cuv += v.Volume.CuV
	s.pcv += v.Volume.PCV
	s.qv += v.Volume.QV
	s.bv += v.Volume.BV
	s.fsv += v.Volume.FSV
	s.custOrders += v.Volume.CustomerOrders
	s.custRev += v.Volume.CustomerRevenue
	s.totRev += v.Volume.TotalRevenue
	if v.ActiveCustomers != nil {
		if a.activeCustomers == nil {
			a.activeCustomers = map[int32]int32{}
		}
		a.activeCustomers[k] = *v.ActiveCustomers
	}
	if st := v.SellThrough; st != nil && (st.Bought != 0 || st.Resold != 0) {
		if a.sellThrough == nil {
			a.sellThrough = map[int32]SellThrough{}
		}
		s := a.sellThrough[k]
		s.Bought += st.Bought
		s.Resold += st.Resold
		a.sellThrough[k] = s
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

// SetCompany sets the TX-07 company totals over the trailing 12 months
// (including this period). Without them the test runs on this period's
// own totals.
func (a *Aggregator) SetCompany(c CompanyVolume) { a.company = &c }

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
	if s.Company != nil {
		a.SetCompany(*s.Company)
	}
	return EvaluateVolumes(a, s.State)
}

// monthIndex returns year*12+month-1 for a "YYYY-MM" period name, or -1.
func monthIndex(name string) int {
	if len(name) != 7 || name[4] != '-' {
		return -1
	}
	v := 0
	for i, c := range []byte(name) {
		if i == 4 {
			continue
		}
		if c < '0' || c > '9' {
			return -1
		}
		v = v*10 + int(c-'0')
	}
	y, m := v/100, v%100
	if m < 1 || m > 12 {
		return -1
	}
	return y*12 + m - 1
}

// AddRow is the allocation-free form of Add for bulk loaders: the same
// sums from raw fields (paid is unix seconds; refund marks a refund row).
// It does not see customer ids, so plans that count distinct customers
// need DistributorVolume.ActiveCustomers (or Add).
func (a *Aggregator) AddRow(dist ID, purpose Purpose, paid, cv, qv, bv, amount int64, refund bool) error {
	k := a.tree.lookup.find(dist)
	if k < 0 {
		return fmt.Errorf("order row: unknown distributor %d", dist)
	}
	if paid < a.start || paid >= a.end {
		a.skipped++
		return nil
	}
	rev := amount
	if rev == 0 {
		rev = cv
	}
	v := &a.vol[k]
	v.totRev += rev
	switch purpose {
	case PurposeCustomerDirect, PurposeReceiptedResale:
		if purpose == PurposeReceiptedResale && !a.plan.Volume.ReceiptedResale {
			return nil
		}
		v.cuv += cv
		v.qv += qv
		v.bv += bv
		v.custRev += rev
		switch {
		case refund:
			v.custOrders-- // a refunded order is not a customer order
		case cv > 0:
			v.custOrders++
		}
		if a.fastDays > 0 {
			if j := a.tree.joined[k]; j != 0 && paid >= j && paid < j+a.fastDays {
				v.fsv += cv
			}
		}
	case PurposePersonalUse:
		v.pcv += cv
		v.qv += qv
	}
	return nil
}
