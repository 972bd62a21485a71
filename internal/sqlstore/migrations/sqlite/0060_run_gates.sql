-- Which gates scaled a run's multi-level pay (issue 7 item 2): scaled_by is
-- 'TX-07', 'TX-08', 'TX-07,TX-08' or ''; company_test_fired records that
-- the TX-07 company-level end-user tests failed, with the factor applied,
-- for the income disclosure statement's note and the compliance dashboard.
ALTER TABLE commission_runs ADD COLUMN scaled_by TEXT NOT NULL DEFAULT '';
ALTER TABLE commission_runs ADD COLUMN company_test_fired BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE commission_runs ADD COLUMN company_factor_num BIGINT NOT NULL DEFAULT 1;
ALTER TABLE commission_runs ADD COLUMN company_factor_den BIGINT NOT NULL DEFAULT 1;
