package http_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/downline/downline"
	"github.com/downline/downline/internal/sqlstore/sqlstoretest"
)

// TestSelfDealingHoldAPI lists TX-11 holds page by page and by status.
// The fixture's C-A is held with A, then orders one seat of 100.00 (CV
// 80.00) twice: both are pending_ack, so the hold holds 2 orders, 200.00
// and 160.00 CV. C-B held with B and acknowledged holds nothing. Every
// answer is validated against the OpenAPI document.
func TestSelfDealingHoldAPI(t *testing.T) {
	f := newFixture(t)
	schemas := newAPISchemas(t)
	co := f.client(t, schemas, f.tokens[downline.RoleCompliance])
	ha, err := f.db.HoldSelfDealing(ctx, f.cust["A"].ID, f.dist["A"].ID, "TX-11: declared")
	if err != nil {
		t.Fatal(err)
	}
	hb, err := f.db.HoldSelfDealing(ctx, f.cust["B"].ID, f.dist["B"].ID, "TX-11: declared")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.db.AcknowledgeSelfDealing(ctx, hb.ID, "Pat Lee", "pat@b.example"); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		o := &downline.Order{ExternalID: fmt.Sprint("O-HELD-", i), CustomerRef: "C-A", Purpose: downline.PurposeCustomerDirect,
			Currency: "EUR", PaidAt: sqlstoretest.Now.Add(-time.Minute), Lines: []*downline.OrderLine{{ProductRef: "SKU-1", Quantity: 1, UnitPrice: 10000}}}
		if err := f.db.CreateOrder(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	type holdJSON struct {
		ID            int64  `json:"id"`
		CustomerRef   string `json:"customer_ref"`
		Distributor   string `json:"distributor_ref"`
		Status        string `json:"status"`
		AckName       string `json:"ack_name"`
		PendingOrders int    `json:"pending_orders"`
		Pending       []struct {
			Currency, Amount, CV string
			Orders               int
		} `json:"pending"`
	}
	type pageJSON struct {
		Items      []holdJSON `json:"items"`
		Total      int        `json:"total"`
		NextCursor string     `json:"next_cursor"`
	}
	var p1, p2 pageJSON
	co.call("GET", "/api/v1/selfdealing-holds?limit=1", http.StatusOK, nil).decode(t, &p1)
	if len(p1.Items) != 1 || p1.Total != 2 || p1.NextCursor == "" || p1.Items[0].ID != ha.ID {
		t.Fatalf("first page = %+v", p1)
	}
	a := p1.Items[0]
	if a.Status != "open" || a.PendingOrders != 2 || len(a.Pending) != 1 || a.Pending[0].Currency != "EUR" ||
		a.Pending[0].Amount != "200.00" || a.Pending[0].CV != "160.00" || a.Pending[0].Orders != 2 {
		t.Errorf("open hold = %+v, want 2 orders, 200.00 EUR and 160.00 CV pending", a)
	}
	co.call("GET", "/api/v1/selfdealing-holds?limit=1&cursor="+p1.NextCursor, http.StatusOK, nil).decode(t, &p2)
	if len(p2.Items) != 1 || p2.Items[0].ID != hb.ID || p2.Items[0].Status != "acknowledged" || p2.Items[0].AckName != "Pat Lee" ||
		p2.Items[0].PendingOrders != 0 || len(p2.Items[0].Pending) != 0 {
		t.Fatalf("second page = %+v", p2)
	}
	var open pageJSON
	co.call("GET", fmt.Sprint("/api/v1/selfdealing-holds?status=open&distributor_id=", f.dist["A"].ID), http.StatusOK, nil).decode(t, &open)
	if len(open.Items) != 1 || open.Items[0].ID != ha.ID || open.Total != 1 {
		t.Errorf("open holds of A = %+v", open)
	}
	co.call("GET", "/api/v1/selfdealing-holds?status=held", http.StatusBadRequest, nil)
	co.call("GET", "/api/v1/selfdealing-holds?customer_id=x", http.StatusBadRequest, nil)
}
