package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/downline/downline"
	"github.com/downline/downline/internal/statement"
)

// runStatement writes one distributor's statement for a closed period.
func runStatement(ctx context.Context, e *env, args []string) error {
	cfg := DefaultConfig()
	fs := newFlagSet(e, "statement", "", `Write a distributor's commission statement for a closed period: totals by bonus,
every line with its explanation, and the balance movements. The format follows
the file name: .pdf or .csv.`)
	configFlags(fs, e, &cfg, false)
	id := fs.Int64("distributor", 0, "the distributor's id (required)")
	period := fs.String("period", "", "the closed period (YYYY-MM; required)")
	out := fs.String("out", "", "the output file, .pdf or .csv (required)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	ext := strings.ToLower(filepath.Ext(*out))
	switch {
	case *id <= 0:
		return usageError{fmt.Errorf("statement: --distributor is required")}
	case !downline.IsPeriodName(*period):
		return usageError{fmt.Errorf("statement: --period %q: want YYYY-MM", *period)}
	case ext != ".pdf" && ext != ".csv":
		return usageError{fmt.Errorf("statement: --out %q: want a .pdf or .csv file", *out)}
	}
	db, err := openRunStore(ctx, &cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	ps, err := db.FindStatement(ctx, downline.DistributorID(*id), *period)
	if err != nil {
		return err
	}
	s := toStatement(ps, ps.Run.CreatedAt)
	var buf bytes.Buffer
	if ext == ".pdf" {
		err = statement.WritePDF(&buf, s)
	} else {
		err = statement.WriteCSV(&buf, s)
	}
	if err != nil {
		return fmt.Errorf("statement: %w", err)
	}
	if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("statement: %w", err)
	}
	m := func(v int64) string { return downline.NewMoney(v, ps.Currency).String() }
	fmt.Fprintf(e.stdout, "Wrote %s: distributor %d, %s, %d lines; opening %s, earned %s, clawbacks %s, adjustments %s, paid %s, closing %s.\n",
		*out, ps.DistributorID, ps.Period, len(s.Lines), m(ps.Opening), m(ps.Earned), m(ps.Clawbacks), m(ps.Adjustments), m(ps.Paid), m(ps.Closing))
	return nil
}

// toStatement converts the store's statement into the renderer's input.
// The generation time is the close's, so the same statement is the same
// file every time.
func toStatement(ps *downline.PeriodStatement, generated time.Time) statement.Statement {
	s := statement.Statement{Programme: ps.Programme, DistributorID: ps.DistributorID, DistributorName: ps.DistributorName,
		Period: ps.Period, Currency: ps.Currency, GeneratedAt: generated,
		Movements: statement.Movements{Opening: ps.Opening, Earned: ps.Earned, Clawbacks: ps.Clawbacks,
			Adjustments: ps.Adjustments, Paid: ps.Paid, Closing: ps.Closing}}
	for _, l := range ps.Lines {
		bonus := l.Bonus
		if l.Kind == "clawback" {
			bonus = "Clawback (" + l.Bonus + ")"
		}
		src := "distributor " + strconv.FormatInt(int64(l.Source), 10)
		if l.OrderID != 0 {
			src = "order " + strconv.FormatInt(int64(l.OrderID), 10) + " of " + src
		}
		s.Lines = append(s.Lines, statement.Line{ID: "run:" + strconv.FormatInt(int64(ps.Run.ID), 10) + ":line:" +
			strconv.FormatInt(l.LineNo, 10), Bonus: bonus, Source: src, Explanation: l.Explain(ps.Currency), Amount: l.Amount})
	}
	return s
}
