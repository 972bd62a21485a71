-- Commission runs: stored plan versions, preview and close runs with their
-- per-distributor results and commission lines, and the state each closed
-- period carries into the next. Runs and lines are append-only.

CREATE TABLE plan_versions (
	id INTEGER NOT NULL PRIMARY KEY,
	hash TEXT NOT NULL,
	plan_id TEXT NOT NULL,
	version TEXT NOT NULL,
	yaml TEXT NOT NULL,
	active_from TEXT NOT NULL,
	created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX plan_versions_hash_active_from ON plan_versions (hash, active_from);

CREATE TABLE commission_runs (
	id INTEGER NOT NULL PRIMARY KEY,
	period TEXT NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('preview', 'close')),
	plan_version_id BIGINT NOT NULL REFERENCES plan_versions (id),
	state_period TEXT NOT NULL,
	input_hash TEXT NOT NULL,
	result_hash TEXT NOT NULL,
	currency TEXT NOT NULL CHECK (length(currency) = 3),
	distributors BIGINT NOT NULL CHECK (distributors >= 0),
	lines BIGINT NOT NULL CHECK (lines >= 0),
	total BIGINT NOT NULL,
	clawbacks BIGINT NOT NULL CHECK (clawbacks <= 0),
	total_cv BIGINT NOT NULL,
	scale_num BIGINT NOT NULL CHECK (scale_num >= 0),
	scale_den BIGINT NOT NULL CHECK (scale_den > 0),
	hold_days INTEGER NOT NULL CHECK (hold_days >= 0),
	payable_at BIGINT NOT NULL,
	created_at BIGINT NOT NULL
);
CREATE INDEX commission_runs_period ON commission_runs (period);
-- At most one close per period: a second close, concurrent or later, fails
-- on this index and nothing it wrote survives.
CREATE UNIQUE INDEX commission_runs_one_close ON commission_runs (period) WHERE kind = 'close';

-- run_distributors holds one row per distributor in the tree at period
-- end: the engine's figures and every line the distributor earned (plan
-- lines and clawbacks), packed in a compact binary encoding (see
-- sqlstore/runstore.go) so that a close of a million distributors writes a
-- million rows, not one per line.
CREATE TABLE run_distributors (
	run_id BIGINT NOT NULL REFERENCES commission_runs (id),
	distributor_id BIGINT NOT NULL,
	cuv BIGINT NOT NULL,
	pcv BIGINT NOT NULL,
	rpcv BIGINT NOT NULL,
	pv BIGINT NOT NULL,
	gv BIGINT NOT NULL,
	active BOOLEAN NOT NULL,
	paid_rank TEXT NOT NULL,
	title_rank TEXT NOT NULL,
	withheld TEXT NOT NULL,
	total BIGINT NOT NULL,
	clawbacks BIGINT NOT NULL CHECK (clawbacks <= 0),
	line_count BIGINT NOT NULL CHECK (line_count >= 0),
	lines BLOB NOT NULL,
	PRIMARY KEY (run_id, distributor_id)
);

-- period_states holds the engine state a closed period carries into the
-- next (title ranks, grace, binary carry): gzip-compressed JSON as written
-- by compplan.WriteState.
CREATE TABLE period_states (
	period TEXT NOT NULL PRIMARY KEY,
	run_id BIGINT NOT NULL REFERENCES commission_runs (id),
	state BLOB NOT NULL
);
