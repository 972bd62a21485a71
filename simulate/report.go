package simulate

import (
	"math"
	"slices"
	"sort"

	"github.com/downline/downline/compliance"
	"github.com/downline/downline/compplan"
)

// Stat is a figure over the replications: its mean and the 2.5 % and
// 97.5 % quantiles (the 95 % Monte Carlo interval).
type Stat struct {
	Mean float64 `json:"mean"`
	Lo   float64 `json:"lo"`
	Hi   float64 `json:"hi"`
}

func stat(xs []float64) Stat {
	if len(xs) == 0 {
		return Stat{}
	}
	v := slices.Clone(xs)
	sort.Float64s(v)
	var sum float64
	for _, x := range v {
		sum += x
	}
	q := func(p float64) float64 {
		h := p * float64(len(v)-1)
		i := int(h)
		if i+1 >= len(v) {
			return v[len(v)-1]
		}
		return v[i] + (h-float64(i))*(v[i+1]-v[i])
	}
	return Stat{Mean: round6(sum / float64(len(v))), Lo: round6(q(0.025)), Hi: round6(q(0.975))}
}

// round6 rounds to six decimals so that reports are stable and readable.
func round6(x float64) float64 {
	if math.IsInf(x, 0) || math.IsNaN(x) {
		return x
	}
	return math.Round(x*1e6) / 1e6
}

// Gate is one launch gate's outcome.
type Gate struct {
	ID     string `json:"id"`
	Status string `json:"status"` // PASS, FAIL or REPORT
	Detail string `json:"detail"`
}

// Bin is one bar of a histogram, in major units.
type Bin struct {
	Lo    float64 `json:"lo"`
	Hi    float64 `json:"hi"`
	Count int     `json:"count"`
}

// Report is the simulator's output (§6.4, §6.5). Money figures are in
// major units of the plan currency; shares are fractions.
type Report struct {
	Plan         string `json:"plan"`
	PlanVersion  string `json:"plan_version"`
	Currency     string `json:"currency"`
	Params       Params `json:"params"`
	PerturbMonth int    `json:"perturb_month"`
	Window       int    `json:"window"`

	Participants       Stat `json:"participants"`
	LossRate           Stat `json:"loss_rate"`
	LossRatePCVAsCost  Stat `json:"loss_rate_pcv_as_cost"`
	FractionAboveCosts Stat `json:"fraction_above_costs"`
	ZeroShare          Stat `json:"zero_share"`
	AtMost1000Share    Stat `json:"at_most_1000_share"`
	RecoupRate         Stat `json:"recoup_rate"`
	Gini               Stat `json:"gini"`
	Top1Share          Stat `json:"top1_share"`
	Top10Share         Stat `json:"top10_share"`
	MeanGross          Stat `json:"mean_gross"`
	MedianGross        Stat `json:"median_gross"`
	MedianNet          Stat `json:"median_net"`
	MedianNetPCVAsCost Stat `json:"median_net_pcv_as_cost"`
	EverBrokeEven      Stat `json:"ever_broke_even"`
	// BreakEvenCustomers is x_fix / (direct rate × v): how many median
	// customers pay the fixed monthly cost; -1 without direct commission.
	BreakEvenCustomers float64 `json:"break_even_customers"`
	EndUserShare       Stat    `json:"end_user_share"`
	CustomerShare      Stat    `json:"customer_share"`
	CompanyTestsPassed float64 `json:"company_tests_passed"` // share of replications
	VemmaPassShare     Stat    `json:"vemma_pass_share"`
	VemmaPassMedian    float64 `json:"vemma_pass_median"`
	PayoutRatio        Stat    `json:"payout_ratio"`
	// IncentiveRatio is E[ΔC | +1 customer] / E[ΔC | +1 recruit];
	// IncentiveUnbounded is set (and the ratio 0) when a recruit is worth
	// nothing and a customer something.
	IncentiveRatio     float64 `json:"incentive_ratio"`
	IncentiveUnbounded bool    `json:"incentive_unbounded"`
	IRCustomerValue    float64 `json:"ir_customer_value"`
	IRRecruitValue     float64 `json:"ir_recruit_value"`
	IRSample           int     `json:"ir_sample"`
	RDI                float64 `json:"rdi"`
	// PayToPlay is ∂(mean C)/∂p_q in major units: what buying to qualify
	// adds to the average participant's pay per unit of p_q (0 when no plan
	// threshold counts own purchases).
	PayToPlay          float64   `json:"pay_to_play_sensitivity"`
	SaturationMonth    Stat      `json:"saturation_month"` // 0 when S_r never falls below 0.5
	MinDownline        int       `json:"min_downline"`
	PayoutRatioByMonth []float64 `json:"payout_ratio_by_month"`
	BrokeEvenByTenure  []float64 `json:"broke_even_by_tenure"`
	NetHistogram       []Bin     `json:"net_histogram"`
	Lorenz             []float64 `json:"lorenz"`
	Gates              []Gate    `json:"gates"`
	PerReplication     []RepRow  `json:"per_replication"`
}

