package http_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/downline/downline"
	dlhttp "github.com/downline/downline/internal/http"
	"github.com/downline/downline/internal/sqlstore"
)

// ordersLoad is a real server on 127.0.0.1 over a real SQLite file with a
// small programme: one product, a root with benchCustomers distributors
// under it, and one customer each. With group the server's orders go
// through an OrderGroup (group commit), as cmd/downline wires them.
type ordersLoad struct {
	db    *sqlstore.DB
	ts    *httptest.Server
	token string
}

const benchCustomers = 200

func newOrdersLoad(tb testing.TB, group bool) *ordersLoad {
	tb.Helper()
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, "sqlite:"+filepath.Join(tb.TempDir(), "orders.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	must := func(err error) {
		tb.Helper()
		if err != nil {
			tb.Fatal(err)
		}
	}
	_, err = db.Migrate(ctx)
	must(err)
	must(db.CreateProgramme(ctx, &downline.Programme{Name: "Bench", Currency: "EUR", PeriodLength: downline.PeriodMonthly, TimeZone: "UTC"}))
	must(db.CreateProduct(ctx, &downline.Product{ExternalID: "SKU-1", Name: "Seat", Kind: downline.KindSubscription,
		RetailPrice: 10000, CV: 8000, QV: 8000, Commissionable: true}))
	joined := time.Now().AddDate(0, -1, 0)
	ds := []*downline.Distributor{{ExternalID: "ROOT", JoinedAt: joined}}
	cs := make([]*downline.Customer, 0, benchCustomers)
	for i := range benchCustomers {
		ds = append(ds, &downline.Distributor{ExternalID: fmt.Sprintf("D%d", i), SponsorRef: "ROOT", JoinedAt: joined})
		cs = append(cs, &downline.Customer{ExternalID: fmt.Sprintf("C%d", i), Name: fmt.Sprintf("Customer %d", i),
			DistributorRef: fmt.Sprintf("D%d", i), Attribution: downline.AttributionCode})
	}
	must(db.CreateDistributors(ctx, ds))
	must(db.CreateCustomers(ctx, cs))
	u := &downline.User{Email: "orders@vendor.example", Name: "Orders", Role: downline.RoleAdmin}
	must(db.CreateUser(ctx, u))
	const tok = "dlt_bench_orders"
	must(db.CreateAPIToken(ctx, &downline.APIToken{UserID: u.ID, Name: "bench", Prefix: tok[:10], Hash: sha(tok),
		Scopes: []downline.Scope{downline.ScopeRead, downline.ScopeWrite}, ExpiresAt: time.Now().Add(24 * time.Hour)}))
	srv := &dlhttp.Server{
		Programme: db, Products: db, Distributors: db, Customers: db, Orders: db, Refunds: db, Genealogy: db,
		Users: db, Sessions: db, Tokens: db, Audit: db, Idempotency: db,
		Now: time.Now, Rand: rand.Reader, RateLimit: 1e9, RateBurst: 1e9,
	}
	if group {
		srv.Orders = dlhttp.NewOrderGroup(db)
	}
	ts := httptest.NewServer(srv.Handler()) // listens on 127.0.0.1
	tb.Cleanup(ts.Close)
	return &ordersLoad{db: db, ts: ts, token: tok}
}

// orderBody is the JSON of one customer order of one seat.
func orderBody(id string, customer int, paid time.Time) []byte {
	return fmt.Appendf(nil, `{"external_id":%q,"customer_ref":"C%d","purpose":"customer_direct","currency":"EUR",`+
		`"paid_at":%q,"lines":[{"product_ref":"SKU-1","quantity":1,"unit_price":"100.00"}]}`,
		id, customer%benchCustomers, paid.UTC().Format(time.RFC3339))
}

// post sends one order with its id as the Idempotency-Key and returns the
// status, the Idempotent-Replayed header and the body.
func (l *ordersLoad) post(c *http.Client, id string, body []byte) (int, string, []byte, error) {
	req, err := http.NewRequest(http.MethodPost, l.ts.URL+"/api/v1/orders", bytes.NewReader(body))
	if err != nil {
		return 0, "", nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+l.token)
	req.Header.Set("Idempotency-Key", id)
	res, err := c.Do(req)
	if err != nil {
		return 0, "", nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return res.StatusCode, res.Header.Get("Idempotent-Replayed"), b, err
}

// run posts n new orders (ids prefix-0 … prefix-(n-1)) paid at paid from
// clients concurrent clients and returns each request's latency, failing on any
// answer other than 201.
func (l *ordersLoad) run(tb testing.TB, prefix string, n, clients int, paid time.Time) []time.Duration {
	tb.Helper()
	tr := &http.Transport{MaxIdleConns: clients, MaxIdleConnsPerHost: clients}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr}
	lat := make([]time.Duration, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				id := fmt.Sprintf("%s-%d", prefix, i)
				body := orderBody(id, i, paid)
				t0 := time.Now()
				status, _, b, err := l.post(c, id, body)
				lat[i] = time.Since(t0)
				if err == nil && status != http.StatusCreated {
					err = fmt.Errorf("order %s: status %d: %s", id, status, b)
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		tb.Fatal(err)
	}
	return lat
}

// processCPU is the user and system CPU time of this process so far.
func processCPU(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, int(q*float64(len(sorted))))]
}

