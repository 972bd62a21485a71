package sqlstore_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/downline/downline"
	"github.com/downline/downline/internal/sqlstore"
	"github.com/google/go-cmp/cmp"
)

func TestCreateOrder(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *sqlstore.DB) {
		seed(t, db)
		o := customerOrder("INV-1", "C-A1", "SUP", 2, at(time.March, 3))
		o.Lines = append(o.Lines, &downline.OrderLine{ProductRef: "SEAT", Quantity: 10, UnitPrice: 300, CV: 200, QV: 100})
		mustOrders(t, db, o)
		if o.ID == 0 || o.Period != "2026-03" || o.Status != downline.OrderPaid || o.DistributorRef != "A" {
			t.Fatalf("created order %+v: fields not filled", o)
		}
		// Line 1 takes the catalogue CV and QV: 9000 and 8000 per unit.
		if l := o.Lines[0]; l.CV != 9000 || l.QV != 8000 || l.LineNo != 1 {
			t.Errorf("line 1 = %+v, want catalogue CV 9000, QV 8000", l)
		}
		got, err := db.FindOrderByExternalID(ctx, "INV-1")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(o, got); diff != "" {
			t.Errorf("FindOrderByExternalID (-created +found):\n%s", diff)
		}
	})
}

func TestCreateOrderIdempotent(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *sqlstore.DB) {
		seed(t, db)
		mustOrders(t, db, customerOrder("INV-1", "C-A1", "SUP", 1, at(time.March, 3)))
		again := customerOrder("INV-1", "C-A1", "SUP", 1, at(time.March, 3))
		mustOrders(t, db, again) // same content: no-op
		mustOrders(t, db, again) // the filled-in struct: no-op
		if again.ID != 1 {
			t.Errorf("repeated order got ID %d, want the stored 1", again.ID)
		}
		other := customerOrder("INV-1", "C-A1", "SUP", 2, at(time.March, 3))
		err := db.CreateOrder(ctx, other)
		if downline.ErrorCode(err) != downline.CodeConflict || downline.ErrorMessage(err) != `order "INV-1": already exists with other content` {
			t.Errorf("CreateOrder(other content) error = %v, want CodeConflict", err)
		}
		// The volume counts the order once: 1 × 90.00 CV.
		if v := volumes(t, db, "2026-03")["A"]; v.CuV != 9000 || v.Orders != 1 {
			t.Errorf("volume after repeats = %+v, want CuV 9000 from one order", v)
		}
	})
}

func TestCreateOrdersAllOrNothing(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *sqlstore.DB) {
		seed(t, db)
		bad := func(modify func(o *downline.Order)) *downline.Order {
			o := customerOrder("BAD", "C-A1", "SUP", 1, at(time.March, 4))
			modify(o)
			return o
		}
		tests := []struct {
			name string
			bad  *downline.Order
			code downline.Code
			msg  string
		}{
			{"quantity", bad(func(o *downline.Order) { o.Lines[0].Quantity = 0 }),
				downline.CodeInvalid, `order "BAD": line 1: quantity must be positive`},
			{"unknown product", bad(func(o *downline.Order) { o.Lines[0].ProductRef = "NOPE" }),
				downline.CodeInvalid, `order "BAD": line 1: product "NOPE" does not exist`},
			{"unknown customer", bad(func(o *downline.Order) { o.CustomerRef = "NOPE" }),
				downline.CodeInvalid, `order "BAD": customer "NOPE" does not exist`},
			{"currency", bad(func(o *downline.Order) { o.Currency = "USD" }),
				downline.CodeInvalid, `order "BAD": currency USD must be the programme currency EUR`},
			{"CV on training (PL-03)", bad(func(o *downline.Order) { o.Lines[0].ProductRef, o.Lines[0].CV = "TRAIN", 100 }),
				downline.CodeInvalid, `order "BAD": line 1: CV must be zero: product "TRAIN" is not commissionable`},
			{"duplicate with other content", customerOrder("OK-1", "C-A1", "SUP", 5, at(time.March, 4)),
				downline.CodeConflict, `order "OK-1": already exists with other content`},
		}
		for _, tt := range tests {
			batch := []*downline.Order{
				customerOrder("OK-1", "C-A1", "SUP", 1, at(time.March, 3)),
				customerOrder("OK-2", "C-B1", "SEAT", 3, at(time.March, 3)),
				tt.bad,
			}
			err := db.CreateOrders(ctx, batch)
			if downline.ErrorCode(err) != tt.code || downline.ErrorMessage(err) != tt.msg {
				t.Errorf("%s: CreateOrders error = %v, want %s %q", tt.name, err, tt.code, tt.msg)
			}
			if _, n, _ := db.FindOrders(ctx, downline.OrderFilter{}); n != 0 {
				t.Errorf("%s: %d orders stored after a failed batch, want 0", tt.name, n)
			}
			if v := volumes(t, db, "2026-03"); len(v) != 0 {
				t.Errorf("%s: volumes after a failed batch = %v, want none", tt.name, v)
			}
		}
	})
}