// RepRow is one replication's headline figures (the CSV output).
type RepRow struct {
	Replication   int     `json:"replication"`
	Participants  int     `json:"participants"`
	LossRate      float64 `json:"loss_rate"`
	ZeroShare     float64 `json:"zero_share"`
	RecoupRate    float64 `json:"recoup_rate"`
	Gini          float64 `json:"gini"`
	Top1Share     float64 `json:"top1_share"`
	MedianNet     float64 `json:"median_net"`
	EndUserShare  float64 `json:"end_user_share"`
	CustomerShare float64 `json:"customer_share"`
	VemmaPass     float64 `json:"vemma_pass"`
	PayoutRatio   float64 `json:"payout_ratio"`
}

func major(minor int64) float64 { return float64(minor) / 100 }

func collect(reps []replication, f func(metrics) float64) Stat {
	xs := make([]float64, len(reps))
	for i, r := range reps {
		xs[i] = f(r.m)
	}
	return stat(xs)
}

// summarize pools the replications into the report.
func summarize(plan *compplan.Plan, p Params, o Options, t0, win int, reps []replication) *Report {
	r := &Report{Plan: plan.ID, PlanVersion: plan.Version, Currency: plan.Currency, Params: p,
		PerturbMonth: t0, Window: win, MinDownline: o.MinDownline}
	r.Participants = collect(reps, func(m metrics) float64 { return float64(m.N) })
	r.LossRate = collect(reps, func(m metrics) float64 { return m.Loss0 })
	r.LossRatePCVAsCost = collect(reps, func(m metrics) float64 { return m.Loss1 })
	r.FractionAboveCosts = collect(reps, func(m metrics) float64 { return 1 - m.Loss0 })
	r.ZeroShare = collect(reps, func(m metrics) float64 { return m.Zero })
	r.AtMost1000Share = collect(reps, func(m metrics) float64 { return m.AtMost1000 })
	r.RecoupRate = collect(reps, func(m metrics) float64 { return m.Recoup })
	r.Gini = collect(reps, func(m metrics) float64 { return m.Gini })
	r.Top1Share = collect(reps, func(m metrics) float64 { return m.Top1 })
	r.Top10Share = collect(reps, func(m metrics) float64 { return m.Top10 })
	r.MeanGross = collect(reps, func(m metrics) float64 { return major(m.MeanGross) })
	r.MedianGross = collect(reps, func(m metrics) float64 { return major(m.MedianGross) })
	r.MedianNet = collect(reps, func(m metrics) float64 { return major(m.MedianNet) })
	r.MedianNetPCVAsCost = collect(reps, func(m metrics) float64 { return major(m.MedianNetK1) })
	r.EverBrokeEven = collect(reps, func(m metrics) float64 { return m.EverBrokeEven })
	r.EndUserShare = collect(reps, func(m metrics) float64 { return m.EU })
	r.CustomerShare = collect(reps, func(m metrics) float64 { return m.CSH })
	r.VemmaPassShare = collect(reps, func(m metrics) float64 { return m.Vemma })
	r.PayoutRatio = collect(reps, func(m metrics) float64 {
		if m.TotalCV == 0 {
			return 0
		}
		return float64(m.TotalPay) / float64(m.TotalCV)
	})
	r.SaturationMonth = collect(reps, func(m metrics) float64 { return float64(m.SaturationMonth) })
	var pass int
	vem := make([]float64, len(reps))
	for i, rp := range reps {
		if rp.m.EUPass {
			pass++
		}
		vem[i] = rp.m.Vemma
	}
	r.CompanyTestsPassed = round6(share(pass, len(reps)))
	slices.Sort(vem)
	r.VemmaPassMedian = round6(medianFloat(vem))

	// Break-even customers = x_fix / (direct rate × v).
	var direct float64
	for _, b := range plan.Bonuses {
		if b.Kind == compplan.KindDirect && slices.Contains(b.Basis, compplan.BasisCuV) && b.Rate.Den != 0 {
			direct += float64(b.Rate.Num) / float64(b.Rate.Den)
		}
	}
	if direct > 0 && p.CustomerMedian > 0 {
		r.BreakEvenCustomers = round6(float64(p.XFix) / (direct * float64(p.CustomerMedian)))
	} else {
		r.BreakEvenCustomers = -1
	}

	// Incentive ratio and recruitment dependence, pooled over replications.
	var ic, ir, base, no int64
	var n int
	for _, rp := range reps {
		ic += rp.irCust
		ir += rp.irRec
		n += rp.irN
		base += rp.rdiBase
		no += rp.rdiNo
	}
	r.IRSample = n
	if n > 0 {
		r.IRCustomerValue = round6(major(ic) / float64(n))
		r.IRRecruitValue = round6(major(ir) / float64(n))
	}
	switch {
	case ir > 0:
		r.IncentiveRatio = round6(float64(ic) / float64(ir))
	case ic > 0:
		r.IncentiveUnbounded = true
	}
	if base > 0 {
		r.RDI = round6(1 - float64(no)/float64(base))
	}
	var p2p float64
	for _, rp := range reps {
		p2p += rp.p2p
	}
	r.PayToPlay = round6(p2p / float64(len(reps)))

	// Series and charts.
	for t := range p.Months {
		xs := make([]float64, len(reps))
		for i, rp := range reps {
			xs[i] = rp.m.PayoutRatio[t]
		}
		r.PayoutRatioByMonth = append(r.PayoutRatioByMonth, stat(xs).Mean)
	}
	for t := range p.Months {
		xs := make([]float64, len(reps))
		for i, rp := range reps {
			if t < len(rp.m.KM) {
				xs[i] = rp.m.KM[t]
			}
		}
		r.BrokeEvenByTenure = append(r.BrokeEvenByTenure, stat(xs).Mean)
	}
	var allGross, allNet []int64
	for _, rp := range reps {
		allGross = append(allGross, rp.gross...)
		allNet = append(allNet, rp.net...)
	}
	r.NetHistogram = histogram(allNet, 20)
	for _, x := range compliance.Lorenz(allGross, 20) {
		r.Lorenz = append(r.Lorenz, round6(x))
	}
	for i, rp := range reps {
		m := rp.m
		pr := 0.0
		if m.TotalCV > 0 {
			pr = float64(m.TotalPay) / float64(m.TotalCV)
		}
		r.PerReplication = append(r.PerReplication, RepRow{Replication: i, Participants: m.N,
			LossRate: round6(m.Loss0), ZeroShare: round6(m.Zero), RecoupRate: round6(m.Recoup),
			Gini: round6(m.Gini), Top1Share: round6(m.Top1), MedianNet: major(m.MedianNet),
			EndUserShare: round6(m.EU), CustomerShare: round6(m.CSH), VemmaPass: round6(m.Vemma), PayoutRatio: round6(pr)})
	}
	r.Gates = gates(r, compliance.DefaultParams())
	return r
}

func medianFloat(sorted []float64) float64 {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	if n%2 == 1 {
		return sorted[n/2]
	}
	return (sorted[n/2-1] + sorted[n/2]) / 2
}

// histogram bins xs (minor units) into n equal bins between the 1st and
// 99th percentiles; the first and last bins also hold the tails, so that a
// few large earners do not flatten the chart.
func histogram(xs []int64, n int) []Bin {
	if len(xs) == 0 {
		return nil
	}
	v := slices.Clone(xs)
	slices.Sort(v)
	lo, hi := v[len(v)/100], v[len(v)-1-len(v)/100]
	if lo == hi {
		return []Bin{{Lo: major(v[0]), Hi: major(v[len(v)-1]), Count: len(xs)}}
	}
	width := float64(hi-lo) / float64(n)
	bins := make([]Bin, n)
	for i := range bins {
		bins[i].Lo = round6(major(lo) + float64(i)*width/100)
		bins[i].Hi = round6(major(lo) + float64(i+1)*width/100)
	}
	for _, x := range v {
		k := int(float64(x-lo) / width)
		bins[min(max(k, 0), n-1)].Count++
	}
	return bins
}
