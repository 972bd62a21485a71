// Package sqlstoretest opens real, migrated sqlstore databases for tests:
// SQLite in a temporary directory always, and PostgreSQL when
// DOWNLINE_TEST_POSTGRES_DSN is set, each test in a fresh schema that is
// dropped afterwards. With DOWNLINE_TEST_POSTGRES_REQUIRED=1 a missing or
// unreachable PostgreSQL fails the test instead of skipping it.
package sqlstoretest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/downline/downline/internal/sqlstore"
)

// The environment variables that configure PostgreSQL tests.
const (
	PostgresDSNEnv      = "DOWNLINE_TEST_POSTGRES_DSN"
	PostgresRequiredEnv = "DOWNLINE_TEST_POSTGRES_REQUIRED"
)

// Now is the fixed clock of databases opened here: 2026-03-15 12:00 UTC.
var Now = time.Date(2026, 3, 15, 12, 0, 0, 0, time.UTC)

// OpenSQLite returns a migrated SQLite database in tb.TempDir(), closed
// when the test ends. Its clock is fixed at Now.
func OpenSQLite(tb testing.TB) *sqlstore.DB {
	tb.Helper()
	return openAndMigrate(tb, "sqlite:"+filepath.Join(tb.TempDir(), "downline.db"))
}

// OpenPostgres returns a migrated PostgreSQL database in a fresh schema,
// dropped when the test ends, and true; or nil and false when
// DOWNLINE_TEST_POSTGRES_DSN is unset (the test is failed instead when
// DOWNLINE_TEST_POSTGRES_REQUIRED=1). Its clock is fixed at Now.
func OpenPostgres(tb testing.TB) (*sqlstore.DB, bool) {
	tb.Helper()
	dsn := os.Getenv(PostgresDSNEnv)
	required := os.Getenv(PostgresRequiredEnv) == "1"
	if dsn == "" {
		if required {
			tb.Fatalf("%s=1 but %s is not set", PostgresRequiredEnv, PostgresDSNEnv)
		}
		return nil, false
	}
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		tb.Fatalf("open %s: %v", PostgresDSNEnv, err)
	}
	tb.Cleanup(func() { admin.Close() })
	ctx := context.Background()
	if err := admin.PingContext(ctx); err != nil {
		tb.Fatalf("PostgreSQL at %s is unreachable: %v", PostgresDSNEnv, err)
	}
	var b [8]byte
	rand.Read(b[:])
	schema := "test_" + hex.EncodeToString(b[:])
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		tb.Fatalf("create schema: %v", err)
	}
	tb.Cleanup(func() {
		if _, err := admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			tb.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(dsn)
	if err != nil {
		tb.Fatalf("parse %s: %v", PostgresDSNEnv, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return openAndMigrate(tb, u.String()), true
}

func openAndMigrate(tb testing.TB, dsn string) *sqlstore.DB {
	tb.Helper()
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, dsn)
	if err != nil {
		tb.Fatalf("open: %v", err)
	}
	// Registered after the schema cleanup, so it runs before the drop.
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Errorf("close: %v", err)
		}
	})
	db.Now = func() time.Time { return Now }
	if _, err := db.Migrate(ctx); err != nil {
		tb.Fatalf("migrate: %v", err)
	}
	return db
}

// ForEachDB runs fn as a subtest on SQLite and, when configured, on
// PostgreSQL, each with a fresh database. Subtests run in parallel.
func ForEachDB(t *testing.T, fn func(t *testing.T, db *sqlstore.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		fn(t, OpenSQLite(t))
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		db, ok := OpenPostgres(t)
		if !ok {
			t.Skipf("%s not set", PostgresDSNEnv)
		}
		fn(t, db)
	})
}
