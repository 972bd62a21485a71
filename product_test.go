package downline_test

import (
	"testing"

	"github.com/downline/downline"
)

func TestProductValidate(t *testing.T) {
	valid := func() *downline.Product {
		return &downline.Product{ExternalID: "SUP-GOLD", Name: "Gold support", Kind: downline.KindSupport,
			RetailPrice: 120000, WholesalePrice: 90000, CV: 100000, QV: 100000, Commissionable: true}
	}
	tests := []struct {
		name   string
		modify func(p *downline.Product)
		want   string
	}{
		{"valid", func(p *downline.Product) {}, ""},
		{"training not commissionable is fine", func(p *downline.Product) {
			p.Kind, p.Commissionable, p.CV, p.QV = downline.KindTraining, false, 0, 0
		}, ""},
		{"name", func(p *downline.Product) { p.Name = " " }, `product "SUP-GOLD": name is required`},
		{"kind", func(p *downline.Product) { p.Kind = "kit" },
			`product "SUP-GOLD": kind must be subscription, support, service, training, tool or fee`},
		{"retail price", func(p *downline.Product) { p.RetailPrice = -1 }, `product "SUP-GOLD": retail price must not be negative`},
		{"wholesale", func(p *downline.Product) { p.WholesalePrice = -1 }, `product "SUP-GOLD": wholesale price must not be negative`},
		{"cv", func(p *downline.Product) { p.CV = -1 }, `product "SUP-GOLD": CV must not be negative`},
		{"qv", func(p *downline.Product) { p.QV = -1 }, `product "SUP-GOLD": QV must not be negative`},
		{"commissionable training (PL-03)", func(p *downline.Product) { p.Kind = downline.KindTraining },
			`product "SUP-GOLD": commissionable must be false for training products (PL-03, PL-11)`},
		{"commissionable tool", func(p *downline.Product) { p.Kind = downline.KindTool },
			`product "SUP-GOLD": commissionable must be false for tool products (PL-03, PL-11)`},
		{"commissionable fee", func(p *downline.Product) { p.Kind = downline.KindFee },
			`product "SUP-GOLD": commissionable must be false for fee products (PL-03, PL-11)`},
		{"cv without commissionable", func(p *downline.Product) { p.Commissionable = false },
			`product "SUP-GOLD": CV must be zero for a non-commissionable product`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := valid()
			tt.modify(p)
			checkValidation(t, p.Validate(), tt.want)
		})
	}
}
