-- Referral clicks (hashed IP and user agent only), registered deals,
-- distributor-owned coupon codes, the log of customer reassignments and
-- TX-11 self-dealing holds.

CREATE TABLE referral_clicks (
	id INTEGER NOT NULL PRIMARY KEY,
	clicked_at BIGINT NOT NULL,
	code TEXT NOT NULL,
	campaign TEXT NOT NULL,
	ip_hash TEXT NOT NULL,
	ua_hash TEXT NOT NULL,
	referrer TEXT NOT NULL,
	bot BOOLEAN NOT NULL,
	repeat_click BOOLEAN NOT NULL,
	burst BOOLEAN NOT NULL
);
CREATE INDEX referral_clicks_code_clicked_at ON referral_clicks (code, clicked_at);
CREATE INDEX referral_clicks_ip_hash ON referral_clicks (ip_hash);

CREATE TABLE deals (
	id INTEGER NOT NULL PRIMARY KEY,
	distributor_id BIGINT NOT NULL REFERENCES distributors (id),
	organisation TEXT NOT NULL,
	domain TEXT NOT NULL CHECK (domain <> ''),
	status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
	registered_at BIGINT NOT NULL,
	approved_at BIGINT,
	expires_at BIGINT,
	decided_by TEXT NOT NULL,
	CHECK (status <> 'approved' OR (approved_at IS NOT NULL AND expires_at > approved_at))
);
CREATE INDEX deals_domain ON deals (domain);
CREATE INDEX deals_distributor_id ON deals (distributor_id);

CREATE TABLE coupon_codes (
	code TEXT NOT NULL PRIMARY KEY,
	distributor_id BIGINT NOT NULL REFERENCES distributors (id),
	created_at BIGINT NOT NULL,
	expires_at BIGINT
);
CREATE INDEX coupon_codes_distributor_id ON coupon_codes (distributor_id);

CREATE TABLE customer_moves (
	id INTEGER NOT NULL PRIMARY KEY,
	customer_id BIGINT NOT NULL REFERENCES customers (id),
	from_distributor_id BIGINT NOT NULL REFERENCES distributors (id),
	to_distributor_id BIGINT NOT NULL REFERENCES distributors (id),
	moved_at BIGINT NOT NULL,
	reason TEXT NOT NULL,
	actor TEXT NOT NULL
);
CREATE INDEX customer_moves_customer_id ON customer_moves (customer_id);
CREATE INDEX customer_moves_from_distributor_id ON customer_moves (from_distributor_id);
CREATE INDEX customer_moves_to_distributor_id ON customer_moves (to_distributor_id);

CREATE TABLE selfdealing_holds (
	id INTEGER NOT NULL PRIMARY KEY,
	customer_id BIGINT NOT NULL REFERENCES customers (id),
	distributor_id BIGINT NOT NULL REFERENCES distributors (id),
	reason TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	acknowledged_at BIGINT,
	ack_name TEXT NOT NULL,
	ack_email TEXT NOT NULL,
	UNIQUE (customer_id, distributor_id)
);
CREATE INDEX selfdealing_holds_distributor_id ON selfdealing_holds (distributor_id);
