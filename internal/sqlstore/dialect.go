package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/downline/downline"
	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
)

// Dialect is an SQL engine. This file is the only one that branches on it.
type Dialect int

// The supported engines.
const (
	SQLite Dialect = iota + 1
	Postgres
)

// String returns "sqlite" or "postgres".
func (d Dialect) String() string {
	switch d {
	case SQLite:
		return "sqlite"
	case Postgres:
		return "postgres"
	}
	return "unknown"
}

// open opens the pools for dsn and sets the dialect.
func (db *DB) open(dsn string) error {
	switch {
	case strings.HasPrefix(dsn, "sqlite:"):
		db.dialect = SQLite
		return db.openSQLite(strings.TrimPrefix(dsn, "sqlite:"))
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		db.dialect = Postgres
		return db.openPostgres(dsn)
	}
	return downline.Errorf(downline.CodeInvalid, "database %q must be sqlite:PATH or a postgres:// URL", redactDSN(dsn))
}

// readTxOptions returns the options of read-only transactions: READ ONLY
// on PostgreSQL; none on SQLite, whose reader pool is query_only.
func (db *DB) readTxOptions() *sql.TxOptions {
	if db.dialect == Postgres {
		return &sql.TxOptions{ReadOnly: true}
	}
	return nil
}

// migrationDir returns the embedded directory of d's migrations.
func migrationDir(d Dialect) string {
	if d == Postgres {
		return "migrations/postgres"
	}
	return "migrations/sqlite"
}

// sqliteBusyTimeout is how long an SQLite writer waits for another, in
// milliseconds.
const sqliteBusyTimeout = 10000

// Both SQLite pools keep each connection's recent statements prepared (see
// stmtcache.go); pgx does the same on PostgreSQL by itself.
func (db *DB) openSQLite(path string) error {
	if path == "" {
		return errors.New("empty sqlite path")
	}
	pragmas := "_pragma=foreign_keys(1)&_pragma=busy_timeout(" + strconv.Itoa(sqliteBusyTimeout) + ")"
	if path == ":memory:" {
		// Every connection to :memory: is a database of its own, so an
		// in-memory store is one connection, shared by readers and writers.
		w, err := openCached("sqlite", "file::memory:?"+pragmas)
		if err != nil {
			return err
		}
		w.SetMaxOpenConns(1)
		db.wdb, db.rdb = w, w
		return nil
	}
	file := "file:" + (&url.URL{Path: path}).EscapedPath()
	common := pragmas + "&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)"
	// The writer checkpoints only as a backstop (walBackstopPages); the
	// checkpointer below does it in the background, off the commits.
	w, err := openCached("sqlite", file+"?"+common+"&_txlock=immediate&_pragma=wal_autocheckpoint("+
		strconv.Itoa(walBackstopPages)+")")
	if err != nil {
		return err
	}
	// One writer connection: SQLite serialises writers anyway, and queueing
	// in the pool is cheaper than spinning on the busy timeout.
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	r, err := openCached("sqlite", file+"?"+common+"&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		return err
	}
	// Keep every reader open: database/sql keeps only 2 idle connections
	// by default, and reopening one costs its pragmas and its statements.
	r.SetMaxOpenConns(8)
	r.SetMaxIdleConns(8)
	c, err := sql.Open("sqlite", file+"?"+common)
	if err != nil {
		w.Close()
		r.Close()
		return err
	}
	c.SetMaxOpenConns(1)
	db.wdb, db.rdb = w, r
	db.stopCheckpoints = startCheckpointer(c, walCheckpointEvery)
	return nil
}

// SQLite in WAL mode copies committed pages back into the database file in
// checkpoints. By default the commit that takes the log past 1,000 pages
// runs one, inside the writer's turn; the store instead runs a PASSIVE
// checkpoint every walCheckpointEvery on a connection of its own, which
// readers and the writer do not wait for. walBackstopPages lets the writer
// checkpoint still when the log grows that long anyway (a reader held
// the log, or the background ones fell behind).
const (
	walCheckpointEvery = 100 * time.Millisecond
	walBackstopPages   = 20000
)

// startCheckpointer checkpoints c's database every interval until the
// returned function is called; that function waits for the last
// checkpoint and closes c.
func startCheckpointer(c *sql.DB, every time.Duration) func() error {
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				// A failed checkpoint (busy, or the file is gone) is
				// tried again at the next tick; the backstop bounds the log.
				c.Exec("PRAGMA wal_checkpoint(PASSIVE)")
			}
		}
	}()
	return sync.OnceValue(func() error {
		close(stop)
		<-done
		return c.Close()
	})
}

func (db *DB) openPostgres(dsn string) error {
	p, err := sql.Open("pgx", dsn)
	if err != nil {
		return err
	}
	p.SetMaxOpenConns(16)
	db.wdb, db.rdb = p, p
	return nil
}

// Rebind rewrites "?" placeholders as "$1", "$2", … for PostgreSQL and
// returns query unchanged for SQLite. Question marks inside string literals
// are left alone.
func (db *DB) Rebind(query string) string {
	if db.dialect != Postgres || !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 16)
	n, inString := 0, false
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case c == '\'':
			inString = !inString
		case c == '?' && !inString:
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// Extended SQLite result codes (sqlite3.h).
const (
	sqliteConstraintCheck      = 275
	sqliteConstraintForeignKey = 787
	sqliteConstraintNotNull    = 1299
	sqliteConstraintPrimaryKey = 1555
	sqliteConstraintUnique     = 2067
)

