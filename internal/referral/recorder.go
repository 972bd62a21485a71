package referral

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// ErrClosed is returned by Recorder.Record after Close has begun.
var ErrClosed = errors.New("click recorder is closed")

// ErrBufferFull is returned by Recorder.Record when the buffer stayed full
// for longer than MaxWait.
var ErrBufferFull = errors.New("click buffer full")

// RecorderConfig configures a Recorder. Zero fields take the defaults.
type RecorderConfig struct {
	// Buffer is the number of clicks held in memory awaiting the writer;
	// default 16,384 (about 1.5 s of clicks at 10,000/s).
	Buffer int
	// BatchSize is the most clicks written in one RecordClicks call;
	// default 512.
	BatchSize int
	// FlushInterval is the longest a click waits for a batch to fill;
	// default 200 ms.
	FlushInterval time.Duration
	// MaxWait is how long Record blocks on a full buffer before giving up
	// on that click; default 2 s.
	MaxWait time.Duration
	// RetryBackoff is the first delay after a failed batch; it doubles up
	// to 32 times its value. Default 100 ms.
	RetryBackoff time.Duration
	Log          *slog.Logger
}

// Recorder queues clicks in memory and writes them to a ClickSink in
// batches from one background goroutine, so that a redirect costs a channel
// send, not a database write.
//
// Back-pressure: when the buffer is full Record blocks (up to MaxWait, or
// until the request's context ends) instead of dropping the click or
// spilling it to disk. A full buffer means the store is down or too slow;
// blocking slows the redirects, which is the honest signal, and a spill file
// would be a second store to recover on restart. A click is lost only when
// the buffer stays full for MaxWait; each such loss is counted (Dropped) and
// logged, and the visitor is still redirected. A failed batch is retried
// with backoff, never discarded, until Close gives up.
type Recorder struct {
	sink    ClickSink
	ch      chan Click
	batch   int
	flush   time.Duration
	maxWait time.Duration
	backoff time.Duration
	log     *slog.Logger

	mu     sync.RWMutex // Record holds it shared; Close exclusively to close ch
	closed bool

	ctx    context.Context // cancelled when Close gives up
	cancel context.CancelFunc
	done   chan struct{}

	written atomic.Int64
	dropped atomic.Int64
	lost    atomic.Int64 // queued but never written (Close gave up)
}

// NewRecorder starts a Recorder writing to sink. Call Close to stop it.
func NewRecorder(sink ClickSink, cfg RecorderConfig) *Recorder {
	if cfg.Buffer <= 0 {
		cfg.Buffer = 16_384
	}
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = 512
	}
	if cfg.FlushInterval <= 0 {
		cfg.FlushInterval = 200 * time.Millisecond
	}
	if cfg.MaxWait <= 0 {
		cfg.MaxWait = 2 * time.Second
	}
	if cfg.RetryBackoff <= 0 {
		cfg.RetryBackoff = 100 * time.Millisecond
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &Recorder{
		sink: sink, ch: make(chan Click, cfg.Buffer), batch: cfg.BatchSize,
		flush: cfg.FlushInterval, maxWait: cfg.MaxWait, backoff: cfg.RetryBackoff, log: cfg.Log,
		ctx: ctx, cancel: cancel, done: make(chan struct{}),
	}
	go r.run()
	return r
}

// Record queues c. It returns at once unless the buffer is full; see the
// type's documentation for what happens then.
func (r *Recorder) Record(ctx context.Context, c Click) error {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if r.closed {
		r.dropped.Add(1)
		return ErrClosed
	}
	select {
	case r.ch <- c:
		return nil
	default:
	}
	t := time.NewTimer(r.maxWait)
	defer t.Stop()
	select {
	case r.ch <- c:
		return nil
	case <-t.C:
		r.dropped.Add(1)
		r.log.Error("click dropped: buffer full", "code", c.Code, "waited", r.maxWait)
		return ErrBufferFull
	case <-ctx.Done():
		r.dropped.Add(1)
		return fmt.Errorf("record click: %w", ctx.Err())
	}
}

// Close stops accepting clicks and writes every queued one. Call it after
// the HTTP server has stopped serving. If ctx ends first, the writer stops
// retrying and Close reports how many clicks were not written.
func (r *Recorder) Close(ctx context.Context) error {
	r.mu.Lock()
	if !r.closed {
		r.closed = true
		close(r.ch)
	}
	r.mu.Unlock()
	select {
	case <-r.done:
	case <-ctx.Done():
		r.cancel()
		<-r.done
	}
	r.cancel()
	if n := r.lost.Load(); n > 0 {
		return fmt.Errorf("close click recorder: %d clicks not written: %w", n, context.Cause(ctx))
	}
	return nil
}

// Written returns the number of clicks the sink has accepted.
func (r *Recorder) Written() int64 { return r.written.Load() }

// Dropped returns the number of clicks Record could not queue.
func (r *Recorder) Dropped() int64 { return r.dropped.Load() }

func (r *Recorder) run() {
	defer close(r.done)
	tick := time.NewTicker(r.flush)
	defer tick.Stop()
	buf := make([]Click, 0, r.batch)
	for {
		select {
		case c, ok := <-r.ch:
			if !ok {
				r.write(buf)
				return
			}
			buf = append(buf, c)
			// Take whatever else is already queued, up to a batch.
		fill:
			for len(buf) < r.batch {
				select {
				case c, ok := <-r.ch:
					if !ok {
						r.write(buf)
						return
					}
					buf = append(buf, c)
				default:
					break fill
				}
			}
			if len(buf) >= r.batch {
				r.write(buf)
				buf = buf[:0]
			}
		case <-tick.C:
			if len(buf) > 0 {
				r.write(buf)
				buf = buf[:0]
			}
		}
	}
}

// write stores one batch, retrying with backoff until it succeeds or Close
// gives up; in the latter case the batch and everything still queued count
// as lost.
func (r *Recorder) write(batch []Click) {
	if len(batch) == 0 {
		return
	}
	delay := r.backoff
	for {
		if r.ctx.Err() != nil {
			r.abandon(len(batch))
			return
		}
		err := r.sink.RecordClicks(r.ctx, batch)
		if err == nil {
			r.written.Add(int64(len(batch)))
			return
		}
		r.log.Error("record clicks", "clicks", len(batch), "retry_in", delay, "err", err)
		select {
		case <-time.After(delay):
		case <-r.ctx.Done():
		}
		if delay < 32*r.backoff {
			delay *= 2
		}
	}
}

// abandon counts n clicks and every queued one as lost. It runs only after
// Close gave up, when the channel is closed.
func (r *Recorder) abandon(n int) {
	lost := int64(n)
	for range r.ch {
		lost++
	}
	r.lost.Add(lost)
	r.log.Error("clicks not written at shutdown", "clicks", lost)
}
