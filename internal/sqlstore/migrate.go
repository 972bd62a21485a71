package sqlstore

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

//go:embed migrations
var migrationFS embed.FS

// Migration is one embedded schema change, named NNNN_name.sql.
type Migration struct {
	Version int
	Name    string // the file name
	SQL     string
}

// Migrations returns the embedded migrations for dialect d in version
// order. Migration versions are unique; gaps are allowed, since several
// teams own ranges of numbers.
func Migrations(d Dialect) ([]Migration, error) {
	dir := migrationDir(d)
	entries, err := fs.ReadDir(migrationFS, dir)
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	var ms []Migration
	seen := map[int]string{}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || len(num) != 4 {
			return nil, fmt.Errorf("migration %s: name must be NNNN_name.sql", e.Name())
		}
		if other, dup := seen[v]; dup {
			return nil, fmt.Errorf("migrations %s and %s share version %d", other, e.Name(), v)
		}
		seen[v] = e.Name()
		b, err := fs.ReadFile(migrationFS, path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("read migration %s: %w", e.Name(), err)
		}
		ms = append(ms, Migration{Version: v, Name: e.Name(), SQL: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Version < ms[j].Version })
	return ms, nil
}

// Migrate applies every embedded migration not yet recorded in
// schema_migrations, in version order, each in its own transaction
// together with its schema_migrations row. It returns the names of the
// migrations it applied. Running it again applies nothing.
func (db *DB) Migrate(ctx context.Context) ([]string, error) {
	if _, err := db.wdb.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version BIGINT PRIMARY KEY,
		name TEXT NOT NULL,
		applied_at BIGINT NOT NULL
	)`); err != nil {
		return nil, fmt.Errorf("migrate: create schema_migrations: %w", err)
	}
	ms, err := Migrations(db.dialect)
	if err != nil {
		return nil, err
	}
	applied := map[int]bool{}
	rows, err := db.wdb.QueryContext(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return nil, fmt.Errorf("migrate: read schema_migrations: %w", err)
	}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return nil, fmt.Errorf("migrate: read schema_migrations: %w", err)
		}
		applied[v] = true
	}
	if err := rows.Close(); err != nil {
		return nil, fmt.Errorf("migrate: read schema_migrations: %w", err)
	}
	var done []string
	for _, m := range ms {
		if applied[m.Version] {
			continue
		}
		if err := db.applyMigration(ctx, m); err != nil {
			return done, err
		}
		done = append(done, m.Name)
	}
	return done, nil
}

func (db *DB) applyMigration(ctx context.Context, m Migration) error {
	tx, err := db.beginTx(ctx, true)
	if err != nil {
		return fmt.Errorf("migrate %s: %w", m.Name, err)
	}
	defer tx.Rollback()
	// One call per file: without arguments both drivers run every
	// statement of it (pgx uses the simple protocol), which costs one round
	// trip instead of one per statement.
	if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
		return fmt.Errorf("migrate %s: %w", m.Name, err)
	}
	if _, err := tx.exec(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
		m.Version, m.Name, encodeTime(tx.now)); err != nil {
		return fmt.Errorf("migrate %s: record: %w", m.Name, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrate %s: commit: %w", m.Name, err)
	}
	return nil
}
