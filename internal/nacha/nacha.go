// Package nacha writes and reads NACHA ACH files: the fixed-width format
// (94-character records, blocks of 10) in which US banks take payment
// batches. Downline uses it to pay commissions by ACH credit (PPD for
// people, CCD for businesses). The writer derives every control record
// from the entries; the parser checks every control total, so that a file
// read back is exactly the file that was written.
package nacha

import (
	"fmt"
	"strconv"

	"github.com/downline/downline"
)

// RecordLength is the length of every record; BlockingFactor is the
// number of records per block.
const (
	RecordLength   = 94
	BlockingFactor = 10
)

// Service class codes of a batch.
const (
	MixedDebitsAndCredits = 200
	CreditsOnly           = 220
	DebitsOnly            = 225
)

// Transaction codes of entries that Downline writes.
const (
	CheckingCredit = 22
	SavingsCredit  = 32
)

// File is a whole ACH file: one header and its batches. Control records
// (batch control, file control) and padding are not stored: they are
// derived when writing and checked when parsing.
type File struct {
	Header  FileHeader
	Batches []Batch
}

// FileHeader is the file header record (type 1). Text fields hold the
// content without padding.
type FileHeader struct {
	PriorityCode         string // positions 2-3, "01"
	ImmediateDestination string // 4-13, right-justified: routing number of the receiving point
	ImmediateOrigin      string // 14-23, right-justified: routing number or "1" + EIN
	CreationDate         string // 24-29, YYMMDD
	CreationTime         string // 30-33, HHMM
	IDModifier           string // 34, A-Z or 0-9: tells apart files created the same day
	DestinationName      string // 41-63
	OriginName           string // 64-86
	ReferenceCode        string // 87-94
}

// Batch is a batch header (type 5), its entries, and the fields of its
// batch control (type 8) that are not derived from the entries.
type Batch struct {
	ServiceClass      int    // 2-4: 200, 220 or 225
	CompanyName       string // 5-20
	DiscretionaryData string // 21-40
	CompanyID         string // 41-50
	SEC               string // 51-53: standard entry class, PPD or CCD
	EntryDescription  string // 54-63, e.g. "COMMISSION"
	DescriptiveDate   string // 64-69
	EffectiveDate     string // 70-75, YYMMDD
	SettlementDate    string // 76-78, left blank: the ACH operator fills it
	OriginatorStatus  string // 79, "1"
	ODFI              string // 80-87: originating bank routing number without check digit
	Number            int    // 88-94
	MAC               string // batch control 55-73, message authentication code (usually blank)
	Entries           []Entry
}

// Entry is an entry detail record (type 6) with its addenda (type 7).
type Entry struct {
	TransactionCode int    // 2-3: 22/32 credits to checking/savings, 27/37 debits
	RDFI            string // 4-12: receiving bank's 9-digit routing number, check digit included
	Account         string // 13-29
	Amount          int64  // 30-39, cents
	IndividualID    string // 40-54
	Name            string // 55-76
	Discretionary   string // 77-78
	TraceNumber     string // 80-94: ODFI + 7-digit sequence
	Addenda         []Addenda
}

// Addenda is an addenda record (type 7) of an entry.
type Addenda struct {
	TypeCode      string // 2-3, "05" for PPD/CCD payment information
	PaymentInfo   string // 4-83
	Sequence      int    // 84-87
	EntrySequence int    // 88-94: the last 7 digits of the entry's trace number
}

// IsDebit reports whether a transaction code moves money out of the
// receiver's account: codes whose last digit is 5 to 9 (27, 37, 28 ...).
func IsDebit(code int) bool { return code%10 >= 5 }

// ValidRouting reports whether s is a 9-digit ABA routing number whose
// check digit matches: 3·d1 + 7·d2 + d3 + 3·d4 + 7·d5 + d6 + 3·d7 + 7·d8
// + d9 is a multiple of 10.
func ValidRouting(s string) bool {
	if len(s) != 9 || !isDigits(s) {
		return false
	}
	weights := [9]int{3, 7, 1, 3, 7, 1, 3, 7, 1}
	sum := 0
	for i := 0; i < 9; i++ {
		sum += int(s[i]-'0') * weights[i]
	}
	return sum%10 == 0
}

// CheckDigit returns the ABA check digit for an 8-digit routing prefix.
func CheckDigit(prefix string) (byte, error) {
	if len(prefix) != 8 || !isDigits(prefix) {
		return 0, fmt.Errorf("routing prefix %q: want 8 digits", prefix)
	}
	weights := [8]int{3, 7, 1, 3, 7, 1, 3, 7}
	sum := 0
	for i := 0; i < 8; i++ {
		sum += int(prefix[i]-'0') * weights[i]
	}
	return byte('0' + (10-sum%10)%10), nil
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func invalid(format string, args ...any) error {
	return downline.Errorf(downline.CodeInvalid, format, args...)
}

// entryHash returns the sum of the entries' 8-digit RDFI prefixes, cut
// to its rightmost 10 digits.
func entryHash(es []Entry) int64 {
	var h int64
	for _, e := range es {
		n, _ := strconv.ParseInt(e.RDFI[:8], 10, 64)
		h = (h + n) % 1e10
	}
	return h
}

// totals returns the number of entry and addenda records, the debit total
// and the credit total of es.
func totals(es []Entry) (count int, debit, credit int64) {
	for _, e := range es {
		count += 1 + len(e.Addenda)
		if IsDebit(e.TransactionCode) {
			debit += e.Amount
		} else {
			credit += e.Amount
		}
	}
	return count, debit, credit
}
