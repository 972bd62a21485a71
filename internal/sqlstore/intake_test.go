package sqlstore_test

import (
	"strings"
	"testing"
	"time"

	"github.com/downline/downline"
	"github.com/downline/downline/compliance"
	"github.com/downline/downline/internal/sqlstore"
)

// resaleOrder is distributor A's purchase of qty seats for resale (SEAT
// costs 3.00, so the amount stays under new_p_cap unless qty is large).
func resaleOrder(ext string, qty int64, paid time.Time) *downline.Order {
	return &downline.Order{ExternalID: ext, DistributorRef: "A", Purpose: downline.PurposeResaleStock, Currency: "EUR",
		PaidAt: paid, Lines: []*downline.OrderLine{{ProductRef: "SEAT", Quantity: qty, UnitPrice: price("SEAT")}}}
}

// receiptedResale is A's receipted resale of qty seats to customer C-A2.
func receiptedResale(ext string, qty int64, paid time.Time) *downline.Order {
	return &downline.Order{ExternalID: ext, CustomerRef: "C-A2", Purpose: downline.PurposeReceiptedResale, Currency: "EUR",
		PaidAt: paid, Lines: []*downline.OrderLine{{ProductRef: "SEAT", Quantity: qty, UnitPrice: price("SEAT")}}}
}

// TestResaleGuardAtIntake runs the TX-10 and TX-05 worked tests of
// compliance.md through the store, with figures computed from A's orders
// (A joined on 10 January 2026).
func TestResaleGuardAtIntake(t *testing.T) {
	p := compliance.DefaultParams()
	for _, tt := range []struct {
		name    string
		history []*downline.Order
		order   *downline.Order
		refund  string   // an order of the history refunded in full first
		refuse  []string // substrings of the refusal; nil when it passes
	}{{
		// TX-10 (d): resales 4 seats a month over 3 months, unsold stock
		// 17 − 12 = 5, new order 6 → 11 > 2 × 4 = 8: refuse, offer 3.
		name: "TX-10 (d) stock cap",
		history: []*downline.Order{resaleOrder("S-1", 17, at(time.March, 5)), receiptedResale("RR-1", 4, at(time.March, 10)),
			receiptedResale("RR-2", 4, at(time.April, 10)), receiptedResale("RR-3", 4, at(time.May, 10))},
		order:  resaleOrder("NEW", 6, at(time.June, 1)),
		refuse: []string{`order "NEW"`, "TX-10", "stock after the order 11", "largest resale order that would pass is 3 units"},
	}, {
		name: "TX-10 (d) the offered 3 pass",
		history: []*downline.Order{resaleOrder("S-1", 17, at(time.March, 5)), receiptedResale("RR-1", 4, at(time.March, 10)),
			receiptedResale("RR-2", 4, at(time.April, 10)), receiptedResale("RR-3", 4, at(time.May, 10))},
		order: resaleOrder("NEW", 3, at(time.June, 1)),
	}, {
		// TX-05 (d): 10 seats bought in March, 6 assigned by 31 March:
		// 60 % < 70 %, new resale orders are blocked.
		name:    "TX-05 (d) sell-through 60 %",
		history: []*downline.Order{resaleOrder("S-1", 10, at(time.March, 2)), receiptedResale("RR-1", 6, at(time.March, 20))},
		order:   resaleOrder("NEW", 1, at(time.April, 2)),
		refuse:  []string{`order "NEW"`, "TX-05", "sell-through 6/10", "largest resale order that would pass is 0 units"},
	}, {
		// ... until at least 7 are assigned.
		name: "TX-05 (d) sell-through 70 %",
		history: []*downline.Order{resaleOrder("S-1", 10, at(time.March, 2)), receiptedResale("RR-1", 6, at(time.March, 20)),
			receiptedResale("RR-2", 1, at(time.April, 1))},
		order: resaleOrder("NEW", 1, at(time.April, 2)),
	}, {
		// A fully refunded purchase is not stock.
		name: "refunded stock does not count",
		history: []*downline.Order{resaleOrder("S-1", 10, at(time.March, 2)), receiptedResale("RR-1", 6, at(time.March, 20)),
			resaleOrder("S-2", 90, at(time.March, 3))},
		refund: "S-2",
		order:  resaleOrder("NEW", 1, at(time.April, 2)),
		refuse: []string{"TX-05", "sell-through 6/10 "},
	}, {
		// TX-10 (a)(3): enrolled less than 30 days and above new_p_cap.
		// Receipted resales of 300 seats allow 200 in stock, but A joined
		// on 10 January: 200 × 3.00 = 600.00 is over 500.00; 166 seats
		// (498.00) would pass.
		name:    "new participant cap",
		history: []*downline.Order{receiptedResale("RR-1", 300, at(time.January, 12))},
		order:   resaleOrder("NEW", 200, at(time.January, 20)),
		refuse:  []string{"TX-10", "600.00 exceeds 500.00 in the first 30 days", "would pass is 166 units"},
	}} {
		t.Run(tt.name, func(t *testing.T) {
			forEachDB(t, func(t *testing.T, db *sqlstore.DB) {
				seed(t, db)
				if len(tt.history) > 0 {
					mustOrders(t, db, tt.history...)
				}
				if tt.refund != "" {
					if err := db.CreateRefund(ctx, &downline.Refund{ExternalID: "R-" + tt.refund, OrderRef: tt.refund,
						RefundedAt: at(time.March, 4)}); err != nil {
						t.Fatal(err)
					}
				}
				db.ResaleGuard = &p
				err := db.CreateOrder(ctx, tt.order)
				if tt.refuse == nil {
					if err != nil {
						t.Fatalf("CreateOrder = %v, want it to pass", err)
					}
					return
				}
				if downline.ErrorCode(err) != downline.CodeConflict {
					t.Fatalf("CreateOrder = %v, want a CodeConflict refusal", err)
				}
				for _, s := range tt.refuse {
					if !strings.Contains(downline.ErrorMessage(err), s) {
						t.Errorf("refusal %q does not name %q", downline.ErrorMessage(err), s)
					}
				}
				if _, err := db.FindOrderByExternalID(ctx, "NEW"); downline.ErrorCode(err) != downline.CodeNotFound {
					t.Errorf("refused order stored: %v", err)
				}
			})
		})
	}
}
