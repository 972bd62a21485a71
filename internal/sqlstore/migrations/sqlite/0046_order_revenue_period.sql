-- An order released from a TX-11 hold into a later period than the one its
-- revenue was counted in keeps that first period here ('' when its revenue
-- and volume are in orders.period), so that a later receipt rejection
-- (TX-02) restates the revenue where it was counted, or not at all when
-- that period is closed.

ALTER TABLE orders ADD COLUMN revenue_period TEXT NOT NULL DEFAULT '';
