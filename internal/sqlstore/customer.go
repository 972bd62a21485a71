package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/downline/downline"
)

var _ downline.CustomerService = (*DB)(nil)

// FindCustomerByID returns one customer. Returns CodeNotFound.
func (db *DB) FindCustomerByID(ctx context.Context, id downline.CustomerID) (*downline.Customer, error) {
	cs, _, err := db.FindCustomers(ctx, downline.CustomerFilter{ID: &id})
	if err != nil {
		return nil, err
	}
	if len(cs) == 0 {
		return nil, downline.Errorf(downline.CodeNotFound, "Customer %d not found.", id)
	}
	return cs[0], nil
}

// FindCustomers returns the customers matching filter, ordered by ID, and
// the total number of matches ignoring Offset and Limit.
func (db *DB) FindCustomers(ctx context.Context, filter downline.CustomerFilter) ([]*downline.Customer, int, error) {
	tx, err := db.beginTx(ctx, false)
	if err != nil {
		return nil, 0, err
	}
	defer tx.Rollback()
	return findCustomers(ctx, tx, filter)
}

func findCustomers(ctx context.Context, tx *Tx, f downline.CustomerFilter) ([]*downline.Customer, int, error) {
	var w where
	if f.ID != nil {
		w.add("c.id = ?", *f.ID)
	}
	if f.ExternalID != nil {
		w.add("c.external_id = ?", *f.ExternalID)
	}
	if f.DistributorID != nil {
		w.add("c.distributor_id = ?", *f.DistributorID)
	}
	if f.Domain != nil {
		w.add("c.domain = ?", *f.Domain)
	}
	if f.AfterID != 0 {
		w.add("c.id > ?", f.AfterID)
	}
	rows, err := tx.query(ctx, `SELECT c.id, c.external_id, c.name, c.domain, c.distributor_id, d.external_id,
		c.attribution, c.created_at, c.updated_at, COUNT(*) OVER ()
		FROM customers c JOIN distributors d ON d.id = c.distributor_id`+w.String()+
		` ORDER BY c.id`+page(f.Limit, f.Offset), w.args...)
	if err != nil {
		return nil, 0, fmt.Errorf("find customers: %w", err)
	}
	defer rows.Close()
	var cs []*downline.Customer
	total := 0
	for rows.Next() {
		var c downline.Customer
		var created, updated int64
		if err := rows.Scan(&c.ID, &c.ExternalID, &c.Name, &c.Domain, &c.DistributorID, &c.DistributorRef,
			&c.Attribution, &created, &updated, &total); err != nil {
			return nil, 0, fmt.Errorf("find customers: %w", err)
		}
		c.CreatedAt, c.UpdatedAt = decodeTime(created), decodeTime(updated)
		cs = append(cs, &c)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("find customers: %w", err)
	}
	total, err = countIfPastEnd(ctx, tx, "customers c", &w, len(cs), total, f.Offset)
	if err != nil {
		return nil, 0, fmt.Errorf("find customers: %w", err)
	}
	return cs, total, nil
}

func customerDigest(c *downline.Customer) string {
	var d digester
	return d.str(c.ExternalID).str(c.Name).str(c.Domain).str(c.DistributorRef).str(string(c.Attribution)).sum()
}

// CreateCustomer stores c. See downline.CustomerService.
func (db *DB) CreateCustomer(ctx context.Context, c *downline.Customer) error {
	return db.CreateCustomers(ctx, []*downline.Customer{c})
}

