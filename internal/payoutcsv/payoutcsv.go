// Package payoutcsv writes payout batches as the CSV files that payment
// providers take for bulk payments: PayPal Payouts (Payouts Web upload)
// and Wise batch payments. Rows are sorted by item id, so the same batch
// always gives the same bytes.
package payoutcsv

import (
	"cmp"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/downline/downline"
)

// Limits of the providers' upload forms.
const (
	MaxPayPalRows = 5000 // rows per Payouts Web file
	MaxWiseRows   = 1000 // transfers per Wise batch file
)

// PayPalItem is one PayPal payout.
type PayPalItem struct {
	ID       string // payout item id, written as the customer ID column
	Receiver string // PayPal email, mobile number or PayerID (Venmo: US mobile or handle)
	Amount   int64  // minor units, positive
	Currency string // ISO 4217; one currency per file
	Note     string // shown to the recipient
	Wallet   string // "PAYPAL" (default) or "VENMO"
}

// WritePayPal writes items in the Payouts Web layout: no header row; the
// columns are recipient identifier, amount (major units with a dot),
// currency, customer ID, note and recipient wallet. All items must share
// one currency and the file may hold at most MaxPayPalRows rows. Errors
// have downline.CodeInvalid and name the item and field.
func WritePayPal(w io.Writer, items []PayPalItem) error {
	if len(items) == 0 {
		return invalid("PayPal payout file has no items.")
	}
	if len(items) > MaxPayPalRows {
		return invalid("PayPal payout file has %d items; at most %d fit one file.", len(items), MaxPayPalRows)
	}
	sorted := slices.Clone(items)
	slices.SortFunc(sorted, func(a, b PayPalItem) int { return cmp.Compare(a.ID, b.ID) })
	rows := make([][]string, 0, len(sorted))
	for i, it := range sorted {
		if err := checkItem(it.ID, prevID(sorted, i, func(p PayPalItem) string { return p.ID }), it.Amount, it.Currency); err != nil {
			return err
		}
		if it.Currency != sorted[0].Currency {
			return invalid("PayPal payout %s: currency %s differs from %s; PayPal takes one currency per file.", it.ID, it.Currency, sorted[0].Currency)
		}
		if strings.TrimSpace(it.Receiver) == "" {
			return invalid("PayPal payout %s: receiver is empty.", it.ID)
		}
		wallet := it.Wallet
		if wallet == "" {
			wallet = "PAYPAL"
		}
		if wallet != "PAYPAL" && wallet != "VENMO" {
			return invalid("PayPal payout %s: wallet %q; want PAYPAL or VENMO.", it.ID, it.Wallet)
		}
		if wallet == "VENMO" && (it.Currency != "USD" || it.Note == "") {
			return invalid("PayPal payout %s: Venmo payouts need USD and a note.", it.ID)
		}
		rows = append(rows, []string{it.Receiver, major(it.Amount, it.Currency), it.Currency, it.ID, it.Note, wallet})
	}
	return writeRows(w, "PayPal", rows)
}

// WiseItem is one Wise transfer to a bank account identified by IBAN.
type WiseItem struct {
	ID             string // payout item id (not written; rows are sorted by it)
	Name           string // account holder, as on the bank account
	Email          string // optional
	Reference      string // payment reference shown to the recipient
	ReceiverType   string // "PERSON" (default) or "INSTITUTION"
	IBAN           string
	Amount         int64  // minor units of TargetCurrency, positive
	TargetCurrency string // what the recipient gets
	SourceCurrency string // what the company pays with; default TargetCurrency
}

// WiseHeader returns the header row of Wise's "send to bank accounts"
// batch template for IBAN recipients.
func WiseHeader() []string {
	return []string{"name", "recipientEmail", "paymentReference", "receiverType", "amountCurrency", "amount", "sourceCurrency", "targetCurrency", "IBAN"}
}

// WriteWise writes items as a Wise batch payment file: the WiseHeader row,
// then one row per item with amountCurrency "target" (the recipient gets
// exactly Amount; fees are the company's). At most MaxWiseRows items.
// Errors have downline.CodeInvalid and name the item and field.
func WriteWise(w io.Writer, items []WiseItem) error {
	if len(items) == 0 {
		return invalid("Wise batch file has no items.")
	}
	if len(items) > MaxWiseRows {
		return invalid("Wise batch file has %d items; at most %d fit one batch.", len(items), MaxWiseRows)
	}
	sorted := slices.Clone(items)
	slices.SortFunc(sorted, func(a, b WiseItem) int { return cmp.Compare(a.ID, b.ID) })
	rows := [][]string{WiseHeader()}
	for i, it := range sorted {
		if err := checkItem(it.ID, prevID(sorted, i, func(p WiseItem) string { return p.ID }), it.Amount, it.TargetCurrency); err != nil {
			return err
		}
		if strings.TrimSpace(it.Name) == "" {
			return invalid("Wise payment %s: name is empty.", it.ID)
		}
		iban := strings.ToUpper(strings.Join(strings.Fields(it.IBAN), ""))
		if len(iban) < 15 || len(iban) > 34 {
			return invalid("Wise payment %s: IBAN %q has %d characters; want 15 to 34.", it.ID, it.IBAN, len(iban))
		}
		rt := it.ReceiverType
		if rt == "" {
			rt = "PERSON"
		}
		if rt != "PERSON" && rt != "INSTITUTION" {
			return invalid("Wise payment %s: receiver type %q; want PERSON or INSTITUTION.", it.ID, it.ReceiverType)
		}
		src := it.SourceCurrency
		if src == "" {
			src = it.TargetCurrency
		}
		if !downline.IsCurrency(src) {
			return invalid("Wise payment %s: source currency %q is not an ISO 4217 code.", it.ID, src)
		}
		rows = append(rows, []string{it.Name, it.Email, it.Reference, rt, "target", major(it.Amount, it.TargetCurrency), src, it.TargetCurrency, iban})
	}
	return writeRows(w, "Wise", rows)
}

func checkItem(id, prev string, amount int64, currency string) error {
	switch {
	case id == "":
		return invalid("Payout item has no id.")
	case id == prev:
		return invalid("Payout item id %s is used twice.", id)
	case amount <= 0:
		return invalid("Payout item %s: amount %d is not positive.", id, amount)
	case !downline.IsCurrency(currency):
		return invalid("Payout item %s: currency %q is not an ISO 4217 code.", id, currency)
	}
	return nil
}

func prevID[T any](items []T, i int, id func(T) string) string {
	if i == 0 {
		return "\x00none"
	}
	return id(items[i-1])
}

// writeRows writes CSV rows with "\n" line ends, rejecting control
// characters that would break a provider's parser.
func writeRows(w io.Writer, provider string, rows [][]string) error {
	for _, row := range rows {
		for _, field := range row {
			if strings.ContainsFunc(field, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
				return invalid("%s file: field %q holds a control character.", provider, field)
			}
		}
	}
	cw := csv.NewWriter(w)
	if err := cw.WriteAll(rows); err != nil {
		return fmt.Errorf("write %s file: %w", provider, err)
	}
	return nil
}

func major(amount int64, currency string) string {
	return downline.Money{Amount: amount, Currency: currency}.FormatMajor()
}

func invalid(format string, args ...any) error {
	return downline.Errorf(downline.CodeInvalid, format, args...)
}
