// Package demo builds a realistic demonstration programme through the
// store's service interfaces: a commercial-open-source vendor's catalogue,
// a heavy-tailed sponsor tree of distributors, their customer
// organisations and months of orders with renewals, personal use and
// refunds. The same seed and anchor month give the same programme.
package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/downline/downline"
	"github.com/downline/downline/gen"
)

// Services are the stores the demo writes through.
type Services struct {
	Programme    downline.ProgrammeService
	Products     downline.ProductService
	Distributors downline.DistributorService
	Customers    downline.CustomerService
	Orders       downline.OrderService
	Refunds      downline.RefundService
}

// Options shape the demo programme. Zero values take the defaults.
type Options struct {
	// Seed selects the programme; the default is 2026.
	Seed uint64
	// Distributors is the size of the sponsor tree; the default is 2,400.
	Distributors int
	// Months is how many whole months of orders to create; the default is 6.
	Months int
	// LastPeriod is the last month with orders, "YYYY-MM"; required.
	LastPeriod string
	// Progress, when set, is told how far each stage has come.
	Progress func(stage string, done, total int)
}

// Summary says what Build created or found.
type Summary struct {
	Reused       bool
	Programme    string
	Products     int
	Distributors int
	Customers    int
	Orders       int
	Refunds      int
	Periods      []string // the months with orders, oldest first

	// The compliance cases the demo stages (compliance.go); empty when
	// the data was reused.
	Holds          []Hold // TX-11 self-dealing pairs, held at intake
	CircularOrders int    // customer orders paid with an upline's card (TX-02)
	RefusedMoves   int    // cyclic sponsor moves refused and flagged
}

const (
	defaultSeed         = 2026
	defaultDistributors = 2400
	defaultMonths       = 6
	batchSize           = 500
	timeZone            = "Europe/Berlin"
)

// Build creates the demo programme, or reports the existing one when a
// programme with distributors is already stored (a second run reuses the
// data). Every write goes through an idempotent batch method, so a build
// interrupted half-way completes when run again.
func Build(ctx context.Context, svc Services, opt Options) (Summary, error) {
	opt = opt.withDefaults()
	last, err := time.Parse("2006-01", opt.LastPeriod)
	if err != nil {
		return Summary{}, fmt.Errorf("demo: last period %q is not YYYY-MM", opt.LastPeriod)
	}
	if s, ok, err := existing(ctx, svc); err != nil || ok {
		return s, err
	}
	loc, err := time.LoadLocation(timeZone)
	if err != nil {
		return Summary{}, fmt.Errorf("demo: load time zone: %w", err)
	}
	first := time.Date(last.Year(), last.Month()-time.Month(opt.Months-1), 1, 0, 0, 0, 0, loc)
	b := &builder{svc: svc, opt: opt, loc: loc, first: first,
		rng:  rand.New(rand.NewPCG(opt.Seed, 0x64656d6f)),
		xrng: rand.New(rand.NewPCG(opt.Seed, 0x636f6d70))}
	if err := b.build(ctx); err != nil {
		return Summary{}, err
	}
	return b.sum, nil
}

func (o Options) withDefaults() Options {
	if o.Seed == 0 {
		o.Seed = defaultSeed
	}
	if o.Distributors <= 0 {
		o.Distributors = defaultDistributors
	}
	if o.Months <= 0 {
		o.Months = defaultMonths
	}
	if o.Progress == nil {
		o.Progress = func(string, int, int) {}
	}
	return o
}

// existing reports the stored programme when there is one with data.
func existing(ctx context.Context, svc Services) (Summary, bool, error) {
	p, err := svc.Programme.FindProgramme(ctx)
	if downline.ErrorCode(err) == downline.CodeNotFound {
		return Summary{}, false, nil
	} else if err != nil {
		return Summary{}, false, fmt.Errorf("demo: find programme: %w", err)
	}
	one := downline.DistributorFilter{Limit: 1}
	_, nd, err := svc.Distributors.FindDistributors(ctx, one)
	if err != nil {
		return Summary{}, false, fmt.Errorf("demo: count distributors: %w", err)
	}
	if nd == 0 {
		return Summary{}, false, nil
	}
	s := Summary{Reused: true, Programme: p.Name, Distributors: nd}
	if _, s.Products, err = svc.Products.FindProducts(ctx, downline.ProductFilter{Limit: 1}); err != nil {
		return s, false, fmt.Errorf("demo: count products: %w", err)
	}
	if _, s.Customers, err = svc.Customers.FindCustomers(ctx, downline.CustomerFilter{Limit: 1}); err != nil {
		return s, false, fmt.Errorf("demo: count customers: %w", err)
	}
	if _, s.Orders, err = svc.Orders.FindOrders(ctx, downline.OrderFilter{Limit: 1}); err != nil {
		return s, false, fmt.Errorf("demo: count orders: %w", err)
	}
	if _, s.Refunds, err = svc.Refunds.FindRefunds(ctx, downline.RefundFilter{Limit: 1}); err != nil {
		return s, false, fmt.Errorf("demo: count refunds: %w", err)
	}
	return s, true, nil
}

// builder holds the state of one build.
type builder struct {
	svc   Services
	opt   Options
	loc   *time.Location
	first time.Time // start of the first month with orders
	rng   *rand.Rand
	// xrng draws the compliance cases (compliance.go), apart from rng so
	// that they leave the rest of the programme as it was.
	xrng *rand.Rand
	sum  Summary

	dists     []*downline.Distributor
	custs     []*customerPlan
	employees []employee   // distributors who work for a customer (TX-11)
	devBuyers map[int]bool // indexes of distributors with a developer subscription
}

func (b *builder) build(ctx context.Context) error {
	steps := []struct {
		name string
		fn   func(context.Context) error
	}{
		{"programme", b.programme},
		{"catalogue", b.catalogue},
		{"distributors", b.distributors},
		{"customers", b.customers},
		{"orders", b.orders},
		{"compliance cases", b.compliance},
	}
	for _, s := range steps {
		if err := s.fn(ctx); err != nil {
			return fmt.Errorf("demo: %s: %w", s.name, err)
		}
	}
	for m := 0; m < b.opt.Months; m++ {
		b.sum.Periods = append(b.sum.Periods, b.month(m).Format("2006-01"))
	}
	return nil
}

// month returns the start of the m-th month with orders.
func (b *builder) month(m int) time.Time { return b.first.AddDate(0, m, 0) }

func (b *builder) programme(ctx context.Context) error {
	p := &downline.Programme{
		Name:              "Lumen Data Platform Partner Programme",
		Currency:          "USD",
		PeriodLength:      downline.PeriodMonthly,
		TimeZone:          timeZone,
		LandingURL:        "https://lumen.example/try",
		DefaultSponsorRef: "",
	}
	b.sum.Programme = p.Name
	return b.svc.Programme.CreateProgramme(ctx, p)
}

// treeShape draws the sponsor tree from the synthetic generator, whose
// preferential attachment gives the heavy-tailed fan-out of real
// programmes (a few builders with hundreds below them, most with none).
func (b *builder) treeShape() (*gen.Tree, error) {
	g, err := gen.New(gen.Config{
		Seed:         b.opt.Seed,
		Distributors: b.opt.Distributors,
		Shape:        gen.ShapePA,
		Period:       b.month(b.opt.Months - 1).Format("2006-01"),
		Orders:       1,
		NoRefunds:    true,
	})
	if err != nil {
		return nil, err
	}
	return g.Tree(), nil
}
