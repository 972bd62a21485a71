package gen

import (
	"strconv"
	"time"

	"github.com/downline/downline/compplan"
)

// EngineDistributors returns the tree as the engine's input rows, in ID
// order.
func (t *Tree) EngineDistributors() []compplan.Distributor {
	ds := make([]compplan.Distributor, t.Len())
	for i := range ds {
		d := &ds[i]
		d.ID = compplan.ID(i + 1)
		d.Sponsor = compplan.ID(t.Sponsor[i] + 1)
		d.JoinedAt = time.Unix(int64(t.JoinedDay[i])*86400, 0).UTC()
		d.Status = compplan.Status(t.Status[i]) // same numbering, checked by a test
		if t.Parent != nil {
			d.Placement = compplan.ID(t.Parent[i] + 1)
			switch t.Side[i] {
			case 'L':
				d.Side = compplan.SideLeft
			case 'R':
				d.Side = compplan.SideRight
			}
		}
	}
	return ds
}

// EngineOrder converts o to the engine's input row. With ids false the
// order and customer IDs are left empty, which saves two string
// allocations per order and is right only for plans that count no distinct
// customers; RefundOf is always set on refunds.
func EngineOrder(o *Order, ids bool) compplan.Order {
	e := compplan.Order{
		Distributor: compplan.ID(o.DistributorID),
		Purpose:     compplan.Purpose(o.Purpose), // same numbering, checked by a test
		PaidAt:      time.Unix(o.PaidAt, 0).UTC(),
		CV:          o.CV, QV: o.QV, BV: o.BV, Amount: o.Amount,
	}
	if ids {
		e.ID = strconv.FormatInt(o.ID, 10)
		if o.CustomerID != 0 {
			e.Customer = strconv.FormatInt(o.CustomerID, 10)
		}
	}
	if o.RefundOf != 0 {
		e.RefundOf = strconv.FormatInt(o.RefundOf, 10)
	}
	return e
}
