// Package sepa writes SEPA credit transfer initiations: ISO 20022
// pain.001.001.09 messages that a company uploads to its bank to pay
// commissions to distributors' IBANs. Output is deterministic: the same
// batch gives the same bytes whatever the order of its items.
package sepa

import (
	"bytes"
	"cmp"
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"

	"github.com/downline/downline"
)

// Namespace is the XML namespace of pain.001.001.09.
const Namespace = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"

// maxAmount is the largest SEPA credit transfer amount, 999,999,999.99 EUR.
const maxAmount = 99_999_999_999

// Party is the debtor: the company paying, with its account.
type Party struct {
	Name string
	IBAN string
	BIC  string // optional; "NOTPROVIDED" is written when empty
}

// Item is one credit transfer to a distributor.
type Item struct {
	ID        string // unique within the batch; the EndToEndId derives from it
	Name      string // account holder
	IBAN      string
	BIC       string // optional within the EEA
	Amount    int64  // minor units (cents), positive
	Currency  string // must be EUR
	Reference string // unstructured remittance information, e.g. "Commission 2026-10"
}

// Batch is one payment file.
type Batch struct {
	ID            string    // payout batch id; MsgId and PmtInfId derive from it
	CreatedAt     time.Time // written as CreDtTm, in UTC (injected, never time.Now)
	ExecutionDate time.Time // requested execution date (only the date is used)
	Debtor        Party
	Items         []Item
}

// Marshal returns the pain.001.001.09 document for b. Items are written
// sorted by ID. It fails with a downline.CodeInvalid error naming the
// item and field when b is not a valid SEPA batch: an empty batch, a
// currency other than EUR, a bad IBAN or BIC, a non-positive or too large
// amount, a duplicate item id, or a name that is empty in SEPA
// characters.
func Marshal(b Batch) ([]byte, error) {
	doc, err := build(b)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("encode pain.001 for batch %q: %w", b.ID, err)
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

// Write writes the pain.001.001.09 document for b to w; see Marshal.
func Write(w io.Writer, b Batch) error {
	data, err := Marshal(b)
	if err != nil {
		return err
	}
	if _, err := w.Write(data); err != nil {
		return fmt.Errorf("write pain.001 for batch %q: %w", b.ID, err)
	}
	return nil
}

func invalid(format string, args ...any) error {
	return downline.Errorf(downline.CodeInvalid, format, args...)
}

func build(b Batch) (*document, error) {
	if b.ID == "" {
		return nil, invalid("Payment batch has no id.")
	}
	if len(b.Items) == 0 {
		return nil, invalid("Payment batch %s has no items.", b.ID)
	}
	if b.CreatedAt.IsZero() || b.ExecutionDate.IsZero() {
		return nil, invalid("Payment batch %s: creation time and execution date are required.", b.ID)
	}
	debtor, err := party("batch "+b.ID+" debtor", b.Debtor.Name, b.Debtor.IBAN, b.Debtor.BIC)
	if err != nil {
		return nil, err
	}
	items := slices.Clone(b.Items)
	slices.SortFunc(items, func(x, y Item) int { return cmp.Compare(x.ID, y.ID) })
	var total int64
	txs := make([]creditTransfer, 0, len(items))
	for i, it := range items {
		if it.ID == "" {
			return nil, invalid("Payment batch %s: an item has no id.", b.ID)
		}
		if i > 0 && items[i-1].ID == it.ID {
			return nil, invalid("Payment batch %s: item id %s is used twice.", b.ID, it.ID)
		}
		rec := "item " + it.ID
		if it.Currency != "EUR" {
			return nil, invalid("Payment %s: currency %q; SEPA credit transfers are in EUR.", it.ID, it.Currency)
		}
		if it.Amount <= 0 || it.Amount > maxAmount {
			return nil, invalid("Payment %s: amount %d cents is outside 0.01 to 999999999.99 EUR.", it.ID, it.Amount)
		}
		total += it.Amount // at most len(items) × maxAmount: no overflow below 92 million items
		p, err := party(rec, it.Name, it.IBAN, it.BIC)
		if err != nil {
			return nil, err
		}
		tx := creditTransfer{
			PmtID:    paymentID{EndToEndID: Identifier(b.ID, it.ID)},
			Amt:      amount{InstdAmt: currencyAmount{Ccy: "EUR", Value: decimal(it.Amount)}},
			Cdtr:     partyID{Nm: p.name},
			CdtrAcct: account{ID: accountID{IBAN: p.iban}},
		}
		if p.bic != "" {
			tx.CdtrAgt = &agent{FinInstnID: finInstnID{BICFI: p.bic}}
		}
		if ref := Text(it.Reference, 140); ref != "" {
			tx.RmtInf = &remittance{Ustrd: ref}
		}
		txs = append(txs, tx)
	}
	n := strconv.Itoa(len(txs))
	dbtrAgt := agent{FinInstnID: finInstnID{BICFI: debtor.bic}}
	if debtor.bic == "" {
		dbtrAgt.FinInstnID.Othr = &otherID{ID: "NOTPROVIDED"}
	}
	return &document{
		Initn: initiation{
			GrpHdr: groupHeader{
				MsgID:    Identifier(b.ID),
				CreDtTm:  b.CreatedAt.UTC().Format("2006-01-02T15:04:05Z"),
				NbOfTxs:  n,
				CtrlSum:  decimal(total),
				InitgPty: partyID{Nm: debtor.name},
			},
			PmtInf: paymentInfo{
				PmtInfID:    Identifier(b.ID, "P1"),
				PmtMtd:      "TRF",
				NbOfTxs:     n,
				CtrlSum:     decimal(total),
				PmtTpInf:    paymentType{SvcLvl: serviceLevel{Cd: "SEPA"}},
				ReqdExctnDt: dateChoice{Dt: b.ExecutionDate.Format("2006-01-02")},
				Dbtr:        partyID{Nm: debtor.name},
				DbtrAcct:    account{ID: accountID{IBAN: debtor.iban}},
				DbtrAgt:     dbtrAgt,
				ChrgBr:      "SLEV",
				Txs:         txs,
			},
		},
	}, nil
}

type checkedParty struct{ name, iban, bic string }

func party(rec, name, iban, bic string) (checkedParty, error) {
	p := checkedParty{name: Text(name, 70), iban: NormalizeIBAN(iban), bic: NormalizeIBAN(bic)}
	if p.name == "" {
		return p, invalid("Payment %s: name %q is empty in SEPA characters.", rec, name)
	}
	if err := ValidateIBAN(p.iban); err != nil {
		return p, invalid("Payment %s: %v.", rec, err)
	}
	if p.bic != "" {
		if err := ValidateBIC(p.bic); err != nil {
			return p, invalid("Payment %s: %v.", rec, err)
		}
	}
	return p, nil
}

// decimal formats cents as a decimal with two fraction digits: 1234 →
// "12.34", 5 → "0.05".
func decimal(cents int64) string {
	return strconv.FormatInt(cents/100, 10) + "." + fmt.Sprintf("%02d", cents%100)
}
