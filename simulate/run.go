package simulate

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"

	"github.com/downline/downline/compplan"
)

// Progress is told how many simulated months of how many are done. It may
// be called from several goroutines, never concurrently.
type Progress func(done, total int)

// Options control a run beyond the model parameters.
type Options struct {
	// Workers is the number of replications run at once (GOMAXPROCS when
	// 0). The output does not depend on it.
	Workers int
	// Progress, when set, is called after every simulated month.
	Progress Progress
	// MinDownline is D_k of the top rank (from the linter), compared with
	// P_max in the saturation output.
	MinDownline int
}

// replication is what one replication contributes.
type replication struct {
	m       metrics
	gross   []int64 // per participant (for pooled charts)
	net     []int64
	irCust  int64 // Σ ΔC over the sample, +1 customer
	irRec   int64 // Σ ΔC over the sample, +1 recruit
	irN     int
	rdiBase int64 // Σ C in the window, baseline
	rdiNo   int64 // Σ C in the window, recruiting off from t₀
	p2p     float64
}

// Run simulates plan under p and returns the report. It is deterministic
// for p.Seed, whatever o.Workers.
func Run(ctx context.Context, plan *compplan.Plan, p Params, o Options) (*Report, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	workers := o.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, p.Replications)
	t0 := min(p.t0(), p.Months)
	win := min(p.Window, p.Months-t0+1)
	perRep := p.Months + 3*win
	if needsQualify(plan) {
		perRep += p.Months
	}
	total := perRep * p.Replications
	var mu sync.Mutex
	done := 0
	tick := func() {
		if o.Progress == nil {
			return
		}
		mu.Lock()
		done++
		o.Progress(done, total)
		mu.Unlock()
	}
	reps := make([]replication, p.Replications)
	errs := make([]error, p.Replications)
	next := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range next {
				reps[r], errs[r] = replicate(ctx, plan, &p, r, t0, win, tick)
			}
		}()
	}
feed:
	for r := range p.Replications {
		select {
		case next <- r:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for r, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("replication %d: %w", r, err)
		}
	}
	return summarize(plan, p, o, t0, win, reps), nil
}

func needsQualify(plan *compplan.Plan) bool {
	return len(newWorld(&Params{Months: 1}, plan, 0).qualify) > 0
}

func runMonths(ctx context.Context, w *world, from, to int, tick func()) error {
	for m := from; m <= to; m++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := w.step(m); err != nil {
			return err
		}
		tick()
	}
	return nil
}

// replicate runs one replication: the baseline over the horizon, then from
// t₀ the paired perturbations (one more customer, one more recruit for a
// sample of participants), recruiting switched off, and, when the plan has
// a threshold counting own purchases, the pay-to-play counterfactual.
func replicate(ctx context.Context, plan *compplan.Plan, p *Params, rep, t0, win int, tick func()) (replication, error) {
	var out replication
	w := newWorld(p, plan, rep)
	if err := runMonths(ctx, w, 1, t0-1, tick); err != nil {
		return out, err
	}
	snap := w.clone()
	if err := runMonths(ctx, w, t0, t0+win-1, tick); err != nil {
		return out, err
	}
	winEnd := slices.Clone(w.gross)
	if err := runMonths(ctx, w, t0+win, p.Months, tick); err != nil {
		return out, err
	}
	out.m = w.metrics()
	out.gross, out.net = w.outcomes(0)

	// Incentive ratio by paired perturbation.
	sample := w.sample(t0)
	cw := snap.clone()
	cw.injectAt, cw.injectCust = t0, sample
	if err := runMonths(ctx, cw, t0, t0+win-1, tick); err != nil {
		return out, err
	}
	rw := snap.clone()
	rw.injectAt, rw.injectRec = t0, sample
	if err := runMonths(ctx, rw, t0, t0+win-1, tick); err != nil {
		return out, err
	}
	for _, i := range sample {
		out.irCust += cw.gross[i] - winEnd[i]
		out.irRec += rw.gross[i] - winEnd[i]
	}
	out.irN = len(sample)

	// Recruitment dependence: recruiting off from t₀.
	nw := snap.clone()
	nw.noRecruitAt = t0
	if err := runMonths(ctx, nw, t0, t0+win-1, tick); err != nil {
		return out, err
	}
	for i := range winEnd {
		if w.synth[i] {
			continue
		}
		out.rdiBase += winEnd[i] - gross(snap, i)
	}
	for i := range nw.gross {
		out.rdiNo += nw.gross[i] - gross(snap, i)
	}

	if len(w.qualify) > 0 && p.PQualify > 0 {
		qw := newWorld(p, plan, rep)
		qw.qualifyOff = true
		if err := runMonths(ctx, qw, 1, p.Months, tick); err != nil {
			return out, err
		}
		base, _ := w.outcomes(0)
		off, _ := qw.outcomes(0)
		// The mean, not the median: most participants earn nothing, so the
		// median hides what buying to qualify pays the rest.
		out.p2p = float64(meanInt(base)-meanInt(off)) / 100 / p.PQualify
	}
	return out, nil
}

func gross(w *world, i int) int64 {
	if i < len(w.gross) {
		return w.gross[i]
	}
	return 0
}
