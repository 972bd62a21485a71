package gen

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"

	"github.com/downline/downline/compplan"
)

func mustNew(t testing.TB, c Config) *Generator {
	t.Helper()
	g, err := New(c)
	if err != nil {
		t.Fatalf("New(%+v): %v", c, err)
	}
	return g
}

func csvBytes(t testing.TB, g *Generator) (dist, orders []byte) {
	t.Helper()
	var d, o bytes.Buffer
	if err := g.WriteDistributors(&d); err != nil {
		t.Fatalf("WriteDistributors: %v", err)
	}
	if err := g.WriteOrders(&o); err != nil {
		t.Fatalf("WriteOrders: %v", err)
	}
	return d.Bytes(), o.Bytes()
}

func TestDeterministic(t *testing.T) {
	t.Parallel()
	for _, shape := range Shapes {
		t.Run(string(shape), func(t *testing.T) {
			t.Parallel()
			c := Config{Seed: 7, Distributors: 3000, Orders: 20000, Shape: shape, Placement: true}
			d1, o1 := csvBytes(t, mustNew(t, c))
			d2, o2 := csvBytes(t, mustNew(t, c))
			if !bytes.Equal(d1, d2) || !bytes.Equal(o1, o2) {
				t.Fatalf("two runs with seed 7 differ")
			}
			c.Seed = 8
			_, o3 := csvBytes(t, mustNew(t, c))
			if bytes.Equal(o1, o3) {
				t.Errorf("seeds 7 and 8 gave identical orders.csv")
			}
		})
	}
}

