-- Receipt verification sampling (TX-02 (4)): one case per customer order
-- selected for the company to contact the customer, drawn by a keyed
-- random sample of the period (verify_sample_rate) or by open risk flags.
-- A rejection makes the order non-commissionable (original_purpose keeps
-- what it was) and, for a closed period, names the ledger clawback that
-- reversed its commissions.

CREATE TABLE verification_cases (
	id INTEGER NOT NULL PRIMARY KEY,
	order_id BIGINT NOT NULL UNIQUE REFERENCES orders (id),
	period TEXT NOT NULL,
	sampled BOOLEAN NOT NULL,
	sample_rank TEXT NOT NULL,
	original_purpose TEXT NOT NULL,
	status TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'rejected')),
	selected_at BIGINT NOT NULL,
	due_at BIGINT NOT NULL,
	decided_at BIGINT,
	decided_by TEXT NOT NULL,
	note TEXT NOT NULL,
	reversal_id TEXT NOT NULL,
	reversed_amount BIGINT NOT NULL CHECK (reversed_amount >= 0),
	CHECK (status = 'pending' OR (decided_at IS NOT NULL AND decided_by <> ''))
);
CREATE INDEX verification_cases_period_status ON verification_cases (period, status);
CREATE INDEX verification_cases_status_due_at ON verification_cases (status, due_at);

-- The open risk flags that selected a case.
CREATE TABLE verification_case_flags (
	case_id BIGINT NOT NULL REFERENCES verification_cases (id),
	risk_flag_id BIGINT NOT NULL REFERENCES risk_flags (id),
	PRIMARY KEY (case_id, risk_flag_id)
);

-- One row per sampled period: the key that drew it (by its id, never the
-- key) and the highest rate asked for. Drawing again with another key is
-- refused, because it would add a second, different sample.
CREATE TABLE verification_samples (
	period TEXT NOT NULL PRIMARY KEY,
	key_id TEXT NOT NULL,
	rate_num BIGINT NOT NULL CHECK (rate_num > 0),
	rate_den BIGINT NOT NULL CHECK (rate_den >= rate_num),
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
