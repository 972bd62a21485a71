package sqlstore_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/downline/downline"
	"github.com/downline/downline/internal/sqlstore"
	"github.com/downline/downline/internal/sqlstore/sqlstoretest"
	"github.com/google/go-cmp/cmp"
)

var forEachDB = sqlstoretest.ForEachDB

// ctx is the context of every store call in tests.
var ctx = context.Background()

// TestMigrationNameParity checks that the SQLite and PostgreSQL migration
// directories hold the same file names, so neither engine misses a change.
func TestMigrationNameParity(t *testing.T) {
	names := func(dir string) []string {
		var out []string
		err := fs.WalkDir(os.DirFS(dir), ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() {
				out = append(out, p)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	lite, pg := names(filepath.Join("migrations", "sqlite")), names(filepath.Join("migrations", "postgres"))
	if len(lite) == 0 {
		t.Fatal("no migrations found")
	}
	if diff := cmp.Diff(lite, pg); diff != "" {
		t.Errorf("migration names differ (-sqlite +postgres):\n%s", diff)
	}
	for _, d := range []sqlstore.Dialect{sqlstore.SQLite, sqlstore.Postgres} {
		if _, err := sqlstore.Migrations(d); err != nil {
			t.Errorf("Migrations(%s): %v", d, err)
		}
	}
}

func TestMigrateTwice(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *sqlstore.DB) {
		applied, err := db.Migrate(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(applied) != 0 {
			t.Errorf("second Migrate applied %v, want nothing", applied)
		}
	})
}

func TestOpenRejectsUnknownDSN(t *testing.T) {
	_, err := sqlstore.Open(ctx, "mysql://localhost/x")
	if downline.ErrorCode(err) != downline.CodeInvalid {
		t.Errorf("Open(mysql://…) error = %v, want CodeInvalid", err)
	}
}

func TestOpenMemory(t *testing.T) {
	db, err := sqlstore.Open(ctx, "sqlite::memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	mustProgramme(t, db)
	if _, n, err := db.FindDistributors(ctx, downline.DistributorFilter{}); err != nil || n != 0 {
		t.Errorf("FindDistributors on a new database = %d, %v, want 0, nil", n, err)
	}
}

// testProgramme is the programme of every store test: EUR, monthly, Berlin.
func testProgramme() *downline.Programme {
	return &downline.Programme{Name: "Acme Partners", Currency: "EUR", PeriodLength: downline.PeriodMonthly,
		TimeZone: "Europe/Berlin", LandingURL: "https://acme.example/join"}
}

func mustProgramme(tb testing.TB, db *sqlstore.DB) {
	tb.Helper()
	if err := db.CreateProgramme(ctx, testProgramme()); err != nil {
		tb.Fatal(err)
	}
}

func TestProgramme(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *sqlstore.DB) {
		if _, err := db.FindProgramme(ctx); downline.ErrorCode(err) != downline.CodeNotFound {
			t.Fatalf("FindProgramme on empty db error = %v, want CodeNotFound", err)
		}
		mustProgramme(t, db)
		mustProgramme(t, db) // same content: no-op
		other := testProgramme()
		other.Currency = "USD"
		if err := db.CreateProgramme(ctx, other); downline.ErrorCode(err) != downline.CodeConflict {
			t.Errorf("CreateProgramme(other currency) error = %v, want CodeConflict", err)
		}
		got, err := db.FindProgramme(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := testProgramme()
		want.CreatedAt, want.UpdatedAt = sqlstoretest.Now, sqlstoretest.Now
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("FindProgramme (-want +got):\n%s", diff)
		}
		name := "Acme Partner Programme"
		upd, err := db.UpdateProgramme(ctx, downline.ProgrammeUpdate{Name: &name})
		if err != nil || upd.Name != name {
			t.Errorf("UpdateProgramme = %+v, %v", upd, err)
		}
	})
}

// at returns a UTC time on day d of month m in 2026, at noon.
func at(m time.Month, d int) time.Time { return time.Date(2026, m, d, 12, 0, 0, 0, time.UTC) }
