package simulate

import (
	"maps"
	"math"
	"slices"
	"time"

	"github.com/downline/downline/compplan"
)

// world is one replication's population and its accumulators. Agents and
// customers are columns (structs of slices) indexed densely; an agent's
// sponsor always has a smaller index, so one reverse pass rolls volumes up.
type world struct {
	p    *Params
	plan *compplan.Plan
	seed uint64 // replication seed

	// agents
	key     []uint64
	sponsor []int32 // -1 for a founder
	join    []int16 // month joined (1-based)
	left    []int16 // month left; 0 while in
	effort  []float64
	synth   []bool // synthetic agent of a perturbation

	// customers
	cOwner []int32
	cValue []int64
	cKey   []uint64
	cFrom  []int16 // first month it orders
	cDead  []bool
	cLast  []int16 // last month it ordered; 0 never

	// per agent, cumulative over the horizon
	gross, cost, fees, tools, pcvTot []int64
	netHist                          [][3]int64 // last three months' net, ring by month%3
	cumNet                           []int64
	breakEven                        []int16 // tenure month (1-based) cumulative net first ≥ 0; 0 never
	gross12                          []int64 // gross over the first 12 months of tenure
	months                           []int16 // months present
	newCust                          []int32 // customers won this month (scratch)
	pcvMonth, cuvMonth               []int64 // this month (scratch)

	// company series, per month (index month-1)
	payout, cv, cuv, rpcv, pcv []int64
	vemmaCand, vemmaPass       []int
	pEver                      int
	aliveCustomers             int

	state *compplan.State
	// reused buffers of pay
	dsBuf       []compplan.Distributor
	vsBuf       []compplan.DistributorVolume
	ordBuf      []int32
	actBuf      []int32
	starts      []time.Time // start of month m at index m (1…Months+1)
	qualify     []int64     // PV thresholds that count own purchases (pay-to-play)
	noRecruitAt int         // from this month no one recruits; 0 never
	qualifyOff  bool
	month       int // last month simulated
	scriptIdx   map[int]int32
	injectAt    int     // month of the paired perturbation; 0 none
	injectCust  []int32 // agents given one more median customer at injectAt
	injectRec   []int32 // agents given one more recruit at injectAt
	pEverAt     []int   // participants ever, per month
	pend        []pending
	loc         *time.Location
}

func newWorld(p *Params, plan *compplan.Plan, rep int) *world {
	w := &world{p: p, plan: plan, seed: mix(p.Seed ^ mix(uint64(rep)+1)), loc: time.UTC}
	n := p.Months
	w.payout, w.cv, w.cuv, w.rpcv, w.pcv = make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
	w.vemmaCand, w.vemmaPass = make([]int, n), make([]int, n)
	w.pEverAt = make([]int, n)
	w.starts = make([]time.Time, n+2)
	for m := 1; m <= n+1; m++ {
		w.starts[m] = periodOf(m).Start
	}
	for _, r := range plan.Ranks {
		for _, q := range r.Requires {
			if q.Metric == compplan.MetricPV && plan.Volume.PersonalUse != nil {
				w.qualify = append(w.qualify, q.Min)
			}
		}
	}
	slices.Sort(w.qualify)
	w.scriptIdx = map[int]int32{}
	return w
}

// clone returns a deep copy, so that a perturbed run can continue from the
// baseline's state at t₀−1.
func (w *world) clone() *world {
	c := *w
	c.key, c.sponsor, c.join, c.left = slices.Clone(w.key), slices.Clone(w.sponsor), slices.Clone(w.join), slices.Clone(w.left)
	c.effort, c.synth = slices.Clone(w.effort), slices.Clone(w.synth)
	c.cOwner, c.cValue, c.cKey, c.cFrom = slices.Clone(w.cOwner), slices.Clone(w.cValue), slices.Clone(w.cKey), slices.Clone(w.cFrom)
	c.cDead = slices.Clone(w.cDead)
	c.gross, c.cost, c.fees, c.tools, c.pcvTot = slices.Clone(w.gross), slices.Clone(w.cost), slices.Clone(w.fees), slices.Clone(w.tools), slices.Clone(w.pcvTot)
	c.netHist, c.cumNet, c.breakEven = slices.Clone(w.netHist), slices.Clone(w.cumNet), slices.Clone(w.breakEven)
	c.gross12, c.months = slices.Clone(w.gross12), slices.Clone(w.months)
	c.newCust, c.pcvMonth, c.cuvMonth = slices.Clone(w.newCust), slices.Clone(w.pcvMonth), slices.Clone(w.cuvMonth)
	c.payout, c.cv, c.cuv, c.rpcv, c.pcv = slices.Clone(w.payout), slices.Clone(w.cv), slices.Clone(w.cuv), slices.Clone(w.rpcv), slices.Clone(w.pcv)
	c.vemmaCand, c.vemmaPass = slices.Clone(w.vemmaCand), slices.Clone(w.vemmaPass)
	c.pend = slices.Clone(w.pend)
	c.pEverAt = slices.Clone(w.pEverAt)
	c.dsBuf, c.vsBuf, c.ordBuf, c.actBuf = nil, nil, nil, nil
	c.cLast = slices.Clone(w.cLast)
	c.scriptIdx = maps.Clone(w.scriptIdx)
	return &c
}

