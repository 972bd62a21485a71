package sqlstore_test

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/downline/downline"
	"github.com/downline/downline/internal/sqlstore"
)

// TestCatalogueAddedProduct: intake keeps the catalogue it loaded, so a
// product added afterwards (by this handle or by another process on the
// same file) must still be found, with its own catalogue volume, and an
// unknown product is still refused by name.
func TestCatalogueAddedProduct(t *testing.T) {
	t.Parallel()
	newProduct := func(ext string, cv int64) *downline.Product {
		return &downline.Product{ExternalID: ext, Name: ext, Kind: downline.KindSupport, RetailPrice: 1000, CV: cv, QV: cv,
			Commissionable: true}
	}
	check := func(t *testing.T, intake, writer *sqlstore.DB) {
		seed(t, intake)
		mustOrders(t, intake, customerOrder("CAT-1", "C-A1", "SUP", 1, at(time.March, 3))) // loads the catalogue
		if err := writer.CreateProduct(ctx, newProduct("NEW", 700)); err != nil {
			t.Fatal(err)
		}
		o := &downline.Order{ExternalID: "CAT-2", CustomerRef: "C-A1", Purpose: downline.PurposeCustomerDirect, Currency: "EUR",
			PaidAt: at(time.March, 4), Lines: []*downline.OrderLine{{ProductRef: "NEW", Quantity: 2, UnitPrice: 1000}}}
		mustOrders(t, intake, o)
		if l := o.Lines[0]; l.CV != 700 || l.QV != 700 || l.ProductID == 0 {
			t.Errorf("line of the added product: CV %d, QV %d, product %d; want 700, 700, its id", l.CV, l.QV, l.ProductID)
		}
		bad := &downline.Order{ExternalID: "CAT-3", CustomerRef: "C-A1", Purpose: downline.PurposeCustomerDirect, Currency: "EUR",
			PaidAt: at(time.March, 4), Lines: []*downline.OrderLine{{ProductRef: "NOPE", Quantity: 1, UnitPrice: 1000}}}
		err := intake.CreateOrder(ctx, bad)
		if downline.ErrorCode(err) != downline.CodeInvalid || !strings.Contains(err.Error(), `product "NOPE" does not exist`) {
			t.Errorf("unknown product: %v; want CodeInvalid naming NOPE", err)
		}
		if err := writer.CreateProduct(ctx, newProduct("NOPE", 0)); err != nil {
			t.Fatal(err)
		}
		bad.ExternalID = "CAT-4"
		if err := intake.CreateOrder(ctx, bad); err != nil {
			t.Errorf("product added after a refusal: %v", err)
		}
	}
	t.Run("same handle", func(t *testing.T) {
		t.Parallel()
		forEachDB(t, func(t *testing.T, db *sqlstore.DB) { check(t, db, db) })
	})
	t.Run("other process", func(t *testing.T) {
		t.Parallel()
		path := filepath.Join(t.TempDir(), "cat.db")
		open := func() *sqlstore.DB {
			db, err := sqlstore.Open(ctx, "sqlite:"+path)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			return db
		}
		intake := open()
		if _, err := intake.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		check(t, intake, open())
	})
}

// TestSQLiteCheckpointsInBackground: the writer of an SQLite file leaves
// WAL checkpoints to the background checkpointer up to the backstop, and
// closing the store (twice, too) stops it.
func TestSQLiteCheckpointsInBackground(t *testing.T) {
	t.Parallel()
	db, err := sqlstore.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "wal.db"))
	if err != nil {
		t.Fatal(err)
	}
	var pages int
	if err := db.SQL().QueryRowContext(ctx, "PRAGMA wal_autocheckpoint").Scan(&pages); err != nil || pages != 20000 {
		t.Errorf("writer wal_autocheckpoint = %d (%v), want 20000", pages, err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Errorf("second close: %v", err)
	}
}
