package sqlstore

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/downline/downline"
)

// BenchmarkVerificationReversal measures what dominates a rejection in a
// closed period: finding the lines the close built on the seller's volume
// (clawbackLines). Size from DOWNLINE_BENCH_DISTRIBUTORS (default
// 20,000), as BenchmarkClose.
//
// Measured 2026-11-28 on the shared 2-core machine (other work running,
// so ±50 %), 8 lines reversed. Scanning the whole closed run (about 11 µs
// per distributor): 20,000 distributors SQLite 295 ms, PostgreSQL 560 ms;
// 100,000 SQLite 1.07 s, PostgreSQL 0.83 s. Reading only the seller's
// upline rows at the period's end and decoding only their lines on the
// seller: 20,000 SQLite 10 ms, PostgreSQL 15 ms; 100,000 SQLite 21–78 ms,
// PostgreSQL 45 ms. What is left is linear in the lines of the upline
// rows: in this random tree the root's row holds lines on most of its
// seven-level subtree, so the cost still grows with the run, 20 to 50
// times more slowly.
func BenchmarkVerificationReversal(b *testing.B) {
	n := benchEnv("DOWNLINE_BENCH_DISTRIBUTORS", 20000)
	for _, engine := range []string{"sqlite", "postgres"} {
		b.Run(engine, func(b *testing.B) {
			dsn := "sqlite:" + filepath.Join(b.TempDir(), "bench.db")
			if engine == "postgres" {
				pg := os.Getenv("DOWNLINE_TEST_POSTGRES_DSN")
				if pg == "" {
					b.Skip("DOWNLINE_TEST_POSTGRES_DSN not set")
				}
				dsn = benchSchema(b, pg)
			}
			db := benchOpen(b, dsn)
			loadBenchData(b, db, n, 10*n)
			ctx := context.Background()
			if _, err := db.CloseRun(ctx, "2026-02", downline.RunOptions{HoldDays: -1}); err != nil {
				b.Fatal(err)
			}
			var seller downline.DistributorID
			if err := db.wdb.QueryRow(`SELECT distributor_id FROM period_volumes WHERE period = '2026-02' ORDER BY cuv DESC LIMIT 1`).Scan(&seller); err != nil {
				b.Fatal(err)
			}
			lines := 0
			for b.Loop() {
				tx, err := db.beginTx(ctx, false)
				if err != nil {
					b.Fatal(err)
				}
				cs, err := clawbackLines(ctx, tx, []refundedOrder{{order: 1, refundRef: "bench", seller: seller, orderPeriod: "2026-02",
					purpose: downline.PurposeCustomerDirect, customer: true, cv: 10000}})
				tx.Rollback()
				if err != nil || len(cs) != 1 {
					b.Fatalf("clawback lines: %v, %v", cs, err)
				}
				lines = len(cs[0].lines)
			}
			b.ReportMetric(float64(n), "distributors")
			b.ReportMetric(float64(lines), "reversed-lines")
		})
	}
}
