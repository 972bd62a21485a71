package main

import (
	"context"
	"fmt"
)

// runMigrate applies every pending schema migration.
func runMigrate(ctx context.Context, e *env, args []string) error {
	cfg := DefaultConfig()
	fs := newFlagSet(e, "migrate", "", "Apply every pending schema migration to the database. Safe to run again.")
	configFlags(fs, e, &cfg, false)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		return usageError{err}
	}
	db, err := openStore(ctx, cfg, false)
	if err != nil {
		return err
	}
	defer db.Close()
	applied, err := db.Migrate(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	for _, name := range applied {
		fmt.Fprintf(e.stdout, "applied %s\n", name)
	}
	fmt.Fprintf(e.stdout, "database %s is up to date (%d migrations applied now)\n", redact(cfg.DB), len(applied))
	return nil
}
