package http

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/downline/downline"
	"github.com/downline/downline/internal/sqlstore"
	"github.com/google/go-cmp/cmp"
)

// gatedOrders is a real store whose first CreateOrders waits for gate, so
// that a test can queue calls behind it, and which records the size of
// every CreateOrders it is given.
type gatedOrders struct {
	downline.OrderService
	gate chan struct{}
	once sync.Once

	mu     sync.Mutex
	groups []int
}

func (s *gatedOrders) CreateOrders(ctx context.Context, os []*downline.Order) error {
	s.once.Do(func() { <-s.gate })
	s.mu.Lock()
	s.groups = append(s.groups, len(os))
	s.mu.Unlock()
	return s.OrderService.CreateOrders(ctx, os)
}

func (s *gatedOrders) CreateOrder(ctx context.Context, o *downline.Order) error {
	return s.CreateOrders(ctx, []*downline.Order{o})
}

// newGroupStore opens a SQLite store with product SKU-1 (CV 80.00) and
// customers C0 and C1 of distributors D0 and D1.
func newGroupStore(t *testing.T) *sqlstore.DB {
	t.Helper()
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "group.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	_, err = db.Migrate(ctx)
	must(err)
	must(db.CreateProgramme(ctx, &downline.Programme{Name: "Group", Currency: "EUR", PeriodLength: downline.PeriodMonthly, TimeZone: "UTC"}))
	must(db.CreateProduct(ctx, &downline.Product{ExternalID: "SKU-1", Name: "Seat", Kind: downline.KindSubscription,
		RetailPrice: 10000, CV: 8000, QV: 8000, Commissionable: true}))
	joined := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	must(db.CreateDistributors(ctx, []*downline.Distributor{{ExternalID: "ROOT", JoinedAt: joined},
		{ExternalID: "D0", SponsorRef: "ROOT", JoinedAt: joined}, {ExternalID: "D1", SponsorRef: "ROOT", JoinedAt: joined}}))
	must(db.CreateCustomers(ctx, []*downline.Customer{
		{ExternalID: "C0", Name: "Customer 0", DistributorRef: "D0", Attribution: downline.AttributionCode},
		{ExternalID: "C1", Name: "Customer 1", DistributorRef: "D1", Attribution: downline.AttributionCode}}))
	return db
}

func groupOrder(ext, customer string, qty int64) *downline.Order {
	return &downline.Order{ExternalID: ext, CustomerRef: customer, Purpose: downline.PurposeCustomerDirect, Currency: "EUR",
		PaidAt: time.Date(2026, 2, 3, 10, 0, 0, 0, time.UTC),
		Lines:  []*downline.OrderLine{{ProductRef: "SKU-1", Quantity: qty, UnitPrice: 10000}}}
}

