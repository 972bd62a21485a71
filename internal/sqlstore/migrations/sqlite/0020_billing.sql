-- Billing webhooks: every verified event is kept raw (deduplicated on the
-- provider's event id, replayable), with its outcome; events Downline cannot
-- act on open an item in the needs-attention queue; billing price ids map to
-- products.

CREATE TABLE webhook_events (
	id INTEGER NOT NULL PRIMARY KEY,
	source TEXT NOT NULL,
	event_id TEXT NOT NULL,
	event_type TEXT NOT NULL,
	payload BLOB NOT NULL,
	received_at BIGINT NOT NULL,
	status TEXT NOT NULL CHECK (status IN ('received', 'applied', 'needs_attention', 'ignored')),
	outcome TEXT NOT NULL,
	processed_at BIGINT,
	replays INTEGER NOT NULL CHECK (replays >= 0),
	UNIQUE (source, event_id)
);
CREATE INDEX webhook_events_status_received_at ON webhook_events (status, received_at);

CREATE TABLE attention_items (
	id INTEGER NOT NULL PRIMARY KEY,
	webhook_event_id BIGINT REFERENCES webhook_events (id),
	source TEXT NOT NULL,
	ref TEXT NOT NULL,
	reason TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	resolved_at BIGINT,
	resolution TEXT NOT NULL
);
CREATE INDEX attention_items_webhook_event_id ON attention_items (webhook_event_id);
CREATE INDEX attention_items_resolved_at ON attention_items (resolved_at);

CREATE TABLE billing_prices (
	provider TEXT NOT NULL,
	price_id TEXT NOT NULL,
	product_id BIGINT NOT NULL REFERENCES products (id),
	created_at BIGINT NOT NULL,
	PRIMARY KEY (provider, price_id)
);
CREATE INDEX billing_prices_product_id ON billing_prices (product_id);
