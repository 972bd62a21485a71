package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"math/bits"
	"strings"
)

// Bulk statements keep batches fast on both engines: one statement per
// chunk of rows instead of one round trip per row. maxBulkParams stays
// under SQLite's limit of 32,766 placeholders (PostgreSQL allows 65,535).
const (
	maxBulkParams = 30000
	maxBulkRows   = 1000
	maxInKeys     = 500
)

// insertRows inserts rows into table with multi-row VALUES statements. Each
// row holds one value per column. tail is appended to every statement (an
// ON CONFLICT or a RETURNING clause); when scan is not nil it is called for
// every returned row.
func insertRows(ctx context.Context, tx *Tx, table string, cols []string, rows [][]any, tail string, scan func(*sql.Rows) error) error {
	per := max(1, min(maxBulkRows, maxBulkParams/len(cols)))
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
	head := "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES "
	for start, n := 0, 0; start < len(rows); start += n {
		n = min(len(rows)-start, per) // one statement per chunk, cached up to stmtCacheMaxArgs (stmtcache.go)
		chunk := rows[start : start+n]
		var q strings.Builder
		q.WriteString(head)
		args := make([]any, 0, len(chunk)*len(cols))
		for i, r := range chunk {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString(one)
			args = append(args, r...)
		}
		if tail != "" {
			q.WriteString(" " + tail)
		}
		if scan == nil {
			if _, err := tx.exec(ctx, q.String(), args...); err != nil {
				return err
			}
			continue
		}
		rs, err := tx.query(ctx, q.String(), args...)
		if err != nil {
			return err
		}
		for rs.Next() {
			if err := scan(rs); err != nil {
				rs.Close()
				return err
			}
		}
		if err := rs.Close(); err != nil {
			return err
		}
	}
	return nil
}

// inListSize returns the number of placeholders of an IN list of n keys:
// n rounded up to a power of two while the list is small enough for the
// statement cache, so that lists of any length reuse a few cached
// statements. The list is padded by repeating a key, which leaves an IN
// predicate unchanged.
func inListSize(n int) int {
	if n <= 1 {
		return n
	}
	if p := 1 << bits.Len(uint(n-1)); p <= stmtCacheMaxArgs {
		return p
	}
	return n
}

// queryIn runs query, whose "(%s)" is replaced by a list of placeholders,
// for keys in chunks, calling scan for every row.
func queryIn[K any](ctx context.Context, tx *Tx, query string, keys []K, scan func(*sql.Rows) error) error {
	for start := 0; start < len(keys); start += maxInKeys {
		chunk := keys[start:min(start+maxInKeys, len(keys))]
		args := make([]any, inListSize(len(chunk)))
		for i := range args {
			args[i] = chunk[min(i, len(chunk)-1)]
		}
		q := fmt.Sprintf(query, strings.TrimSuffix(strings.Repeat("?, ", len(args)), ", "))
		rs, err := tx.query(ctx, q, args...)
		if err != nil {
			return err
		}
		for rs.Next() {
			if err := scan(rs); err != nil {
				rs.Close()
				return err
			}
		}
		if err := rs.Close(); err != nil {
			return err
		}
	}
	return nil
}

// distinct returns the distinct non-empty strings of ss in first-seen
// order.
func distinct(ss []string) []string {
	seen := make(map[string]bool, len(ss))
	var out []string
	for _, s := range ss {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
