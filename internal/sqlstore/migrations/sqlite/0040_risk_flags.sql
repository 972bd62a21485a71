-- Risk flags: the review queue for fraud and compliance signals (issue 6
-- item 8, TX-02). A flag names what it is about (an order, a customer, a
-- distributor, or several), its kind and a plain reason. Writers add flags
-- in the transaction of the change that raised them; reviewers close them.
-- Verification sampling (TX-02) takes every open order flag.

CREATE TABLE risk_flags (
	id INTEGER NOT NULL PRIMARY KEY,
	kind TEXT NOT NULL CHECK (kind <> ''),
	order_id BIGINT REFERENCES orders (id),
	customer_id BIGINT REFERENCES customers (id),
	distributor_id BIGINT REFERENCES distributors (id),
	related_distributor_id BIGINT REFERENCES distributors (id),
	reason TEXT NOT NULL CHECK (reason <> ''),
	created_at BIGINT NOT NULL,
	status TEXT NOT NULL CHECK (status IN ('open', 'dismissed', 'confirmed')),
	reviewed_at BIGINT,
	reviewed_by TEXT NOT NULL,
	CHECK (order_id IS NOT NULL OR customer_id IS NOT NULL OR distributor_id IS NOT NULL),
	CHECK (status = 'open' OR reviewed_at IS NOT NULL)
);
CREATE INDEX risk_flags_order_id ON risk_flags (order_id);
CREATE INDEX risk_flags_distributor_id ON risk_flags (distributor_id);
CREATE INDEX risk_flags_status_created_at ON risk_flags (status, created_at);
