package sqlref_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"

	"github.com/downline/downline/internal/sqlref"
)

// forEachDB runs f on a fresh SQLite database and, when
// DOWNLINE_TEST_POSTGRES_DSN is set, on a fresh PostgreSQL schema. With
// DOWNLINE_TEST_POSTGRES_REQUIRED=1 a missing DSN fails the test.
func forEachDB(t *testing.T, f func(t *testing.T, r *sqlref.Ref)) {
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "ref.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		r, err := sqlref.New(db, "sqlite")
		if err != nil {
			t.Fatal(err)
		}
		f(t, r)
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		db := openPostgres(t)
		r, err := sqlref.New(db, "pgx")
		if err != nil {
			t.Fatal(err)
		}
		f(t, r)
	})
}

// openPostgres opens a connection pool on a schema of its own, dropped when
// the test ends.
func openPostgres(t *testing.T) *sql.DB {
	t.Helper()
	dsn := os.Getenv("DOWNLINE_TEST_POSTGRES_DSN")
	if dsn == "" {
		if os.Getenv("DOWNLINE_TEST_POSTGRES_REQUIRED") == "1" {
			t.Fatal("DOWNLINE_TEST_POSTGRES_REQUIRED=1 but DOWNLINE_TEST_POSTGRES_DSN is not set")
		}
		t.Skip("PostgreSQL tests skipped: set DOWNLINE_TEST_POSTGRES_DSN (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable)")
	}
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatalf("open %s: %v", dsn, err)
	}
	t.Cleanup(func() { admin.Close() })
	var b [6]byte
	rand.Read(b[:])
	schema := "sqlref_test_" + hex.EncodeToString(b[:])
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() { admin.Exec("DROP SCHEMA " + schema + " CASCADE") })
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	db, err := sql.Open("pgx", dsn+sep+"search_path="+schema)
	if err != nil {
		t.Fatalf("open %s: %v", dsn, err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// The worked example: the tree 1 ─┬─ 2 ── 4 ── 5
//
//	└─ 3
//
// with active rule CuV ≥ 100.00, RPCV share 1/3 (≤ CuV/2) capped at 120.00,
// unilevel 10 %, 5 % on CuV + RPCV.
var (
	exampleTree = []sqlref.Distributor{
		{ID: 1, InGoodStanding: true}, {ID: 2, SponsorID: 1, InGoodStanding: true},
		{ID: 3, SponsorID: 1, InGoodStanding: true}, {ID: 4, SponsorID: 2, InGoodStanding: true},
		{ID: 5, SponsorID: 4, InGoodStanding: true},
	}
	exampleOrders = []sqlref.Order{
		{DistributorID: 1, Purpose: "customer_direct", CV: 10000},
		{DistributorID: 2, Purpose: "customer_direct", CV: 5000},
		{DistributorID: 3, Purpose: "customer_direct", CV: 15},
		{DistributorID: 4, Purpose: "customer_direct", CV: 20000},
		{DistributorID: 4, Purpose: "personal_use", CV: 15000},
		{DistributorID: 5, Purpose: "customer_direct", CV: 30000},
		{DistributorID: 5, Purpose: "customer_direct", CV: 10000},
		{DistributorID: 5, Purpose: "customer_direct", CV: -10000, Refund: true},
		{DistributorID: 5, Purpose: "personal_use", CV: 5000},
		{DistributorID: 5, Purpose: "resale_stock", CV: 8000},
		{DistributorID: 5, Purpose: "receipted_resale", CV: 2000},
		{DistributorID: 5, Purpose: "non_commissionable", CV: 900},
	}
	exampleParams = sqlref.Params{
		ReceiptedResale: true,
		PersonalUse:     &sqlref.PersonalUse{Cap: 12000, Share: sqlref.Rate{Num: 1, Den: 3}},
		MinCuV:          10000,
		Unilevel: &sqlref.Unilevel{
			Levels:      []sqlref.Rate{{Num: 1, Den: 10}, {Num: 1, Den: 20}},
			Compression: true, PayInactiveSellers: true, BasisCuV: true, BasisRPCV: true,
		},
	}
)

func TestWorkedExample(t *testing.T) {
	t.Parallel()
	// Volumes (cents):
	//   1: CuV 10000, PV 10000, active.
	//   2: CuV 5000 < 10000: inactive.  3: CuV 15: inactive.
	//   4: CuV 20000, PCV 15000, RPCV = min(15000, 12000, 20000/2) = 10000, PV 30000.
	//   5: CuV 30000+10000−10000+2000 (receipted) = 32000; resale stock and
	//      non-commissionable ignored; PCV 5000 ≤ 16000: RPCV 5000; PV 37000;
	//      customer orders 1+1−1+1 = 2.
	// GV: 5 = 37000; 4 = 67000; 2 = 72000; 3 = 15; 1 = 10000+72000+15 = 82015.
	wantVolumes := []sqlref.Volume{
		{ID: 1, CuV: 10000, PV: 10000, GV: 82015, CustomerOrders: 1, Active: true},
		{ID: 2, CuV: 5000, PV: 5000, GV: 72000, CustomerOrders: 1},
		{ID: 3, CuV: 15, PV: 15, GV: 15, CustomerOrders: 1},
		{ID: 4, CuV: 20000, PCV: 15000, RPCV: 10000, PV: 30000, GV: 67000, CustomerOrders: 1, Active: true},
		{ID: 5, CuV: 32000, PCV: 5000, RPCV: 5000, PV: 37000, GV: 37000, CustomerOrders: 2, Active: true},
	}
	tests := []struct {
		name      string
		edit      func(u *sqlref.Unilevel)
		lines     []sqlref.Line
		earnings1 int64
		earnings4 int64
	}{
		{
			// Compression: seller 5 pays 4 at level 1 (37000 × 10 % = 3700),
			// skips inactive 2, pays 1 at level 2 (37000 × 5 % = 1850).
			// Seller 4: 2 skipped, 1 at level 1: 30000 × 10 % = 3000.
			// Seller 2 (inactive, still generates): 1 at level 1: 500.
			// Seller 3: 15 × 10 % = 1.5 → 2 (half away from zero).
			name: "dynamic compression",
			lines: []sqlref.Line{
				{Earner: 1, Seller: 2, Level: 1, CompressedLevel: 1, Basis: 5000, Amount: 500},
				{Earner: 1, Seller: 3, Level: 1, CompressedLevel: 1, Basis: 15, Amount: 2},
				{Earner: 1, Seller: 4, Level: 2, CompressedLevel: 1, Basis: 30000, Amount: 3000},
				{Earner: 1, Seller: 5, Level: 3, CompressedLevel: 2, Basis: 37000, Amount: 1850},
				{Earner: 4, Seller: 5, Level: 1, CompressedLevel: 1, Basis: 37000, Amount: 3700},
			},
			earnings1: 500 + 2 + 3000 + 1850, earnings4: 3700,
		},
		{
			// No compression: seller 5's level 2 is inactive 2 (breakage);
			// seller 4's level 2 is 1: 30000 × 5 % = 1500.
			name: "no compression",
			edit: func(u *sqlref.Unilevel) { u.Compression = false },
			lines: []sqlref.Line{
				{Earner: 1, Seller: 2, Level: 1, CompressedLevel: 1, Basis: 5000, Amount: 500},
				{Earner: 1, Seller: 3, Level: 1, CompressedLevel: 1, Basis: 15, Amount: 2},
				{Earner: 1, Seller: 4, Level: 2, CompressedLevel: 2, Basis: 30000, Amount: 1500},
				{Earner: 4, Seller: 5, Level: 1, CompressedLevel: 1, Basis: 37000, Amount: 3700},
			},
			earnings1: 500 + 2 + 1500, earnings4: 3700,
		},
		{
			// Inactive sellers 2 and 3 generate nothing; CuV basis only.
			name: "active sellers, cuv basis",
			edit: func(u *sqlref.Unilevel) { u.PayInactiveSellers = false; u.BasisRPCV = false },
			lines: []sqlref.Line{
				{Earner: 1, Seller: 4, Level: 2, CompressedLevel: 1, Basis: 20000, Amount: 2000},
				{Earner: 1, Seller: 5, Level: 3, CompressedLevel: 2, Basis: 32000, Amount: 1600},
				{Earner: 4, Seller: 5, Level: 1, CompressedLevel: 1, Basis: 32000, Amount: 3200},
			},
			earnings1: 2000 + 1600, earnings4: 3200,
		},
	}
	forEachDB(t, func(t *testing.T, r *sqlref.Ref) {
		ctx := context.Background()
		if err := r.Load(ctx, slices.Values(exampleTree), slices.Values(exampleOrders)); err != nil {
			t.Fatal(err)
		}
		for _, tt := range tests {
			p := exampleParams
			u := *p.Unilevel
			if tt.edit != nil {
				tt.edit(&u)
			}
			p.Unilevel = &u
			got, err := r.Compute(ctx, p)
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			want := slices.Clone(wantVolumes)
			want[0].Unilevel, want[3].Unilevel = tt.earnings1, tt.earnings4
			if diff := cmp.Diff(want, got.Distributors); diff != "" {
				t.Errorf("%s: volumes diff (-want +got):\n%s", tt.name, diff)
			}
			if diff := cmp.Diff(tt.lines, got.Lines); diff != "" {
				t.Errorf("%s: lines diff (-want +got):\n%s", tt.name, diff)
			}
		}
	})
}

func TestParamsErrors(t *testing.T) {
	t.Parallel()
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	r, err := sqlref.New(db, "sqlite")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []sqlref.Params{
		{Unilevel: &sqlref.Unilevel{}},
		{Unilevel: &sqlref.Unilevel{Levels: []sqlref.Rate{{Num: 3, Den: 2}}}},
		{PersonalUse: &sqlref.PersonalUse{Share: sqlref.Rate{Num: 1}}},
	} {
		if _, err := r.Compute(context.Background(), p); err == nil {
			t.Errorf("Compute(%+v) succeeded, want an error", p)
		}
	}
	if _, err := sqlref.New(db, "mysql"); err == nil {
		t.Errorf("New(mysql) succeeded, want an error")
	}
}
