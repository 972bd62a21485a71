-- The double-entry ledger. Transactions have deterministic ids derived from
-- their purpose ("run:2026-10:close"); postings are append-only and every
-- balance is a SUM over them. The store checks in Go that each transaction
-- balances before inserting it; the CHECKs below hold what one row can.

CREATE TABLE ledger_transactions (
	id TEXT NOT NULL PRIMARY KEY CHECK (length(id) > 0),
	kind TEXT NOT NULL CHECK (kind IN ('earnings', 'hold_release', 'payout', 'payout_failure', 'settlement',
		'clawback', 'adjustment', 'reversal')),
	period TEXT NOT NULL,
	memo TEXT NOT NULL,
	requester TEXT NOT NULL,
	approver TEXT NOT NULL,
	reverses TEXT NOT NULL,
	postings BIGINT NOT NULL CHECK (postings >= 2),
	digest TEXT NOT NULL,
	posted_at BIGINT NOT NULL,
	CHECK (kind <> 'adjustment' OR (length(memo) > 0 AND length(approver) > 0))
);
CREATE INDEX ledger_transactions_period ON ledger_transactions (period);

CREATE TABLE ledger_postings (
	transaction_id TEXT NOT NULL REFERENCES ledger_transactions (id),
	posting_no BIGINT NOT NULL CHECK (posting_no >= 1),
	account_kind TEXT NOT NULL CHECK (account_kind IN ('earned', 'payable', 'clawback_receivable',
		'commission_expense', 'adjustment_expense', 'payouts_clearing', 'bank')),
	distributor_id BIGINT NOT NULL CHECK (distributor_id >= 0),
	currency TEXT NOT NULL CHECK (length(currency) = 3),
	amount BIGINT NOT NULL CHECK (amount <> 0),
	ref TEXT NOT NULL,
	PRIMARY KEY (transaction_id, posting_no),
	CHECK ((distributor_id = 0) = (account_kind IN ('commission_expense', 'adjustment_expense', 'payouts_clearing', 'bank')))
);
CREATE INDEX ledger_postings_account ON ledger_postings (distributor_id, account_kind);
