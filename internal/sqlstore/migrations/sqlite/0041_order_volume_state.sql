-- TX-11 self-dealing holds at intake. An order whose (customer, credited
-- distributor) pair is held enters volume_state 'pending_ack': stored and
-- counted as revenue, but its CV reaches no period volume until someone at
-- the customer acknowledges; then it is 'released' into the first open
-- period (orders.period names where its volume went, as for late orders).
-- A refund recorded while its order was pending took back revenue only
-- (refunds.held), so runs never claw back commission it never earned.

ALTER TABLE orders ADD COLUMN volume_state TEXT NOT NULL DEFAULT 'counted'
	CHECK (volume_state IN ('counted', 'pending_ack', 'released'));
CREATE INDEX orders_pending_ack ON orders (customer_id, distributor_id) WHERE volume_state = 'pending_ack';
ALTER TABLE refunds ADD COLUMN held BOOLEAN NOT NULL DEFAULT FALSE;