// constraintKind classifies a driver error by its code, never its message.
type constraintKind int

const (
	notConstraint constraintKind = iota
	uniqueViolation
	foreignKeyViolation
	checkViolation
)

func classify(err error) constraintKind {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqliteConstraintUnique, sqliteConstraintPrimaryKey:
			return uniqueViolation
		case sqliteConstraintForeignKey:
			return foreignKeyViolation
		case sqliteConstraintCheck, sqliteConstraintNotNull:
			return checkViolation
		}
		return notConstraint
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "23505":
			return uniqueViolation
		case "23503":
			return foreignKeyViolation
		case "23514", "23502":
			return checkViolation
		}
	}
	return notConstraint
}

// mapError turns a constraint violation into a user-safe *downline.Error
// about what (for example `order "INV-7"`): a unique violation is
// CodeConflict, a foreign-key or check violation CodeInvalid. The driver
// error stays in the chain for classify. Other errors are returned
// unchanged.
func mapError(err error, what string) error {
	var e *downline.Error
	switch classify(err) {
	case uniqueViolation:
		e = downline.Errorf(downline.CodeConflict, "%s clashes with an existing record", what)
	case foreignKeyViolation:
		e = downline.Errorf(downline.CodeInvalid, "%s refers to a record that does not exist", what)
	case checkViolation:
		e = downline.Errorf(downline.CodeInvalid, "%s breaks a rule of the database", what)
	default:
		return err
	}
	return &constraintError{err: e, cause: err}
}

// constraintError is a mapped constraint violation: errors.As finds both
// the *downline.Error and the driver error.
type constraintError struct {
	err   *downline.Error
	cause error
}

func (e *constraintError) Error() string   { return e.err.Error() }
func (e *constraintError) Unwrap() []error { return []error{e.err, e.cause} }

// retryOnUniqueViolation runs fn again, once, when it fails with a unique
// violation. On PostgreSQL that means a concurrent transaction stored a
// record with the same external id between our lookup and our insert; the
// second run finds it and applies the idempotency rule (no-op or
// CodeConflict) instead of failing with a raw constraint error. SQLite
// serialises writers, so there the second run never happens.
func retryOnUniqueViolation(fn func() error) error {
	err := fn()
	if err != nil && classify(err) == uniqueViolation {
		err = fn()
	}
	return err
}

// redactDSN hides a password in a PostgreSQL URL.
func redactDSN(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return dsn
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// gateLockSQL returns the statement that takes the period gate row, in
// exclusive mode for a close, in share mode for ingestion; "" on SQLite,
// whose write transactions are serialised already (BEGIN IMMEDIATE).
func (db *DB) gateLockSQL(exclusive bool) string {
	if db.dialect != Postgres {
		return ""
	}
	if exclusive {
		return "SELECT id FROM period_gate WHERE id = 1 FOR UPDATE"
	}
	return "SELECT id FROM period_gate WHERE id = 1 FOR SHARE"
}

// beginRunTx starts the write transaction of a run. On PostgreSQL a
// preview is REPEATABLE READ, so that every statement reads one snapshot,
// and a close is READ COMMITTED behind the exclusive period gate (see
// closeGate); SQLite's write transaction is serialised anyway.
func (db *DB) beginRunTx(ctx context.Context, closing bool) (*Tx, error) {
	if db.dialect != Postgres {
		tx, err := db.beginTx(ctx, true)
		if err != nil {
			return nil, err
		}
		// A close writes a million rows; a 256 MiB page cache keeps the
		// B-tree pages it revisits in memory instead of re-reading them
		// from the WAL. The setting stays on the one writer connection.
		if _, err := tx.ExecContext(ctx, `PRAGMA cache_size = -262144`); err != nil {
			tx.Rollback()
			return nil, fmt.Errorf("begin run: %w", err)
		}
		return tx, nil
	}
	// A close first takes the period gate exclusively, so nothing that
	// records volume runs beside it; READ COMMITTED then lets each of its
	// statements see everything committed before the gate was granted,
	// which a REPEATABLE READ snapshot taken before the wait would miss.
	iso := sql.LevelRepeatableRead
	if closing {
		iso = sql.LevelReadCommitted
	}
	t, err := db.wdb.BeginTx(ctx, &sql.TxOptions{Isolation: iso})
	if err != nil {
		return nil, fmt.Errorf("begin transaction: %w", err)
	}
	return &Tx{Tx: t, db: db, now: db.Now().UTC().Truncate(time.Microsecond)}, nil
}

// newBulkInserter returns the fastest portable way to write many rows: on
// PostgreSQL one INSERT … SELECT FROM unnest(arrays) per 8192 rows (a
// handful of parameters instead of one per value), elsewhere multi-row
// INSERTs. types are the PostgreSQL types of the columns.
func newBulkInserter(tx *Tx, prefix string, types ...string) bulkInserter {
	if tx.db.dialect != Postgres {
		return newRowInserter(tx, prefix, len(types))
	}
	marks := make([]string, len(types))
	for i, t := range types {
		marks[i] = "?::" + t + "[]"
	}
	return &arrayInserter{tx: tx, types: types, query: prefix + " SELECT * FROM unnest(" + strings.Join(marks, ", ") + ")",
		cols: make([]any, len(types))}
}