// CreateCustomers stores cs in one transaction: all or none.
func (db *DB) CreateCustomers(ctx context.Context, cs []*downline.Customer) error {
	var errs []error
	for _, c := range cs {
		if err := c.Validate(); err != nil {
			errs = append(errs, err)
		}
	}
	if err := batchError("customers", len(cs), errs); err != nil {
		return err
	}
	return retryOnUniqueViolation(func() error {
		tx, err := db.beginTx(ctx, true)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		refs, err := newRefResolver(ctx, tx)
		if err != nil {
			return err
		}
		defer refs.close()
		ins, err := tx.prepare(ctx, `INSERT INTO customers (external_id, name, domain, distributor_id, attribution,
			digest, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`)
		if err != nil {
			return fmt.Errorf("create customers: %w", err)
		}
		defer ins.Close()
		byExt, err := tx.prepare(ctx, `SELECT id, digest FROM customers WHERE external_id = ?`)
		if err != nil {
			return fmt.Errorf("create customers: %w", err)
		}
		defer byExt.Close()
		var selfRef selfReferralCheck
		for _, c := range cs {
			what := fmt.Sprintf("customer %q", c.ExternalID)
			if err := refs.distributor(ctx, what, "distributor", &c.DistributorID, &c.DistributorRef); err != nil {
				return err
			}
			dig := customerDigest(c)
			var id downline.CustomerID
			var existing string
			err := byExt.QueryRowContext(ctx, c.ExternalID).Scan(&id, &existing)
			switch {
			case err == nil && existing != dig:
				return downline.Errorf(downline.CodeConflict, "%s: already exists with other content", what)
			case err == nil:
				found, _, err := findCustomers(ctx, tx, downline.CustomerFilter{ID: &id})
				if err != nil || len(found) != 1 {
					return fmt.Errorf("create %s: reload: %v", what, err)
				}
				*c = *found[0]
				continue
			case err != sql.ErrNoRows:
				return fmt.Errorf("create %s: %w", what, err)
			}
			now := encodeTime(tx.now)
			if err := ins.QueryRowContext(ctx, c.ExternalID, c.Name, c.Domain, c.DistributorID, c.Attribution, dig,
				now, now).Scan(&c.ID); err != nil {
				return fmt.Errorf("create %s: %w", what, mapError(err, what))
			}
			c.CreatedAt, c.UpdatedAt = tx.now, tx.now
			if err := selfRef.check(ctx, tx, c.ID, c.Domain, c.DistributorID); err != nil {
				return fmt.Errorf("create %s: self-referral check: %w", what, err)
			}
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("create customers: %w", err)
		}
		return nil
	})
}

// refResolver turns external ids into ids and back within one
// transaction, caching what it has looked up.
type refResolver struct {
	distByExt, distByID, custByExt, custByID *sql.Stmt

	dists    map[string]downline.DistributorID
	distRefs map[downline.DistributorID]string
	custs    map[string]customerRef
	custRefs map[downline.CustomerID]customerRef
}

type customerRef struct {
	id          downline.CustomerID
	ref         string
	distributor downline.DistributorID
}

func newRefResolver(ctx context.Context, tx *Tx) (*refResolver, error) {
	r := &refResolver{
		dists: map[string]downline.DistributorID{}, distRefs: map[downline.DistributorID]string{},
		custs: map[string]customerRef{}, custRefs: map[downline.CustomerID]customerRef{},
	}
	for _, p := range []struct {
		s *(*sql.Stmt)
		q string
	}{
		{&r.distByExt, `SELECT id FROM distributors WHERE external_id = ?`},
		{&r.distByID, `SELECT external_id FROM distributors WHERE id = ?`},
		{&r.custByExt, `SELECT id, external_id, distributor_id FROM customers WHERE external_id = ?`},
		{&r.custByID, `SELECT id, external_id, distributor_id FROM customers WHERE id = ?`},
	} {
		s, err := tx.prepare(ctx, p.q)
		if err != nil {
			r.close()
			return nil, fmt.Errorf("prepare: %w", err)
		}
		*p.s = s
	}
	return r, nil
}

func (r *refResolver) close() {
	for _, s := range []*sql.Stmt{r.distByExt, r.distByID, r.custByExt, r.custByID} {
		if s != nil {
			s.Close()
		}
	}
}

