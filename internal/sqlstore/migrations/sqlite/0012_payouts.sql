-- Payout details, payout batches and their items. A batch's id is derived
-- from its period and sequence number, so creating it again is a no-op.

CREATE TABLE payout_details (
	distributor_id BIGINT NOT NULL PRIMARY KEY REFERENCES distributors (id),
	method TEXT NOT NULL CHECK (method IN ('sepa', 'ach', 'paypal', 'wise')),
	holder_name TEXT NOT NULL,
	iban TEXT NOT NULL,
	bic TEXT NOT NULL,
	routing_number TEXT NOT NULL,
	account_number TEXT NOT NULL,
	account_type TEXT NOT NULL CHECK (account_type IN ('', 'checking', 'savings')),
	email TEXT NOT NULL,
	tax_status TEXT NOT NULL CHECK (tax_status IN ('missing', 'received', 'verified')),
	updated_at BIGINT NOT NULL,
	CHECK (method <> 'sepa' OR length(iban) > 0),
	CHECK (method <> 'ach' OR (length(routing_number) = 9 AND length(account_number) > 0)),
	CHECK (method <> 'paypal' OR length(email) > 0),
	CHECK (method <> 'wise' OR length(iban) > 0)
);

CREATE TABLE payout_batches (
	id TEXT NOT NULL PRIMARY KEY,
	period TEXT NOT NULL,
	seq INTEGER NOT NULL CHECK (seq >= 1),
	method TEXT NOT NULL CHECK (method IN ('sepa', 'ach', 'paypal', 'wise')),
	currency TEXT NOT NULL CHECK (length(currency) = 3),
	minimum BIGINT NOT NULL CHECK (minimum > 0),
	as_of BIGINT NOT NULL,
	created_at BIGINT NOT NULL,
	UNIQUE (period, seq)
);

CREATE TABLE payout_items (
	batch_id TEXT NOT NULL REFERENCES payout_batches (id),
	item_no BIGINT NOT NULL CHECK (item_no >= 1),
	distributor_id BIGINT NOT NULL REFERENCES distributors (id),
	amount BIGINT NOT NULL CHECK (amount >= 0),
	receivable BIGINT NOT NULL CHECK (receivable >= 0),
	status TEXT NOT NULL CHECK (status IN ('held', 'sent', 'paid', 'failed')),
	reason TEXT NOT NULL,
	updated_at BIGINT NOT NULL,
	PRIMARY KEY (batch_id, item_no),
	UNIQUE (batch_id, distributor_id),
	CHECK (status = 'held' OR amount > 0)
);
CREATE INDEX payout_items_distributor_id ON payout_items (distributor_id);