func TestFindOrdersFilter(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *sqlstore.DB) {
		seed(t, db)
		mustOrders(t, db,
			customerOrder("O1", "C-A1", "SUP", 1, at(time.February, 27)),
			customerOrder("O2", "C-A2", "SEAT", 2, at(time.March, 1)),
			customerOrder("O3", "C-B1", "SUP", 1, at(time.March, 2)),
			&downline.Order{ExternalID: "O4", DistributorRef: "B", Purpose: downline.PurposePersonalUse, Currency: "EUR",
				PaidAt: at(time.March, 5), Lines: []*downline.OrderLine{{ProductRef: "SEAT", Quantity: 1, UnitPrice: 300}}},
		)
		march := "2026-03"
		a, _ := db.FindDistributorByExternalID(ctx, "A")
		personal := downline.PurposePersonalUse
		from := at(time.March, 2)
		tests := []struct {
			name  string
			f     downline.OrderFilter
			want  []string
			total int
		}{
			{"period", downline.OrderFilter{Period: &march}, []string{"O2", "O3", "O4"}, 3},
			{"distributor", downline.OrderFilter{DistributorID: &a.ID}, []string{"O1", "O2"}, 2},
			{"purpose", downline.OrderFilter{Purpose: &personal}, []string{"O4"}, 1},
			{"paid from", downline.OrderFilter{PaidFrom: &from, Limit: 1}, []string{"O3"}, 2},
			{"cursor", downline.OrderFilter{AfterID: 2, Limit: 1}, []string{"O3"}, 2},
		}
		for _, tt := range tests {
			got, total, err := db.FindOrders(ctx, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			var ext []string
			for _, o := range got {
				ext = append(ext, o.ExternalID)
				if len(o.Lines) == 0 {
					t.Errorf("%s: order %s without lines", tt.name, o.ExternalID)
				}
			}
			if diff := cmp.Diff(tt.want, ext); diff != "" || total != tt.total {
				t.Errorf("%s: total %d, want %d; orders (-want +got):\n%s", tt.name, total, tt.total, diff)
			}
		}
	})
}

// TestOrderPeriodInProgrammeZone: an order paid 2026-03-31 22:30 UTC is
// paid 2026-04-01 00:30 in Berlin (UTC+2 in summer time): April.
func TestOrderPeriodInProgrammeZone(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *sqlstore.DB) {
		seed(t, db)
		o := customerOrder("LATE", "C-A1", "SEAT", 1, time.Date(2026, 3, 31, 22, 30, 0, 0, time.UTC))
		mustOrders(t, db, o)
		if o.Period != "2026-04" {
			t.Errorf("period = %s, want 2026-04", o.Period)
		}
		if v := volumes(t, db, "2026-04")["A"]; v.CuV != 250 {
			t.Errorf("April volume of A = %+v, want CuV 250", v)
		}
	})
}

// TestConcurrentIdenticalOrders: two integrations reporting one charge at
// the same moment store one order, and neither sees an error.
func TestConcurrentIdenticalOrders(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *sqlstore.DB) {
		seed(t, db)
		for round := range 5 {
			ext := fmt.Sprintf("RACE-%d", round)
			errs := make(chan error, 2)
			for range 2 {
				go func() { errs <- db.CreateOrder(ctx, customerOrder(ext, "C-A1", "SEAT", 1, at(time.March, 3))) }()
			}
			for range 2 {
				if err := <-errs; err != nil {
					t.Errorf("%s: concurrent identical CreateOrder: %v", ext, err)
				}
			}
		}
		// Five orders of one seat: CuV 5 × 250.
		if v := volumes(t, db, "2026-03")["A"]; v.Orders != 5 || v.CuV != 1250 {
			t.Errorf("volume after races = %+v, want 5 orders, CuV 1250", v)
		}
	})
}

// TestReimportBatch: a batch that repeats stored orders (a second demo run,
// a retried import) stores only the new ones and fills the repeats from
// the stored records.
func TestReimportBatch(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *sqlstore.DB) {
		seed(t, db)
		batch := func() []*downline.Order {
			return []*downline.Order{
				customerOrder("O1", "C-A1", "SEAT", 1, at(time.March, 1)),
				customerOrder("O2", "C-A2", "SEAT", 2, at(time.March, 2)),
				customerOrder("O3", "C-B1", "SEAT", 3, at(time.March, 3)),
			}
		}
		first := batch()
		mustOrders(t, db, first...)
		second := append(batch(), customerOrder("O4", "C-A1", "SEAT", 4, at(time.March, 4)), customerOrder("O4", "C-A1", "SEAT", 4, at(time.March, 4)))
		mustOrders(t, db, second...)
		for i, o := range first {
			if diff := cmp.Diff(o, second[i]); diff != "" {
				t.Errorf("repeat of %s (-first +repeat):\n%s", o.ExternalID, diff)
			}
		}
		if second[3].ID == 0 || second[4].ID != second[3].ID {
			t.Errorf("O4 twice in one batch got IDs %d and %d, want one new ID", second[3].ID, second[4].ID)
		}
		// A: 1 + 2 + 4 seats of CV 250 = 1750; B: 3 seats = 750.
		v := volumes(t, db, "2026-03")
		if v["A"].CuV != 1750 || v["B"].CuV != 750 || v["A"].Orders != 3 {
			t.Errorf("volumes after re-import: A %+v, B %+v; want CuV 1750 (3 orders) and 750", v["A"], v["B"])
		}
	})
}