func (w *world) rnd(key uint64, month int, purpose uint64) stream {
	return newStream(w.seed, key, month, purpose)
}

// addAgent appends an agent joining in month under sponsor (-1 for none).
func (w *world) addAgent(key uint64, sponsor int32, month int, synthetic bool) int32 {
	i := int32(len(w.key))
	e := 1.0
	if w.p.Script == nil {
		s := w.rnd(key, 0, purposeEffort)
		e = math.Exp(w.p.SigmaE * s.normal())
		s = w.rnd(key, 0, purposeSeller)
		if s.float() >= w.p.PSell {
			e = 0
		}
	}
	w.key = append(w.key, key)
	w.sponsor = append(w.sponsor, sponsor)
	w.join = append(w.join, int16(month))
	w.left = append(w.left, 0)
	w.effort = append(w.effort, e)
	w.synth = append(w.synth, synthetic)
	w.gross = append(w.gross, 0)
	w.cost = append(w.cost, 0)
	w.fees = append(w.fees, 0)
	w.tools = append(w.tools, 0)
	w.pcvTot = append(w.pcvTot, 0)
	w.netHist = append(w.netHist, [3]int64{})
	w.cumNet = append(w.cumNet, 0)
	w.breakEven = append(w.breakEven, 0)
	w.gross12 = append(w.gross12, 0)
	w.months = append(w.months, 0)
	w.newCust = append(w.newCust, 0)
	w.pcvMonth = append(w.pcvMonth, 0)
	w.cuvMonth = append(w.cuvMonth, 0)
	w.pEver++
	return i
}

// addCustomer appends a customer of owner ordering from month on.
func (w *world) addCustomer(owner int32, key uint64, month int, value int64) {
	w.cOwner = append(w.cOwner, owner)
	w.cValue = append(w.cValue, value)
	w.cKey = append(w.cKey, key)
	w.cFrom = append(w.cFrom, int16(month))
	w.cDead = append(w.cDead, false)
	w.cLast = append(w.cLast, 0)
	w.newCust[owner]++
	w.aliveCustomers++
}

func (w *world) present(i int, month int) bool {
	return int(w.join[i]) <= month && w.left[i] == 0
}

// customerValue draws a customer's monthly value.
func (w *world) customerValue(key uint64) int64 {
	if w.p.Script != nil || w.p.CustomerSigma == 0 {
		return w.p.CustomerMedian
	}
	s := w.rnd(key, 0, purposeValue)
	return int64(math.Round(float64(w.p.CustomerMedian) * math.Exp(w.p.CustomerSigma*s.normal())))
}

// step simulates one month: attrition, recruiting, customers, churn,
// personal use, pay through the engine, costs and accounting.
func (w *world) step(month int) error {
	p := w.p
	w.month = month
	n := len(w.key)
	for i := range n {
		w.newCust[i], w.pcvMonth[i], w.cuvMonth[i] = 0, 0, 0
	}
	if p.Script != nil {
		w.scriptMonth(month)
	} else {
		if month == 1 && n == 0 {
			for f := range p.Founders {
				w.addAgent(uint64(f+1), -1, 1, false)
			}
		}
		w.attrition(month)
		w.recruit(month)
		w.acquire(month)
		w.churn(month)
		w.personalUse(month)
	}
	if month == w.injectAt {
		w.inject(month)
	}
	w.pEverAt[month-1] = w.pEver
	for c := range w.cOwner {
		if !w.cDead[c] && int(w.cFrom[c]) <= month {
			if o := w.owner(c, month); o >= 0 && w.present(int(o), month) {
				w.cuvMonth[o] += w.cValue[c]
			}
		}
	}
	w.qualifyPurchases(month)
	res, err := w.pay(month)
	if err != nil {
		return err
	}
	w.account(month, res)
	return nil
}
