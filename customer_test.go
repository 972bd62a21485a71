package downline_test

import (
	"testing"
	"time"

	"github.com/downline/downline"
)

func TestCustomerValidate(t *testing.T) {
	valid := func() *downline.Customer {
		return &downline.Customer{ExternalID: "C-1", Name: "Example GmbH", Domain: "example.de",
			DistributorRef: "D-1", Attribution: downline.AttributionDeal}
	}
	tests := []struct {
		name   string
		modify func(c *downline.Customer)
		want   string
	}{
		{"valid", func(c *downline.Customer) {}, ""},
		{"name", func(c *downline.Customer) { c.Name = "" }, `customer "C-1": name is required`},
		{"domain", func(c *downline.Customer) { c.Domain = "Example.DE" },
			`customer "C-1": domain must be a lower-case domain name such as example.com`},
		{"distributor", func(c *downline.Customer) { c.DistributorRef = "" }, `customer "C-1": distributor is required`},
		{"attribution", func(c *downline.Customer) { c.Attribution = "" },
			`customer "C-1": attribution must be link, code, deal, manual or import`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := valid()
			tt.modify(c)
			checkValidation(t, c.Validate(), tt.want)
		})
	}
}

func TestRefundValidate(t *testing.T) {
	valid := func() *downline.Refund {
		return &downline.Refund{ExternalID: "RF-1", OrderRef: "INV-7", RefundedAt: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC),
			Lines: []downline.RefundLine{{LineNo: 1, Amount: 500}, {LineNo: 2, Amount: 100, CV: 80, QV: 80}}}
	}
	tests := []struct {
		name   string
		modify func(r *downline.Refund)
		want   string
	}{
		{"valid", func(r *downline.Refund) {}, ""},
		{"full refund has no lines", func(r *downline.Refund) { r.Lines = nil }, ""},
		{"order", func(r *downline.Refund) { r.OrderRef = "" }, `refund "RF-1": order is required`},
		{"refunded at", func(r *downline.Refund) { r.RefundedAt = time.Time{} }, `refund "RF-1": refunded at is required`},
		{"line no", func(r *downline.Refund) { r.Lines[1].LineNo = 0 },
			`refund "RF-1": line 2: order line must be a line number from 1`},
		{"twice", func(r *downline.Refund) { r.Lines[1].LineNo = 1 },
			`refund "RF-1": line 2: order line is refunded twice in one refund`},
		{"negative", func(r *downline.Refund) { r.Lines[0].Amount = -1 }, `refund "RF-1": line 1: amount must not be negative`},
		{"empty line", func(r *downline.Refund) { r.Lines[0].Amount = 0 }, `refund "RF-1": line 1: amount must be positive`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := valid()
			tt.modify(r)
			checkValidation(t, r.Validate(), tt.want)
		})
	}
}

func TestProgrammeValidate(t *testing.T) {
	valid := func() *downline.Programme {
		return &downline.Programme{Name: "Acme", Currency: "EUR", PeriodLength: downline.PeriodMonthly,
			TimeZone: "Europe/Berlin", LandingURL: "https://acme.example/join"}
	}
	tests := []struct {
		name   string
		modify func(p *downline.Programme)
		want   string
	}{
		{"valid", func(p *downline.Programme) {}, ""},
		{"currency", func(p *downline.Programme) { p.Currency = "Euro" }, `programme "Acme": currency must be an ISO 4217 code such as EUR`},
		{"period", func(p *downline.Programme) { p.PeriodLength = "weekly" }, `programme "Acme": period length must be "monthly"`},
		{"zone", func(p *downline.Programme) { p.TimeZone = "Mars/Olympus" }, `programme "Acme": time zone is not an IANA time zone name`},
		{"url", func(p *downline.Programme) { p.LandingURL = "acme.example" }, `programme "Acme": landing URL must be an absolute http(s) URL`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := valid()
			tt.modify(p)
			checkValidation(t, p.Validate(), tt.want)
		})
	}
}
