-- Customers, orders and refunds. Order and refund lines carry their own
-- totals so that "a refund never exceeds what remains" is a CHECK.

CREATE TABLE customers (
	id INTEGER NOT NULL PRIMARY KEY,
	external_id TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	domain TEXT NOT NULL,
	distributor_id BIGINT NOT NULL REFERENCES distributors (id),
	attribution TEXT NOT NULL CHECK (attribution IN ('link', 'code', 'deal', 'manual', 'import')),
	digest TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE INDEX customers_distributor_id ON customers (distributor_id);
CREATE INDEX customers_domain ON customers (domain);

CREATE TABLE orders (
	id INTEGER NOT NULL PRIMARY KEY,
	external_id TEXT NOT NULL UNIQUE,
	distributor_id BIGINT NOT NULL REFERENCES distributors (id),
	customer_id BIGINT REFERENCES customers (id),
	purpose TEXT NOT NULL CHECK (purpose IN ('customer_direct', 'personal_use', 'resale_stock', 'receipted_resale', 'non_commissionable')),
	currency TEXT NOT NULL,
	paid_at BIGINT NOT NULL,
	period TEXT NOT NULL,
	status TEXT NOT NULL CHECK (status IN ('paid', 'partially_refunded', 'refunded')),
	total_amount BIGINT NOT NULL CHECK (total_amount >= 0),
	total_cv BIGINT NOT NULL CHECK (total_cv >= 0),
	digest TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	CHECK (customer_id IS NOT NULL OR purpose NOT IN ('customer_direct', 'receipted_resale'))
);
CREATE INDEX orders_distributor_id_period ON orders (distributor_id, period);
CREATE INDEX orders_customer_id ON orders (customer_id);
CREATE INDEX orders_period ON orders (period);

CREATE TABLE order_lines (
	order_id BIGINT NOT NULL REFERENCES orders (id),
	line_no INTEGER NOT NULL CHECK (line_no >= 1),
	product_id BIGINT NOT NULL REFERENCES products (id),
	quantity BIGINT NOT NULL CHECK (quantity > 0),
	unit_price BIGINT NOT NULL CHECK (unit_price >= 0),
	cv BIGINT NOT NULL CHECK (cv >= 0),
	qv BIGINT NOT NULL CHECK (qv >= 0),
	amount BIGINT NOT NULL,
	total_cv BIGINT NOT NULL,
	total_qv BIGINT NOT NULL,
	refunded_amount BIGINT NOT NULL CHECK (refunded_amount >= 0 AND refunded_amount <= amount),
	refunded_cv BIGINT NOT NULL CHECK (refunded_cv >= 0 AND refunded_cv <= total_cv),
	refunded_qv BIGINT NOT NULL CHECK (refunded_qv >= 0 AND refunded_qv <= total_qv),
	PRIMARY KEY (order_id, line_no)
);
CREATE INDEX order_lines_product_id ON order_lines (product_id);

CREATE TABLE refunds (
	id INTEGER NOT NULL PRIMARY KEY,
	external_id TEXT NOT NULL UNIQUE,
	order_id BIGINT NOT NULL REFERENCES orders (id),
	refunded_at BIGINT NOT NULL,
	period TEXT NOT NULL,
	reason TEXT NOT NULL,
	full_refund BOOLEAN NOT NULL,
	amount BIGINT NOT NULL CHECK (amount >= 0),
	cv BIGINT NOT NULL CHECK (cv >= 0),
	digest TEXT NOT NULL,
	created_at BIGINT NOT NULL
);
CREATE INDEX refunds_order_id ON refunds (order_id);
CREATE INDEX refunds_period ON refunds (period);

CREATE TABLE refund_lines (
	refund_id BIGINT NOT NULL REFERENCES refunds (id),
	order_id BIGINT NOT NULL,
	line_no INTEGER NOT NULL,
	amount BIGINT NOT NULL CHECK (amount >= 0),
	cv BIGINT NOT NULL CHECK (cv >= 0),
	qv BIGINT NOT NULL CHECK (qv >= 0),
	PRIMARY KEY (refund_id, line_no),
	FOREIGN KEY (order_id, line_no) REFERENCES order_lines (order_id, line_no)
);
CREATE INDEX refund_lines_order_id_line_no ON refund_lines (order_id, line_no);
