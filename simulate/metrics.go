package simulate

import (
	"slices"

	"github.com/downline/downline/compliance"
)

// metrics are one replication's §6.4 outputs over A, everyone who took
// part at any time (synthetic agents excluded).
type metrics struct {
	N                      int
	Loss0, Loss1           float64 // κ = 0 and κ = 1
	Zero, AtMost1000       float64
	Recoup                 float64
	Gini, Top1, Top10      float64
	MeanGross, MedianGross int64
	MedianNet, MedianNetK1 int64
	EverBrokeEven          float64
	EU, CSH                float64
	EUPass                 bool
	Vemma                  float64 // share of would-be MLC earner-months passing TX-04
	PayoutRatio            []float64
	SaturationMonth        int // first month with S_r < 0.5; 0 never
	KM                     []float64
	TotalPay, TotalCV      int64
}

// outcomes returns C_i and Net_i for every real participant, with
// κ·PCV_i deducted for κ = 1.
func (w *world) outcomes(kappa int64) (gross, net []int64) {
	for i := range w.key {
		if w.synth[i] {
			continue
		}
		gross = append(gross, w.gross[i])
		net = append(net, w.gross[i]-w.cost[i]-w.fees[i]-w.tools[i]-kappa*w.pcvTot[i])
	}
	return gross, net
}

func share(k, n int) float64 {
	if n == 0 {
		return 0
	}
	return float64(k) / float64(n)
}

func medianInt(xs []int64) int64 { return compliance.Summarize(xs).Median }

func meanInt(xs []int64) int64 { return compliance.Summarize(xs).Mean }

func (w *world) metrics() metrics {
	g, n0 := w.outcomes(0)
	_, n1 := w.outcomes(1)
	m := metrics{N: len(g)}
	var loss0, loss1, zero, recoup, full, low int
	for k, i := 0, 0; i < len(w.key); i++ {
		if w.synth[i] {
			continue
		}
		if n0[k] < 0 {
			loss0++
		}
		if n1[k] < 0 {
			loss1++
		}
		if g[k] == 0 {
			zero++
		}
		if g[k] >= w.fees[i]+w.tools[i] {
			recoup++
		}
		if w.months[i] >= 12 {
			full++
			if w.gross12[i] <= 100000 {
				low++
			}
		}
		k++
	}
	m.Loss0, m.Loss1, m.Zero, m.Recoup = share(loss0, m.N), share(loss1, m.N), share(zero, m.N), share(recoup, m.N)
	m.AtMost1000 = share(low, full)
	m.Gini = compliance.Gini(g)
	m.Top1 = compliance.TopShare(g, 1).Float()
	m.Top10 = compliance.TopShare(g, 10).Float()
	sg := compliance.Summarize(g)
	m.MeanGross, m.MedianGross = sg.Mean, sg.Median
	m.MedianNet, m.MedianNetK1 = medianInt(n0), medianInt(n1)
	m.KM = w.kaplanMeier()
	if len(m.KM) > 0 {
		m.EverBrokeEven = m.KM[len(m.KM)-1]
	}
	// Company tests over the trailing 12 months of the horizon.
	var cuv, rpcv, pcv int64
	for t := max(0, w.p.Months-12); t < w.p.Months; t++ {
		cuv += w.cuv[t]
		rpcv += w.rpcv[t]
		pcv += w.pcv[t]
	}
	prm := compliance.DefaultParams()
	eu, csh := compliance.Frac(cuv+rpcv, cuv+pcv), compliance.Frac(cuv, cuv+rpcv)
	m.EU, m.CSH = eu.Float(), csh.Float()
	m.EUPass = eu.IsDefined() && csh.IsDefined() && !eu.Less(prm.EUMin) && !csh.Less(prm.CSHMin)
	var cand, pass int
	for t := range w.p.Months {
		cand += w.vemmaCand[t]
		pass += w.vemmaPass[t]
		r := 0.0
		if w.cv[t] > 0 {
			r = float64(w.payout[t]) / float64(w.cv[t])
		}
		m.PayoutRatio = append(m.PayoutRatio, r)
		m.TotalPay += w.payout[t]
		m.TotalCV += w.cv[t]
		if m.SaturationMonth == 0 && float64(w.pEverAt[t]) > 0.5*float64(w.p.PMax) {
			m.SaturationMonth = t + 1
		}
	}
	m.Vemma = 1
	if cand > 0 {
		m.Vemma = share(pass, cand)
	}
	return m
}

// kaplanMeier returns the share that has ever broken even by tenure month
// 1…H: 1 − Π(1 − d_m/n_m), with n_m the participants still observed and
// not yet broken even at tenure m, d_m those breaking even at m.
func (w *world) kaplanMeier() []float64 {
	h := w.p.Months
	atRisk := make([]int, h+2)
	events := make([]int, h+2)
	for i := range w.key {
		if w.synth[i] {
			continue
		}
		obs := int(w.months[i]) // tenure months observed
		be := int(w.breakEven[i])
		if be > 0 {
			obs = be
			events[be]++
		}
		for t := 1; t <= obs && t <= h; t++ {
			atRisk[t]++
		}
	}
	out := make([]float64, 0, h)
	surv := 1.0
	for t := 1; t <= h; t++ {
		if atRisk[t] > 0 {
			surv *= 1 - float64(events[t])/float64(atRisk[t])
		}
		out = append(out, 1-surv)
	}
	return slices.Clip(out)
}
