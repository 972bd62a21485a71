-- The risk review loop (issue 6 item 8): a reviewer confirms or dismisses
-- an open flag with a note; a receipt verification decision closes the
-- flags of its order. Flags are listed by status and kind.

ALTER TABLE risk_flags ADD COLUMN review_note TEXT NOT NULL DEFAULT '';
CREATE INDEX risk_flags_kind_status ON risk_flags (kind, status);
