package csvio

import (
	"io"

	"github.com/downline/downline"
)

// CustomerColumns are the columns of customers.csv in the order the writer
// uses; id, name and distributor_id are required.
var CustomerColumns = []string{"id", "name", "domain", "distributor_id", "attribution"}

var customerFields = map[string]string{
	"external id": "id", "name": "name", "domain": "domain", "distributor": "distributor_id",
	"attribution": "attribution",
}

// FieldOfCustomer returns the column a store error about a customer is
// most likely about (see FieldOf).
func FieldOfCustomer(err error) string { return FieldOf(err, customerFields) }

// CustomerRow is one customer read from a file and where it was.
type CustomerRow struct {
	Pos      Pos
	Customer *downline.Customer
}

// Customers is the outcome of reading customers.csv.
type Customers struct {
	Header  *Header
	Rows    []CustomerRow
	Rejects []*RowError
}

// ReadCustomers reads customers.csv: id, name, optional domain,
// distributor_id (the credited distributor's external id) and optional
// attribution (link, code, deal, manual, import; empty means import). A
// row repeating an earlier id is rejected. The error is non-nil only when
// the file cannot be read at all.
func ReadCustomers(file string, r io.Reader, o Options) (*Customers, error) {
	t, err := newTable(file, r, []string{"id", "name", "distributor_id"})
	if err != nil {
		return nil, err
	}
	out := &Customers{Header: t.h}
	seen := map[string]bool{}
	for {
		ok, err := t.next()
		if err != nil {
			return nil, err
		}
		if !ok {
			break
		}
		if t.bad {
			continue
		}
		c := &downline.Customer{
			ExternalID:     t.required("id"),
			Name:           t.required("name"),
			Domain:         t.get("domain"),
			DistributorRef: t.required("distributor_id"),
			Attribution:    downline.Attribution(t.get("attribution")),
		}
		if c.Attribution == "" {
			c.Attribution = downline.AttributionImport
		}
		if seen[c.ExternalID] {
			t.reject("id", "duplicate id "+quote(c.ExternalID))
		}
		if !t.bad {
			t.validate(c.Validate(), customerFields)
		}
		if t.bad {
			continue
		}
		seen[c.ExternalID] = true
		out.Rows = append(out.Rows, CustomerRow{Pos: t.pos, Customer: c})
	}
	out.Rejects = t.rejects
	return out, nil
}