func TestOrderRows(t *testing.T) {
	t.Parallel()
	g := mustNew(t, Config{Seed: 3, Distributors: 5000, Orders: 40000, Period: "2026-02"})
	start, end := g.Period()
	lo, hi := start.Unix()+12*3600, end.Unix()-12*3600
	sales := map[int64]Order{}
	refunded := map[int64]bool{}
	var n, refunds int64
	err := g.Orders(func(o *Order) error {
		n++
		if o.ID != n {
			t.Fatalf("order %d has ID %d, want consecutive IDs", n, o.ID)
		}
		if o.PaidAt < lo || o.PaidAt >= hi {
			t.Errorf("order %d paid at %v, outside [%v, %v)", o.ID, o.PaidTime(), time.Unix(lo, 0).UTC(), time.Unix(hi, 0).UTC())
		}
		hasCustomer := o.Purpose != PurposePersonalUse && o.Purpose != PurposeResaleStock
		if (o.CustomerID != 0) != hasCustomer {
			t.Errorf("order %d: purpose %v with customer %d", o.ID, o.Purpose, o.CustomerID)
		}
		d := g.Tree().Distributor(int(o.DistributorID - 1))
		if d.Status != StatusActive {
			t.Errorf("order %d credited to %v distributor %d", o.ID, d.Status, d.ID)
		}
		if o.RefundOf == 0 {
			if o.CV <= 0 || o.CV != o.Amount*4/5 || o.QV != o.CV || o.BV != o.CV {
				t.Errorf("sale %d: cv %d qv %d bv %d amount %d", o.ID, o.CV, o.QV, o.BV, o.Amount)
			}
			sales[o.ID] = *o
			return nil
		}
		refunds++
		s, ok := sales[o.RefundOf]
		switch {
		case !ok:
			t.Errorf("refund %d of order %d, which is not an earlier sale", o.ID, o.RefundOf)
		case refunded[o.RefundOf]:
			t.Errorf("order %d refunded twice", o.RefundOf)
		case s.DistributorID != o.DistributorID || s.Purpose != o.Purpose || s.CustomerID != o.CustomerID:
			t.Errorf("refund %d does not match sale %d: %+v vs %+v", o.ID, s.ID, o, s)
		case o.CV >= 0 || -o.CV > s.CV || -o.Amount > s.Amount || o.PaidAt < s.PaidAt:
			t.Errorf("refund %d of sale %d: cv %d of %d, amount %d of %d", o.ID, s.ID, o.CV, s.CV, o.Amount, s.Amount)
		}
		refunded[o.RefundOf] = true
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != 40000 || g.NumOrders() != 40000 {
		t.Errorf("streamed %d rows, NumOrders %d, want 40000", n, g.NumOrders())
	}
	// 2 % of rows are refunds when an earlier sale exists: expect ~800.
	if refunds < 400 || refunds > 1200 {
		t.Errorf("%d refunds in 40000 rows, want about 800", refunds)
	}
}

func frontline(t *Tree) []int {
	f := make([]int, t.Len())
	for i := 1; i < t.Len(); i++ {
		f[t.Sponsor[i]]++
	}
	return f
}

func maxOf(xs []int) int {
	m := 0
	for _, x := range xs {
		m = max(m, x)
	}
	return m
}

func TestShapes(t *testing.T) {
	t.Parallel()
	const n = 20000
	trees := map[Shape]*Tree{}
	for _, s := range Shapes {
		tr := mustNew(t, Config{Seed: 11, Distributors: n, Shape: s}).Tree()
		trees[s] = tr
		for i := 1; i < n; i++ {
			if p := tr.Sponsor[i]; p < 0 || int(p) >= i {
				t.Fatalf("%s: sponsor of %d is %d, want an earlier distributor", s, i, p)
			}
		}
		if tr.Sponsor[0] != -1 {
			t.Errorf("%s: root has sponsor %d", s, tr.Sponsor[0])
		}
	}
	if _, d := trees[ShapeChain].Depth(); d != n-1 {
		t.Errorf("chain depth = %d, want %d", d, n-1)
	}
	if f := frontline(trees[ShapeStar]); f[0] != n-1 {
		t.Errorf("star root frontline = %d, want %d", f[0], n-1)
	}
	_, dd := trees[ShapeDeep].Depth()
	_, dp := trees[ShapePA].Depth()
	// A quarter of 20000 newcomers extend 8 chains: ≈ 625 deep each.
	if dd < 400 || dp > 100 {
		t.Errorf("depth deep = %d (want ≥ 400), pa = %d (want ≤ 100)", dd, dp)
	}
	// Preferential attachment's largest frontline is of order √n (≈ 140
	// here); a uniform random tree's is of order log n (≈ 15).
	fp, fu := maxOf(frontline(trees[ShapePA])), maxOf(frontline(trees[ShapeUniform]))
	if fp < 4*fu {
		t.Errorf("largest frontline pa = %d, uniform = %d: want a heavy tail for pa", fp, fu)
	}
}

// TestPlacementStar checks breadth-first filling where it is easy to state:
// with everyone sponsored by the root, the placement tree is a heap, so
// index i sits under (i-1)/2 on the left when i is odd.
func TestPlacementStar(t *testing.T) {
	t.Parallel()
	tr := mustNew(t, Config{Seed: 1, Distributors: 1000, Shape: ShapeStar, Placement: true}).Tree()
	for i := 1; i < tr.Len(); i++ {
		wantSide := byte('R')
		if i%2 == 1 {
			wantSide = 'L'
		}
		if tr.Parent[i] != int32((i-1)/2) || tr.Side[i] != wantSide {
			t.Fatalf("placement of %d = (%d, %c), want (%d, %c)", i, tr.Parent[i], tr.Side[i], (i-1)/2, wantSide)
		}
	}
}

// TestPlacementSpill checks the binary-spill invariants on a large tree:
// every seat holds at most one left and one right child, and each
// distributor sits in its sponsor's placement subtree at the shallowest
// depth that had a free seat when it joined.
func TestPlacementSpill(t *testing.T) {
	t.Parallel()
	tr := mustNew(t, Config{Seed: 5, Distributors: 5000, Shape: ShapeBinarySpill}).Tree()
	n := tr.Len()
	left, right := make([]int32, n), make([]int32, n)
	for i := range n {
		left[i], right[i] = -1, -1
	}
	pdepth := make([]int, n)
	for i := 1; i < n; i++ {
		p := tr.Parent[i]
		if p < 0 || int(p) >= i {
			t.Fatalf("placement parent of %d is %d", i, p)
		}
		// The shallowest free seat under the sponsor before i joined.
		s := tr.Sponsor[i]
		shallowest := -1
		level := []int32{s}
		for d := 1; shallowest < 0; d++ {
			var next []int32
			for _, x := range level {
				if left[x] < 0 || right[x] < 0 {
					shallowest = d
					break
				}
				next = append(next, left[x], right[x])
			}
			level = next
		}
		switch tr.Side[i] {
		case 'L':
			if left[p] >= 0 {
				t.Fatalf("%d placed left of %d, taken by %d", i, p, left[p])
			}
			left[p] = int32(i)
		case 'R':
			if right[p] >= 0 {
				t.Fatalf("%d placed right of %d, taken by %d", i, p, right[p])
			}
			right[p] = int32(i)
		default:
			t.Fatalf("side of %d = %q", i, tr.Side[i])
		}
		pdepth[i] = pdepth[p] + 1
		if got := pdepth[i] - pdepth[s]; got != shallowest {
			t.Fatalf("%d placed %d levels under sponsor %d, want %d", i, got, s, shallowest)
		}
	}
}

func TestConfigErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		c    Config
		want string
	}{
		{Config{}, "distributors 0"},
		{Config{Distributors: 1, Shape: "ring"}, `unknown shape "ring"`},
		{Config{Distributors: 1, ActiveShare: 1.5}, "active share 1.5"},
		{Config{Distributors: 1, Orders: -1}, "orders -1"},
		{Config{Distributors: 1, ZipfS: 0.5}, "zipf exponent 0.5"},
		{Config{Distributors: 1, RefundShare: 0.9}, "refund share 0.9"},
		{Config{Distributors: 1, Period: "2026-13"}, `period "2026-13"`},
		{Config{Distributors: 1, Currency: "EURO"}, `currency "EURO"`},
	}
	for _, tt := range tests {
		_, err := New(tt.c)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("New(%+v) error = %v, want it to mention %q", tt.c, err, tt.want)
		}
	}
}

