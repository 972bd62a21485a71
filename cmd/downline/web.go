package main

import (
	"bytes"
	"context"
	"fmt"

	"github.com/downline/downline"
	dlhttp "github.com/downline/downline/internal/http"
	"github.com/downline/downline/internal/sqlstore"
	"github.com/downline/downline/internal/statement"
)

// webServices wires the back office's services to the store and the
// file writers. Bank details of the paying company come from the
// environment (see payerFlags).
func webServices(e *env, db *sqlstore.DB) dlhttp.WebServices {
	xf := payerFlags(e)
	return dlhttp.WebServices{
		Volumes: db,
		Standings: func(ctx context.Context, run downline.RunID, ids ...downline.DistributorID) ([]dlhttp.Standing, error) {
			var out []dlhttp.Standing
			for len(ids) > 0 {
				n := min(len(ids), 500)
				ss, err := db.RunStandings(ctx, run, ids[:n]...)
				if err != nil {
					return nil, err
				}
				for _, s := range ss {
					out = append(out, dlhttp.Standing(s))
				}
				ids = ids[n:]
			}
			return out, nil
		},
		PlanVersion: db.FindPlanVersion,
		Statement: func(ctx context.Context, id downline.DistributorID, period string) ([]byte, error) {
			ps, err := db.FindStatement(ctx, id, period)
			if err != nil {
				return nil, err
			}
			var buf bytes.Buffer
			if err := statement.WritePDF(&buf, toStatement(ps, ps.Run.CreatedAt)); err != nil {
				return nil, fmt.Errorf("statement of %d for %s: %w", id, period, err)
			}
			return buf.Bytes(), nil
		},
		ExportPayout: func(ctx context.Context, b *downline.PayoutBatch) (string, string, []byte, error) {
			data, _, err := exportBatch(b, xf, b.AsOf)
			if err != nil {
				return "", "", nil, err
			}
			switch b.Method {
			case downline.PayoutSEPA:
				return "payouts-" + b.ID + ".xml", "application/xml", data, nil
			case downline.PayoutACH:
				return "payouts-" + b.ID + ".ach", "text/plain", data, nil
			}
			return "payouts-" + b.ID + ".csv", "text/csv", data, nil
		},
		Attention: func(ctx context.Context, openOnly bool) ([]dlhttp.AttentionItem, error) {
			items, err := db.FindAttentionItems(ctx, openOnly)
			if err != nil {
				return nil, err
			}
			out := make([]dlhttp.AttentionItem, len(items))
			for i, it := range items {
				out[i] = dlhttp.AttentionItem{ID: it.ID, Source: it.Source, Ref: it.Ref, Reason: it.Reason,
					CreatedAt: it.CreatedAt, ResolvedAt: it.ResolvedAt, Resolution: it.Resolution}
			}
			return out, nil
		},
		RegisterDeal: func(ctx context.Context, owner downline.DistributorID, org, domain string) (*dlhttp.Deal, error) {
			d := &sqlstore.Deal{DistributorID: owner, Organisation: org, Domain: domain}
			if err := db.CreateDeal(ctx, d); err != nil {
				return nil, err
			}
			return webDeal(d), nil
		},
		FindDeals: func(ctx context.Context, owner downline.DistributorID) ([]*dlhttp.Deal, error) {
			ds, err := db.FindDealsByDistributor(ctx, owner)
			if err != nil {
				return nil, err
			}
			out := make([]*dlhttp.Deal, len(ds))
			for i, d := range ds {
				out[i] = webDeal(d)
			}
			return out, nil
		},
	}
}

func webDeal(d *sqlstore.Deal) *dlhttp.Deal {
	return &dlhttp.Deal{ID: d.ID, Organisation: d.Organisation, Domain: d.Domain, Status: d.Status,
		RegisteredAt: d.RegisteredAt, ExpiresAt: d.ExpiresAt}
}

// payerFlags reads the paying company's bank details for payout files
// from DOWNLINE_PAYER_* and DOWNLINE_ACH_* variables.
func payerFlags(e *env) exportFlags {
	v := func(k string) *string { s := e.getenv(k); return &s }
	sec := e.getenv("DOWNLINE_ACH_SEC")
	if sec == "" {
		sec = "PPD"
	}
	return exportFlags{
		name: v("DOWNLINE_PAYER_NAME"), iban: v("DOWNLINE_PAYER_IBAN"), bic: v("DOWNLINE_PAYER_BIC"),
		destRouting: v("DOWNLINE_ACH_DESTINATION"), destName: v("DOWNLINE_ACH_DESTINATION_NAME"),
		origin: v("DOWNLINE_ACH_ORIGIN"), companyID: v("DOWNLINE_ACH_COMPANY_ID"), odfi: v("DOWNLINE_ACH_ODFI"),
		sec: &sec,
	}
}
