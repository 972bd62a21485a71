-- Outgoing webhooks: endpoints and the outbox of deliveries, written in the
-- same transaction as the change they announce.

CREATE TABLE webhook_endpoints (
	id INTEGER NOT NULL PRIMARY KEY,
	url TEXT NOT NULL,
	secret TEXT NOT NULL,
	event_types TEXT NOT NULL,
	active BOOLEAN NOT NULL,
	created_at BIGINT NOT NULL
);

CREATE TABLE webhook_deliveries (
	id INTEGER NOT NULL PRIMARY KEY,
	endpoint_id BIGINT NOT NULL REFERENCES webhook_endpoints (id),
	event_id TEXT NOT NULL,
	event_type TEXT NOT NULL,
	payload BLOB NOT NULL,
	created_at BIGINT NOT NULL,
	status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'dead')),
	attempts INTEGER NOT NULL CHECK (attempts >= 0),
	next_at BIGINT,
	last_status INTEGER NOT NULL,
	last_error TEXT NOT NULL,
	delivered_at BIGINT,
	UNIQUE (endpoint_id, event_id)
);
CREATE INDEX webhook_deliveries_status_next_at ON webhook_deliveries (status, next_at);
