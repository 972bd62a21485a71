package sqlstore

import (
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/downline/downline"
)

// BenchmarkClose measures an end-to-end close: read one aggregate row per
// distributor and the tree, evaluate, persist results and lines, store
// the state and post the earnings, in one transaction. The data is loaded
// with bulk SQL before the timer starts. Sizes come from the environment:
//
//	DOWNLINE_BENCH_DISTRIBUTORS=1000000 DOWNLINE_BENCH_ORDERS=10000000 \
//	  go test ./internal/sqlstore -run '^$' -bench BenchmarkClose -benchtime 1x -timeout 60m
//
// (default 20,000 distributors and 10 orders each). The generated orders
// are summed into period_volumes as ingestion would; their rows are not
// written, because a close never reads them.
// PostgreSQL runs when DOWNLINE_TEST_POSTGRES_DSN is set.
//
// Measured 2026-11-28 on the shared 2-core build machine (load average
// 8–19 from other jobs, so wall time is mostly waiting for a CPU): 1M
// distributors, 10M orders aggregated, 5.43M lines, 700k postings —
// SQLite 106 s wall / 30.0 s CPU of the process; PostgreSQL 86 s wall /
// 18.4 s CPU of the client (the server's CPU is not counted). 100k
// distributors: SQLite 3.0 s CPU, PostgreSQL 1.9 s client CPU.
func BenchmarkClose(b *testing.B) {
	n := benchEnv("DOWNLINE_BENCH_DISTRIBUTORS", 20000)
	orders := benchEnv("DOWNLINE_BENCH_ORDERS", 10*n)
	b.Run("sqlite", func(b *testing.B) {
		for range b.N {
			b.StopTimer()
			db := benchOpen(b, "sqlite:"+filepath.Join(b.TempDir(), "bench.db"))
			loadBenchData(b, db, n, orders)
			runtime.GC()
			b.StartTimer()
			benchClose(b, db)
		}
	})
	b.Run("postgres", func(b *testing.B) {
		dsn := os.Getenv("DOWNLINE_TEST_POSTGRES_DSN")
		if dsn == "" {
			b.Skip("DOWNLINE_TEST_POSTGRES_DSN not set")
		}
		for range b.N {
			b.StopTimer()
			db := benchOpen(b, benchSchema(b, dsn))
			loadBenchData(b, db, n, orders)
			runtime.GC()
			b.StartTimer()
			benchClose(b, db)
		}
	})
}

func benchEnv(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

func benchClose(b *testing.B, db *DB) {
	cpu0 := processCPU()
	start := time.Now()
	last := start
	r, err := db.CloseRun(context.Background(), "2026-02", downline.RunOptions{HoldDays: -1,
		Progress: func(stage string, done, total int) {
			if done == total {
				b.Logf("%-9s done at %6.2fs (+%.2fs)", stage, time.Since(start).Seconds(), time.Since(last).Seconds())
				last = time.Now()
			}
		}})
	if err != nil {
		b.Fatal(err)
	}
	cpu := processCPU() - cpu0
	b.ReportMetric(cpu.Seconds(), "cpu-s")
	b.ReportMetric(float64(r.Distributors), "distributors")
	b.ReportMetric(float64(r.Lines), "lines")
	b.Logf("closed %s: %d distributors, %d lines, total %d, in %.2fs wall, %.2fs CPU of this process",
		r.Period, r.Distributors, r.Lines, r.Total, time.Since(start).Seconds(), cpu.Seconds())
}

func benchOpen(b *testing.B, dsn string) *DB {
	ctx := context.Background()
	db, err := Open(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	db.Now = func() time.Time { return time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC) }
	if _, err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	return db
}

// benchSchema creates a fresh schema for one benchmark run, dropped after.
func benchSchema(b *testing.B, dsn string) string {
	admin, err := Open(context.Background(), dsn)
	if err != nil {
		b.Fatal(err)
	}
	schema := "bench_" + strconv.FormatInt(time.Now().UnixNano(), 36)
	if _, err := admin.SQL().Exec("CREATE SCHEMA " + schema); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		admin.SQL().Exec("DROP SCHEMA " + schema + " CASCADE")
		admin.Close()
	})
	sep := "?"
	for i := range dsn {
		if dsn[i] == '?' {
			sep = "&"
		}
	}
	return dsn + sep + "search_path=" + schema
}

