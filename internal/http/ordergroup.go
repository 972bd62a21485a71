package http

import (
	"context"
	"errors"
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
// When the wrapped service is also a downline.OrderRecordService, so is
// the group: single-record CreateOrderRecords calls are grouped the same
// way, each order committed with its audit entry and idempotent response
// in the group's one transaction.
//
// Each call still gets exactly its own result: when the group's commit is
// refused (one bad or conflicting order refuses them all), the group's
// orders are stored again one by one, so each caller gets the error of its
// own order and the good orders are stored. Two calls with the same
// external id in one group are one record, as CreateOrders treats repeats
// in a batch.
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
	rec  *downline.OrderRecord
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
	return g.join(ctx, &downline.OrderRecord{Order: o})
}

// errNoRecords answers CreateOrderRecords of a group over a service that
// cannot store records; recordService tells beforehand.
var errNoRecords = errors.New("order group: the wrapped service does not store order records")

// CreateOrderRecords stores one record together with the records of
// concurrent calls; several records are passed on as one transaction. See
// downline.OrderRecordService.
func (g *OrderGroup) CreateOrderRecords(ctx context.Context, recs []*downline.OrderRecord) error {
	rs, ok := g.OrderService.(downline.OrderRecordService)
	if !ok {
		return errNoRecords
	}
	if len(recs) != 1 {
		return rs.CreateOrderRecords(ctx, recs)
	}
	return g.join(ctx, recs[0])
}

// recordService returns the service that stores order records with their
// orders, or nil.
func recordService(s downline.OrderService) downline.OrderRecordService {
	if g, ok := s.(*OrderGroup); ok {
		if _, ok := g.OrderService.(downline.OrderRecordService); !ok {
			return nil
		}
		return g
	}
	rs, _ := s.(downline.OrderRecordService)
	return rs
}

// join queues rec for the next commit and waits for its answer.
func (g *OrderGroup) join(ctx context.Context, rec *downline.OrderRecord) error {
	if err := rec.Order.Validate(); err != nil {
		return err
	}
	c := &groupCall{ctx: ctx, rec: rec, done: make(chan error, 1)}
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

// store stores recs in one transaction of the wrapped service: with their
// records when it can, else the bare orders.
func (g *OrderGroup) store(ctx context.Context, recs []*downline.OrderRecord) error {
	if rs, ok := g.OrderService.(downline.OrderRecordService); ok {
		return rs.CreateOrderRecords(ctx, recs)
	}
	if len(recs) == 1 {
		return g.OrderService.CreateOrder(ctx, recs[0].Order)
	}
	os := make([]*downline.Order, len(recs))
	for i, r := range recs {
		os[i] = r.Order
	}
	return g.OrderService.CreateOrders(ctx, os)
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
		live[0].done <- g.store(live[0].ctx, []*downline.OrderRecord{live[0].rec})
		return
	}
	// The store fills the orders it is given even when it refuses them,
	// so the group stores copies and the callers' orders stay untouched
	// for the one-by-one retry.
	copies := make([]*downline.OrderRecord, len(live))
	for i, c := range live {
		copies[i] = &downline.OrderRecord{Order: cloneOrder(c.rec.Order), Describe: c.rec.Describe}
	}
	if err := g.store(context.WithoutCancel(live[0].ctx), copies); err == nil {
		for i, c := range live {
			*c.rec.Order = *copies[i].Order
			c.done <- nil
		}
		return
	}
	for _, c := range live {
		c.done <- g.store(c.ctx, []*downline.OrderRecord{c.rec})
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
