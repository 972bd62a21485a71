package main

import (
	"context"
	"fmt"

	"github.com/downline/downline"
)

// runAudit works on the audit log; its one verb, verify, checks the hash
// chain from the first entry to the last.
func runAudit(ctx context.Context, e *env, args []string) error {
	if groupHelp(e, "audit", "verify", args) {
		return nil
	}
	if len(args) == 0 || args[0] != "verify" {
		return usageError{fmt.Errorf("usage: downline audit verify [flags]")}
	}
	cfg := DefaultConfig()
	fs := newFlagSet(e, "audit verify", "", "Verify the audit log's hash chain: every entry follows the one before and its hash matches its content.")
	configFlags(fs, e, &cfg, false)
	if err := parseFlags(fs, args[1:]); err != nil {
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
	var chain downline.AuditChain
	var head string
	err = db.WalkAudit(ctx, func(en *downline.AuditEntry) error {
		if err := chain.Next(en); err != nil {
			return err
		}
		head = en.Hash
		return nil
	})
	if err != nil {
		return fmt.Errorf("audit verify: after %d good entries: %w", chain.Len(), err)
	}
	if chain.Len() == 0 {
		fmt.Fprintln(e.stdout, "audit log is empty")
		return nil
	}
	fmt.Fprintf(e.stdout, "audit chain verified: %d entries, head %s\n", chain.Len(), head)
	return nil
}