// loadBenchData writes a programme, n distributors in a random sponsor
// tree (each sponsored by a uniformly chosen earlier one, so depth grows
// like log n), the unilevel-ranks example plan and the February 2026
// aggregates of the given number of orders, with bulk multi-row INSERTs.
func loadBenchData(b *testing.B, db *DB, n, orders int) {
	ctx := context.Background()
	start := time.Now()
	if err := db.CreateProgramme(ctx, &downline.Programme{Name: "Bench", Currency: "USD", PeriodLength: downline.PeriodMonthly,
		TimeZone: "America/New_York"}); err != nil {
		b.Fatal(err)
	}
	plan, err := os.ReadFile(filepath.Join("..", "..", "examples", "plans", "unilevel-ranks.yaml"))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := db.ActivatePlan(ctx, string(plan), "2026-01"); err != nil {
		b.Fatal(err)
	}
	tx, err := db.beginTx(ctx, true)
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback()
	rng := rand.New(rand.NewPCG(2026, 5))
	joined := encodeTime(time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC))
	ds := newRowInserter(tx, `INSERT INTO distributors (id, external_id, sponsor_id, placement_parent_id, placement_side,
		referral_code, status, joined_at, country, email, display_name, agreement_version, digest, created_at, updated_at)`, 15)
	hs := newRowInserter(tx, `INSERT INTO distributor_history (distributor_id, effective_period, sponsor_id,
		placement_parent_id, placement_side, status, changed_at)`, 7)
	for i := 1; i <= n; i++ {
		var sponsor any
		if i > 1 {
			sponsor = int64(1 + rng.IntN(i-1))
		}
		ext := "D" + strconv.Itoa(i)
		if err := ds.add(ctx, i, ext, sponsor, nil, "", ext, "active", joined, "US", ext+"@example.com", ext, "v1", "-", joined, joined); err != nil {
			b.Fatal(err)
		}
		if err := hs.add(ctx, i, "", sponsor, nil, "", "active", joined); err != nil {
			b.Fatal(err)
		}
	}
	if err := ds.flush(ctx); err != nil {
		b.Fatal(err)
	}
	if err := hs.flush(ctx); err != nil {
		b.Fatal(err)
	}
	// Orders: 70 % of distributors sell; each order is 20.00–300.00 of CV,
	// customer-direct with probability 0.85, else personal use.
	vols := make([]benchVolume, n+1)
	for range orders {
		d := 1 + rng.IntN(n)
		if d%10 >= 7 {
			d = 1 + (d*7919)%n
		}
		cv := int64(2000 + rng.IntN(28001))
		v := &vols[d]
		if rng.IntN(100) < 85 {
			v.cuv += cv
			v.custRev += cv
			v.custOrders++
		} else {
			v.pcv += cv
			v.partRev += cv
		}
		v.orders++
	}
	pv := newRowInserter(tx, `INSERT INTO period_volumes (period, distributor_id, cuv, cuqv, receipted_cv, pcv, pqv,
		resale_stock_cv, customer_revenue, participant_revenue, customer_orders, orders)`, 12)
	for d := 1; d <= n; d++ {
		v := vols[d]
		if v.orders == 0 {
			continue
		}
		if err := pv.add(ctx, "2026-02", d, v.cuv, v.cuv, 0, v.pcv, v.pcv, 0, v.custRev, v.partRev, v.custOrders, v.orders); err != nil {
			b.Fatal(err)
		}
	}
	if err := pv.flush(ctx); err != nil {
		b.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	if db.dialect == Postgres {
		for _, t := range []string{"distributors", "distributor_history", "period_volumes"} {
			if _, err := db.wdb.Exec("ANALYZE " + t); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Logf("loaded %d distributors and the aggregates of %d orders in %.1fs", n, orders, time.Since(start).Seconds())
}

// benchVolume is one distributor's generated aggregate.
type benchVolume struct {
	cuv, pcv, custRev, partRev, custOrders, orders int64
}

// processCPU returns the user and system CPU time of this process: on a
// shared machine it says what the close costs when wall time does not.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
