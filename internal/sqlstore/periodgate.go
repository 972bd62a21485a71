package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/downline/downline"
)

// periodGate decides where volume lands. An order or refund belongs to the
// period containing its time, but closed periods are never edited: volume
// whose period is already closed lands in the first open period, the one
// after the last close, where the next run counts it. The order keeps its
// paid-at time; its period column names where its volume went.
type periodGate struct {
	lastClosed string // "" when no period is closed
}

// openPeriodGate takes the gate in share mode for a transaction that
// records volume and reads the last closed period. Taken before any volume
// is written, it makes the race with a close deterministic: see
// migrations/*/0013_period_gate.sql.
func openPeriodGate(ctx context.Context, tx *Tx) (periodGate, error) {
	if q := tx.db.gateLockSQL(false); q != "" {
		if _, err := tx.exec(ctx, q); err != nil {
			return periodGate{}, fmt.Errorf("take the period gate: %w", err)
		}
	}
	var last sql.NullString
	if err := tx.queryRow(ctx, `SELECT MAX(period) FROM commission_runs WHERE kind = 'close'`).Scan(&last); err != nil {
		return periodGate{}, fmt.Errorf("find the last closed period: %w", err)
	}
	return periodGate{lastClosed: last.String}, nil
}

// place returns the period that takes volume dated in period natural.
func (g periodGate) place(natural string) (string, error) {
	if g.lastClosed == "" || natural > g.lastClosed {
		return natural, nil
	}
	next, err := downline.ShiftPeriodName(g.lastClosed, 1)
	if err != nil {
		return "", fmt.Errorf("period after %s: %w", g.lastClosed, err)
	}
	return next, nil
}

// closeGate takes the gate exclusively for a close: ingestion waits until
// the close commits or rolls back.
func closeGate(ctx context.Context, tx *Tx) error {
	if q := tx.db.gateLockSQL(true); q != "" {
		if _, err := tx.exec(ctx, q); err != nil {
			return fmt.Errorf("take the period gate: %w", err)
		}
	}
	return nil
}
