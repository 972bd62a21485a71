package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/downline/downline"
	"github.com/downline/downline/internal/nacha"
	"github.com/downline/downline/internal/payoutcsv"
	"github.com/downline/downline/internal/sepa"
)

// runPayout dispatches "downline payout create|export|mark|release|details".
func runPayout(ctx context.Context, e *env, args []string) error {
	const sub = "create, export, mark, release or details"
	if len(args) == 0 {
		return usageError{fmt.Errorf("payout: want a subcommand: %s", sub)}
	}
	switch args[0] {
	case "create":
		return runPayoutCreate(ctx, e, args[1:])
	case "export":
		return runPayoutExport(ctx, e, args[1:])
	case "mark":
		return runPayoutMark(ctx, e, args[1:])
	case "release":
		return runPayoutRelease(ctx, e, args[1:])
	case "details":
		return runPayoutDetails(ctx, e, args[1:])
	case "-h", "--help", "help":
		fmt.Fprintf(e.stdout, "Usage: downline payout <%s> [flags]\n\nRun 'downline payout <subcommand> --help' for its flags.\n", sub)
		return nil
	}
	return usageError{fmt.Errorf("payout: unknown subcommand %q: want %s", args[0], sub)}
}

// parseWhen parses an RFC 3339 time or a YYYY-MM-DD date (UTC midnight).
func parseWhen(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Parse("2006-01-02", s)
}

