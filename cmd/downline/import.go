package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/downline/downline"
	"github.com/downline/downline/internal/csvio"
	"github.com/downline/downline/internal/sqlstore"
)

// runImport implements `downline import distributors|customers|orders FILE`.
func runImport(ctx context.Context, e *env, args []string) error {
	const kinds = "distributors|customers|orders"
	if groupHelp(e, "import", kinds, args) {
		return nil
	}
	if len(args) == 0 || (args[0] != "distributors" && args[0] != "customers" && args[0] != "orders") {
		return usageError{fmt.Errorf("import: want one of %s", kinds)}
	}
	kind := args[0]
	fs := newFlagSet(e, "import "+kind, "FILE",
		"Import "+kind+" from a CSV file with a header row (the formats of 'downline gen' and 'downline calc';\n"+
			"'downline export' writes them too). Every rejected row is printed as file:line:column: reason,\n"+
			"then a summary. Valid rows are written in batches; importing the same file again changes nothing.\n"+
			"The exit status is 2 when any row was rejected.")
	cfg := DefaultConfig()
	configFlags(fs, e, &cfg, false)
	dryRun := fs.Bool("dry-run", false, "check every row and its references, write nothing (checks only the\nstore makes on writing, such as a taken referral code, are not run)")
	allOrNothing := fs.Bool("all-or-nothing", false, "write nothing unless every row is valid; then write all in one transaction")
	product := fs.String("product", "", "orders: SKU of the product of rows without a sku column or value")
	batch := fs.Int("batch", 1000, "records per transaction when not --all-or-nothing")
	file, rest := "", args[1:]
	if len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
		file, rest = rest[0], rest[1:]
	}
	if err := parseFlags(fs, rest); err != nil {
		return err
	}
	switch {
	case file == "" && fs.NArg() == 1:
		file = fs.Arg(0)
	case file == "" || fs.NArg() != 0:
		return usageError{fmt.Errorf("import %s: want exactly one FILE", kind)}
	}
	if *batch < 1 {
		return usageError{fmt.Errorf("import %s: --batch must be positive", kind)}
	}
	if err := cfg.Validate(); err != nil {
		return usageError{err}
	}
	f, err := os.Open(file)
	if err != nil {
		return usageError{fmt.Errorf("import %s: %w", kind, err)}
	}
	defer f.Close()
	// A dry run must not even migrate the schema.
	db, err := openStore(ctx, cfg, !*dryRun)
	if err != nil {
		return err
	}
	defer db.Close()
	im := &importer{db: db, e: e, file: file, dryRun: *dryRun, atomic: *allOrNothing, batch: *batch}
	switch kind {
	case "distributors":
		err = im.distributors(ctx, f)
	case "customers":
		err = im.customers(ctx, f)
	default:
		err = im.orders(ctx, f, *product)
	}
	if err != nil {
		return err
	}
	return im.finish()
}

// importer carries one import's settings and its tally.
type importer struct {
	db      *sqlstore.DB
	e       *env
	file    string
	dryRun  bool
	atomic  bool
	batch   int
	kind    string
	valid   int // records neither the checks nor the store refused
	written int // records the store accepted (new or already identical)
	rejects []*csvio.RowError
}

// rowsRejected is the error of an import that rejected rows: exit status 2.
type rowsRejected struct{ n int }

func (r rowsRejected) Error() string   { return fmt.Sprintf("%d rows rejected", r.n) }
func (r rowsRejected) ExitStatus() int { return 2 }

// finish prints the rejects in file order and the summary.
func (im *importer) finish() error {
	sort.SliceStable(im.rejects, func(i, j int) bool {
		a, b := im.rejects[i], im.rejects[j]
		return a.Line < b.Line || a.Line == b.Line && a.Column < b.Column
	})
	for _, r := range im.rejects {
		fmt.Fprintln(im.e.stderr, r.Error())
	}
	what := fmt.Sprintf("%d stored or already present", im.written)
	switch {
	case im.dryRun:
		what = "nothing written (dry run)"
	case im.atomic && len(im.rejects) > 0:
		what = "nothing written (all or nothing)"
	}
	fmt.Fprintf(im.e.stdout, "%s: %s: %d valid, %d rejected; %s\n", im.file, im.kind, im.valid, len(im.rejects), what)
	if len(im.rejects) > 0 {
		return rowsRejected{len(im.rejects)}
	}
	return nil
}

// options returns the reader options the programme implies.
func (im *importer) options(ctx context.Context) (csvio.Options, error) {
	p, err := im.db.FindProgramme(ctx)
	if downline.ErrorCode(err) == downline.CodeNotFound {
		return csvio.Options{}, usageError{errors.New("import: the database holds no programme; create one first")}
	}
	if err != nil {
		return csvio.Options{}, fmt.Errorf("import: find programme: %w", err)
	}
	loc, err := p.Location()
	if err != nil {
		return csvio.Options{}, err
	}
	return csvio.Options{Location: loc, Currency: p.Currency}, nil
}

// write stores recs in batches (or all at once when atomic). A batch the
// store refuses for bad data is split in halves until the bad records are
// found; each is rejected with the store's message at its row.
func write[T any](ctx context.Context, im *importer, recs []T, create func(context.Context, []T) error, reject func(T, error)) error {
	if im.dryRun || len(recs) == 0 || im.atomic && len(im.rejects) > 0 {
		return nil
	}
	if im.atomic {
		if err := create(ctx, recs); err != nil {
			if !isDataError(err) {
				return err
			}
			reject(recs[0], err) // at the row of the record the message names
			im.valid--
			return nil
		}
		im.written += len(recs)
		return nil
	}
	var split func([]T) error
	split = func(rs []T) error {
		err := create(ctx, rs)
		switch {
		case err == nil:
			im.written += len(rs)
			return nil
		case !isDataError(err):
			return err
		case len(rs) == 1:
			reject(rs[0], err)
			im.valid--
			return nil
		}
		if err := split(rs[:len(rs)/2]); err != nil {
			return err
		}
		return split(rs[len(rs)/2:])
	}
	for start := 0; start < len(recs); start += im.batch {
		if err := split(recs[start:min(start+im.batch, len(recs))]); err != nil {
			return err
		}
	}
	return nil
}

func isDataError(err error) bool {
	c := downline.ErrorCode(err)
	return c == downline.CodeInvalid || c == downline.CodeConflict || c == downline.CodeNotFound
}

// namedRecord returns the external id a store message names first, as in
// `order "7": …`; "" when there is none.
func namedRecord(err error) string {
	msg := downline.ErrorMessage(err)
	_, rest, ok := strings.Cut(msg, `"`)
	if !ok {
		return ""
	}
	id, _, ok := strings.Cut(rest, `"`)
	if !ok {
		return ""
	}
	return id
}
