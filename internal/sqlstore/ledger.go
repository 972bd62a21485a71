package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/downline/downline"
	"github.com/downline/downline/ledger"
)

// The ledger in the store. Transactions are built and checked by package
// ledger; the store persists them append-only. Posting is idempotent: the
// same id with the same content is a no-op, the same id with other content
// is CodeConflict. Balances are sums over postings, never stored.

// transactionDigest is the content digest of t, independent of the order
// of its postings: they are digested in the order of (account kind,
// distributor, currency, amount, ref). Builders emit that order already
// for large transactions, so the sort is usually skipped.
func transactionDigest(t ledger.Transaction) string {
	ps := t.Postings
	if !sort.SliceIsSorted(ps, func(i, j int) bool { return postingLess(&ps[i], &ps[j]) }) {
		ps = append([]ledger.Posting(nil), ps...)
		sort.Slice(ps, func(i, j int) bool { return postingLess(&ps[i], &ps[j]) })
	}
	var d digester
	d.str(t.ID).str(string(t.Kind)).str(t.Memo).str(t.Requester).str(t.Approver).str(t.Reverses).int(int64(len(ps)))
	for i := range ps {
		p := &ps[i]
		d.str(string(p.Account.Kind)).int(p.Account.Distributor).str(p.Currency).int(p.Amount).str(p.Ref)
	}
	return d.sum()
}

func postingLess(a, b *ledger.Posting) bool {
	if a.Account.Kind != b.Account.Kind {
		return a.Account.Kind < b.Account.Kind
	}
	if a.Account.Distributor != b.Account.Distributor {
		return a.Account.Distributor < b.Account.Distributor
	}
	if a.Currency != b.Currency {
		return a.Currency < b.Currency
	}
	if a.Amount != b.Amount {
		return a.Amount < b.Amount
	}
	return a.Ref < b.Ref
}

// PostTransaction posts t, dated in period ("YYYY-MM", the period whose
// statement shows it), in one transaction. It reports whether t was new.
// Returns CodeInvalid for a transaction that is malformed or does not
// balance and CodeConflict when the id exists with other content.
func (db *DB) PostTransaction(ctx context.Context, t ledger.Transaction, period string) (bool, error) {
	tx, err := db.beginTx(ctx, true)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	isNew, err := postTransaction(ctx, tx, t, period)
	if err != nil {
		return false, err
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("post %s: %w", t.ID, err)
	}
	return isNew, nil
}

