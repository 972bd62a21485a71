package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/downline/downline/compplan"
)

// runCalc evaluates one period offline from CSV files, for plan designers
// and auditors. Bad input (plan, CSV, state) exits 2 naming file, line and
// column, and nothing is written.
func runCalc(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "calc", "", "Calculate one period's commissions from a plan and CSV files.\n\n"+
		"distributors.csv: id, sponsor_id, joined_at, status[, placement_parent_id, placement_side, country,\n"+
		"  resale_bought, resale_resold (TX-05 units over the trailing window)]\n"+
		"orders.csv: id, distributor_id, customer_id, purpose, paid_at, cv[, qv, bv, amount, currency, refund_of]")
	planPath := fs.String("plan", "", "plan `file` (YAML)")
	distPath := fs.String("distributors", "", "distributors CSV `file`")
	ordPath := fs.String("orders", "", "orders CSV `file`")
	periodName := fs.String("period", "", "period to calculate, `YYYY-MM`")
	stateIn := fs.String("state-in", "", "state `file` carried from the previous period")
	stateOut := fs.String("state-out", "", "write the state to carry into the next period to `file`")
	out := fs.String("out", "", "write results to `file` instead of standard output")
	format := fs.String("format", "json", "output format: json or csv (commission lines)")
	company := fs.String("company-12m", "", "TX-07 company totals over the trailing 12 months, `REVENUE,CUV,RPCV` in major units (default: this period's)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("calc: unexpected argument %q", fs.Arg(0))}
	}
	for _, f := range []struct{ name, v string }{{"plan", *planPath}, {"distributors", *distPath}, {"orders", *ordPath}, {"period", *periodName}} {
		if f.v == "" {
			return usageError{fmt.Errorf("calc: --%s is required", f.name)}
		}
	}
	if *format != "json" && *format != "csv" {
		return usageError{fmt.Errorf("calc: --format must be json or csv, not %q", *format)}
	}
	res, err := calculate(ctx, *planPath, *distPath, *ordPath, *periodName, *stateIn, *company)
	if err != nil {
		return err
	}
	write := func(w io.Writer) error {
		if *format == "csv" {
			return writeLinesCSV(w, res)
		}
		return res.WriteJSON(w)
	}
	if *out == "" {
		if err := write(e.stdout); err != nil {
			return err
		}
	} else if err := writeFileAtomic(*out, write); err != nil {
		return err
	}
	if *stateOut != "" {
		d := res.Plan().MinorDigits
		if err := writeFileAtomic(*stateOut, func(w io.Writer) error { return compplan.WriteState(w, res.StateOut(), d) }); err != nil {
			return err
		}
	}
	return nil
}

// calculate reads and validates every input, then evaluates the period.
func calculate(ctx context.Context, planPath, distPath, ordPath, periodName, stateIn, company string) (*compplan.Result, error) {
	p, err := compplan.LoadPlan(planPath)
	if err != nil {
		var pe *compplan.PlanError
		if errors.As(err, &pe) {
			return nil, usageError{err}
		}
		return nil, usageError{fmt.Errorf("calc: %w", err)}
	}
	loc, err := time.LoadLocation(p.TimeZone)
	if err != nil {
		return nil, fmt.Errorf("calc: plan time zone: %w", err)
	}
	per, err := compplan.ParsePeriod(periodName, loc)
	if err != nil {
		return nil, usageError{fmt.Errorf("calc: --period: %w", err)}
	}
	ds, dx, err := readCSV(distPath, func(name string, r io.Reader) ([]compplan.Distributor, *compplan.CSVIndex, error) {
		return compplan.ReadDistributorsCSV(name, r, loc)
	})
	if err != nil {
		return nil, err
	}
	os_, ox, err := readCSV(ordPath, func(name string, r io.Reader) ([]compplan.Order, *compplan.CSVIndex, error) {
		return compplan.ReadOrdersCSV(name, r, p, loc)
	})
	if err != nil {
		return nil, err
	}
	snap := &compplan.Snapshot{Period: per, Distributors: ds, Orders: os_}
	if !p.Gates.SellThroughMin.IsZero() {
		if snap.Volumes, _, err = readCSV(distPath, func(name string, r io.Reader) ([]compplan.DistributorVolume, *compplan.CSVIndex, error) {
			v, err := compplan.ReadSellThroughCSV(name, r)
			return v, nil, err
		}); err != nil {
			return nil, err
		}
	}
	if company != "" {
		c, err := compplan.ParseCompanyVolume(company, p.MinorDigits)
		if err != nil {
			return nil, usageError{fmt.Errorf("calc: --company-12m: %w", err)}
		}
		snap.Company = &c
	}
	var st *compplan.State
	if stateIn != "" {
		f, err := os.Open(stateIn)
		if err != nil {
			return nil, usageError{fmt.Errorf("calc: %w", err)}
		}
		st, err = compplan.ReadState(f, p.MinorDigits)
		f.Close()
		if err != nil {
			return nil, usageError{fmt.Errorf("%s: %w", stateIn, err)}
		}
		if st.Period >= per.Name {
			return nil, usageError{fmt.Errorf("%s: state was carried out of period %s, which is not before %s", stateIn, st.Period, per.Name)}
		}
		if st.Plan != p.ID {
			return nil, usageError{fmt.Errorf("%s: state belongs to plan %q, not %q", stateIn, st.Plan, p.ID)}
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	snap.State = st
	res, err := compplan.Evaluate(p, snap)
	if err != nil {
		var re *compplan.RecordError
		if errors.As(err, &re) {
			return nil, usageError{compplan.LocateRecordError(err, dx, ox)}
		}
		return nil, usageError{fmt.Errorf("calc: %w", err)}
	}
	return res, nil
}

func readCSV[T any](path string, read func(string, io.Reader) ([]T, *compplan.CSVIndex, error)) ([]T, *compplan.CSVIndex, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, usageError{fmt.Errorf("calc: %w", err)}
	}
	defer f.Close()
	v, x, err := read(path, bufio.NewReaderSize(f, 1<<16))
	if err != nil {
		return nil, nil, usageError{err}
	}
	return v, x, nil
}

// writeLinesCSV writes the commission lines as CSV.
func writeLinesCSV(w io.Writer, res *compplan.Result) error {
	cw := csv.NewWriter(w)
	d := res.Plan().MinorDigits
	cw.Write([]string{"earner", "bonus", "source", "level", "compressed_level", "basis", "rate", "scale", "amount", "withheld", "explain"})
	for j := range res.NumLines() {
		l := res.Line(j)
		cw.Write([]string{strconv.FormatInt(int64(l.Earner), 10), l.Bonus, strconv.FormatInt(int64(l.Source), 10),
			strconv.Itoa(l.Level), strconv.Itoa(l.CompressedLevel), compplan.FormatMoney(l.Basis, d), l.Rate.String(),
			l.Scale.String(), compplan.FormatMoney(l.Amount, d), l.Withheld, res.Explain(j)})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write lines: %w", err)
	}
	return nil
}

// writeFileAtomic writes path through a temporary file in the same
// directory, so a failure never leaves a partial result.
func writeFileAtomic(path string, write func(io.Writer) error) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".calc-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(f.Name())
	bw := bufio.NewWriter(f)
	if err := write(bw); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
