package sqlstore_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/downline/downline"
	"github.com/downline/downline/internal/sqlstore"
	"github.com/downline/downline/internal/sqlstore/sqlstoretest"
)

// benchDBs returns SQLite and, when configured, PostgreSQL for benchmarks.
func benchDBs(b *testing.B, fn func(b *testing.B, db *sqlstore.DB)) {
	b.Run("sqlite", func(b *testing.B) { fn(b, sqlstoretest.OpenSQLite(b)) })
	b.Run("postgres", func(b *testing.B) {
		db, ok := sqlstoretest.OpenPostgres(b)
		if !ok {
			b.Skip("DOWNLINE_TEST_POSTGRES_DSN not set")
		}
		fn(b, db)
	})
}

// BenchmarkCreateDistributors measures batch import of distributors in
// batches of 1,000, each sponsored by an earlier one.
func BenchmarkCreateDistributors(b *testing.B) {
	benchDBs(b, func(b *testing.B, db *sqlstore.DB) {
		mustProgramme(b, db)
		n := 0
		b.ResetTimer()
		for b.Loop() {
			batch := make([]*downline.Distributor, 1000)
			for i := range batch {
				n++
				sponsor := ""
				if n > 1 {
					sponsor = fmt.Sprintf("D%d", n/3+1)
				}
				batch[i] = &downline.Distributor{ExternalID: fmt.Sprintf("D%d", n), SponsorRef: sponsor, JoinedAt: at(1, 1), Country: "DE"}
			}
			if err := db.CreateDistributors(ctx, batch); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N*1000)/b.Elapsed().Seconds(), "distributors/s")
	})
}

// BenchmarkCreateOrders measures batch ingestion of two-line customer
// orders, 1,000 per batch, with the volume aggregates.
func BenchmarkCreateOrders(b *testing.B) {
	benchDBs(b, func(b *testing.B, db *sqlstore.DB) {
		seed(b, db)
		var cs []*downline.Customer
		for i := range 200 {
			cs = append(cs, &downline.Customer{ExternalID: fmt.Sprintf("BC%d", i), Name: "Customer", DistributorRef: []string{"R", "A", "B"}[i%3],
				Attribution: downline.AttributionImport})
		}
		if err := db.CreateCustomers(ctx, cs); err != nil {
			b.Fatal(err)
		}
		n := 0
		b.ResetTimer()
		for b.Loop() {
			batch := make([]*downline.Order, 1000)
			for i := range batch {
				n++
				o := customerOrder(fmt.Sprintf("BO%d", n), fmt.Sprintf("BC%d", n%200), "SUP", 1, at(time.Month(1+n%6), 1+n%28))
				o.Lines = append(o.Lines, &downline.OrderLine{ProductRef: "SEAT", Quantity: 5, UnitPrice: 300})
				batch[i] = o
			}
			if err := db.CreateOrders(ctx, batch); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N*1000)/b.Elapsed().Seconds(), "orders/s")
	})
}

// BenchmarkSponsorTreeAt measures streaming the tree at a period end for
// 100,000 distributors, 1 % of them moved in the period.
func BenchmarkSponsorTreeAt(b *testing.B) {
	benchDBs(b, func(b *testing.B, db *sqlstore.DB) {
		mustProgramme(b, db)
		const n = 100_000
		batch := make([]*downline.Distributor, 0, 10_000)
		for i := 1; i <= n; i++ {
			sponsor := ""
			if i > 1 {
				sponsor = fmt.Sprintf("D%d", i/4+1)
			}
			batch = append(batch, &downline.Distributor{ExternalID: fmt.Sprintf("D%d", i), SponsorRef: sponsor, JoinedAt: at(1, 1)})
			if len(batch) == cap(batch) {
				mustDistributors(b, db, batch...)
				batch = batch[:0]
			}
		}
		root := downline.DistributorID(1)
		for i := 1000; i < n; i += 100 {
			if _, err := db.MoveDistributor(ctx, downline.DistributorID(i), downline.DistributorMove{SponsorID: &root}); err != nil {
				b.Fatal(err)
			}
		}
		b.ResetTimer()
		for b.Loop() {
			rows := 0
			if err := db.SponsorTreeAt(ctx, "2026-03", func(downline.TreeNode) error { rows++; return nil }); err != nil {
				b.Fatal(err)
			}
			if rows != n {
				b.Fatalf("SponsorTreeAt streamed %d rows, want %d", rows, n)
			}
		}
		b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "nodes/s")
	})
}
