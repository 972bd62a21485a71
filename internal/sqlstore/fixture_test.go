package sqlstore_test

import (
	"testing"
	"time"

	"github.com/downline/downline"
	"github.com/downline/downline/internal/sqlstore"
)

// catalogue is the test catalogue: two commissionable products and a
// non-commissionable training.
func catalogue() []*downline.Product {
	return []*downline.Product{
		{ExternalID: "SUP", Name: "Support", Kind: downline.KindSupport, RetailPrice: 10000, WholesalePrice: 8000,
			CV: 9000, QV: 8000, Commissionable: true},
		{ExternalID: "SEAT", Name: "Seat", Kind: downline.KindSubscription, RetailPrice: 300, CV: 250, QV: 250,
			Commissionable: true},
		{ExternalID: "TRAIN", Name: "Training", Kind: downline.KindTraining, RetailPrice: 50000},
	}
}

// seed creates the programme, the catalogue, distributors R <- A <- B and
// customers C-A1, C-A2 (of A) and C-B1 (of B).
func seed(tb testing.TB, db *sqlstore.DB) {
	tb.Helper()
	mustProgramme(tb, db)
	for _, p := range catalogue() {
		if err := db.CreateProduct(ctx, p); err != nil {
			tb.Fatal(err)
		}
	}
	mustDistributors(tb, db, dist("R", ""), dist("A", "R"), dist("B", "A"))
	cs := []*downline.Customer{
		{ExternalID: "C-A1", Name: "Alpha GmbH", Domain: "alpha.de", DistributorRef: "A", Attribution: downline.AttributionDeal},
		{ExternalID: "C-A2", Name: "Beta AG", DistributorRef: "A", Attribution: downline.AttributionLink},
		{ExternalID: "C-B1", Name: "Gamma SA", DistributorRef: "B", Attribution: downline.AttributionCode},
	}
	if err := db.CreateCustomers(ctx, cs); err != nil {
		tb.Fatal(err)
	}
}

// customerOrder returns a customer-direct order of qty units of sku.
func customerOrder(ext, customer, sku string, qty int64, paid time.Time) *downline.Order {
	return &downline.Order{ExternalID: ext, CustomerRef: customer, Purpose: downline.PurposeCustomerDirect,
		Currency: "EUR", PaidAt: paid, Lines: []*downline.OrderLine{{ProductRef: sku, Quantity: qty, UnitPrice: price(sku)}}}
}

func price(sku string) int64 {
	for _, p := range catalogue() {
		if p.ExternalID == sku {
			return p.RetailPrice
		}
	}
	panic("unknown sku " + sku)
}

func mustOrders(tb testing.TB, db *sqlstore.DB, os ...*downline.Order) {
	tb.Helper()
	if err := db.CreateOrders(ctx, os); err != nil {
		tb.Fatal(err)
	}
}

// volumes returns the period's aggregates by distributor external id.
func volumes(tb testing.TB, db *sqlstore.DB, period string) map[string]downline.PeriodVolume {
	tb.Helper()
	ids := map[downline.DistributorID]string{}
	ds, _, err := db.FindDistributors(ctx, downline.DistributorFilter{})
	if err != nil {
		tb.Fatal(err)
	}
	for _, d := range ds {
		ids[d.ID] = d.ExternalID
	}
	out := map[string]downline.PeriodVolume{}
	err = db.PeriodVolumes(ctx, period, func(v downline.PeriodVolume) error {
		out[ids[v.DistributorID]] = v
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return out
}
