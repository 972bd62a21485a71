package sqlstore

import (
	"context"
	"time"

	"github.com/downline/downline"
)

// catalogue is what order intake reads of the programme and the products.
// It is loaded once per DB instead of in every intake transaction: the
// programme's currency and time zone never change once it exists, and
// products are only ever added (nothing updates or deletes a product row),
// so a loaded catalogue stays true for every product it holds, whichever
// process wrote it. A product it does not hold (added since, by this
// process or another) makes the intake transaction load the catalogue
// again before it calls the product unknown. A catalogue is never changed
// once published; a reload publishes a new one.
type catalogue struct {
	currency string
	loc      *time.Location
	byRef    map[string]*downline.Product
	byID     map[downline.ProductID]*downline.Product
}

// loadCatalogue returns the DB's catalogue, reading it in tx when there is
// none yet or when reload is set. It reads only committed rows (an intake
// transaction writes no programme or product), so what it publishes is
// never rolled back.
func (db *DB) loadCatalogue(ctx context.Context, tx *Tx, reload bool) (*catalogue, error) {
	if c := db.catalogue.Load(); c != nil && !reload {
		return c, nil
	}
	prog, err := findProgramme(ctx, tx)
	if err != nil {
		return nil, err
	}
	loc, err := prog.Location()
	if err != nil {
		return nil, err
	}
	ps, _, err := findProducts(ctx, tx, downline.ProductFilter{})
	if err != nil {
		return nil, err
	}
	c := &catalogue{currency: prog.Currency, loc: loc, byRef: make(map[string]*downline.Product, len(ps)),
		byID: make(map[downline.ProductID]*downline.Product, len(ps))}
	for _, p := range ps {
		c.byRef[p.ExternalID], c.byID[p.ID] = p, p
	}
	db.catalogue.Store(c)
	return c, nil
}

// lookup returns the line's product (by id when set, else by reference),
// or nil.
func (c *catalogue) lookup(l *downline.OrderLine) *downline.Product {
	if l.ProductID != 0 {
		return c.byID[l.ProductID]
	}
	return c.byRef[l.ProductRef]
}

// product returns the line's product, loading the catalogue again once
// per transaction when the loaded one does not hold it; nil when it does
// not exist. The returned product is shared: read it, never change it.
func (in *orderInserter) product(ctx context.Context, l *downline.OrderLine) (*downline.Product, error) {
	if p := in.cat.lookup(l); p != nil || in.catFresh {
		return p, nil
	}
	c, err := in.tx.db.loadCatalogue(ctx, in.tx, true)
	if err != nil {
		return nil, err
	}
	in.cat, in.catFresh = c, true
	return c.lookup(l), nil
}