func postTransaction(ctx context.Context, tx *Tx, t ledger.Transaction, period string) (bool, error) {
	if !downline.IsPeriodName(period) {
		return false, downline.Errorf(downline.CodeInvalid, "transaction %q: period %q must be named YYYY-MM", t.ID, period)
	}
	if err := t.Validate(); err != nil {
		return false, downline.Errorf(downline.CodeInvalid, "transaction %q: %v", t.ID, err)
	}
	dig := transactionDigest(t)
	var existing string
	err := tx.queryRow(ctx, `SELECT digest FROM ledger_transactions WHERE id = ?`, t.ID).Scan(&existing)
	switch {
	case err == nil && existing == dig:
		return false, nil
	case err == nil:
		return false, downline.Errorf(downline.CodeConflict, "Transaction %q was already posted with other content.", t.ID)
	case !errors.Is(err, sql.ErrNoRows):
		return false, fmt.Errorf("post %s: %w", t.ID, err)
	}
	if _, err := tx.exec(ctx, `INSERT INTO ledger_transactions (id, kind, period, memo, requester, approver, reverses,
		postings, digest, posted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, t.ID, string(t.Kind), period, t.Memo,
		t.Requester, t.Approver, t.Reverses, len(t.Postings), dig, encodeTime(tx.now)); err != nil {
		return false, fmt.Errorf("post %s: %w", t.ID, mapError(err, "transaction "+t.ID))
	}
	ins := newBulkInserter(tx, `INSERT INTO ledger_postings (transaction_id, posting_no, account_kind, distributor_id,
		currency, amount, ref)`, "text", "bigint", "text", "bigint", "text", "bigint", "text")
	defer ins.close()
	for i, p := range t.Postings {
		if err := ins.add(ctx, t.ID, i+1, string(p.Account.Kind), p.Account.Distributor, p.Currency, p.Amount, p.Ref); err != nil {
			return false, fmt.Errorf("post %s: %w", t.ID, mapError(err, "transaction "+t.ID))
		}
	}
	if err := ins.flush(ctx); err != nil {
		return false, fmt.Errorf("post %s: %w", t.ID, mapError(err, "transaction "+t.ID))
	}
	return true, nil
}

// FindTransaction returns a posted transaction with its postings in
// posting order. Returns CodeNotFound.
func (db *DB) FindTransaction(ctx context.Context, id string) (ledger.Transaction, error) {
	tx, err := db.beginTx(ctx, false)
	if err != nil {
		return ledger.Transaction{}, err
	}
	defer tx.Rollback()
	t := ledger.Transaction{ID: id}
	var kind string
	err = tx.queryRow(ctx, `SELECT kind, memo, requester, approver, reverses FROM ledger_transactions WHERE id = ?`, id).
		Scan(&kind, &t.Memo, &t.Requester, &t.Approver, &t.Reverses)
	if errors.Is(err, sql.ErrNoRows) {
		return ledger.Transaction{}, downline.Errorf(downline.CodeNotFound, "Transaction %q not found.", id)
	}
	if err != nil {
		return ledger.Transaction{}, fmt.Errorf("find transaction %s: %w", id, err)
	}
	t.Kind = ledger.Kind(kind)
	rows, err := tx.query(ctx, `SELECT account_kind, distributor_id, currency, amount, ref FROM ledger_postings
		WHERE transaction_id = ? ORDER BY posting_no`, id)
	if err != nil {
		return ledger.Transaction{}, fmt.Errorf("find transaction %s: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		var p ledger.Posting
		var k string
		if err := rows.Scan(&k, &p.Account.Distributor, &p.Currency, &p.Amount, &p.Ref); err != nil {
			return ledger.Transaction{}, fmt.Errorf("find transaction %s: %w", id, err)
		}
		p.Account.Kind = ledger.AccountKind(k)
		t.Postings = append(t.Postings, p)
	}
	return t, rows.Err()
}

// LedgerBalances returns every non-zero account balance, derived from the
// postings, sorted by account and currency (debit-positive).
func (db *DB) LedgerBalances(ctx context.Context) ([]ledger.Balance, error) {
	tx, err := db.beginTx(ctx, false)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	rows, err := tx.query(ctx, `SELECT account_kind, distributor_id, currency, SUM(amount) FROM ledger_postings
		GROUP BY account_kind, distributor_id, currency HAVING SUM(amount) <> 0`)
	if err != nil {
		return nil, fmt.Errorf("ledger balances: %w", err)
	}
	defer rows.Close()
	var bs []ledger.Balance
	for rows.Next() {
		var b ledger.Balance
		var k string
		if err := rows.Scan(&k, &b.Account.Distributor, &b.Currency, &b.Amount); err != nil {
			return nil, fmt.Errorf("ledger balances: %w", err)
		}
		b.Account.Kind = ledger.AccountKind(k)
		bs = append(bs, b)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ledger balances: %w", err)
	}
	sort.Slice(bs, func(i, j int) bool {
		if a, b := bs[i].Account.String(), bs[j].Account.String(); a != b {
			return a < b
		}
		return bs[i].Currency < bs[j].Currency
	})
	return bs, nil
}

// Balances returns what the ledger says the given distributors (all with
// postings when ids is empty) are owed, ordered by ID.
func (db *DB) Balances(ctx context.Context, ids ...downline.DistributorID) ([]downline.DistributorBalance, error) {
	tx, err := db.beginTx(ctx, false)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	return distributorBalances(ctx, tx, ids)
}

func distributorBalances(ctx context.Context, tx *Tx, ids []downline.DistributorID) ([]downline.DistributorBalance, error) {
	var w where
	w.add("distributor_id > 0")
	if len(ids) > 0 {
		args := make([]any, len(ids))
		for i, id := range ids {
			args[i] = id
		}
		w.add("distributor_id IN ("+strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ")+")", args...)
	}
	rows, err := tx.query(ctx, `SELECT distributor_id, account_kind, SUM(amount) FROM ledger_postings`+w.String()+
		` GROUP BY distributor_id, account_kind ORDER BY distributor_id`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("balances: %w", err)
	}
	defer rows.Close()
	var out []downline.DistributorBalance
	for rows.Next() {
		var id downline.DistributorID
		var kind string
		var sum int64
		if err := rows.Scan(&id, &kind, &sum); err != nil {
			return nil, fmt.Errorf("balances: %w", err)
		}
		if len(out) == 0 || out[len(out)-1].DistributorID != id {
			out = append(out, downline.DistributorBalance{DistributorID: id})
		}
		b := &out[len(out)-1]
		// Liabilities are credit (negative) balances; show them positive.
		switch ledger.AccountKind(kind) {
		case ledger.Earned:
			b.Earned = -sum
		case ledger.Payable:
			b.Payable = -sum
		case ledger.ClawbackReceivable:
			b.Receivable = sum
		}
		b.Available = b.Payable - b.Receivable
	}
	return out, rows.Err()
}

// CreateAdjustment posts a manual adjustment (reason and approver required;
// under the two-person rule the approver must differ from the requester),
// dated in period. Returns CodeInvalid and CodeConflict as PostTransaction,
// and CodeForbidden for a self-approval under the two-person rule.
func (db *DB) CreateAdjustment(ctx context.Context, a ledger.Adjustment, period string) (bool, error) {
	t, err := ledger.ManualAdjustment(a)
	if errors.Is(err, ledger.ErrSelfApproval) {
		return false, downline.Errorf(downline.CodeForbidden, "Adjustment %q: the approver must not be the requester.", a.Key)
	}
	if err != nil {
		return false, downline.Errorf(downline.CodeInvalid, "adjustment %q: %v", a.Key, err)
	}
	return db.PostTransaction(ctx, t, period)
}
