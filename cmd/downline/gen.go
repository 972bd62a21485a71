package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/downline/downline/gen"
)

// runGen writes a synthetic programme (distributors.csv and orders.csv) in
// the formats downline calc reads.
func runGen(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "gen", "", "Generate a synthetic programme: distributors.csv and orders.csv in --out, in the\n"+
		"formats 'downline calc' reads. The same flags always give byte-identical files.")
	c := gen.Config{}
	shape := fs.String("shape", string(gen.ShapePA), fmt.Sprintf("sponsor tree shape: one of %v", gen.Shapes))
	fs.IntVar(&c.Distributors, "distributors", 1000, "number of distributors")
	fs.IntVar(&c.Orders, "orders", 0, "exact number of order rows, refunds included (0: --orders-per-active per seller)")
	fs.Float64Var(&c.OrdersPerActive, "orders-per-active", 10, "mean order rows per selling distributor when --orders is 0")
	fs.Uint64Var(&c.Seed, "seed", 1, "random seed")
	fs.StringVar(&c.Period, "period", "2026-10", "period of the orders, YYYY-MM")
	fs.Float64Var(&c.ActiveShare, "active-share", 0.6, "share of distributors who sell in the period, in (0, 1]")
	fs.Float64Var(&c.ZipfS, "zipf", 1.6, "Zipf exponent of orders per seller (> 1; larger is less skewed)")
	refunds := fs.Float64("refunds", 0.02, "share of order rows that refund an earlier order (0 for none)")
	fs.BoolVar(&c.Placement, "placement", false, "add a binary placement tree (implied by --shape binary-spill)")
	fs.StringVar(&c.Currency, "currency", "USD", "ISO 4217 currency of the orders")
	out := fs.String("out", "", "directory to write the CSV files to (created if missing; required)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("gen: unexpected argument %q", fs.Arg(0))}
	}
	if *out == "" {
		return usageError{errors.New("gen: --out is required")}
	}
	s, err := gen.ParseShape(*shape)
	if err != nil {
		return usageError{fmt.Errorf("gen: --shape: %w", err)}
	}
	c.Shape = s
	c.RefundShare = *refunds
	c.NoRefunds = *refunds == 0
	g, err := gen.New(c)
	if err != nil {
		return usageError{fmt.Errorf("gen: %w", err)}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return fmt.Errorf("gen: %w", err)
	}
	if err := g.WriteCSV(*out); err != nil {
		return fmt.Errorf("gen: %w", err)
	}
	fmt.Fprintf(e.stdout, "wrote %d distributors to %s and %d orders to %s (shape %s, seed %d, period %s)\n",
		g.Tree().Len(), filepath.Join(*out, "distributors.csv"), g.NumOrders(), filepath.Join(*out, "orders.csv"),
		g.Config().Shape, c.Seed, g.Config().Period)
	return nil
}
