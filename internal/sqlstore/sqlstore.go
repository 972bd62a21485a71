// Package sqlstore implements Downline's services on database/sql, for
// SQLite (the embedded default, pure Go driver modernc.org/sqlite) and
// PostgreSQL (pgx). The SQL is one portable subset that PostgreSQL-compatible
// distributed engines (CockroachDB, YugabyteDB) also run: WITH RECURSIVE,
// RETURNING, ON CONFLICT, window functions; no triggers, no stored
// procedures, no engine-specific functions. dialect.go is the only file that
// branches on the engine.
//
// Representation choices:
//   - Money and volume are BIGINT minor units of the programme currency.
//   - Timestamps are BIGINT microseconds since the Unix epoch, UTC. One
//     integer type behaves identically on every engine (no TEXT parsing on
//     SQLite, no session time zone on PostgreSQL), sorts correctly and
//     round-trips time.Time at microsecond precision, which is what
//     PostgreSQL's TIMESTAMPTZ would keep anyway.
//   - Periods are TEXT "YYYY-MM", which sort chronologically.
//
// Every exported method runs in one transaction: either everything it
// writes is committed or nothing is.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/downline/downline"
	"github.com/downline/downline/compliance"
	_ "github.com/jackc/pgx/v5/stdlib" // registers driver "pgx"
	_ "modernc.org/sqlite"             // registers driver "sqlite"
)

// DB is a Downline database. Create it with Open, then call Migrate.
type DB struct {
	// Now is the clock for every timestamp the store writes and for "the
	// current period" of moves and status changes. Tests replace it; it
	// defaults to time.Now.
	Now func() time.Time

	// ResaleGuard, when set, refuses resale-stock orders that fail the
	// TX-10 inventory-loading guard with these parameters (intake.go). nil
	// turns the guard off, as for imports of historical orders.
	ResaleGuard *compliance.Params

	dialect Dialect
	dsn     string
	// wdb takes every transaction that may write. On SQLite it opens
	// transactions with BEGIN IMMEDIATE so that two writers queue on the
	// busy timeout instead of failing to upgrade a read lock. rdb serves
	// read-only transactions; on PostgreSQL, and for an in-memory SQLite
	// database, it is the same pool as wdb.
	wdb *sql.DB
	rdb *sql.DB

	// catalogue is what order intake needs of the programme and the
	// products, loaded once (see catalogue.go).
	catalogue atomic.Pointer[catalogue]

	// stopCheckpoints ends the background WAL checkpoints of an SQLite
	// file (dialect.go); nil otherwise.
	stopCheckpoints func() error
}

// Open opens the database named by dsn: "sqlite:PATH" (a file, created when
// missing), "sqlite::memory:" (a private in-memory database, one
// connection), or a "postgres://" or "postgresql://" URL. It checks that
// the database answers but does not migrate it.
func Open(ctx context.Context, dsn string) (*DB, error) {
	db := &DB{Now: time.Now, dsn: dsn}
	if err := db.open(dsn); err != nil {
		if downline.ErrorCode(err) == downline.CodeInvalid {
			return nil, err
		}
		return nil, fmt.Errorf("open %s: %w", redactDSN(dsn), err)
	}
	if err := db.wdb.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", redactDSN(dsn), err)
	}
	return db, nil
}

// Close closes the database's connections.
func (db *DB) Close() error {
	var err error
	if db.stopCheckpoints != nil {
		err = db.stopCheckpoints()
	}
	if db.rdb != nil && db.rdb != db.wdb {
		err = errors.Join(err, db.rdb.Close())
	}
	if db.wdb != nil {
		err = errors.Join(err, db.wdb.Close())
	}
	return err
}

// Dialect returns the SQL engine behind db.
func (db *DB) Dialect() Dialect { return db.dialect }

// SQL returns the connection pool for writes, for tests and tools that need
// to run their own queries (use Rebind for placeholders).
func (db *DB) SQL() *sql.DB { return db.wdb }

// Tx is one store transaction. Every timestamp written in it is now, read
// once from DB.Now when the transaction starts. Its exec, query and
// queryRow methods take "?" placeholders and rebind them for the engine.
type Tx struct {
	*sql.Tx
	db  *DB
	now time.Time
}

// beginTx starts a transaction for writing (write=true) or reading.
func (db *DB) beginTx(ctx context.Context, write bool) (*Tx, error) {
	pool, opts := db.rdb, db.readTxOptions()
	if write {
		pool, opts = db.wdb, nil
	}
	tx, err := pool.BeginTx(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("begin transaction: %w", err)
	}
	return &Tx{Tx: tx, db: db, now: db.Now().UTC().Truncate(time.Microsecond)}, nil
}

func (tx *Tx) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return tx.ExecContext(ctx, tx.db.Rebind(query), args...)
}

func (tx *Tx) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return tx.QueryContext(ctx, tx.db.Rebind(query), args...)
}

func (tx *Tx) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return tx.QueryRowContext(ctx, tx.db.Rebind(query), args...)
}

// readRow runs one read-only statement on the reader pool outside an
// explicit transaction. A single statement reads one consistent snapshot
// by itself; skipping BEGIN and ROLLBACK (and database/sql's goroutine per
// transaction) makes a point lookup on a hot path much cheaper.
func (db *DB) readRow(ctx context.Context, query string, args ...any) *sql.Row {
	return db.rdb.QueryRowContext(ctx, db.Rebind(query), args...)
}

func (tx *Tx) prepare(ctx context.Context, query string) (*sql.Stmt, error) {
	return tx.PrepareContext(ctx, tx.db.Rebind(query))
}

// encodeTime converts t to the stored representation: microseconds since
// the Unix epoch, UTC.
func encodeTime(t time.Time) int64 { return t.UnixMicro() }

// decodeTime converts a stored timestamp back to a UTC time.Time.
func decodeTime(us int64) time.Time { return time.UnixMicro(us).UTC() }

// nullID stores a zero id as NULL.
func nullID[T ~int64](id T) sql.NullInt64 {
	return sql.NullInt64{Int64: int64(id), Valid: id != 0}
}
