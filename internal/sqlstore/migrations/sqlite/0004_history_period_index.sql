-- The tree at a past period end overlays the current tree with the history
-- of the distributors changed after that period; this index finds them.
CREATE INDEX distributor_history_effective_period ON distributor_history (effective_period);
