package sqlstore

import (
	"context"
	"fmt"

	"github.com/downline/downline"
)

var _ downline.OrderRecordService = (*DB)(nil)

// CreateOrderRecords stores the records' orders, their audit entries and
// their idempotent responses in one transaction. See
// downline.OrderRecordService.
func (db *DB) CreateOrderRecords(ctx context.Context, recs []*downline.OrderRecord) error {
	os := make([]*downline.Order, len(recs))
	for i, rec := range recs {
		os[i] = rec.Order
	}
	return db.createOrders(ctx, os, func(tx *Tx) error {
		var es []*downline.AuditEntry
		var rs []*downline.IdempotentResponse
		for _, rec := range recs {
			if rec.Describe == nil {
				continue
			}
			e, r, err := rec.Describe(rec.Order)
			if err != nil {
				return err
			}
			if e != nil {
				es = append(es, e)
			}
			if r != nil {
				rs = append(rs, r)
			}
		}
		if err := appendAudit(ctx, tx, es); err != nil {
			return fmt.Errorf("create orders: audit: %w", err)
		}
		return keepIdempotentResponses(ctx, tx, rs)
	})
}
