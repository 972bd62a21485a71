package main

import (
	"context"
	"fmt"

	"github.com/downline/downline/internal/sqlstore"
)

// openStore opens the database named by cfg and, when migrate is set,
// brings its schema up to date.
func openStore(ctx context.Context, cfg Config, migrate bool) (*sqlstore.DB, error) {
	db, err := sqlstore.Open(ctx, cfg.DB)
	if err != nil {
		return nil, err
	}
	if migrate {
		if _, err := db.Migrate(ctx); err != nil {
			db.Close()
			return nil, fmt.Errorf("migrate: %w", err)
		}
	}
	return db, nil
}
