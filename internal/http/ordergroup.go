package http

import (
	"context"
	"sync"
	"time"

	"github.com/downline/downline"
)

// defaultGroupSize bounds the orders of one group commit.
const defaultGroupSize = 64

// OrderGroup is an OrderService that commits concurrent CreateOrder calls
// together (group commit): calls that arrive while a commit is running are
// stored by the next one, with a single CreateOrders call of the wrapped
// service. Every other method is the wrapped service's.
//
// Each call still gets exactly its own result: when the group's
// CreateOrders is refused (one bad or conflicting order refuses them all),
// the group's orders are stored again one by one, so each caller gets the
// error of its own order and the good orders are stored. Two calls with the
// same external id in one group are one record, as CreateOrders treats
// repeats in a batch.
//
// An OrderGroup needs no closing: it runs a goroutine only while calls are
// waiting.
type OrderGroup struct {
	downline.OrderService

	// MaxGroup bounds the orders of one commit; 0 means 64.
	MaxGroup int
	// MaxWait is how long a commit waits for more calls to join a group
	// that is not full; 0 commits at once what is waiting, so a group
	// gathers only the calls that arrive during the previous commit.
	MaxWait time.Duration

	mu      sync.Mutex
	pending []*groupCall
	running bool
}

type groupCall struct {
	ctx  context.Context
	o    *downline.Order
	done chan error
}

// NewOrderGroup returns an OrderGroup over s.
func NewOrderGroup(s downline.OrderService) *OrderGroup {
	return &OrderGroup{OrderService: s}
}

// CreateOrder stores o together with the orders of concurrent calls. See
// downline.OrderService. It waits for the commit even when ctx ends, since
// the order may be stored by then.
func (g *OrderGroup) CreateOrder(ctx context.Context, o *downline.Order) error {
	if err := o.Validate(); err != nil {
		return err
	}
	c := &groupCall{ctx: ctx, o: o, done: make(chan error, 1)}
	g.mu.Lock()
	g.pending = append(g.pending, c)
	if !g.running {
		g.running = true
		go g.flush()
	}
	g.mu.Unlock()
	return <-c.done
}

// flush commits the waiting calls a group at a time until none wait.
func (g *OrderGroup) flush() {
	size := g.MaxGroup
	if size <= 0 {
		size = defaultGroupSize
	}
	for {
		if g.MaxWait > 0 {
			g.mu.Lock()
			short := len(g.pending) < size
			g.mu.Unlock()
			if short {
				time.Sleep(g.MaxWait)
			}
		}
		g.mu.Lock()
		n := min(len(g.pending), size)
		if n == 0 {
			g.running = false
			g.pending = nil
			g.mu.Unlock()
			return
		}
		group := make([]*groupCall, n)
		copy(group, g.pending)
		g.pending = g.pending[n:]
		g.mu.Unlock()
		g.commit(group)
	}
}

// commit stores one group and answers each of its calls.
func (g *OrderGroup) commit(group []*groupCall) {
	live := group[:0:0]
	for _, c := range group {
		if err := c.ctx.Err(); err != nil {
			c.done <- err
			continue
		}
		live = append(live, c)
	}
	switch len(live) {
	case 0:
		return
	case 1:
		live[0].done <- g.OrderService.CreateOrder(live[0].ctx, live[0].o)
		return
	}
	// The store fills the orders it is given even when it refuses them,
	// so the group stores copies and the callers' orders stay untouched
	// for the one-by-one retry.
	copies := make([]*downline.Order, len(live))
	for i, c := range live {
		copies[i] = cloneOrder(c.o)
	}
	if err := g.OrderService.CreateOrders(context.WithoutCancel(live[0].ctx), copies); err == nil {
		for i, c := range live {
			*c.o = *copies[i]
			c.done <- nil
		}
		return
	}
	for _, c := range live {
		c.done <- g.OrderService.CreateOrder(c.ctx, c.o)
	}
}

// cloneOrder copies o and its lines.
func cloneOrder(o *downline.Order) *downline.Order {
	c := *o
	c.Lines = make([]*downline.OrderLine, len(o.Lines))
	for i, l := range o.Lines {
		lc := *l
		c.Lines[i] = &lc
	}
	return &c
}
