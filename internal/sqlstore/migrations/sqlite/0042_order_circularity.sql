-- TX-02 circularity at intake. Orders may carry the payer's payment
-- fingerprint (an opaque token such as Stripe's card fingerprint) and a
-- SHA-256 of the normalised billing address. A customer order
-- whose payer matches the seller's or an upline's own purchases is
-- reclassified as personal use of the matched participant; the original
-- seller and purpose stay recorded here, and a risk flag says why.

ALTER TABLE orders ADD COLUMN payment_fingerprint TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN billing_address_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN original_distributor_id BIGINT REFERENCES distributors (id);
ALTER TABLE orders ADD COLUMN original_purpose TEXT NOT NULL DEFAULT '';
CREATE INDEX orders_payment_fingerprint ON orders (payment_fingerprint) WHERE payment_fingerprint <> '';
