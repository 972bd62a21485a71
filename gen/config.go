// Package gen generates synthetic network-marketing programmes: a sponsor
// tree (and optionally a binary placement tree) and one period of orders and
// refunds, in the CSV formats that downline calc reads.
//
// Everything is decided by Config, including the seed: the same Config gives
// byte-identical output on every machine and with any GOMAXPROCS. The tree is
// held in memory in a compact columnar form (a few bytes per distributor);
// orders are streamed, one distributor at a time from a random stream seeded
// by (Seed, distributor index), so that 100 million orders never need to be
// held at once.
//
// Typical use:
//
//	g, err := gen.New(gen.Config{Seed: 1, Distributors: 2000, Orders: 20000,
//		Shape: gen.ShapePA, Period: "2026-10"})
//	err = g.WriteCSV(dir) // distributors.csv and orders.csv
//	err = g.Orders(func(o *gen.Order) error { ...; return nil })
package gen

import (
	"fmt"
	"time"
)

// Shape names the form of the generated sponsor tree.
type Shape string

// The tree shapes. Every shape numbers distributors in joining order, so a
// sponsor always has a smaller ID than the distributors it sponsors.
const (
	// ShapePA is preferential attachment: a new distributor joins under an
	// existing one with probability proportional to 1 + its frontline size,
	// which yields the heavy-tailed fan-out of real programmes.
	ShapePA Shape = "pa"
	// ShapeUniform picks the sponsor uniformly among earlier distributors.
	ShapeUniform Shape = "uniform"
	// ShapeDeep is preferential attachment where a quarter of the newcomers
	// extend one of a few long chains (each up to maxChain deep before it
	// restarts elsewhere): heavy tail plus long single-file lines.
	ShapeDeep Shape = "deep"
	// ShapeChain is a single line: each distributor sponsors the next.
	ShapeChain Shape = "chain"
	// ShapeStar puts everyone on the root's frontline.
	ShapeStar Shape = "star"
	// ShapeBinarySpill is a preferential-attachment sponsor tree with a
	// binary placement tree: each newcomer takes the first free seat, in
	// breadth-first order (left before right), under its sponsor's seat.
	ShapeBinarySpill Shape = "binary-spill"
)

// Shapes lists every shape, for flag help and validation.
var Shapes = []Shape{ShapePA, ShapeUniform, ShapeDeep, ShapeChain, ShapeStar, ShapeBinarySpill}

// Config describes a programme to generate. A zero numeric field (other
// than Seed) means its documented default.
type Config struct {
	// Seed selects the programme; equal configs give equal output.
	Seed uint64
	// Distributors is the number of distributors (at least 1).
	Distributors int
	// Shape is the sponsor tree's form; the default is ShapePA.
	Shape Shape
	// ActiveShare is the share of distributors who sell in the period,
	// in (0, 1]; the default is 0.6. Suspended and terminated
	// distributors never sell.
	ActiveShare float64
	// Orders is the exact number of order rows, refunds included. When it
	// is 0, OrdersPerActive decides.
	Orders int
	// OrdersPerActive is the mean number of order rows per selling
	// distributor when Orders is 0; the default is 10.
	OrdersPerActive float64
	// ZipfS is the exponent of the Zipf law of orders per seller
	// (P(k) ∝ k^-s); it must exceed 1; the default is 1.6.
	ZipfS float64
	// RefundShare is the share of order rows that are refunds of an
	// earlier order of the same seller, in [0, 0.5]; the default is 0.02.
	// Use NoRefunds for none.
	RefundShare float64
	// NoRefunds turns refunds off (RefundShare 0 means the default).
	NoRefunds bool
	// Period is the calendar month of the orders, "YYYY-MM" (UTC); the
	// default is "2026-10". Orders are paid between noon of the first day
	// and noon of the last day, so any programme time zone within ±12 h
	// puts them in the same period.
	Period string
	// Placement adds a binary placement tree (placement_parent_id and
	// placement_side) filled breadth-first under the sponsor. It is
	// implied by ShapeBinarySpill.
	Placement bool
	// Currency is the ISO 4217 code written on orders; the default is
	// "USD".
	Currency string
}

const (
	defaultActiveShare     = 0.6
	defaultOrdersPerActive = 10
	defaultZipfS           = 1.6
	defaultRefundShare     = 0.02
	defaultPeriod          = "2026-10"
	defaultCurrency        = "USD"

	// maxDistributors bounds the tree so that int32 indices suffice.
	maxDistributors = 1 << 30
	// maxChain is the longest chain ShapeDeep grows before restarting one.
	maxChain = 2000
	// chainTips is how many chains ShapeDeep grows at once.
	chainTips = 8
	// joinMonths is how far back before the period the first distributor
	// joined; join dates grow with the ID.
	joinMonths = 36
)

// withDefaults returns c with its defaults filled in, or an error naming the
// first invalid field.
func (c Config) withDefaults() (Config, error) {
	if c.Distributors < 1 || c.Distributors > maxDistributors {
		return c, fmt.Errorf("config: distributors %d: want 1 to %d", c.Distributors, maxDistributors)
	}
	if c.Shape == "" {
		c.Shape = ShapePA
	}
	if !validShape(c.Shape) {
		return c, fmt.Errorf("config: unknown shape %q (want one of %v)", c.Shape, Shapes)
	}
	if c.Shape == ShapeBinarySpill {
		c.Placement = true
	}
	if c.ActiveShare == 0 {
		c.ActiveShare = defaultActiveShare
	}
	if !(c.ActiveShare > 0 && c.ActiveShare <= 1) {
		return c, fmt.Errorf("config: active share %v: want a number in (0, 1]", c.ActiveShare)
	}
	if c.Orders < 0 {
		return c, fmt.Errorf("config: orders %d: want 0 or more", c.Orders)
	}
	if c.OrdersPerActive == 0 {
		c.OrdersPerActive = defaultOrdersPerActive
	}
	if !(c.OrdersPerActive > 0 && c.OrdersPerActive <= 1e6) {
		return c, fmt.Errorf("config: orders per active %v: want a number in (0, 1e6]", c.OrdersPerActive)
	}
	if c.ZipfS == 0 {
		c.ZipfS = defaultZipfS
	}
	if !(c.ZipfS > 1 && c.ZipfS <= 10) {
		return c, fmt.Errorf("config: zipf exponent %v: want a number in (1, 10]", c.ZipfS)
	}
	if c.NoRefunds {
		c.RefundShare = 0
	} else if c.RefundShare == 0 {
		c.RefundShare = defaultRefundShare
	}
	if !(c.RefundShare >= 0 && c.RefundShare <= 0.5) {
		return c, fmt.Errorf("config: refund share %v: want a number in [0, 0.5]", c.RefundShare)
	}
	if c.Period == "" {
		c.Period = defaultPeriod
	}
	if _, err := time.Parse("2006-01", c.Period); err != nil || len(c.Period) != 7 {
		return c, fmt.Errorf("config: period %q: want YYYY-MM", c.Period)
	}
	if c.Currency == "" {
		c.Currency = defaultCurrency
	}
	if len(c.Currency) != 3 {
		return c, fmt.Errorf("config: currency %q: want a three-letter ISO 4217 code", c.Currency)
	}
	return c, nil
}

func validShape(s Shape) bool {
	for _, k := range Shapes {
		if k == s {
			return true
		}
	}
	return false
}

// ParseShape returns the shape named s, or an error listing the shapes.
func ParseShape(s string) (Shape, error) {
	if validShape(Shape(s)) {
		return Shape(s), nil
	}
	return "", fmt.Errorf("unknown shape %q (want one of %v)", s, Shapes)
}
