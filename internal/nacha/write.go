package nacha

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// maxTotal is the largest amount a 12-digit control total can hold.
const maxTotal = 999_999_999_999

// recordWriter formats fixed-width fields and remembers the first error,
// which names the record and field.
type recordWriter struct {
	buf   bytes.Buffer
	line  strings.Builder
	rec   string
	err   error
	lines int
}

func (w *recordWriter) fail(field, format string, args ...any) {
	if w.err == nil {
		w.err = invalid("ACH file: %s: %s: %s.", w.rec, field, fmt.Sprintf(format, args...))
	}
}

// alpha writes s left-justified and space-filled to n characters.
func (w *recordWriter) alpha(field, s string, n int) {
	if len(s) > n {
		w.fail(field, "%q is longer than %d characters", s, n)
	}
	for _, c := range s {
		if c < 0x20 || c > 0x7e {
			w.fail(field, "%q has a character outside printable ASCII", s)
			break
		}
	}
	w.line.WriteString(s)
	if len(s) < n {
		w.line.WriteString(strings.Repeat(" ", n-len(s)))
	}
}

// right writes s right-justified and space-filled to n characters.
func (w *recordWriter) right(field, s string, n int) {
	if len(s) > n {
		w.fail(field, "%q does not fit %d characters", s, n)
	}
	for _, c := range s {
		if c < 0x20 || c > 0x7e {
			w.fail(field, "%q has a character outside printable ASCII", s)
			break
		}
	}
	if len(s) < n {
		w.line.WriteString(strings.Repeat(" ", n-len(s)))
	}
	w.line.WriteString(s)
}

// digits writes s, which must be exactly n digits.
func (w *recordWriter) digits(field, s string, n int) {
	if len(s) != n || !isDigits(s) {
		w.fail(field, "%q is not %d digits", s, n)
	}
	w.line.WriteString(s)
}

// num writes v zero-filled to n digits.
func (w *recordWriter) num(field string, v int64, n int) {
	s := strconv.FormatInt(v, 10)
	if v < 0 || len(s) > n {
		w.fail(field, "%d does not fit %d digits", v, n)
	}
	if len(s) < n {
		w.line.WriteString(strings.Repeat("0", n-len(s)))
	}
	w.line.WriteString(s)
}

func (w *recordWriter) end() {
	if w.err == nil && w.line.Len() != RecordLength {
		w.fail("length", "record is %d characters, want %d (writer bug)", w.line.Len(), RecordLength)
	}
	w.buf.WriteString(w.line.String())
	w.buf.WriteByte('\n')
	w.line.Reset()
	w.lines++
}

// Marshal returns f as an ACH file: file header, each batch with its
// entries, addenda and a derived batch control, the derived file control,
// and lines of 9s up to a multiple of 10 records. Every record ends with
// a newline. It fails with a downline.CodeInvalid error naming the
// record and field when a field does not fit or a control total
// overflows.
func Marshal(f *File) ([]byte, error) {
	w := &recordWriter{}
	h := f.Header
	w.rec = "file header"
	w.line.WriteString("1")
	w.digits("priority code", h.PriorityCode, 2)
	w.right("immediate destination", h.ImmediateDestination, 10)
	w.right("immediate origin", h.ImmediateOrigin, 10)
	w.digits("creation date", h.CreationDate, 6)
	w.digits("creation time", h.CreationTime, 4)
	if len(h.IDModifier) != 1 || !isUpperAlnum(h.IDModifier[0]) {
		w.fail("file id modifier", "%q is not one of A-Z, 0-9", h.IDModifier)
	}
	w.alpha("file id modifier", h.IDModifier, 1)
	w.line.WriteString("094101")
	w.alpha("destination name", h.DestinationName, 23)
	w.alpha("origin name", h.OriginName, 23)
	w.alpha("reference code", h.ReferenceCode, 8)
	w.end()

	var fileCount int
	var fileHash, fileDebit, fileCredit int64
	for bi, b := range f.Batches {
		w.rec = fmt.Sprintf("batch %d header", bi+1)
		writeBatchHeader(w, b)
		for ei, e := range b.Entries {
			w.rec = fmt.Sprintf("batch %d entry %d", bi+1, ei+1)
			writeEntry(w, b, e)
			for ai, a := range e.Addenda {
				w.rec = fmt.Sprintf("batch %d entry %d addenda %d", bi+1, ei+1, ai+1)
				w.line.WriteString("7")
				w.digits("addenda type code", a.TypeCode, 2)
				w.alpha("payment information", a.PaymentInfo, 80)
				w.num("addenda sequence number", int64(a.Sequence), 4)
				w.num("entry detail sequence number", int64(a.EntrySequence), 7)
				w.end()
			}
		}
		if w.err != nil {
			return nil, w.err
		}
		count, debit, credit := totals(b.Entries)
		hash := entryHash(b.Entries)
		w.rec = fmt.Sprintf("batch %d control", bi+1)
		if debit > maxTotal || credit > maxTotal {
			w.fail("totals", "debits %d or credits %d exceed 12 digits", debit, credit)
		}
		w.line.WriteString("8")
		w.num("service class code", int64(b.ServiceClass), 3)
		w.num("entry/addenda count", int64(count), 6)
		w.num("entry hash", hash, 10)
		w.num("total debit", debit, 12)
		w.num("total credit", credit, 12)
		w.alpha("company identification", b.CompanyID, 10)
		w.alpha("message authentication code", b.MAC, 19)
		w.line.WriteString("      ")
		w.digits("ODFI", b.ODFI, 8)
		w.num("batch number", int64(b.Number), 7)
		w.end()
		fileCount += count
		fileHash = (fileHash + hash) % 1e10
		fileDebit += debit
		fileCredit += credit
	}

	w.rec = "file control"
	if fileDebit > maxTotal || fileCredit > maxTotal {
		w.fail("totals", "debits %d or credits %d exceed 12 digits", fileDebit, fileCredit)
	}
	records := w.lines + 1
	blocks := (records + BlockingFactor - 1) / BlockingFactor
	w.line.WriteString("9")
	w.num("batch count", int64(len(f.Batches)), 6)
	w.num("block count", int64(blocks), 6)
	w.num("entry/addenda count", int64(fileCount), 8)
	w.num("entry hash", fileHash, 10)
	w.num("total debit", fileDebit, 12)
	w.num("total credit", fileCredit, 12)
	w.line.WriteString(strings.Repeat(" ", 39))
	w.end()
	for w.lines%BlockingFactor != 0 {
		w.line.WriteString(strings.Repeat("9", RecordLength))
		w.end()
	}
	if w.err != nil {
		return nil, w.err
	}
	return w.buf.Bytes(), nil
}