func TestAppendMoney(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		v    int64
		want string
	}{{0, "0.00"}, {5, "0.05"}, {1234, "12.34"}, {-5, "-0.05"}, {-123400, "-1234.00"}} {
		if got := string(AppendMoney(nil, tt.v)); got != tt.want {
			t.Errorf("AppendMoney(%d) = %q, want %q", tt.v, got, tt.want)
		}
	}
}

func TestOrderCSVLine(t *testing.T) {
	t.Parallel()
	o := Order{ID: 9, DistributorID: 4, Purpose: PurposePersonalUse, PaidAt: time.Date(2026, 10, 5, 7, 8, 9, 0, time.UTC).Unix(),
		CV: -1592, QV: -1592, BV: -1592, Amount: -1990, RefundOf: 3}
	want := "9,4,,personal_use,2026-10-05T07:08:09Z,-15.92,-15.92,-15.92,-19.90,EUR,3\n"
	if got := string(AppendOrderCSV(nil, &o, "EUR")); got != want {
		t.Errorf("AppendOrderCSV = %q, want %q", got, want)
	}
}

// TestCountsProperty: for any configuration the stream has exactly
// NumOrders rows, the per-distributor counts add up, and Orders without a
// total gives OrdersPerActive rows per seller on average.
func TestCountsProperty(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		c := Config{
			Seed:         rapid.Uint64().Draw(t, "seed"),
			Distributors: rapid.IntRange(1, 300).Draw(t, "n"),
			Orders:       rapid.IntRange(0, 3000).Draw(t, "orders"),
			Shape:        rapid.SampledFrom(Shapes).Draw(t, "shape"),
			ActiveShare:  rapid.Float64Range(0.01, 1).Draw(t, "active"),
			Placement:    rapid.Bool().Draw(t, "placement"),
		}
		g, err := New(c)
		if err != nil {
			t.Fatalf("New: %v", err)
		}
		var sum, rows int64
		for i := range g.Tree().Len() {
			sum += int64(g.OrderCount(i))
		}
		_ = g.Orders(func(*Order) error { rows++; return nil })
		if rows != sum || rows != g.NumOrders() || (c.Orders > 0 && rows != int64(c.Orders)) {
			t.Fatalf("rows %d, sum of counts %d, NumOrders %d, Orders %d", rows, sum, g.NumOrders(), c.Orders)
		}
		if got := len(g.CollectOrders()); int64(got) != rows {
			t.Fatalf("CollectOrders has %d rows, want %d", got, rows)
		}
	})
}