// distributor fills id from ref or ref from id; what names the record and
// field names the relation in the CodeInvalid error for an unknown one.
func (r *refResolver) distributor(ctx context.Context, what, field string, id *downline.DistributorID, ref *string) error {
	if *id != 0 {
		if s, ok := r.distRefs[*id]; ok {
			*ref = s
			return nil
		}
		err := r.distByID.QueryRowContext(ctx, *id).Scan(ref)
		if err == sql.ErrNoRows {
			return downline.Errorf(downline.CodeInvalid, "%s: %s %d does not exist", what, field, *id)
		}
		if err != nil {
			return fmt.Errorf("%s: find %s: %w", what, field, err)
		}
		r.distRefs[*id] = *ref
		return nil
	}
	if v, ok := r.dists[*ref]; ok {
		*id = v
		return nil
	}
	err := r.distByExt.QueryRowContext(ctx, *ref).Scan(id)
	if err == sql.ErrNoRows {
		return downline.Errorf(downline.CodeInvalid, "%s: %s %q does not exist", what, field, *ref)
	}
	if err != nil {
		return fmt.Errorf("%s: find %s: %w", what, field, err)
	}
	r.dists[*ref] = *id
	return nil
}

// customer resolves a customer by id or external id.
func (r *refResolver) customer(ctx context.Context, what string, id downline.CustomerID, ref string) (customerRef, error) {
	var c customerRef
	var err error
	if id != 0 {
		if c, ok := r.custRefs[id]; ok {
			return c, nil
		}
		err = r.custByID.QueryRowContext(ctx, id).Scan(&c.id, &c.ref, &c.distributor)
	} else {
		if c, ok := r.custs[ref]; ok {
			return c, nil
		}
		err = r.custByExt.QueryRowContext(ctx, ref).Scan(&c.id, &c.ref, &c.distributor)
	}
	if err == sql.ErrNoRows {
		if id != 0 {
			return c, downline.Errorf(downline.CodeInvalid, "%s: customer %d does not exist", what, id)
		}
		return c, downline.Errorf(downline.CodeInvalid, "%s: customer %q does not exist", what, ref)
	}
	if err != nil {
		return c, fmt.Errorf("%s: find customer: %w", what, err)
	}
	r.custs[c.ref], r.custRefs[c.id] = c, c
	return c, nil
}

// prefetch loads the distributors and customers named by external id into
// the caches with a few IN queries, so that resolving a batch costs no
// round trip per record.
func (r *refResolver) prefetch(ctx context.Context, tx *Tx, distRefs, custRefs []string) error {
	var need []string
	for _, ref := range distinct(distRefs) {
		if _, ok := r.dists[ref]; !ok {
			need = append(need, ref)
		}
	}
	err := queryIn(ctx, tx, `SELECT id, external_id FROM distributors WHERE external_id IN (%s)`, need, func(rs *sql.Rows) error {
		var id downline.DistributorID
		var ref string
		if err := rs.Scan(&id, &ref); err != nil {
			return err
		}
		r.dists[ref], r.distRefs[id] = id, ref
		return nil
	})
	if err != nil {
		return fmt.Errorf("find distributors: %w", err)
	}
	need = need[:0]
	for _, ref := range distinct(custRefs) {
		if _, ok := r.custs[ref]; !ok {
			need = append(need, ref)
		}
	}
	// The customers' distributors come along: an order of a customer
	// names them, and a lookup per order would cost a round trip each.
	err = queryIn(ctx, tx, `SELECT c.id, c.external_id, c.distributor_id, d.external_id
		FROM customers c JOIN distributors d ON d.id = c.distributor_id WHERE c.external_id IN (%s)`, need, func(rs *sql.Rows) error {
		var c customerRef
		var dref string
		if err := rs.Scan(&c.id, &c.ref, &c.distributor, &dref); err != nil {
			return err
		}
		r.custs[c.ref], r.custRefs[c.id] = c, c
		r.dists[dref], r.distRefs[c.distributor] = c.distributor, dref
		return nil
	})
	if err != nil {
		return fmt.Errorf("find customers: %w", err)
	}
	return nil
}
