package http

import (
	"net/http"
	"strconv"

	"github.com/downline/downline"
)

// adminOrdersPage lists a period's newest orders and refunds.
type adminOrdersPage struct {
	layout
	Currency     string
	Period       string
	Periods      []string
	Orders       []*downline.Order
	OrderTotal   int
	Next         downline.OrderID
	Refunds      []*downline.Refund
	RefundTotal  int
	RefundAmount int64
}

// ordersShown bounds the rows of each table.
const ordersShown = 50

// handleWebOrderIndex shows the newest orders and refunds of a period.
func (s *Server) handleWebOrderIndex(w http.ResponseWriter, r *http.Request) {
	if _, err := requireStaff(r); err != nil {
		s.webError(w, r, err)
		return
	}
	ctx := r.Context()
	prog, err := s.Programme.FindProgramme(ctx)
	if err != nil {
		s.webError(w, r, err)
		return
	}
	per, err := prog.PeriodOf(s.now())
	if err != nil {
		s.webError(w, r, err)
		return
	}
	p := adminOrdersPage{layout: s.newLayout(r, "Orders & refunds", "orders"), Currency: prog.Currency, Period: r.URL.Query().Get("period")}
	for i := 0; i < 12; i++ {
		name, err := downline.ShiftPeriodName(per.Name, -i)
		if err != nil {
			s.webError(w, r, err)
			return
		}
		p.Periods = append(p.Periods, name)
	}
	if !downline.IsPeriodName(p.Period) {
		p.Period = p.Periods[1]
	}
	// The store pages by id (keyset), oldest first.
	of := downline.OrderFilter{Period: &p.Period, Limit: ordersShown}
	if a, err := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64); err == nil {
		of.AfterID = downline.OrderID(a)
	}
	if p.Orders, p.OrderTotal, err = s.Orders.FindOrders(ctx, of); err != nil {
		s.webError(w, r, err)
		return
	}
	if len(p.Orders) == ordersShown {
		p.Next = p.Orders[len(p.Orders)-1].ID
	}
	if s.Refunds != nil {
		if p.Refunds, p.RefundTotal, err = s.Refunds.FindRefunds(ctx, downline.RefundFilter{Period: &p.Period}); err != nil {
			s.webError(w, r, err)
			return
		}
		for _, rf := range p.Refunds {
			for _, l := range rf.Lines {
				p.RefundAmount += l.Amount
			}
		}
		reverse(p.Refunds)
		if len(p.Refunds) > ordersShown {
			p.Refunds = p.Refunds[:ordersShown]
		}
	}
	s.render(w, r, http.StatusOK, "admin_orders", p)
}

func reverse[T any](xs []T) {
	for i, j := 0, len(xs)-1; i < j; i, j = i+1, j-1 {
		xs[i], xs[j] = xs[j], xs[i]
	}
}

// adminProductsPage is the catalogue.
type adminProductsPage struct {
	layout
	Currency string
	Products []*downline.Product
}

// handleWebProductIndex lists the catalogue.
func (s *Server) handleWebProductIndex(w http.ResponseWriter, r *http.Request) {
	if _, err := requireStaff(r); err != nil {
		s.webError(w, r, err)
		return
	}
	prog, err := s.Programme.FindProgramme(r.Context())
	if err != nil {
		s.webError(w, r, err)
		return
	}
	p := adminProductsPage{layout: s.newLayout(r, "Catalogue", "products"), Currency: prog.Currency}
	if p.Products, _, err = s.Products.FindProducts(r.Context(), downline.ProductFilter{Limit: 500}); err != nil {
		s.webError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "admin_products", p)
}
