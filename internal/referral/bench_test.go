package referral_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/downline/downline/internal/referral"
)

// countSink counts clicks and keeps nothing, so the benchmark measures the
// redirect path and the recorder, not a database.
type countSink struct{ n atomic.Int64 }

func (s *countSink) RecordClicks(_ context.Context, cs []referral.Click) error {
	s.n.Add(int64(len(cs)))
	return nil
}

// BenchmarkRedirectLoopback drives b.N redirects through a real HTTP
// server on 127.0.0.1 from 4 to 32 keep-alive clients, and reports throughput
// and latency percentiles. Run it as a bounded load test, e.g.
//
//	go test ./internal/referral -run '^$' -bench RedirectLoopback -benchtime 200000x
//
// Client and server share the machine's cores, so the figures are a lower
// bound for the server alone.
func BenchmarkRedirectLoopback(b *testing.B) {
	for _, workers := range []int{4, 8, 16, 32} {
		b.Run(fmt.Sprintf("clients=%d", workers), func(b *testing.B) { benchRedirects(b, workers) })
	}
}

// BenchmarkRedirectAtRate offers redirects at a fixed 10,000/s (open
// loop) and measures each one's latency from the moment it was due, so a
// stalled server shows up as latency instead of as fewer requests
// (coordinated omission). redirects/s below 10,000 means it fell behind.
func BenchmarkRedirectAtRate(b *testing.B) {
	const rate, workers = 10_000, 64
	interval := time.Second / rate
	benchLoad(b, workers, interval)
}

func benchRedirects(b *testing.B, workers int) { benchLoad(b, workers, 0) }

func benchLoad(b *testing.B, workers int, interval time.Duration) {
	sink := &countSink{}
	codes := &codeSet{codes: map[string]bool{"ALICE": true, "BOB": true}}
	benchLoadWith(b, workers, interval, sink, codes, sink.n.Load)
}

// benchLoad sends b.N redirects from workers clients. With interval > 0
// request i is due at start + i×interval and its latency counts from then.
func benchLoadWith(b *testing.B, workers int, interval time.Duration, sink referral.ClickSink, codes referral.Codes, stored func() int64) {
	rec := referral.NewRecorder(sink, referral.RecorderConfig{})
	h, err := referral.NewHandler(referral.Config{
		LandingURL: "https://vendor.example/start?utm_source=partner",
		Codes:      codes,
		Recorder:   rec, Salt: testSalt, Now: time.Now,
	})
	if err != nil {
		b.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /r/{code}", h)
	mux.Handle("GET /r/{code}/{campaign}", h)
	srv := httptest.NewServer(mux) // listens on 127.0.0.1
	defer srv.Close()
	client := &http.Client{
		Transport: &http.Transport{MaxIdleConns: workers, MaxIdleConnsPerHost: workers},
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
	urls := []string{srv.URL + "/r/ALICE", srv.URL + "/r/ALICE/spring", srv.URL + "/r/ALICE/launch"}

	var next atomic.Int64
	lat := make([][]time.Duration, workers)
	var wg sync.WaitGroup
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	start := time.Now()
	for w := range workers {
		wg.Go(func() {
			for {
				i := next.Add(1)
				if i > int64(b.N) {
					return
				}
				req, _ := http.NewRequest(http.MethodGet, urls[i%int64(len(urls))], nil)
				req.Header.Set("User-Agent", browserUA)
				t0 := time.Now()
				if interval > 0 {
					due := start.Add(time.Duration(i-1) * interval)
					if d := time.Until(due); d > 0 {
						time.Sleep(d)
					}
					t0 = due
				}
				resp, err := client.Do(req)
				if err != nil {
					b.Error(err)
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				lat[w] = append(lat[w], time.Since(t0))
				if resp.StatusCode != http.StatusFound {
					b.Errorf("status %d", resp.StatusCode)
					return
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	cpu := cpuTime() - cpu0
	b.StopTimer()
	if err := rec.Close(context.Background()); err != nil {
		b.Fatal(err)
	}
	if got := stored(); got != int64(b.N) {
		b.Fatalf("sink received %d clicks for %d redirects", got, b.N)
	}
	all := slices.Concat(lat...)
	slices.Sort(all)
	pct := func(p float64) float64 {
		return float64(all[int(float64(len(all)-1)*p)]) / float64(time.Millisecond)
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "redirects/s")
	b.ReportMetric(pct(0.50), "p50_ms")
	b.ReportMetric(pct(0.99), "p99_ms")
	b.ReportMetric(pct(0.999), "p99.9_ms")
	// CPU time (user+system, client and server together) per redirect:
	// unlike the rate, it does not depend on what else the machine runs.
	b.ReportMetric(float64(cpu)/float64(time.Microsecond)/float64(b.N), "cpu_us/redirect")
}

// cpuTime returns the process's user plus system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkHandler measures the handler alone (validation, hashing,
// detection, queueing, cookie, redirect) without HTTP transport.
func BenchmarkHandler(b *testing.B) {
	sink := &countSink{}
	rec := referral.NewRecorder(sink, referral.RecorderConfig{})
	h, err := referral.NewHandler(referral.Config{LandingURL: "https://vendor.example/start?utm_source=partner",
		Codes: &codeSet{codes: map[string]bool{"ALICE": true}}, Recorder: rec, Salt: testSalt, Now: time.Now})
	if err != nil {
		b.Fatal(err)
	}
	mux := newMux(h)
	req := httptest.NewRequest(http.MethodGet, "/r/ALICE/launch", nil)
	req.RemoteAddr = "203.0.113.7:5555"
	req.Header.Set("User-Agent", browserUA)
	b.ReportAllocs()
	for b.Loop() {
		mux.ServeHTTP(httptest.NewRecorder(), req)
	}
	b.StopTimer()
	if err := rec.Close(context.Background()); err != nil {
		b.Fatal(err)
	}
}
