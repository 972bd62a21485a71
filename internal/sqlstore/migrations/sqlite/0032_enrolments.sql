-- How each self-enrolled distributor joined: agreement acceptance (version,
-- time, IP), date of birth and the cooling-off window (PL-07, PL-08).

CREATE TABLE enrolments (
	distributor_id BIGINT NOT NULL PRIMARY KEY REFERENCES distributors (id),
	agreement_version TEXT NOT NULL CHECK (agreement_version <> ''),
	accepted_at BIGINT NOT NULL,
	accepted_ip TEXT NOT NULL,
	birth_date BIGINT NOT NULL,
	cooling_off_ends BIGINT NOT NULL CHECK (cooling_off_ends > accepted_at),
	cancelled_at BIGINT NOT NULL
);

-- Responses of write requests by Idempotency-Key: the same key and body
-- replay the stored response; the same key with another body is refused.
CREATE TABLE idempotency_keys (
	actor_user_id BIGINT NOT NULL,
	idem_key TEXT NOT NULL,
	request_hash TEXT NOT NULL,
	status INTEGER NOT NULL,
	body TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	PRIMARY KEY (actor_user_id, idem_key)
);
