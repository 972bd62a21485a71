package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/downline/downline"
	"github.com/downline/downline/internal/csvio"
	"github.com/downline/downline/internal/sqlstore"
)

// exportPage is how many records export reads per query.
const exportPage = 1000

// runExport implements `downline export distributors|customers|orders`.
func runExport(ctx context.Context, e *env, args []string) error {
	const kinds = "distributors|customers|orders"
	if groupHelp(e, "export", kinds, args) {
		return nil
	}
	if len(args) == 0 || (args[0] != "distributors" && args[0] != "customers" && args[0] != "orders") {
		return usageError{fmt.Errorf("export: want one of %s", kinds)}
	}
	kind := args[0]
	fs := newFlagSet(e, "export "+kind, "",
		"Write "+kind+" as CSV in the format 'downline import' reads, ordered by creation. The same\n"+
			"database always gives byte-identical output. Orders are followed by the refunds.")
	cfg := DefaultConfig()
	configFlags(fs, e, &cfg, false)
	period := fs.String("period", "", "orders: only the orders and refunds of this period (YYYY-MM)")
	out := fs.String("out", "", "file to write (default standard output)")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usageError{fmt.Errorf("export %s: unexpected argument %q", kind, fs.Arg(0))}
	}
	if *period != "" && (kind != "orders" || !downline.IsPeriodName(*period)) {
		return usageError{fmt.Errorf("export %s: --period %q: want YYYY-MM, for orders only", kind, *period)}
	}
	if err := cfg.Validate(); err != nil {
		return usageError{err}
	}
	db, err := openStore(ctx, cfg, false)
	if err != nil {
		return err
	}
	defer db.Close()
	w := e.stdout
	var f *os.File
	if *out != "" {
		if f, err = os.Create(*out); err != nil {
			return fmt.Errorf("export %s: %w", kind, err)
		}
		defer f.Close()
		w = f
	}
	switch kind {
	case "distributors":
		err = exportDistributors(ctx, db, w)
	case "customers":
		err = exportCustomers(ctx, db, w)
	default:
		err = exportOrders(ctx, db, w, *period)
	}
	if err != nil {
		return fmt.Errorf("export %s: %w", kind, err)
	}
	if f != nil {
		if err := f.Close(); err != nil {
			return fmt.Errorf("export %s: %w", kind, err)
		}
	}
	return nil
}

func exportDistributors(ctx context.Context, db *sqlstore.DB, w io.Writer) error {
	cw, err := csvio.NewDistributorWriter(w)
	if err != nil {
		return err
	}
	var after downline.DistributorID
	for {
		ds, _, err := db.FindDistributors(ctx, downline.DistributorFilter{AfterID: after, Limit: exportPage})
		if err != nil {
			return err
		}
		for _, d := range ds {
			if err := cw.Distributor(d); err != nil {
				return err
			}
			after = d.ID
		}
		if len(ds) < exportPage {
			return cw.Flush()
		}
	}
}

func exportCustomers(ctx context.Context, db *sqlstore.DB, w io.Writer) error {
	cw, err := csvio.NewCustomerWriter(w)
	if err != nil {
		return err
	}
	var after downline.CustomerID
	for {
		cs, _, err := db.FindCustomers(ctx, downline.CustomerFilter{AfterID: after, Limit: exportPage})
		if err != nil {
			return err
		}
		for _, c := range cs {
			if err := cw.Customer(c); err != nil {
				return err
			}
			after = c.ID
		}
		if len(cs) < exportPage {
			return cw.Flush()
		}
	}
}

func exportOrders(ctx context.Context, db *sqlstore.DB, w io.Writer, period string) error {
	prog, err := db.FindProgramme(ctx)
	if err != nil {
		return err
	}
	cw, err := csvio.NewOrderWriter(w, prog.Currency)
	if err != nil {
		return err
	}
	var per *string
	if period != "" {
		per = &period
	}
	rcv := &receivedOrders{db: db, refs: map[downline.DistributorID]string{}}
	var after downline.OrderID
	for {
		os, _, err := db.FindOrders(ctx, downline.OrderFilter{Period: per, AfterID: after, Limit: exportPage})
		if err != nil {
			return err
		}
		for _, o := range os {
			if o, err = rcv.asReceived(ctx, o); err != nil {
				return err
			}
			if err := cw.Order(o); err != nil {
				return err
			}
			after = o.ID
		}
		if len(os) < exportPage {
			break
		}
	}
	buyers := map[downline.OrderID]*downline.Order{}
	var rafter downline.RefundID
	for {
		rs, _, err := db.FindRefunds(ctx, downline.RefundFilter{Period: per, AfterID: rafter, Limit: exportPage})
		if err != nil {
			return err
		}
		for _, r := range rs {
			o, ok := buyers[r.OrderID]
			if !ok {
				if o, err = db.FindOrderByID(ctx, r.OrderID); err != nil {
					return fmt.Errorf("refund %q: %w", r.ExternalID, err)
				}
				if o, err = rcv.asReceived(ctx, o); err != nil {
					return err
				}
				buyers[r.OrderID] = o
			}
			if err := cw.Refund(r, o); err != nil {
				return err
			}
			rafter = r.ID
		}
		if len(rs) < exportPage {
			return cw.Flush()
		}
	}
}

// receivedOrders turns stored orders back into what was received. The
// store changes an order after intake in two ways: the TX-02 circularity
// check reclassifies a "customer" order paid by a participant as that
// participant's personal use (keeping the original seller and purpose),
// and a rejected receipt verification makes it non_commissionable (the
// case keeps the original purpose). The export writes the order as
// received, so that importing the export into the same database is a
// no-op (the store recognises the request it stored); the store's
// decisions are state of the database, not of the file: a fresh database
// importing the export does not know them (the CSV format carries no
// payment fingerprint, billing address or verification), and neither does
// calc over an export.
type receivedOrders struct {
	db   *sqlstore.DB
	refs map[downline.DistributorID]string
}

func (rc *receivedOrders) asReceived(ctx context.Context, o *downline.Order) (*downline.Order, error) {
	switch {
	case o.OriginalPurpose != "":
		ref, ok := rc.refs[o.OriginalDistributorID]
		if !ok {
			d, err := rc.db.FindDistributorByID(ctx, o.OriginalDistributorID)
			if err != nil {
				return nil, fmt.Errorf("order %q: original seller: %w", o.ExternalID, err)
			}
			ref = d.ExternalID
			rc.refs[o.OriginalDistributorID] = ref
		}
		c := *o
		c.Purpose, c.DistributorID, c.DistributorRef = o.OriginalPurpose, o.OriginalDistributorID, ref
		return &c, nil
	case o.Purpose == downline.PurposeNonCommissionable && o.CustomerID != 0:
		cs, _, err := rc.db.FindVerifications(ctx, downline.VerificationFilter{OrderID: &o.ID})
		if err != nil {
			return nil, fmt.Errorf("order %q: verification: %w", o.ExternalID, err)
		}
		if len(cs) == 1 && cs[0].Status == downline.VerificationRejected {
			c := *o
			c.Purpose = cs[0].OriginalPurpose
			return &c, nil
		}
	}
	return o, nil
}
