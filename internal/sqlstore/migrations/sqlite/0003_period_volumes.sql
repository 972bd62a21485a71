-- Per-period, per-distributor volume aggregates, maintained at ingestion in
-- the same transaction as each order and refund (orders add to the period
-- of paid_at, refunds subtract in the period of refunded_at), so that a
-- commission run reads one row per distributor instead of every order.

CREATE TABLE period_volumes (
	period TEXT NOT NULL,
	distributor_id BIGINT NOT NULL REFERENCES distributors (id),
	cuv BIGINT NOT NULL,
	cuqv BIGINT NOT NULL,
	receipted_cv BIGINT NOT NULL,
	pcv BIGINT NOT NULL,
	pqv BIGINT NOT NULL,
	resale_stock_cv BIGINT NOT NULL,
	customer_revenue BIGINT NOT NULL,
	participant_revenue BIGINT NOT NULL,
	customer_orders BIGINT NOT NULL,
	orders BIGINT NOT NULL,
	PRIMARY KEY (period, distributor_id)
);
CREATE INDEX period_volumes_distributor_id ON period_volumes (distributor_id);

-- customer_activity records that a customer bought (customer-direct or
-- receipted resale) from a distributor in a period: the distinct active
-- customers over a trailing window (TX-06) are a COUNT DISTINCT over it.
CREATE TABLE customer_activity (
	period TEXT NOT NULL,
	distributor_id BIGINT NOT NULL REFERENCES distributors (id),
	customer_id BIGINT NOT NULL REFERENCES customers (id),
	PRIMARY KEY (period, distributor_id, customer_id)
);
