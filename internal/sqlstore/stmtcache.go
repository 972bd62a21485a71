package sqlstore

import (
	"container/list"
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"strings"
)

// A statement cache keeps the statements a connection ran recently
// prepared, so that running the same SQL text again binds and steps the
// prepared statement instead of parsing and planning the text again. It
// sits between database/sql and the driver, one cache per connection,
// because a statement belongs to the connection it was prepared on: a
// pool-wide *sql.Stmt cannot be prepared while a transaction holds the
// pool's only writer connection.
//
// Only statements with at most stmtCacheMaxArgs placeholders are kept, so
// that large bulk INSERTs and long IN lists do not crowd out the statements
// that repeat: a small bulk INSERT is one statement of its exact size
// (bulk.go), and a group commit's sizes repeat within a few hundred; the
// least recently used statement leaves when a connection holds
// stmtCacheSize.
// A statement whose rows are still open (a query run again while its
// earlier result is being read), or that a transaction prepared and still
// holds, runs uncached, and a statement that failed is dropped.
//
// pgx caches statements itself, so dialect.go uses this for SQLite only.
const (
	stmtCacheSize    = 512
	stmtCacheMaxArgs = 2048
)

// openCached opens a pool like sql.Open(driverName, dsn) whose connections
// cache their statements.
func openCached(driverName, dsn string) (*sql.DB, error) {
	probe, err := sql.Open(driverName, dsn)
	if err != nil {
		return nil, err
	}
	drv := probe.Driver()
	probe.Close()
	return sql.OpenDB(cachingConnector{drv: drv, dsn: dsn}), nil
}

type cachingConnector struct {
	drv driver.Driver
	dsn string
}

func (c cachingConnector) Driver() driver.Driver { return c.drv }

func (c cachingConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.drv.Open(c.dsn)
	if err != nil {
		return nil, err
	}
	inner, ok := conn.(cacheableConn)
	if !ok {
		return conn, nil
	}
	return &cachingConn{cacheableConn: inner, byQuery: map[string]*list.Element{}, lru: list.New()}, nil
}

// cacheableConn is what a driver connection must offer to be cached.
type cacheableConn interface {
	driver.Conn
	driver.ConnPrepareContext
	driver.ConnBeginTx
	driver.ExecerContext
	driver.QueryerContext
}

// cachingConn is a driver connection with a statement cache. database/sql
// uses a connection from one goroutine at a time (closing rows included),
// so it needs no lock.
type cachingConn struct {
	cacheableConn
	byQuery map[string]*list.Element // of *cachedStmt
	lru     *list.List               // most recently used first
}

type cachedStmt struct {
	query string
	stmt  cachedDriverStmt
	// busy is set while rows of the statement are open; evicted when it
	// left the cache while busy, to be closed with its rows.
	busy, evicted bool
}

type cachedDriverStmt interface {
	driver.Stmt
	driver.StmtExecContext
	driver.StmtQueryContext
}

// stmt returns the cached statement for query, preparing it when missing;
// nil when query is not cached or its statement is busy.
func (c *cachingConn) stmt(ctx context.Context, query string) (*cachedStmt, error) {
	if e, ok := c.byQuery[query]; ok {
		s := e.Value.(*cachedStmt)
		if s.busy {
			return nil, nil
		}
		c.lru.MoveToFront(e)
		return s, nil
	}
	if strings.Count(query, "?") > stmtCacheMaxArgs {
		return nil, nil
	}
	ds, err := c.cacheableConn.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	st, ok := ds.(cachedDriverStmt)
	if !ok {
		ds.Close()
		return nil, nil
	}
	s := &cachedStmt{query: query, stmt: st}
	c.byQuery[query] = c.lru.PushFront(s)
	for c.lru.Len() > stmtCacheSize {
		c.drop(c.lru.Back().Value.(*cachedStmt))
	}
	return s, nil
}

