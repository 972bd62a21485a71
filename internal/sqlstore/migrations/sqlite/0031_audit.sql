-- The append-only, hash-chained audit log (RP-04). audit_chain holds the
-- head of the chain in one row; appending updates that row first, which
-- serialises concurrent appends on every engine.

CREATE TABLE audit_chain (
	id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
	seq BIGINT NOT NULL,
	last_hash TEXT NOT NULL
);
INSERT INTO audit_chain (id, seq, last_hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE audit_entries (
	seq BIGINT NOT NULL PRIMARY KEY,
	at BIGINT NOT NULL,
	actor_user_id BIGINT NOT NULL,
	actor_name TEXT NOT NULL,
	actor_role TEXT NOT NULL,
	action TEXT NOT NULL CHECK (action <> ''),
	target_type TEXT NOT NULL,
	target_id TEXT NOT NULL,
	before_digest TEXT NOT NULL,
	after_digest TEXT NOT NULL,
	prev_hash TEXT NOT NULL,
	hash TEXT NOT NULL UNIQUE
);
CREATE INDEX audit_entries_target ON audit_entries (target_type, target_id);
CREATE INDEX audit_entries_actor ON audit_entries (actor_user_id);