func runPayoutRelease(ctx context.Context, e *env, args []string) error {
	cfg := DefaultConfig()
	fs := newFlagSet(e, "payout release", "", "Move earnings whose hold has ended from earned to payable. Safe to run again.")
	configFlags(fs, e, &cfg, false)
	asOf := fs.String("as-of", "", "release holds ended by this time (RFC 3339 or YYYY-MM-DD; default now)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	when := time.Now().UTC()
	if *asOf != "" {
		var err error
		if when, err = parseWhen(*asOf); err != nil {
			return usageError{fmt.Errorf("payout release: --as-of %q: want RFC 3339 or YYYY-MM-DD", *asOf)}
		}
	}
	db, err := openRunStore(ctx, &cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	n, err := db.ReleaseHolds(ctx, when)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Released the holds of %d closed periods as of %s.\n", n, when.Format(time.RFC3339))
	return nil
}

func runPayoutDetails(ctx context.Context, e *env, args []string) error {
	cfg := DefaultConfig()
	fs := newFlagSet(e, "payout details", "", "Store a distributor's payout details and tax-form status.")
	configFlags(fs, e, &cfg, false)
	var d downline.PayoutDetails
	id := fs.Int64("distributor", 0, "the distributor's id (required)")
	method := fs.String("method", "sepa", "sepa, ach, paypal or wise")
	fs.StringVar(&d.HolderName, "holder", "", "account holder name")
	fs.StringVar(&d.IBAN, "iban", "", "IBAN (sepa, wise)")
	fs.StringVar(&d.BIC, "bic", "", "BIC (sepa, optional)")
	fs.StringVar(&d.RoutingNumber, "routing", "", "ABA routing number (ach)")
	fs.StringVar(&d.AccountNumber, "account", "", "account number (ach)")
	fs.StringVar(&d.AccountType, "account-type", "", "checking or savings (ach)")
	fs.StringVar(&d.Email, "email", "", "PayPal or Wise email")
	tax := fs.String("tax", "missing", "tax form: missing, received or verified")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	d.DistributorID, d.Method, d.TaxStatus = downline.DistributorID(*id), downline.PayoutMethod(*method), downline.TaxStatus(*tax)
	if d.Method == downline.PayoutSEPA || d.Method == downline.PayoutWise {
		d.IBAN = sepa.NormalizeIBAN(d.IBAN)
		if err := sepa.ValidateIBAN(d.IBAN); err != nil {
			return usageError{fmt.Errorf("payout details: --iban: %w", err)}
		}
	}
	if err := d.Validate(); err != nil {
		return err
	}
	db, err := openRunStore(ctx, &cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.SetPayoutDetails(ctx, &d); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Stored %s payout details of distributor %d (tax form %s).\n", d.Method, d.DistributorID, d.TaxStatus)
	return nil
}

func runPayoutCreate(ctx context.Context, e *env, args []string) error {
	cfg := DefaultConfig()
	fs := newFlagSet(e, "payout create", "", `Create a payout batch: every distributor paid by --method whose available balance
(payable minus clawback receivable) is at least --minimum gets an item; those
without payout details or a tax form, or suspended, are listed as held. The batch
id is PERIOD-SEQ, so creating it again returns the same batch.`)
	configFlags(fs, e, &cfg, false)
	period := fs.String("period", "", "the payout period (YYYY-MM; required)")
	seq := fs.Int("seq", 1, "sequence number of the batch within the period")
	method := fs.String("method", "sepa", "sepa, ach, paypal or wise")
	minimum := fs.String("minimum", "50.00", "smallest amount paid, in major units")
	asOf := fs.String("as-of", "", "balance time (RFC 3339 or YYYY-MM-DD; default now)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	when := time.Now().UTC()
	if *asOf != "" {
		var err error
		if when, err = parseWhen(*asOf); err != nil {
			return usageError{fmt.Errorf("payout create: --as-of %q: want RFC 3339 or YYYY-MM-DD", *asOf)}
		}
	}
	db, err := openRunStore(ctx, &cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	prog, err := db.FindProgramme(ctx)
	if err != nil {
		return err
	}
	min, err := downline.ParseMajor(*minimum, prog.Currency)
	if err != nil {
		return usageError{fmt.Errorf("payout create: --minimum: %s", downline.ErrorMessage(err))}
	}
	b, err := db.CreatePayoutBatch(ctx, downline.NewPayoutBatch{Period: *period, Seq: *seq,
		Method: downline.PayoutMethod(*method), Minimum: min.Amount, AsOf: when})
	if err != nil {
		return err
	}
	var sent, held int
	var total int64
	for _, it := range b.Items {
		if it.Status == downline.PayoutHeld {
			held++
			fmt.Fprintf(e.stdout, "  held: distributor %d: %s\n", it.DistributorID, it.Reason)
			continue
		}
		sent++
		total += it.Amount
	}
	fmt.Fprintf(e.stdout, "Payout batch %s (%s): %d items to pay, total %s; %d held.\n", b.ID, b.Method, sent,
		downline.NewMoney(total, b.Currency), held)
	return nil
}

func runPayoutMark(ctx context.Context, e *env, args []string) error {
	cfg := DefaultConfig()
	fs := newFlagSet(e, "payout mark", "", `Record the bank's answer for one item: paid settles it, failed returns the
amount to the distributor's payable balance. Other items are unaffected.`)
	configFlags(fs, e, &cfg, false)
	batch := fs.String("batch", "", "the batch id (required)")
	item := fs.Int64("item", 0, "the item number (required)")
	status := fs.String("status", "", "paid or failed (required)")
	reason := fs.String("reason", "", "why the item failed")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *batch == "" || *item <= 0 || (*status != "paid" && *status != "failed") {
		return usageError{fmt.Errorf("payout mark: want --batch, --item and --status paid|failed")}
	}
	db, err := openRunStore(ctx, &cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.MarkPayoutItem(ctx, *batch, *item, downline.PayoutItemStatus(*status), *reason); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Marked item %d of batch %s %s.\n", *item, *batch, *status)
	return nil
}

// exportFlags are the company's own account details for the bank files.
type exportFlags struct {
	name, iban, bic                                *string
	destRouting, destName, origin, companyID, odfi *string
	sec                                            *string
}

func bindExportFlags(fs *flag.FlagSet) exportFlags {
	return exportFlags{
		name:        fs.String("debtor-name", "", "the company's name (sepa, nacha)"),
		iban:        fs.String("debtor-iban", "", "the company's IBAN (sepa)"),
		bic:         fs.String("debtor-bic", "", "the company's BIC (sepa, optional)"),
		destRouting: fs.String("ach-destination", "", "routing number of the receiving ACH operator (nacha)"),
		destName:    fs.String("ach-destination-name", "", "name of the receiving bank (nacha)"),
		origin:      fs.String("ach-origin", "", "immediate origin: routing number or company id (nacha)"),
		companyID:   fs.String("ach-company-id", "", "10-character company id, usually 1 + EIN (nacha)"),
		odfi:        fs.String("ach-odfi", "", "routing number of the originating bank (nacha)"),
		sec:         fs.String("ach-sec", "PPD", "PPD for people, CCD for businesses (nacha)"),
	}
}

func runPayoutExport(ctx context.Context, e *env, args []string) error {
	cfg := DefaultConfig()
	fs := newFlagSet(e, "payout export", "", `Write the bank or provider file of a batch's items to pay: a SEPA credit transfer
(pain.001.001.09), a NACHA ACH file, or a PayPal Payouts or Wise batch CSV.`)
	configFlags(fs, e, &cfg, false)
	batch := fs.String("batch", "", "the batch id (required)")
	out := fs.String("out", "", "the output file (required)")
	exec := fs.String("execution-date", "", "requested execution date, YYYY-MM-DD (default: the batch's as-of date)")
	xf := bindExportFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *batch == "" || *out == "" {
		return usageError{fmt.Errorf("payout export: --batch and --out are required")}
	}
	db, err := openRunStore(ctx, &cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	b, err := db.FindPayoutBatch(ctx, *batch)
	if err != nil {
		return err
	}
	when := b.AsOf
	if *exec != "" {
		if when, err = time.Parse("2006-01-02", *exec); err != nil {
			return usageError{fmt.Errorf("payout export: --execution-date %q: want YYYY-MM-DD", *exec)}
		}
	}
	data, n, err := exportBatch(b, xf, when)
	if err != nil {
		return err
	}
	if err := os.WriteFile(*out, data, 0o644); err != nil {
		return fmt.Errorf("payout export: %w", err)
	}
	fmt.Fprintf(e.stdout, "Wrote %s: %d %s payments of batch %s.\n", *out, n, b.Method, b.ID)
	return nil
}

// exportBatch converts the batch's sent and paid items into the input of
// the file writer of its method.
func exportBatch(b *downline.PayoutBatch, xf exportFlags, when time.Time) ([]byte, int, error) {
	ref := "Commission " + b.Period
	var buf bytes.Buffer
	var sepaItems []sepa.Item
	var ach []nacha.Payment
	var pp []payoutcsv.PayPalItem
	var wise []payoutcsv.WiseItem
	for _, it := range b.Items {
		if it.Status == downline.PayoutHeld || it.Status == downline.PayoutFailed || it.Details == nil {
			continue
		}
		id := strconv.FormatInt(it.ItemNo, 10)
		d := it.Details
		switch b.Method {
		case downline.PayoutSEPA:
			sepaItems = append(sepaItems, sepa.Item{ID: id, Name: d.HolderName, IBAN: d.IBAN, BIC: d.BIC, Amount: it.Amount,
				Currency: b.Currency, Reference: ref})
		case downline.PayoutACH:
			ach = append(ach, nacha.Payment{ID: id, Name: d.HolderName, Routing: d.RoutingNumber, Account: d.AccountNumber,
				Savings: d.AccountType == "savings", Amount: it.Amount, Info: ref})
		case downline.PayoutPayPal:
			pp = append(pp, payoutcsv.PayPalItem{ID: id, Receiver: d.Email, Amount: it.Amount, Currency: b.Currency, Note: ref})
		case downline.PayoutWise:
			wise = append(wise, payoutcsv.WiseItem{ID: id, Name: d.HolderName, Email: d.Email, Reference: ref, IBAN: d.IBAN,
				Amount: it.Amount, TargetCurrency: b.Currency})
		}
	}
	var err error
	n := 0
	switch b.Method {
	case downline.PayoutSEPA:
		n = len(sepaItems)
		err = sepa.Write(&buf, sepa.Batch{ID: b.ID, CreatedAt: b.CreatedAt, ExecutionDate: when,
			Debtor: sepa.Party{Name: *xf.name, IBAN: sepa.NormalizeIBAN(*xf.iban), BIC: *xf.bic}, Items: sepaItems})
	case downline.PayoutACH:
		n = len(ach)
		var f *nacha.File
		f, err = nacha.NewCreditFile(nacha.Originator{DestinationRouting: *xf.destRouting, DestinationName: *xf.destName,
			Origin: *xf.origin, OriginName: *xf.name, CompanyName: *xf.name, CompanyID: *xf.companyID, ODFI: *xf.odfi},
			nacha.CreditBatch{SEC: *xf.sec, Description: "COMMISSION", CreatedAt: b.CreatedAt, EffectiveDate: when, Payments: ach})
		if err == nil {
			err = nacha.Write(&buf, f)
		}
	case downline.PayoutPayPal:
		n = len(pp)
		err = payoutcsv.WritePayPal(&buf, pp)
	case downline.PayoutWise:
		n = len(wise)
		err = payoutcsv.WriteWise(&buf, wise)
	}
	if err != nil {
		return nil, 0, fmt.Errorf("payout export %s: %w", b.ID, err)
	}
	return buf.Bytes(), n, nil
}