// drop removes s from the cache and closes it, or marks it to be closed
// with its open rows.
func (c *cachingConn) drop(s *cachedStmt) error {
	if e, ok := c.byQuery[s.query]; ok && e.Value == s {
		c.lru.Remove(e)
		delete(c.byQuery, s.query)
	}
	if s.busy {
		s.evicted = true
		return nil
	}
	return s.stmt.Close()
}

func (c *cachingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	s, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	if s == nil {
		return c.cacheableConn.ExecContext(ctx, query, args)
	}
	r, err := s.stmt.ExecContext(ctx, args)
	if err != nil {
		c.drop(s)
	}
	return r, err
}

func (c *cachingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	s, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	if s == nil {
		return c.cacheableConn.QueryContext(ctx, query, args)
	}
	rs, err := s.stmt.QueryContext(ctx, args)
	if err != nil {
		c.drop(s)
		return nil, err
	}
	s.busy = true
	release := &rowsRelease{s: s}
	if full, ok := rs.(fullRows); ok {
		return &cachedRows{fullRows: full, rowsRelease: release}, nil
	}
	return &cachedPlainRows{Rows: rs, rowsRelease: release}, nil
}

// PrepareContext lends the cached statement for query until the returned
// statement is closed (database/sql closes a transaction's statements when
// it ends); meanwhile the text runs uncached on this connection.
func (c *cachingConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	s, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	if s == nil {
		return c.cacheableConn.PrepareContext(ctx, query)
	}
	s.busy = true
	return &lentStmt{cachedDriverStmt: s.stmt, rowsRelease: &rowsRelease{s: s}}, nil
}

// Prepare is PrepareContext without a context.
func (c *cachingConn) Prepare(query string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), query)
}

// lentStmt is a cached statement lent out by PrepareContext.
type lentStmt struct {
	cachedDriverStmt
	*rowsRelease
}

func (l *lentStmt) Close() error { return l.release(nil) }

// Close closes the cached statements and the connection.
func (c *cachingConn) Close() error {
	var errs []error
	for c.lru.Len() > 0 {
		s := c.lru.Front().Value.(*cachedStmt)
		s.busy = false
		errs = append(errs, c.drop(s))
	}
	return errors.Join(append(errs, c.cacheableConn.Close())...)
}

// The optional interfaces database/sql looks for on a connection.
func (c *cachingConn) Ping(ctx context.Context) error {
	if p, ok := c.cacheableConn.(driver.Pinger); ok {
		return p.Ping(ctx)
	}
	return nil
}

func (c *cachingConn) ResetSession(ctx context.Context) error {
	if r, ok := c.cacheableConn.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

func (c *cachingConn) IsValid() bool {
	if v, ok := c.cacheableConn.(driver.Validator); ok {
		return v.IsValid()
	}
	return true
}

// fullRows is driver.Rows with the column type interfaces the SQLite
// driver implements, so that wrapping keeps sql.Rows.ColumnTypes whole.
type fullRows interface {
	driver.Rows
	driver.RowsColumnTypeDatabaseTypeName
	driver.RowsColumnTypeLength
	driver.RowsColumnTypeNullable
	driver.RowsColumnTypePrecisionScale
	driver.RowsColumnTypeScanType
}

// cachedRows are the open rows of a cached statement; closing them frees
// the statement for its next use. cachedPlainRows are the same for rows
// without the column type interfaces.
type cachedRows struct {
	fullRows
	*rowsRelease
}

func (r *cachedRows) Close() error { return r.release(r.fullRows.Close()) }

type cachedPlainRows struct {
	driver.Rows
	*rowsRelease
}

func (r *cachedPlainRows) Close() error { return r.release(r.Rows.Close()) }

type rowsRelease struct{ s *cachedStmt }

// release marks the statement free after its rows closed with err, and
// closes it when it left the cache meanwhile.
func (r *rowsRelease) release(err error) error {
	s := r.s
	if s == nil {
		return err
	}
	r.s = nil
	s.busy = false
	if s.evicted {
		return errors.Join(err, s.stmt.Close())
	}
	return err
}
