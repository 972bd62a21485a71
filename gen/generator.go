package gen

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// Generator holds one generated programme: its tree in compact form and the
// number of order rows of each distributor. Orders are produced on demand
// and identically every time. A Generator is safe for concurrent readers.
type Generator struct {
	cfg        Config
	start, end time.Time
	tree       *Tree
	counts     []int32 // order rows per distributor index
	total      int64
}

// New generates the tree and the order counts described by c.
func New(c Config) (*Generator, error) {
	c, err := c.withDefaults()
	if err != nil {
		return nil, err
	}
	start, _ := time.Parse("2006-01", c.Period)
	end := start.AddDate(0, 1, 0)
	firstDay := int32(start.AddDate(0, -joinMonths, 0).Unix() / 86400)
	lastDay := int32(end.Unix()/86400) - 2 // joins end the day before the period's last day
	g := &Generator{cfg: c, start: start, end: end}
	g.tree = buildTree(c, firstDay, lastDay)
	g.counts, g.total = orderCounts(c, g.tree)
	return g, nil
}

// Config returns the configuration with its defaults filled in.
func (g *Generator) Config() Config { return g.cfg }

// Period returns the period's first instant and the first instant after it
// (UTC).
func (g *Generator) Period() (start, end time.Time) { return g.start, g.end }

// Tree returns the compact tree. Callers must not modify it.
func (g *Generator) Tree() *Tree { return g.tree }

// NumOrders returns the number of order rows, refunds included.
func (g *Generator) NumOrders() int64 { return g.total }

// OrderCount returns the number of order rows of the distributor at index i.
func (g *Generator) OrderCount(i int) int { return int(g.counts[i]) }

// Distributors calls fn with every distributor, in ID order, stopping at
// the first error.
func (g *Generator) Distributors(fn func(*Distributor) error) error {
	for i := range g.tree.Len() {
		d := g.tree.Distributor(i)
		if err := fn(&d); err != nil {
			return err
		}
	}
	return nil
}

// zipfMax bounds a seller's Zipf weight, so the busiest seller has about
// a hundred times the mean number of orders.
const zipfMax = 1000

// orderCounts decides which active distributors sell and how many order
// rows each has: weights 1+k with k Zipf-distributed, scaled to the exact
// total, the rounding remainder handed out one row each from a random
// seller onwards.
func orderCounts(c Config, t *Tree) ([]int32, int64) {
	n := t.Len()
	r := rand.New(rand.NewPCG(c.Seed, treeStream+1))
	z := rand.NewZipf(r, c.ZipfS, 1, zipfMax-1)
	counts := make([]int32, n)
	var sellers, weight int64
	for i := range n {
		if t.Status[i] != StatusActive || (i > 0 && r.Float64() >= c.ActiveShare) {
			continue
		}
		w := 1 + int32(z.Uint64())
		counts[i] = w
		weight += int64(w)
		sellers++
	}
	total := int64(c.Orders)
	if total == 0 {
		total = int64(float64(sellers)*c.OrdersPerActive + 0.5)
	}
	var sum int64
	for i := range counts {
		if counts[i] > 0 {
			q := int64(counts[i]) * total / weight
			counts[i] = int32(q)
			sum += q
			counts[i] = -counts[i] - 1 // mark as seller while the count may be 0
		}
	}
	rem := total - sum // < sellers: each floor lost less than one row
	if sellers > 0 && rem > 0 {
		skip := r.Int64N(sellers)
		for pass := 0; rem > 0; pass++ {
			for i := range counts {
				if counts[i] >= 0 || rem == 0 {
					continue
				}
				if pass == 0 && skip > 0 {
					skip--
					continue
				}
				counts[i]--
				rem--
			}
		}
	}
	for i := range counts {
		if counts[i] < 0 {
			counts[i] = -counts[i] - 1
		}
	}
	return counts, total
}

// String describes the programme in one line, for logs.
func (g *Generator) String() string {
	return fmt.Sprintf("gen %s n=%d orders=%d seed=%d", g.cfg.Shape, g.tree.Len(), g.total, g.cfg.Seed)
}
