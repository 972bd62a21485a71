package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// openCacheTest returns one connection of a cached SQLite pool holding
// table t with x = 1, 2, 3, and a function that returns its cache.
func openCacheTest(t *testing.T) (*sql.Conn, func() *cachingConn) {
	t.Helper()
	ctx := context.Background()
	db, err := openCached("sqlite", "file:"+filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	for _, q := range []string{`CREATE TABLE t (x INTEGER PRIMARY KEY)`, `INSERT INTO t (x) VALUES (1), (2), (3)`} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	cache := func() *cachingConn {
		var c *cachingConn
		if err := conn.Raw(func(dc any) error { c = dc.(*cachingConn); return nil }); err != nil {
			t.Fatal(err)
		}
		return c
	}
	return conn, cache
}

func queryInts(t *testing.T, conn *sql.Conn, q string, args ...any) []int {
	t.Helper()
	rows, err := conn.QueryContext(context.Background(), q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []int
	for rows.Next() {
		var x int
		if err := rows.Scan(&x); err != nil {
			t.Fatal(err)
		}
		out = append(out, x)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestStmtCacheNested runs a query again while its first rows are open:
// the second run must not reset the statement under the first, with and
// without arguments.
func TestStmtCacheNested(t *testing.T) {
	conn, cache := openCacheTest(t)
	ctx := context.Background()
	for _, tc := range []struct {
		q    string
		args []any
	}{
		{`SELECT x FROM t ORDER BY x`, nil},
		{`SELECT x FROM t WHERE x >= ? ORDER BY x`, []any{1}},
	} {
		rows, err := conn.QueryContext(ctx, tc.q, tc.args...)
		if err != nil {
			t.Fatal(err)
		}
		var outer [][]int
		for rows.Next() {
			var x int
			if err := rows.Scan(&x); err != nil {
				t.Fatal(err)
			}
			outer = append(outer, append([]int{x}, queryInts(t, conn, tc.q, tc.args...)...))
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
		want := [][]int{{1, 1, 2, 3}, {2, 1, 2, 3}, {3, 1, 2, 3}}
		if !slices.EqualFunc(outer, want, slices.Equal) {
			t.Errorf("%s nested: got %v, want %v", tc.q, outer, want)
		}
		// Once the rows are closed, the cached statement serves again.
		if got := queryInts(t, conn, tc.q, tc.args...); !slices.Equal(got, []int{1, 2, 3}) {
			t.Errorf("%s after close: got %v", tc.q, got)
		}
		if _, ok := cache().byQuery[tc.q]; !ok {
			t.Errorf("%s is not cached", tc.q)
		}
	}
}

// TestStmtCacheBounds checks the size limit, that statements with many
// placeholders stay out, that a statement evicted while its rows are open
// still reads them, and that a failed statement is dropped and works when
// run again.
func TestStmtCacheBounds(t *testing.T) {
	conn, cache := openCacheTest(t)
	ctx := context.Background()
	open, err := conn.QueryContext(ctx, `SELECT x FROM t ORDER BY x`)
	if err != nil {
		t.Fatal(err)
	}
	for i := range stmtCacheSize + 10 {
		if got := queryInts(t, conn, fmt.Sprintf(`SELECT x + %d FROM t WHERE x = ?`, i), 1); !slices.Equal(got, []int{1 + i}) {
			t.Fatalf("query %d: got %v", i, got)
		}
	}
	if n := cache().lru.Len(); n != stmtCacheSize {
		t.Errorf("cache holds %d statements, want %d", n, stmtCacheSize)
	}
	var got []int
	for open.Next() {
		var x int
		if err := open.Scan(&x); err != nil {
			t.Fatal(err)
		}
		got = append(got, x)
	}
	if err := open.Close(); err != nil || !slices.Equal(got, []int{1, 2, 3}) {
		t.Errorf("evicted statement's rows: %v, %v; want [1 2 3]", got, err)
	}

	many := `SELECT x FROM t WHERE x IN (` + strings.TrimSuffix(strings.Repeat("?, ", stmtCacheMaxArgs+1), ", ") + `)`
	args := make([]any, stmtCacheMaxArgs+1)
	for i := range args {
		args[i] = i
	}
	if got := queryInts(t, conn, many, args...); !slices.Equal(got, []int{1, 2, 3}) {
		t.Errorf("long IN list: got %v", got)
	}
	if _, ok := cache().byQuery[many]; ok {
		t.Errorf("a statement with %d placeholders was cached", stmtCacheMaxArgs+1)
	}

	ins := `INSERT INTO t (x) VALUES (?)`
	if _, err := conn.ExecContext(ctx, ins, 4); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, ins, 4); err == nil {
		t.Fatal("duplicate key inserted")
	}
	if _, ok := cache().byQuery[ins]; ok {
		t.Error("failed statement still cached")
	}
	if _, err := conn.ExecContext(ctx, ins, 5); err != nil {
		t.Fatalf("insert after failure: %v", err)
	}
	if got := queryInts(t, conn, `SELECT x FROM t ORDER BY x`); !slices.Equal(got, []int{1, 2, 3, 4, 5}) {
		t.Errorf("table holds %v, want [1 2 3 4 5]", got)
	}
}

// TestBulkSizes: IN lists are padded to a power of two while they fit
// the statement cache, so that their statements repeat.
func TestBulkSizes(t *testing.T) {
	for n, want := range map[int]int{0: 0, 1: 1, 2: 2, 3: 4, 5: 8, 64: 64, 65: 128, 500: 512, 1025: 2048, 2049: 2049} {
		if got := inListSize(n); got != want {
			t.Errorf("inListSize(%d) = %d, want %d", n, got, want)
		}
	}
}

// TestStmtCachePrepared: a statement prepared by a transaction is the
// cached one, and while the transaction holds it the same text runs
// uncached beside it; closing it returns it to the cache.
func TestStmtCachePrepared(t *testing.T) {
	conn, cache := openCacheTest(t)
	ctx := context.Background()
	const q = `SELECT x FROM t WHERE x >= ? ORDER BY x`
	queryInts(t, conn, q, 1)
	st, err := conn.PrepareContext(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if s := cache().byQuery[q].Value.(*cachedStmt); !s.busy {
		t.Error("prepared statement is not the cached one")
	}
	rows, err := st.QueryContext(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	var got [][]int
	for rows.Next() {
		var x int
		if err := rows.Scan(&x); err != nil {
			t.Fatal(err)
		}
		got = append(got, append([]int{x}, queryInts(t, conn, q, 3)...))
	}
	rows.Close()
	if want := [][]int{{2, 3}, {3, 3}}; !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("prepared and plain query interleaved: %v, want %v", got, want)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if s := cache().byQuery[q].Value.(*cachedStmt); s.busy {
		t.Error("closed prepared statement still lent")
	}
	if got := queryInts(t, conn, q, 2); !slices.Equal(got, []int{2, 3}) {
		t.Errorf("after close: %v", got)
	}
}
