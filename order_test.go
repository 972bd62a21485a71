package downline_test

import (
	"math"
	"testing"
	"time"

	"github.com/downline/downline"
)

// validOrder returns an order that passes Validate; tests break one field.
func validOrder() *downline.Order {
	return &downline.Order{
		ExternalID:  "INV-7",
		CustomerRef: "C-1",
		Purpose:     downline.PurposeCustomerDirect,
		Currency:    "EUR",
		PaidAt:      time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC),
		Lines: []*downline.OrderLine{
			{ProductRef: "SUP-GOLD", Quantity: 1, UnitPrice: 120000, CV: 100000, QV: 100000},
			{ProductRef: "SUP-SEAT", Quantity: 5, UnitPrice: 2000, CV: 1500, QV: 1500},
		},
	}
}

func TestOrderValidate(t *testing.T) {
	tests := []struct {
		name   string
		modify func(o *downline.Order)
		want   string // the exact message; "" for valid
	}{
		{"valid", func(o *downline.Order) {}, ""},
		{"personal use needs no customer", func(o *downline.Order) {
			o.Purpose, o.CustomerRef, o.DistributorRef = downline.PurposePersonalUse, "", "D-1"
		}, ""},
		{"non-commissionable bought by a customer", func(o *downline.Order) { o.Purpose = downline.PurposeNonCommissionable }, ""},
		{"non-commissionable without buyer", func(o *downline.Order) { o.Purpose, o.CustomerRef = downline.PurposeNonCommissionable, "" },
			`order "INV-7": distributor is required`},
		{"external id", func(o *downline.Order) { o.ExternalID = " INV-7" },
			`order " INV-7": external id must be 1 to 200 printable characters without leading or trailing spaces`},
		{"purpose", func(o *downline.Order) { o.Purpose = "gift" },
			`order "INV-7": purpose must be customer_direct, personal_use, resale_stock, receipted_resale or non_commissionable`},
		{"customer missing", func(o *downline.Order) { o.CustomerRef = "" },
			`order "INV-7": customer is required for a customer_direct order`},
		{"customer on personal use", func(o *downline.Order) { o.Purpose, o.DistributorRef = downline.PurposePersonalUse, "D-1" },
			`order "INV-7": customer must be empty for a personal_use order: the distributor is the buyer`},
		{"distributor missing", func(o *downline.Order) { o.Purpose, o.CustomerRef = downline.PurposeResaleStock, "" },
			`order "INV-7": distributor is required`},
		{"currency", func(o *downline.Order) { o.Currency = "eur" },
			`order "INV-7": currency must be an ISO 4217 code such as EUR`},
		{"paid at", func(o *downline.Order) { o.PaidAt = time.Time{} },
			`order "INV-7": paid at is required`},
		{"no lines", func(o *downline.Order) { o.Lines = nil },
			`order "INV-7": lines must not be empty`},
		{"quantity", func(o *downline.Order) { o.Lines[1].Quantity = 0 },
			`order "INV-7": line 2: quantity must be positive`},
		{"product", func(o *downline.Order) { o.Lines[0].ProductRef = "" },
			`order "INV-7": line 1: product is required`},
		{"unit price", func(o *downline.Order) { o.Lines[1].UnitPrice = -1 },
			`order "INV-7": line 2: unit price must not be negative`},
		{"cv", func(o *downline.Order) { o.Lines[1].CV = -1 },
			`order "INV-7": line 2: CV must not be negative`},
		{"qv", func(o *downline.Order) { o.Lines[0].QV = -3 },
			`order "INV-7": line 1: QV must not be negative`},
		{"overflow", func(o *downline.Order) { o.Lines[0].Quantity = math.MaxInt64 / 2 },
			`order "INV-7": line 1: quantity times price or volume overflows`},
		{"nil line", func(o *downline.Order) { o.Lines[1] = nil },
			`order "INV-7": line 2: line is missing`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := validOrder()
			tt.modify(o)
			checkValidation(t, o.Validate(), tt.want)
		})
	}
}

func TestOrderTotals(t *testing.T) {
	o := validOrder()
	// 1 × 1200.00 + 5 × 20.00 = 1300.00; CV 1000.00 + 5 × 15.00 = 1075.00.
	if got := o.Total(); got != 130000 {
		t.Errorf("Total() = %d, want 130000", got)
	}
	if got := o.TotalCV(); got != 107500 {
		t.Errorf("TotalCV() = %d, want 107500", got)
	}
}

// checkValidation fails unless err is nil when want is empty, or a
// CodeInvalid error with exactly the message want.
func checkValidation(t *testing.T, err error, want string) {
	t.Helper()
	if want == "" {
		if err != nil {
			t.Fatalf("Validate() = %v, want nil", err)
		}
		return
	}
	if got := downline.ErrorCode(err); got != downline.CodeInvalid {
		t.Fatalf("Validate() code = %q (%v), want %q", got, err, downline.CodeInvalid)
	}
	if got := downline.ErrorMessage(err); got != want {
		t.Errorf("Validate() message = %q, want %q", got, want)
	}
}
