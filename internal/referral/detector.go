package referral

import (
	"sync"
	"time"
)

// Detector flags repeated clicks (the same IP hash on the same code within
// a window) and click bursts (a code receiving more clicks in a sliding
// window than a threshold). It is safe for concurrent use and decides only
// from the times it is given, so tests drive it with a fake clock.
type Detector struct {
	repeatWindow   time.Duration
	burstWindow    time.Duration
	burstThreshold int64
	maxEntries     int

	mu        sync.Mutex
	lastSeen  map[repeatKey]time.Time
	bursts    map[string]*burstCounter
	nextSweep time.Time
}

type repeatKey struct{ ipHash, code string }

// burstCounter counts clicks in fixed windows; the sliding-window estimate
// weights the previous window by how much of it still overlaps.
type burstCounter struct {
	start     time.Time
	cur, prev int64
}

// DetectorConfig configures a Detector. Zero fields take the defaults.
type DetectorConfig struct {
	RepeatWindow   time.Duration // default 10 minutes
	BurstWindow    time.Duration // default 1 minute
	BurstThreshold int           // clicks per code per BurstWindow; default 60
	// MaxEntries bounds the repeat memory; past it, old entries are swept
	// and, if that is not enough, the memory is reset (repeat detection
	// then restarts rather than the process growing). Default 500,000.
	MaxEntries int
}

// NewDetector returns a Detector.
func NewDetector(cfg DetectorConfig) *Detector {
	if cfg.RepeatWindow <= 0 {
		cfg.RepeatWindow = 10 * time.Minute
	}
	if cfg.BurstWindow <= 0 {
		cfg.BurstWindow = time.Minute
	}
	if cfg.BurstThreshold <= 0 {
		cfg.BurstThreshold = 60
	}
	if cfg.MaxEntries <= 0 {
		cfg.MaxEntries = 500_000
	}
	return &Detector{
		repeatWindow:   cfg.RepeatWindow,
		burstWindow:    cfg.BurstWindow,
		burstThreshold: int64(cfg.BurstThreshold),
		maxEntries:     cfg.MaxEntries,
		lastSeen:       make(map[repeatKey]time.Time),
		bursts:         make(map[string]*burstCounter),
	}
}

// Observe records a click on code from ipHash at time at and reports
// whether it repeats an earlier click within the repeat window and whether
// the code is in a burst. Every click counts towards the burst rate,
// repeated or not.
func (d *Detector) Observe(at time.Time, code, ipHash string) (repeat, burst bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if at.After(d.nextSweep) || len(d.lastSeen) >= d.maxEntries {
		d.sweep(at)
	}

	k := repeatKey{ipHash, code}
	if last, ok := d.lastSeen[k]; ok && at.Sub(last) < d.repeatWindow && !at.Before(last) {
		repeat = true
	}
	if last, ok := d.lastSeen[k]; !ok || at.After(last) {
		d.lastSeen[k] = at
	}

	b := d.bursts[code]
	if b == nil {
		b = &burstCounter{start: at.Truncate(d.burstWindow)}
		d.bursts[code] = b
	}
	b.advance(at, d.burstWindow)
	b.cur++
	// estimate = prev × (window − elapsed)/window + cur, in integers:
	// compared as prev × (window − elapsed) + cur × window > threshold × window.
	elapsed := at.Sub(b.start)
	if elapsed < 0 {
		elapsed = 0
	}
	w := int64(d.burstWindow)
	est := b.prev*(w-int64(elapsed))/w + b.cur
	burst = est > d.burstThreshold
	return repeat, burst
}

// advance moves the counter's window forward to the one containing at.
func (b *burstCounter) advance(at time.Time, window time.Duration) {
	start := at.Truncate(window)
	switch {
	case !start.After(b.start):
		return
	case start.Sub(b.start) == window:
		b.prev, b.cur = b.cur, 0
	default:
		b.prev, b.cur = 0, 0
	}
	b.start = start
}

// sweep drops memory that can no longer affect a decision.
func (d *Detector) sweep(now time.Time) {
	for k, t := range d.lastSeen {
		if now.Sub(t) >= d.repeatWindow {
			delete(d.lastSeen, k)
		}
	}
	if len(d.lastSeen) >= d.maxEntries {
		d.lastSeen = make(map[repeatKey]time.Time)
	}
	for code, b := range d.bursts {
		if now.Sub(b.start) >= 2*d.burstWindow {
			delete(d.bursts, code)
		}
	}
	d.nextSweep = now.Add(d.repeatWindow)
}
