package referral_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/downline/downline/internal/referral"
)

// memSink keeps clicks in memory; it can be made to fail or stall.
type memSink struct {
	mu      sync.Mutex
	clicks  []referral.Click
	batches int
	failN   int           // fail this many calls first
	delay   time.Duration // per call
	block   chan struct{} // when non-nil, every call waits for it to close
}

func (s *memSink) RecordClicks(ctx context.Context, cs []referral.Click) error {
	if s.block != nil {
		select {
		case <-s.block:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if s.delay > 0 {
		time.Sleep(s.delay)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failN > 0 {
		s.failN--
		return errors.New("database is locked")
	}
	s.batches++
	s.clicks = append(s.clicks, cs...)
	return nil
}

func (s *memSink) len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.clicks)
}

func click(i int) referral.Click {
	return referral.Click{At: time.Unix(int64(i), 0).UTC(), Code: fmt.Sprintf("C%d", i)}
}

// Every click recorded before Close is written, even with a small buffer,
// a slow sink and many concurrent writers.
func TestRecorderCloseDrainsEverything(t *testing.T) {
	t.Parallel()
	sink := &memSink{delay: time.Millisecond}
	r := referral.NewRecorder(sink, referral.RecorderConfig{Buffer: 64, BatchSize: 50, FlushInterval: time.Hour})
	const writers, per = 8, 500
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range per {
				if err := r.Record(context.Background(), click(w*per+i)); err != nil {
					t.Errorf("Record: %v", err)
				}
			}
		})
	}
	wg.Wait()
	if err := r.Close(context.Background()); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if got := sink.len(); got != writers*per {
		t.Fatalf("sink holds %d clicks, want %d", got, writers*per)
	}
	seen := map[string]bool{}
	for _, c := range sink.clicks {
		if seen[c.Code] {
			t.Fatalf("click %s written twice", c.Code)
		}
		seen[c.Code] = true
	}
	if r.Written() != writers*per || r.Dropped() != 0 {
		t.Errorf("Written=%d Dropped=%d, want %d and 0", r.Written(), r.Dropped(), writers*per)
	}
	if err := r.Record(context.Background(), click(0)); !errors.Is(err, referral.ErrClosed) {
		t.Errorf("Record after Close = %v, want ErrClosed", err)
	}
}

func TestRecorderRetriesFailedBatches(t *testing.T) {
	t.Parallel()
	sink := &memSink{failN: 3}
	r := referral.NewRecorder(sink, referral.RecorderConfig{BatchSize: 10, FlushInterval: time.Millisecond, RetryBackoff: time.Millisecond})
	for i := range 25 {
		if err := r.Record(context.Background(), click(i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.Close(context.Background()); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if got := sink.len(); got != 25 {
		t.Fatalf("sink holds %d clicks after 3 failures, want 25", got)
	}
}

func TestRecorderFlushesOnInterval(t *testing.T) {
	t.Parallel()
	sink := &memSink{}
	r := referral.NewRecorder(sink, referral.RecorderConfig{BatchSize: 1000, FlushInterval: 5 * time.Millisecond})
	defer r.Close(context.Background())
	if err := r.Record(context.Background(), click(1)); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for sink.len() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("a lone click was not flushed within 5 s")
		}
		time.Sleep(time.Millisecond)
	}
}

func TestRecorderBlocksThenGivesUpOnFullBuffer(t *testing.T) {
	t.Parallel()
	sink := &memSink{block: make(chan struct{})}
	r := referral.NewRecorder(sink, referral.RecorderConfig{Buffer: 2, BatchSize: 1, MaxWait: 20 * time.Millisecond})
	// The writer takes one click and stalls in the sink; two more fill
	// the buffer; the fourth waits MaxWait and gives up.
	var errs []error
	for i := range 4 {
		errs = append(errs, r.Record(context.Background(), click(i)))
		time.Sleep(5 * time.Millisecond) // let the writer pick up the first
	}
	if !errors.Is(errs[3], referral.ErrBufferFull) {
		t.Fatalf("4th Record = %v, want ErrBufferFull (errors %v)", errs[3], errs)
	}
	// A request whose client went away stops waiting at once.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := r.Record(ctx, click(9)); !errors.Is(err, context.Canceled) {
		t.Fatalf("Record(cancelled) = %v, want context.Canceled", err)
	}
	close(sink.block)
	if err := r.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got, dropped := sink.len(), r.Dropped(); got != 3 || dropped != 2 {
		t.Errorf("written %d, dropped %d; want 3 and 2", got, dropped)
	}
}

func TestRecorderCloseGivesUpAtDeadline(t *testing.T) {
	t.Parallel()
	sink := &memSink{failN: 1 << 30}
	r := referral.NewRecorder(sink, referral.RecorderConfig{BatchSize: 4, RetryBackoff: time.Millisecond})
	for i := range 10 {
		if err := r.Record(context.Background(), click(i)); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	err := r.Close(ctx)
	if err == nil || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Close = %v, want a deadline error", err)
	}
	if want := "10 clicks not written"; !strings.Contains(err.Error(), want) {
		t.Errorf("Close = %q, want it to say %q", err, want)
	}
}
