package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"reflect"
	"strings"
)

// rowInserter writes rows with multi-row INSERT statements of up to
// batchRows rows, prepared once: far fewer round trips than one INSERT per
// row, in the portable subset of both engines.
type rowInserter struct {
	tx      *Tx
	prefix  string
	cols    int
	args    []any
	full    *sql.Stmt
	written int
}

// batchRows × columns stays under SQLite's 32766 and PostgreSQL's 65535
// bound parameters for every table written this way.
const batchRows = 512

func newRowInserter(tx *Tx, prefix string, cols int) *rowInserter {
	return &rowInserter{tx: tx, prefix: prefix, cols: cols, args: make([]any, 0, cols*batchRows)}
}

func (b *rowInserter) statement(rows int) string {
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", b.cols), ", ") + ")"
	return b.prefix + " VALUES " + strings.TrimSuffix(strings.Repeat(one+", ", rows), ", ")
}

func (b *rowInserter) add(ctx context.Context, vals ...any) error {
	b.args = append(b.args, vals...)
	if len(b.args) == b.cols*batchRows {
		return b.flush(ctx)
	}
	return nil
}

func (b *rowInserter) flush(ctx context.Context) error {
	rows := len(b.args) / b.cols
	if rows == 0 {
		return nil
	}
	var err error
	if rows == batchRows {
		if b.full == nil {
			if b.full, err = b.tx.prepare(ctx, b.statement(batchRows)); err != nil {
				return err
			}
		}
		_, err = b.full.ExecContext(ctx, b.args...)
	} else {
		_, err = b.tx.exec(ctx, b.statement(rows), b.args...)
	}
	if err != nil {
		return err
	}
	b.written += rows
	b.args = b.args[:0]
	return nil
}

func (b *rowInserter) close() {
	if b.full != nil {
		b.full.Close()
	}
}

// bulkInserter writes many rows of one table.
type bulkInserter interface {
	add(ctx context.Context, vals ...any) error
	flush(ctx context.Context) error
	close()
}

// arrayInserter accumulates rows column-wise in typed slices.
type arrayInserter struct {
	tx    *Tx
	types []string
	query string
	cols  []any
	rows  int
}

const arrayRows = 8192

func (a *arrayInserter) add(ctx context.Context, vals ...any) error {
	if len(vals) != len(a.types) {
		return fmt.Errorf("bulk insert: %d values for %d columns", len(vals), len(a.types))
	}
	for i, v := range vals {
		switch a.types[i] {
		case "bigint", "integer":
			c, _ := a.cols[i].([]int64)
			var n int64
			switch x := v.(type) {
			case int64:
				n = x
			case int:
				n = int64(x)
			default:
				rv := reflect.ValueOf(v)
				if !rv.CanInt() {
					return fmt.Errorf("bulk insert: column %d: %T is not an integer", i+1, v)
				}
				n = rv.Int()
			}
			a.cols[i] = append(c, n)
		case "text":
			c, _ := a.cols[i].([]string)
			x, ok := v.(string)
			if !ok {
				x = fmt.Sprint(v)
			}
			a.cols[i] = append(c, x)
		case "boolean":
			c, _ := a.cols[i].([]bool)
			x, _ := v.(bool)
			a.cols[i] = append(c, x)
		case "bytea":
			c, _ := a.cols[i].([][]byte)
			x, _ := v.([]byte)
			a.cols[i] = append(c, x)
		default:
			return fmt.Errorf("bulk insert: unsupported column type %s", a.types[i])
		}
	}
	a.rows++
	if a.rows == arrayRows {
		return a.flush(ctx)
	}
	return nil
}

func (a *arrayInserter) flush(ctx context.Context) error {
	if a.rows == 0 {
		return nil
	}
	if _, err := a.tx.exec(ctx, a.query, a.cols...); err != nil {
		return err
	}
	a.rows = 0
	a.cols = make([]any, len(a.types))
	return nil
}

func (a *arrayInserter) close() {}