// TestOrderGroup queues orders behind a blocked commit so that they are
// committed as one group, and checks that every caller gets the answer of
// its own order.
func TestOrderGroup(t *testing.T) {
	tests := []struct {
		name string
		// wait is the group's MaxWait.
		wait   time.Duration
		orders []*downline.Order
		// want is each order's error code ("" for stored).
		want []downline.Code
		// groups are the sizes of the store's CreateOrders calls, the
		// blocked first order included.
		groups []int
		stored int
	}{{
		name:   "all good: one commit",
		orders: []*downline.Order{groupOrder("G1", "C0", 1), groupOrder("G2", "C1", 2), groupOrder("G3", "C0", 3)},
		want:   []downline.Code{"", "", ""},
		groups: []int{1, 3},
		stored: 4, // FIRST, G1, G2, G3
	}, {
		name:   "a repeat in the group is the same record",
		wait:   time.Millisecond,
		orders: []*downline.Order{groupOrder("G1", "C0", 1), groupOrder("G1", "C0", 1), groupOrder("G2", "C1", 1)},
		want:   []downline.Code{"", "", ""},
		groups: []int{1, 3},
		stored: 3, // FIRST, G1, G2
	}, {
		name: "a refused group is stored one by one",
		orders: []*downline.Order{groupOrder("G1", "C0", 1), groupOrder("G2", "C1", 1), groupOrder("G2", "C1", 5),
			groupOrder("BAD", "C9", 1), groupOrder("G3", "C0", 1)},
		want: []downline.Code{"", "", downline.CodeConflict, downline.CodeInvalid, ""},
		// The group of 5 is refused (conflict on G2, unknown customer C9),
		// then each of the 5 is tried alone.
		groups: []int{1, 5, 1, 1, 1, 1, 1},
		stored: 4, // FIRST, G1, G2, G3
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := newGroupStore(t)
			store := &gatedOrders{OrderService: db, gate: make(chan struct{})}
			g := NewOrderGroup(store)
			g.MaxWait = tt.wait
			ctx := context.Background()
			queued := func() int {
				g.mu.Lock()
				defer g.mu.Unlock()
				return len(g.pending)
			}
			waitQueued := func(n int) {
				for queued() != n {
					time.Sleep(time.Millisecond)
				}
			}
			firstErr := make(chan error, 1)
			go func() { firstErr <- g.CreateOrder(ctx, groupOrder("FIRST", "C0", 1)) }()
			// FIRST leaves the queue once its commit (blocked on the gate)
			// has begun.
			for store.groupsWaiting(g) {
				time.Sleep(time.Millisecond)
			}
			errs := make([]error, len(tt.orders))
			var wg sync.WaitGroup
			for i, o := range tt.orders {
				wg.Add(1)
				go func() {
					defer wg.Done()
					errs[i] = g.CreateOrder(ctx, o)
				}()
				waitQueued(i + 1) // keep the queue in the table's order
			}
			close(store.gate)
			wg.Wait()
			if err := <-firstErr; err != nil {
				t.Fatalf("first order: %v", err)
			}
			got := make([]downline.Code, len(errs))
			for i, err := range errs {
				if err != nil {
					got[i] = downline.ErrorCode(err)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("error codes (-want +got):\n%s\nerrors: %v", diff, errs)
			}
			if diff := cmp.Diff(tt.groups, store.groups); diff != "" {
				t.Errorf("CreateOrders sizes (-want +got):\n%s", diff)
			}
			ids := map[string]downline.OrderID{}
			for i, o := range tt.orders {
				if errs[i] != nil {
					continue
				}
				// Each stored order is filled from the record under its
				// external id: C0 belongs to D0, C1 to D1, 80.00 CV a seat.
				stored, err := db.FindOrderByExternalID(ctx, o.ExternalID)
				if err != nil {
					t.Fatalf("order %s: %v", o.ExternalID, err)
				}
				if o.ID == 0 || o.ID != stored.ID || o.Period != "2026-02" || o.DistributorRef != "D"+o.CustomerRef[1:] ||
					o.Lines[0].CV != 8000 {
					t.Errorf("order %s: filled as %+v, stored as %+v", o.ExternalID, o, stored)
				}
				if id, ok := ids[o.ExternalID]; ok && id != o.ID {
					t.Errorf("order %s: ids %d and %d for one external id", o.ExternalID, id, o.ID)
				}
				ids[o.ExternalID] = o.ID
			}
			if _, n, err := db.FindOrders(ctx, downline.OrderFilter{Limit: 1}); err != nil || n != tt.stored {
				t.Errorf("%d orders stored (%v), want %d", n, err, tt.stored)
			}
		})
	}
}

// groupsWaiting reports whether g still holds queued calls.
func (s *gatedOrders) groupsWaiting(g *OrderGroup) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.pending) > 0 || !g.running
}

// TestOrderGroupInvalid checks that an invalid order is refused before it
// joins a group.
func TestOrderGroupInvalid(t *testing.T) {
	db := newGroupStore(t)
	g := NewOrderGroup(db)
	o := groupOrder("", "C0", 1)
	if err := g.CreateOrder(context.Background(), o); downline.ErrorCode(err) != downline.CodeInvalid {
		t.Errorf("order without external id: %v, want %s", err, downline.CodeInvalid)
	}
	if _, n, err := db.FindOrders(context.Background(), downline.OrderFilter{Limit: 1}); err != nil || n != 0 {
		t.Errorf("%d orders stored (%v), want 0", n, err)
	}
}
