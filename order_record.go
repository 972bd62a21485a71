package downline

import "context"

// OrderRecord is an order to store together with the records of its
// creation: the audit entry and, for a request sent with an
// Idempotency-Key, the response to replay. All three are written in the
// transaction that stores the order, so none exists without the others.
type OrderRecord struct {
	Order *Order
	// Describe, when set, is called inside the transaction once Order is
	// stored (ids, refs, period and timestamps filled) and returns the
	// audit entry to append and the response to keep; either may be nil.
	// It may be called more than once for one record (a retried
	// transaction); the call of the committed transaction comes last.
	Describe func(o *Order) (*AuditEntry, *IdempotentResponse, error)
}

// OrderRecordService stores orders with the records of their creation. A
// store that implements it is also the AuditService and the
// IdempotencyService of the orders it stores.
type OrderRecordService interface {
	// CreateOrderRecords stores the records' orders as CreateOrders does,
	// appends their audit entries to the chain in record order and keeps
	// their responses, in one transaction: all or none. A response whose
	// key is stored already (for any request, or twice in recs) fails the
	// call with CodeConflict: the stored response is the one to replay.
	CreateOrderRecords(ctx context.Context, recs []*OrderRecord) error
}
