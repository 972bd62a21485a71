package downline

// Typed identifiers. Each is the database's surrogate key for one kind of
// record; they are distinct types so that a customer id can never be passed
// where a distributor id is expected. Zero means "none" or "not yet stored".
type (
	// DistributorID identifies a Distributor.
	DistributorID int64
	// CustomerID identifies a Customer.
	CustomerID int64
	// ProductID identifies a Product.
	ProductID int64
	// OrderID identifies an Order.
	OrderID int64
	// RefundID identifies a Refund.
	RefundID int64
	// RunID identifies a commission run.
	RunID int64
)
