// Package sqlref is an independent reference implementation, in SQL, of the
// parts of the commission engine that are easiest to get subtly wrong: the
// volume roll-up (CuV, RPCV, PV, GV), the active rule and the unilevel
// override with or without dynamic compression. Group volume and the
// compressed upline walk are recursive common table expressions (WITH
// RECURSIVE), in the SQL subset shared by SQLite (modernc.org/sqlite, driver
// "sqlite") and PostgreSQL (pgx, driver "pgx").
//
// It shares no code with the engine (package compplan) beyond reading the
// plan's parameters, so that tests comparing the two catch mistakes in
// either. It is written for clarity, not speed: the closure of the sponsor
// tree has one row per (distributor, ancestor) pair.
package sqlref

import (
	"context"
	"database/sql"
	"fmt"
	"iter"
	"strings"
)

// Dialect is the SQL engine a Ref talks to.
type Dialect int

// The supported dialects.
const (
	SQLite Dialect = iota
	Postgres
)

// DialectOf returns the dialect of a database/sql driver name: "sqlite" or
// "pgx".
func DialectOf(driver string) (Dialect, error) {
	switch driver {
	case "sqlite":
		return SQLite, nil
	case "pgx":
		return Postgres, nil
	}
	return 0, fmt.Errorf("sqlref: unsupported driver %q (want sqlite or pgx)", driver)
}

// Ref runs the reference computation on one database. Its tables (all named
// ref_*) live in the connection's default schema; give each Ref a database
// or schema of its own.
type Ref struct {
	db      *sql.DB
	dialect Dialect
}

// New returns a Ref on db, which was opened with the given driver.
func New(db *sql.DB, driver string) (*Ref, error) {
	d, err := DialectOf(driver)
	if err != nil {
		return nil, err
	}
	return &Ref{db: db, dialect: d}, nil
}

// Distributor is one node of the sponsor tree as the reference needs it.
type Distributor struct {
	ID        int64
	SponsorID int64 // 0 for a root
	// InGoodStanding is true when the agreement status is active; only such
	// distributors can be active in a period.
	InGoodStanding bool
}

// Order is one order or refund row as the reference needs it.
type Order struct {
	DistributorID int64
	// Purpose is spelled as in orders.csv ("customer_direct", ...).
	Purpose string
	CV      int64
	// Refund marks a refund row (refund_of set); it counts -1 customer
	// order.
	Refund bool
}

var schema = []string{
	`DROP TABLE IF EXISTS ref_lines`,
	`DROP TABLE IF EXISTS ref_volumes`,
	`DROP TABLE IF EXISTS ref_orders`,
	`DROP TABLE IF EXISTS ref_distributors`,
	`CREATE TABLE ref_distributors (
		id BIGINT PRIMARY KEY,
		sponsor_id BIGINT,
		good_standing INTEGER NOT NULL CHECK (good_standing IN (0, 1))
	)`,
	`CREATE TABLE ref_orders (
		distributor_id BIGINT NOT NULL,
		purpose TEXT NOT NULL,
		cv BIGINT NOT NULL,
		refund INTEGER NOT NULL CHECK (refund IN (0, 1))
	)`,
}

// insertBatch is the number of rows per multi-row INSERT; SQLite allows
// 32766 parameters per statement and PostgreSQL 65535.
const insertBatch = 500

// Load replaces the reference's tables with the given tree and orders.
func (r *Ref) Load(ctx context.Context, distributors iter.Seq[Distributor], orders iter.Seq[Order]) error {
	tx, err := r.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlref: load: %w", err)
	}
	defer tx.Rollback()
	for _, q := range schema {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("sqlref: create schema: %w", err)
		}
	}
	di := newInserter(r, tx, "ref_distributors", "id, sponsor_id, good_standing", 3)
	for d := range distributors {
		var sponsor any
		if d.SponsorID != 0 {
			sponsor = d.SponsorID
		}
		if err := di.add(ctx, d.ID, sponsor, b2i(d.InGoodStanding)); err != nil {
			return err
		}
	}
	if err := di.flush(ctx); err != nil {
		return err
	}
	oi := newInserter(r, tx, "ref_orders", "distributor_id, purpose, cv, refund", 4)
	for o := range orders {
		if err := oi.add(ctx, o.DistributorID, o.Purpose, o.CV, b2i(o.Refund)); err != nil {
			return err
		}
	}
	if err := oi.flush(ctx); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `CREATE INDEX ref_orders_distributor ON ref_orders (distributor_id)`); err != nil {
		return fmt.Errorf("sqlref: index orders: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlref: load: %w", err)
	}
	if r.dialect == Postgres {
		for _, t := range []string{"ref_distributors", "ref_orders"} {
			if _, err := r.db.ExecContext(ctx, "ANALYZE "+t); err != nil {
				return fmt.Errorf("sqlref: analyze %s: %w", t, err)
			}
		}
	}
	return nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// inserter batches rows into multi-row INSERT statements.
type inserter struct {
	r          *Ref
	tx         *sql.Tx
	table      string
	cols       string
	width      int
	args       []any
	full       *sql.Stmt
	insertions int
}

func newInserter(r *Ref, tx *sql.Tx, table, cols string, width int) *inserter {
	return &inserter{r: r, tx: tx, table: table, cols: cols, width: width}
}

func (in *inserter) query(rows int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "INSERT INTO %s (%s) VALUES ", in.table, in.cols)
	n := 0
	for i := range rows {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('(')
		for j := range in.width {
			if j > 0 {
				b.WriteByte(',')
			}
			n++
			if in.r.dialect == Postgres {
				fmt.Fprintf(&b, "$%d", n)
			} else {
				b.WriteByte('?')
			}
		}
		b.WriteByte(')')
	}
	return b.String()
}

func (in *inserter) add(ctx context.Context, vals ...any) error {
	in.args = append(in.args, vals...)
	if len(in.args) < insertBatch*in.width {
		return nil
	}
	if in.full == nil {
		st, err := in.tx.PrepareContext(ctx, in.query(insertBatch))
		if err != nil {
			return fmt.Errorf("sqlref: prepare insert into %s: %w", in.table, err)
		}
		in.full = st
	}
	if _, err := in.full.ExecContext(ctx, in.args...); err != nil {
		return fmt.Errorf("sqlref: insert into %s: %w", in.table, err)
	}
	in.args = in.args[:0]
	return nil
}

func (in *inserter) flush(ctx context.Context) error {
	if in.full != nil {
		defer in.full.Close()
	}
	if len(in.args) == 0 {
		return nil
	}
	if _, err := in.tx.ExecContext(ctx, in.query(len(in.args)/in.width), in.args...); err != nil {
		return fmt.Errorf("sqlref: insert into %s: %w", in.table, err)
	}
	in.args = in.args[:0]
	return nil
}