// TestEngineNumbering: EngineDistributors and EngineOrder convert statuses
// and purposes by number, so the two packages must spell each the same.
func TestEngineNumbering(t *testing.T) {
	t.Parallel()
	for s := StatusActive; s <= StatusTerminated; s++ {
		if got := compplan.Status(s).String(); got != s.String() {
			t.Errorf("compplan.Status(%d) = %q, gen says %q", s, got, s)
		}
	}
	for p := PurposeCustomerDirect; p <= PurposeNonCommissionable; p++ {
		if got := compplan.Purpose(p).String(); got != p.String() {
			t.Errorf("compplan.Purpose(%d) = %q, gen says %q", p, got, p)
		}
	}
	g := mustNew(t, Config{Seed: 2, Distributors: 50, Orders: 400, Shape: ShapeBinarySpill})
	ds := g.Tree().EngineDistributors()
	if _, err := compplan.NewTree(ds); err != nil {
		t.Fatalf("NewTree(EngineDistributors()): %v", err)
	}
	for i, d := range ds {
		want := g.Tree().Distributor(i)
		side := map[compplan.Side]byte{compplan.SideLeft: 'L', compplan.SideRight: 'R'}[d.Side]
		if int64(d.ID) != want.ID || int64(d.Sponsor) != want.SponsorID || int64(d.Placement) != want.PlacementParentID ||
			side != want.PlacementSide || !d.JoinedAt.Equal(want.JoinedAt) {
			t.Errorf("EngineDistributors()[%d] = %+v, want %+v", i, d, want)
		}
	}
	for _, o := range g.CollectOrders() {
		e := EngineOrder(&o, true)
		if e.ID != strconv.FormatInt(o.ID, 10) || int64(e.Distributor) != o.DistributorID || e.CV != o.CV ||
			!e.PaidAt.Equal(o.PaidTime()) || (e.RefundOf != "") != (o.RefundOf != 0) || (e.Customer != "") != (o.CustomerID != 0) {
			t.Errorf("EngineOrder(%+v) = %+v", o, e)
		}
	}
}

// TestCSVRoundTrip reads the generated CSV files back with the engine's
// readers (those of downline calc) and checks that they yield exactly the
// rows EngineDistributors and EngineOrder produce.
func TestCSVRoundTrip(t *testing.T) {
	t.Parallel()
	plan, err := compplan.ParsePlan(strings.NewReader("plan: p\nversion: \"1\"\ncurrency: USD\nbonuses:\n  - {id: d, kind: direct, rate_pct: \"10\"}\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, shape := range []Shape{ShapePA, ShapeBinarySpill} {
		g := mustNew(t, Config{Seed: 9, Distributors: 700, Orders: 6000, Shape: shape, RefundShare: 0.1})
		d, o := csvBytes(t, g)
		ds, _, err := compplan.ReadDistributorsCSV("distributors.csv", bytes.NewReader(d), time.UTC)
		if err != nil {
			t.Fatalf("%s: ReadDistributorsCSV: %v", shape, err)
		}
		if diff := cmp.Diff(g.Tree().EngineDistributors(), ds); diff != "" {
			t.Errorf("%s: distributors.csv read back differs (-want +got):\n%s", shape, diff)
		}
		os, _, err := compplan.ReadOrdersCSV("orders.csv", bytes.NewReader(o), plan, time.UTC)
		if err != nil {
			t.Fatalf("%s: ReadOrdersCSV: %v", shape, err)
		}
		var want []compplan.Order
		for _, x := range g.CollectOrders() {
			want = append(want, EngineOrder(&x, true))
		}
		if diff := cmp.Diff(want, os); diff != "" {
			t.Errorf("%s: orders.csv read back differs (-want +got):\n%s", shape, diff)
		}
	}
}
