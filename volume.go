package downline

import "context"

// PeriodVolume is one distributor's volume in one period, maintained at
// ingestion in the same transaction as each order and refund. Volumes are in
// minor units of the programme currency. Orders count in the period of
// their PaidAt, refunds subtract in the period of their RefundedAt, so a
// field may be negative in a period with refunds of earlier orders.
type PeriodVolume struct {
	Period        string
	DistributorID DistributorID

	// CuV is the CV of customer-direct orders and receipted resales
	// credited to the distributor, net of refunds; CuQV the matching QV.
	CuV  int64
	CuQV int64
	// ReceiptedCV is the part of CuV from receipted resales.
	ReceiptedCV int64
	// PCV is the CV of personal-use orders, net of refunds; PQV its QV.
	PCV int64
	PQV int64
	// ResaleStockCV is the CV of resale-stock purchases (not commissionable
	// until receipted), net of refunds.
	ResaleStockCV int64
	// CustomerRevenue is the amount paid by customers (customer-direct and
	// receipted resale orders); ParticipantRevenue the amount paid by the
	// distributor itself (personal use, resale stock and non-commissionable
	// purchases). Both are net of refunds. Compliance tests TX-04 and TX-07
	// compare them.
	CustomerRevenue    int64
	ParticipantRevenue int64
	// CustomerOrders counts the customer-direct and receipted-resale orders
	// paid in the period; Orders counts all orders paid in the period.
	// Refunds do not change the counts.
	CustomerOrders int64
	Orders         int64
}

// VolumeService reads the per-period aggregates: what a commission run
// reads instead of every order.
type VolumeService interface {
	// PeriodVolumes streams one row per distributor with volume in the
	// named period, ordered by distributor ID. fn must not call back into
	// the store. Returns CodeInvalid for a bad period name and fn's error
	// unchanged.
	PeriodVolumes(ctx context.Context, period string, fn func(PeriodVolume) error) error

	// ActiveCustomerCounts streams, per distributor, the number of distinct
	// customers with a customer-direct or receipted-resale order paid in the
	// named period or the months-1 periods before it (months = 12 for the
	// trailing twelve months of TX-06), ordered by distributor ID.
	ActiveCustomerCounts(ctx context.Context, period string, months int, fn func(DistributorID, int) error) error
}
