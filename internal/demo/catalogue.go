package demo

import (
	"context"

	"github.com/downline/downline"
)

// The demo catalogue: what a vendor of an open-source data platform sells.
// Prices and volumes are in cents. Training and tools are never
// commissionable (PL-03, PL-11).
var catalogue = []downline.Product{
	{ExternalID: "SUP-STD", Name: "Lumen Support Standard (monthly)", Kind: downline.KindSupport,
		RetailPrice: 45000, CV: 45000, QV: 45000, Commissionable: true},
	{ExternalID: "SUP-PREM", Name: "Lumen Support Premium 24x7 (monthly)", Kind: downline.KindSupport,
		RetailPrice: 120000, CV: 120000, QV: 120000, Commissionable: true},
	{ExternalID: "ENT-NODE", Name: "Lumen Enterprise Edition, per node (monthly)", Kind: downline.KindSubscription,
		RetailPrice: 30000, WholesalePrice: 24000, CV: 30000, QV: 30000, Commissionable: true},
	{ExternalID: "DEV-SUB", Name: "Lumen Developer subscription (monthly)", Kind: downline.KindSubscription,
		RetailPrice: 2900, WholesalePrice: 2000, CV: 2900, QV: 2900, Commissionable: true},
	{ExternalID: "CONS-DAY", Name: "Consulting day (remote)", Kind: downline.KindService,
		RetailPrice: 160000, CV: 120000, QV: 120000, Commissionable: true},
	{ExternalID: "TRAIN-ADM", Name: "Lumen Administrator training (2 days)", Kind: downline.KindTraining,
		RetailPrice: 90000},
	{ExternalID: "TOOL-MIG", Name: "Migration toolkit", Kind: downline.KindTool,
		RetailPrice: 4900},
}

func (b *builder) catalogue(ctx context.Context) error {
	for i := range catalogue {
		p := catalogue[i]
		if err := b.svc.Products.CreateProduct(ctx, &p); err != nil {
			return err
		}
		b.sum.Products++
	}
	return nil
}
