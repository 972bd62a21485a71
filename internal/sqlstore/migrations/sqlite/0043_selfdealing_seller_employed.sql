-- TX-06: of a seller's active customers, at most one may be an entity
-- that employs the seller. seller_employed marks the holds opened because
-- the seller itself (not only an upline) works for the customer; holds
-- opened by hand before this migration are taken to be the seller's.

ALTER TABLE selfdealing_holds ADD COLUMN seller_employed BOOLEAN NOT NULL DEFAULT TRUE;
