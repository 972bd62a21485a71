-- The period gate serialises closes with ingestion. Every transaction
-- that records volume (orders, refunds) holds the one gate row in share
-- mode; a close holds it exclusively. So an order paid during a close
-- either commits before the close reads the period, or waits and then
-- sees the period closed and lands in the first open period.
CREATE TABLE period_gate (
	id INTEGER PRIMARY KEY CHECK (id = 1)
);
INSERT INTO period_gate (id) VALUES (1);
