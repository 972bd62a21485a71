-- The programme, its catalogue and its distributors with their
-- effective-dated history. Timestamps are BIGINT microseconds since the Unix
-- epoch (UTC); money and volume are BIGINT minor units.

CREATE TABLE programmes (
	id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
	name TEXT NOT NULL,
	currency TEXT NOT NULL CHECK (length(currency) = 3),
	period_length TEXT NOT NULL CHECK (period_length IN ('monthly')),
	time_zone TEXT NOT NULL,
	landing_url TEXT NOT NULL,
	default_sponsor_ref TEXT NOT NULL,
	digest TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);

CREATE TABLE products (
	id INTEGER NOT NULL PRIMARY KEY,
	external_id TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('subscription', 'support', 'service', 'training', 'tool', 'fee')),
	retail_price BIGINT NOT NULL CHECK (retail_price >= 0),
	wholesale_price BIGINT NOT NULL CHECK (wholesale_price >= 0),
	cv BIGINT NOT NULL CHECK (cv >= 0),
	qv BIGINT NOT NULL CHECK (qv >= 0),
	commissionable BOOLEAN NOT NULL,
	digest TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	CHECK (commissionable = FALSE OR kind IN ('subscription', 'support', 'service')),
	CHECK (commissionable = TRUE OR (cv = 0 AND qv = 0))
);

CREATE TABLE distributors (
	id INTEGER NOT NULL PRIMARY KEY,
	external_id TEXT NOT NULL UNIQUE,
	sponsor_id BIGINT REFERENCES distributors (id),
	placement_parent_id BIGINT REFERENCES distributors (id),
	placement_side TEXT NOT NULL CHECK (placement_side IN ('', 'L', 'R')),
	referral_code TEXT NOT NULL UNIQUE,
	status TEXT NOT NULL CHECK (status IN ('active', 'suspended', 'terminated')),
	joined_at BIGINT NOT NULL,
	country TEXT NOT NULL,
	email TEXT NOT NULL,
	display_name TEXT NOT NULL,
	agreement_version TEXT NOT NULL,
	digest TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	CHECK (sponsor_id <> id),
	CHECK (placement_parent_id <> id),
	CHECK (placement_side = '' OR placement_parent_id IS NOT NULL)
);
CREATE INDEX distributors_sponsor_id ON distributors (sponsor_id);
CREATE INDEX distributors_placement_parent_id ON distributors (placement_parent_id);
-- A binary slot (parent, side) holds at most one distributor.
CREATE UNIQUE INDEX distributors_placement_slot ON distributors (placement_parent_id, placement_side) WHERE placement_side <> '';

-- distributor_history holds each distributor's sponsor, placement and status
-- from a period on. effective_period '' is the state from joining; a change
-- made in period P is stored under P and applies from P on. The tree at the
-- end of period P takes, per distributor, the row with the greatest
-- effective_period <= P.
CREATE TABLE distributor_history (
	distributor_id BIGINT NOT NULL REFERENCES distributors (id),
	effective_period TEXT NOT NULL,
	sponsor_id BIGINT REFERENCES distributors (id),
	placement_parent_id BIGINT REFERENCES distributors (id),
	placement_side TEXT NOT NULL CHECK (placement_side IN ('', 'L', 'R')),
	status TEXT NOT NULL CHECK (status IN ('active', 'suspended', 'terminated')),
	changed_at BIGINT NOT NULL,
	PRIMARY KEY (distributor_id, effective_period)
);
CREATE INDEX distributor_history_sponsor_id ON distributor_history (sponsor_id);
CREATE INDEX distributor_history_placement_parent_id ON distributor_history (placement_parent_id);