func writeBatchHeader(w *recordWriter, b Batch) {
	switch b.ServiceClass {
	case MixedDebitsAndCredits, CreditsOnly, DebitsOnly:
	default:
		w.fail("service class code", "%d is not 200, 220 or 225", b.ServiceClass)
	}
	for _, e := range b.Entries {
		if (b.ServiceClass == CreditsOnly && IsDebit(e.TransactionCode)) || (b.ServiceClass == DebitsOnly && !IsDebit(e.TransactionCode)) {
			w.fail("service class code", "%d does not allow transaction code %d", b.ServiceClass, e.TransactionCode)
		}
	}
	if !isSEC(b.SEC) {
		w.fail("standard entry class", "%q is not a three-letter code", b.SEC)
	}
	w.line.WriteString("5")
	w.num("service class code", int64(b.ServiceClass), 3)
	w.alpha("company name", b.CompanyName, 16)
	w.alpha("discretionary data", b.DiscretionaryData, 20)
	w.alpha("company identification", b.CompanyID, 10)
	w.alpha("standard entry class", b.SEC, 3)
	w.alpha("entry description", b.EntryDescription, 10)
	w.alpha("descriptive date", b.DescriptiveDate, 6)
	w.digits("effective date", b.EffectiveDate, 6)
	w.alpha("settlement date", b.SettlementDate, 3)
	w.alpha("originator status", b.OriginatorStatus, 1)
	w.digits("ODFI", b.ODFI, 8)
	w.num("batch number", int64(b.Number), 7)
	w.end()
}

func writeEntry(w *recordWriter, b Batch, e Entry) {
	if !ValidRouting(e.RDFI) {
		w.fail("RDFI routing number", "%q is not 9 digits with a matching check digit", e.RDFI)
	}
	if !strings.HasPrefix(e.TraceNumber, b.ODFI) {
		w.fail("trace number", "%q does not start with the ODFI %s", e.TraceNumber, b.ODFI)
	}
	seq := -1
	if len(e.TraceNumber) == 15 {
		seq, _ = strconv.Atoi(e.TraceNumber[8:])
	}
	for i, a := range e.Addenda {
		if a.Sequence != i+1 || a.EntrySequence != seq {
			w.fail("addenda", "addenda %d has sequence %d and entry sequence %d; want %d and the trace number's last 7 digits", i+1, a.Sequence, a.EntrySequence, i+1)
		}
	}
	w.line.WriteString("6")
	w.num("transaction code", int64(e.TransactionCode), 2)
	w.digits("RDFI routing number", e.RDFI, 9)
	w.alpha("account number", e.Account, 17)
	w.num("amount", e.Amount, 10)
	w.alpha("individual identification", e.IndividualID, 15)
	w.alpha("individual name", e.Name, 22)
	w.alpha("discretionary data", e.Discretionary, 2)
	if len(e.Addenda) > 0 {
		w.line.WriteString("1")
	} else {
		w.line.WriteString("0")
	}
	w.digits("trace number", e.TraceNumber, 15)
	w.end()
}

// Write writes f to out; see Marshal.
func Write(out io.Writer, f *File) error {
	data, err := Marshal(f)
	if err != nil {
		return err
	}
	if _, err := out.Write(data); err != nil {
		return fmt.Errorf("write ACH file: %w", err)
	}
	return nil
}

func isSEC(s string) bool {
	return len(s) == 3 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z' && s[2] >= 'A' && s[2] <= 'Z'
}

func isUpperAlnum(c byte) bool {
	return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}
