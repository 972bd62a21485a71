package main

import (
	"context"
	"fmt"
	"io"

	"github.com/downline/downline"
	"github.com/downline/downline/internal/csvio"
)

// refs answers whether records named by external id exist in the store,
// asking once per id.
type refs struct {
	im    *importer
	known map[string]bool // kind + "\x00" + external id
}

func (r *refs) exists(ctx context.Context, kind, id string) (bool, error) {
	key := kind + "\x00" + id
	if v, ok := r.known[key]; ok {
		return v, nil
	}
	var err error
	switch kind {
	case "distributor":
		_, err = r.im.db.FindDistributorByExternalID(ctx, id)
	case "order":
		_, err = r.im.db.FindOrderByExternalID(ctx, id)
	default:
		var cs []*downline.Customer
		cs, _, err = r.im.db.FindCustomers(ctx, downline.CustomerFilter{ExternalID: &id, Limit: 1})
		if err == nil && len(cs) == 0 {
			err = downline.Errorf(downline.CodeNotFound, "no customer %q", id)
		}
	}
	found := err == nil
	if err != nil && downline.ErrorCode(err) != downline.CodeNotFound {
		return false, fmt.Errorf("look up %s %q: %w", kind, id, err)
	}
	r.known[key] = found
	return found, nil
}

// ref is one reference from a row to another record.
type ref struct {
	field, kind, id string
}

// check rejects the row at p when a reference is neither on an earlier
// valid row (inFile) nor in the store; it reports whether all resolve.
func (r *refs) check(ctx context.Context, h *csvio.Header, p csvio.Pos, inFile map[string]bool, rs ...ref) (bool, error) {
	for _, x := range rs {
		if x.id == "" || inFile[x.id] {
			continue
		}
		ok, err := r.exists(ctx, x.kind, x.id)
		if err != nil {
			return false, err
		}
		if !ok {
			where := "in the database"
			if inFile != nil {
				where = "in the database nor on an earlier valid row"
			}
			r.im.rejects = append(r.im.rejects, h.Locate(p, x.field, fmt.Sprintf("unknown %s %q: not %s", x.kind, x.id, where)))
			return false, nil
		}
	}
	return true, nil
}

// locator returns the function that rejects a record the store refused,
// at the row of the record the message names, else at rec's own row.
func locator[T comparable](im *importer, h *csvio.Header, byID map[string]csvio.Pos, pos map[T]csvio.Pos, field func(error) string) func(T, error) {
	return func(rec T, err error) {
		p, ok := byID[namedRecord(err)]
		if !ok {
			p = pos[rec]
		}
		im.rejects = append(im.rejects, h.Locate(p, field(err), downline.ErrorMessage(err)))
	}
}

func (im *importer) distributors(ctx context.Context, r io.Reader) error {
	im.kind = "distributors"
	opt, err := im.options(ctx)
	if err != nil {
		return err
	}
	got, err := csvio.ReadDistributors(im.file, r, opt)
	if err != nil {
		return usageError{err}
	}
	im.rejects = got.Rejects
	rc := &refs{im: im, known: map[string]bool{}}
	inFile, byID := map[string]bool{}, map[string]csvio.Pos{}
	pos := map[*downline.Distributor]csvio.Pos{}
	var recs []*downline.Distributor
	for _, row := range got.Rows {
		d := row.Distributor
		ok, err := rc.check(ctx, got.Header, row.Pos, inFile,
			ref{"sponsor_id", "distributor", d.SponsorRef}, ref{"placement_parent_id", "distributor", d.PlacementParentRef})
		if err != nil {
			return err
		}
		if ok {
			inFile[d.ExternalID], byID[d.ExternalID], pos[d] = true, row.Pos, row.Pos
			recs = append(recs, d)
		}
	}
	im.valid = len(recs)
	return write(ctx, im, recs, im.db.CreateDistributors, locator(im, got.Header, byID, pos, csvio.FieldOfDistributor))
}

func (im *importer) customers(ctx context.Context, r io.Reader) error {
	im.kind = "customers"
	opt, err := im.options(ctx)
	if err != nil {
		return err
	}
	got, err := csvio.ReadCustomers(im.file, r, opt)
	if err != nil {
		return usageError{err}
	}
	im.rejects = got.Rejects
	rc := &refs{im: im, known: map[string]bool{}}
	byID := map[string]csvio.Pos{}
	pos := map[*downline.Customer]csvio.Pos{}
	var recs []*downline.Customer
	for _, row := range got.Rows {
		c := row.Customer
		ok, err := rc.check(ctx, got.Header, row.Pos, nil, ref{"distributor_id", "distributor", c.DistributorRef})
		if err != nil {
			return err
		}
		if ok {
			byID[c.ExternalID], pos[c] = row.Pos, row.Pos
			recs = append(recs, c)
		}
	}
	im.valid = len(recs)
	return write(ctx, im, recs, im.db.CreateCustomers, locator(im, got.Header, byID, pos, csvio.FieldOfCustomer))
}

func (im *importer) orders(ctx context.Context, r io.Reader, product string) error {
	im.kind = "orders"
	opt, err := im.options(ctx)
	if err != nil {
		return err
	}
	ps, _, err := im.db.FindProducts(ctx, downline.ProductFilter{})
	if err != nil {
		return fmt.Errorf("import orders: load catalogue: %w", err)
	}
	opt.Catalogue = make(map[string]*downline.Product, len(ps))
	for _, p := range ps {
		opt.Catalogue[p.ExternalID] = p
	}
	if product != "" && opt.Catalogue[product] == nil {
		return usageError{fmt.Errorf("import orders: --product %q is not in the catalogue", product)}
	}
	opt.Product = product
	got, err := csvio.ReadOrders(im.file, r, opt)
	if err != nil {
		return usageError{err}
	}
	im.rejects = got.Rejects
	rc := &refs{im: im, known: map[string]bool{}}
	inFile := map[string]bool{}
	orderAt, refundAt := map[string]csvio.Pos{}, map[string]csvio.Pos{}
	opos, rpos := map[*downline.Order]csvio.Pos{}, map[*downline.Refund]csvio.Pos{}
	var orders []*downline.Order
	var refunds []*downline.Refund
	for _, row := range got.Rows {
		if o := row.Order; o != nil {
			ok, err := rc.check(ctx, got.Header, row.Pos, nil,
				ref{"distributor_id", "distributor", o.DistributorRef}, ref{"customer_id", "customer", o.CustomerRef})
			if err != nil {
				return err
			}
			if ok {
				inFile[o.ExternalID], orderAt[o.ExternalID], opos[o] = true, row.Pos, row.Pos
				orders = append(orders, o)
			}
			continue
		}
		rf := row.Refund
		ok, err := rc.check(ctx, got.Header, row.Pos, inFile, ref{"refund_of", "order", rf.OrderRef})
		if err != nil {
			return err
		}
		if ok {
			refundAt[rf.ExternalID], rpos[rf] = row.Pos, row.Pos
			refunds = append(refunds, rf)
		}
	}
	im.valid = len(orders) + len(refunds)
	if err := write(ctx, im, orders, im.db.CreateOrders, locator(im, got.Header, orderAt, opos, csvio.FieldOfOrder)); err != nil {
		return err
	}
	// A refund whose order was just refused is refused by the store too.
	return write(ctx, im, refunds, im.db.CreateRefunds, locator(im, got.Header, refundAt, rpos, csvio.FieldOfOrder))
}
