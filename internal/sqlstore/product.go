package sqlstore

import (
	"context"
	"fmt"

	"github.com/downline/downline"
)

var _ downline.ProductService = (*DB)(nil)

// FindProductByID returns one product. Returns CodeNotFound.
func (db *DB) FindProductByID(ctx context.Context, id downline.ProductID) (*downline.Product, error) {
	ps, _, err := db.FindProducts(ctx, downline.ProductFilter{ID: &id})
	if err != nil {
		return nil, err
	}
	if len(ps) == 0 {
		return nil, downline.Errorf(downline.CodeNotFound, "Product %d not found.", id)
	}
	return ps[0], nil
}

// FindProducts returns the products matching filter, ordered by ID, and the
// total number of matches ignoring Offset and Limit.
func (db *DB) FindProducts(ctx context.Context, filter downline.ProductFilter) ([]*downline.Product, int, error) {
	tx, err := db.beginTx(ctx, false)
	if err != nil {
		return nil, 0, err
	}
	defer tx.Rollback()
	return findProducts(ctx, tx, filter)
}

func findProducts(ctx context.Context, tx *Tx, f downline.ProductFilter) ([]*downline.Product, int, error) {
	var w where
	if f.ID != nil {
		w.add("id = ?", *f.ID)
	}
	if f.ExternalID != nil {
		w.add("external_id = ?", *f.ExternalID)
	}
	if f.Kind != nil {
		w.add("kind = ?", *f.Kind)
	}
	if f.Commissionable != nil {
		w.add("commissionable = ?", *f.Commissionable)
	}
	rows, err := tx.query(ctx, `SELECT id, external_id, name, kind, retail_price, wholesale_price, cv, qv,
		commissionable, created_at, updated_at, COUNT(*) OVER () FROM products`+w.String()+
		` ORDER BY id`+page(f.Limit, f.Offset), w.args...)
	if err != nil {
		return nil, 0, fmt.Errorf("find products: %w", err)
	}
	defer rows.Close()
	var ps []*downline.Product
	total := 0
	for rows.Next() {
		var p downline.Product
		var created, updated int64
		if err := rows.Scan(&p.ID, &p.ExternalID, &p.Name, &p.Kind, &p.RetailPrice, &p.WholesalePrice, &p.CV, &p.QV,
			&p.Commissionable, &created, &updated, &total); err != nil {
			return nil, 0, fmt.Errorf("find products: %w", err)
		}
		p.CreatedAt, p.UpdatedAt = decodeTime(created), decodeTime(updated)
		ps = append(ps, &p)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("find products: %w", err)
	}
	total, err = countIfPastEnd(ctx, tx, "products", &w, len(ps), total, f.Offset)
	if err != nil {
		return nil, 0, fmt.Errorf("find products: %w", err)
	}
	return ps, total, nil
}

func productDigest(p *downline.Product) string {
	var d digester
	return d.str(p.ExternalID).str(p.Name).str(string(p.Kind)).int(p.RetailPrice).int(p.WholesalePrice).
		int(p.CV).int(p.QV).bool(p.Commissionable).sum()
}

// CreateProduct stores p. The same external id with the same content is a
// no-op that fills p from the stored record. Returns CodeInvalid and
// CodeConflict.
func (db *DB) CreateProduct(ctx context.Context, p *downline.Product) error {
	if err := p.Validate(); err != nil {
		return err
	}
	tx, err := db.beginTx(ctx, true)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := createProduct(ctx, tx, p); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("create product %q: %w", p.ExternalID, err)
	}
	return nil
}

func createProduct(ctx context.Context, tx *Tx, p *downline.Product) error {
	dig := productDigest(p)
	existing, _, err := findProducts(ctx, tx, downline.ProductFilter{ExternalID: &p.ExternalID})
	if err != nil {
		return err
	}
	if len(existing) == 1 {
		if productDigest(existing[0]) != dig {
			return downline.Errorf(downline.CodeConflict, "product %q: already exists with other content", p.ExternalID)
		}
		*p = *existing[0]
		return nil
	}
	err = tx.queryRow(ctx, `INSERT INTO products (external_id, name, kind, retail_price, wholesale_price, cv, qv,
		commissionable, digest, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		p.ExternalID, p.Name, p.Kind, p.RetailPrice, p.WholesalePrice, p.CV, p.QV, p.Commissionable, dig,
		encodeTime(tx.now), encodeTime(tx.now)).Scan(&p.ID)
	if err != nil {
		return fmt.Errorf("create product %q: %w", p.ExternalID, mapError(err, fmt.Sprintf("product %q", p.ExternalID)))
	}
	p.CreatedAt, p.UpdatedAt = tx.now, tx.now
	return nil
}