// BenchmarkOrdersCreate measures sustained POST /api/v1/orders throughput
// with an Idempotency-Key on every request, through a real HTTP server on
// loopback backed by SQLite, with 2, 4 and 8 concurrent clients. It
// reports orders/s and the p50 and p99 latency (target: ≥ 3,000 orders/s
// with p99 ≤ 20 ms):
//
//	go test ./internal/http -run XXX -bench OrdersCreate -benchtime 5000x
//
// The grouped runs commit concurrent orders together through an
// OrderGroup; the single runs store each order in its own transaction.
func BenchmarkOrdersCreate(b *testing.B) {
	for _, group := range []bool{true, false} {
		for _, clients := range []int{2, 4, 8, 16, 32, 64} {
			name := fmt.Sprintf("single/clients=%d", clients)
			if group {
				name = fmt.Sprintf("grouped/clients=%d", clients)
			}
			b.Run(name, func(b *testing.B) { benchOrdersCreate(b, clients, group) })
		}
	}
}

func benchOrdersCreate(b *testing.B, clients int, group bool) {
	if os.Getenv("GOGC") == "" {
		// As `downline serve` runs.
		defer debug.SetGCPercent(debug.SetGCPercent(dlhttp.GCPercent))
	}
	l := newOrdersLoad(b, group)
	b.ResetTimer()
	cpu0 := processCPU(b)
	start := time.Now()
	lat := l.run(b, "B", b.N, clients, time.Now().Add(-time.Minute))
	elapsed := time.Since(start)
	cpu := processCPU(b) - cpu0
	b.StopTimer()
	// CPU per order (server, store and clients together) tells the
	// variants apart even when other processes load the machine.
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-µs/order")
	slices.Sort(lat)
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "orders/s")
	b.ReportMetric(float64(quantile(lat, 0.50).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(quantile(lat, 0.99).Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(lat[len(lat)-1].Microseconds())/1000, "max-ms")
	if _, n, err := l.db.FindOrders(context.Background(), downline.OrderFilter{Limit: 1}); err != nil || n != b.N {
		b.Fatalf("%d orders stored (%v), want %d", n, err, b.N)
	}
}

// BenchmarkOrdersCreateStore is BenchmarkOrdersCreate without HTTP:
// the same orders straight into the store's CreateOrder from 4 goroutines,
// to tell the store's share of the cost from the server's.
func BenchmarkOrdersCreateStore(b *testing.B) {
	l := newOrdersLoad(b, false)
	ctx := context.Background()
	paid := time.Now().Add(-time.Minute)
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	b.ResetTimer()
	start := time.Now()
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= b.N {
					return
				}
				o := &downline.Order{ExternalID: fmt.Sprintf("S-%d", i), CustomerRef: fmt.Sprintf("C%d", i%benchCustomers),
					Purpose: downline.PurposeCustomerDirect, Currency: "EUR", PaidAt: paid,
					Lines: []*downline.OrderLine{{ProductRef: "SKU-1", Quantity: 1, UnitPrice: 10000}}}
				if err := l.db.CreateOrder(ctx, o); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "orders/s")
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
}

// BenchmarkOrdersCreateStoreBatch stores the same orders 50 to a
// CreateOrders transaction: the ceiling a server could reach by committing
// concurrent single-order requests together (group commit).
func BenchmarkOrdersCreateStoreBatch(b *testing.B) {
	l := newOrdersLoad(b, false)
	ctx := context.Background()
	paid := time.Now().Add(-time.Minute)
	const batch = 50
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i += batch {
		os := make([]*downline.Order, 0, batch)
		for j := i; j < min(i+batch, b.N); j++ {
			os = append(os, &downline.Order{ExternalID: fmt.Sprintf("S-%d", j), CustomerRef: fmt.Sprintf("C%d", j%benchCustomers),
				Purpose: downline.PurposeCustomerDirect, Currency: "EUR", PaidAt: paid,
				Lines: []*downline.OrderLine{{ProductRef: "SKU-1", Quantity: 1, UnitPrice: 10000}}})
		}
		if err := l.db.CreateOrders(ctx, os); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "orders/s")
}

// TestOrdersLoad is the benchmark's small, bounded form: 4 clients post
// 200 orders, every one is stored once, and posting them all again with
// the same keys replays the first answers without storing anything.
func TestOrdersLoad(t *testing.T) {
	l := newOrdersLoad(t, true)
	const n = 200
	paid := time.Now().Add(-time.Minute)
	l.run(t, "T", n, 4, paid)
	c := &http.Client{}
	for i := 0; i < n; i += 37 {
		id := fmt.Sprintf("T-%d", i)
		status, replayed, _, err := l.post(c, id, orderBody(id, i, paid))
		if err != nil || status != http.StatusCreated || replayed != "true" {
			t.Errorf("repeat %s: status %d, replayed %q, %v; want 201 replayed", id, status, replayed, err)
		}
	}
	// The same key with another body is a conflict.
	status, _, _, err := l.post(c, "T-0", orderBody("T-other", 0, paid))
	if err != nil || status != http.StatusConflict {
		t.Errorf("reused key with another body: status %d, %v; want 409", status, err)
	}
	if _, got, err := l.db.FindOrders(context.Background(), downline.OrderFilter{Limit: 1}); err != nil || got != n {
		t.Errorf("%d orders stored (%v), want %d", got, err, n)
	}
}
