package nacha

import (
	"fmt"
	"strconv"
	"strings"
)

// recordReader reads fixed-width fields of one record and remembers the
// first error, which names the line and field.
type recordReader struct {
	line string
	n    int // 1-based line number
	pos  int // 0-based position of the next field
	err  error
}

func (r *recordReader) fail(field, format string, args ...any) {
	if r.err == nil {
		r.err = invalid("ACH file line %d: %s: %s.", r.n, field, fmt.Sprintf(format, args...))
	}
}

func (r *recordReader) take(n int) string {
	s := r.line[r.pos : r.pos+n]
	r.pos += n
	return s
}

// alpha reads a left-justified field and drops its padding.
func (r *recordReader) alpha(n int) string { return strings.TrimRight(r.take(n), " ") }

// right reads a right-justified field and drops its padding.
func (r *recordReader) right(n int) string { return strings.TrimLeft(r.take(n), " ") }

// digits reads a field of exactly n digits.
func (r *recordReader) digits(field string, n int) string {
	s := r.take(n)
	if !isDigits(s) {
		r.fail(field, "%q is not %d digits", s, n)
	}
	return s
}

// num reads a zero-filled numeric field.
func (r *recordReader) num(field string, n int) int64 {
	s := r.digits(field, n)
	v, _ := strconv.ParseInt(s, 10, 64)
	return v
}

// literal requires the next field to equal want.
func (r *recordReader) literal(field, want string) {
	if got := r.take(len(want)); got != want {
		r.fail(field, "%q, want %q", got, want)
	}
}

// Parse reads an ACH file and checks it: every record 94 characters, the
// record order 1 (5 (6 7*)* 8)* 9 then lines of 9s, numeric fields made of
// digits, every RDFI check digit, addenda indicators and sequence numbers,
// and every batch and file control total (counts, entry hash, debit and
// credit totals, block count). Records may end with "\n" or "\r\n"; the
// final newline is optional. It fails with a downline.CodeInvalid error
// naming the line and field.
func Parse(data []byte) (*File, error) {
	text := strings.ReplaceAll(string(data), "\r\n", "\n")
	text = strings.TrimSuffix(text, "\n")
	if text == "" {
		return nil, invalid("ACH file is empty.")
	}
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		if len(l) != RecordLength {
			return nil, invalid("ACH file line %d: %d characters, want %d.", i+1, len(l), RecordLength)
		}
		for j := 0; j < len(l); j++ {
			if l[j] < 0x20 || l[j] > 0x7e {
				return nil, invalid("ACH file line %d: position %d: byte %#x is not printable ASCII.", i+1, j+1, l[j])
			}
		}
	}
	p := &parser{lines: lines}
	f := p.file()
	if p.err != nil {
		return nil, p.err
	}
	return f, nil
}

type parser struct {
	odfi  string // of the current batch
	lines []string
	i     int
	err   error
}

func (p *parser) peek() byte {
	if p.i >= len(p.lines) {
		return 0
	}
	return p.lines[p.i][0]
}

func (p *parser) record() *recordReader {
	r := &recordReader{line: p.lines[p.i], n: p.i + 1, pos: 1}
	p.i++
	return r
}

func (p *parser) check(r *recordReader) bool {
	if r.err != nil && p.err == nil {
		p.err = r.err
	}
	return p.err == nil
}

func (p *parser) failf(format string, args ...any) {
	if p.err == nil {
		p.err = invalid(format, args...)
	}
}

func (p *parser) file() *File {
	f := &File{}
	if p.peek() != '1' {
		p.failf("ACH file line 1: record type %q, want a file header (1).", p.peek())
		return nil
	}
	r := p.record()
	h := &f.Header
	h.PriorityCode = r.digits("priority code", 2)
	h.ImmediateDestination = r.right(10)
	h.ImmediateOrigin = r.right(10)
	h.CreationDate = r.digits("creation date", 6)
	h.CreationTime = r.digits("creation time", 4)
	h.IDModifier = r.take(1)
	if !isUpperAlnum(h.IDModifier[0]) {
		r.fail("file id modifier", "%q is not one of A-Z, 0-9", h.IDModifier)
	}
	r.literal("record size", "094")
	r.literal("blocking factor", "10")
	r.literal("format code", "1")
	h.DestinationName = r.alpha(23)
	h.OriginName = r.alpha(23)
	h.ReferenceCode = r.alpha(8)
	if !p.check(r) {
		return nil
	}
	for p.peek() == '5' {
		b := p.batch(len(f.Batches) + 1)
		if p.err != nil {
			return nil
		}
		f.Batches = append(f.Batches, *b)
	}
	if p.peek() != '9' {
		p.failf("ACH file line %d: record type %q, want a batch header (5) or file control (9).", p.i+1, p.peek())
		return nil
	}
	ctl := p.i
	r = p.record()
	batches := r.num("batch count", 6)
	blocks := r.num("block count", 6)
	count := r.num("entry/addenda count", 8)
	hash := r.num("entry hash", 10)
	debit := r.num("total debit", 12)
	credit := r.num("total credit", 12)
	if !p.check(r) {
		return nil
	}
	for ; p.i < len(p.lines); p.i++ {
		if p.lines[p.i] != strings.Repeat("9", RecordLength) {
			p.failf("ACH file line %d: after the file control, want only lines of 9s.", p.i+1)
			return nil
		}
	}
	var wantCount int
	var wantHash, wantDebit, wantCredit int64
	for _, b := range f.Batches {
		c, d, cr := totals(b.Entries)
		wantCount += c
		wantHash = (wantHash + entryHash(b.Entries)) % 1e10
		wantDebit += d
		wantCredit += cr
	}
	wantBlocks := int64((len(p.lines) + BlockingFactor - 1) / BlockingFactor)
	for _, c := range []struct {
		field     string
		got, want int64
	}{
		{"batch count", batches, int64(len(f.Batches))},
		{"block count", blocks, wantBlocks},
		{"entry/addenda count", count, int64(wantCount)},
		{"entry hash", hash, wantHash},
		{"total debit", debit, wantDebit},
		{"total credit", credit, wantCredit},
	} {
		if c.got != c.want {
			p.failf("ACH file line %d: file control %s is %d, want %d.", ctl+1, c.field, c.got, c.want)
			return nil
		}
	}
	return f
}

func (p *parser) batch(num int) *Batch {
	r := p.record()
	b := &Batch{}
	b.ServiceClass = int(r.num("service class code", 3))
	b.CompanyName = r.alpha(16)
	b.DiscretionaryData = r.alpha(20)
	b.CompanyID = r.alpha(10)
	b.SEC = r.alpha(3)
	if !isSEC(b.SEC) {
		r.fail("standard entry class", "%q is not three letters A-Z", b.SEC)
	}
	b.EntryDescription = r.alpha(10)
	b.DescriptiveDate = r.alpha(6)
	b.EffectiveDate = r.digits("effective date", 6)
	b.SettlementDate = r.alpha(3)
	b.OriginatorStatus = r.alpha(1)
	b.ODFI = r.digits("ODFI", 8)
	b.Number = int(r.num("batch number", 7))
	if !p.check(r) {
		return nil
	}
	header := p.i
	p.odfi = b.ODFI
	for p.peek() == '6' {
		e := p.entry()
		if p.err != nil {
			return nil
		}
		b.Entries = append(b.Entries, *e)
	}
	if p.peek() != '8' {
		p.failf("ACH file line %d: record type %q, want an entry (6), addenda (7) or batch control (8).", p.i+1, p.peek())
		return nil
	}
	ctl := p.i + 1
	r = p.record()
	class := r.num("service class code", 3)
	count := r.num("entry/addenda count", 6)
	hash := r.num("entry hash", 10)
	debit := r.num("total debit", 12)
	credit := r.num("total credit", 12)
	companyID := r.alpha(10)
	b.MAC = r.alpha(19)
	r.take(6)
	odfi := r.digits("ODFI", 8)
	number := r.num("batch number", 7)
	if !p.check(r) {
		return nil
	}
	c, d, cr := totals(b.Entries)
	for _, f := range []struct {
		field     string
		got, want string
	}{
		{"service class code", fmt.Sprint(class), fmt.Sprint(b.ServiceClass)},
		{"entry/addenda count", fmt.Sprint(count), fmt.Sprint(c)},
		{"entry hash", fmt.Sprint(hash), fmt.Sprint(entryHash(b.Entries))},
		{"total debit", fmt.Sprint(debit), fmt.Sprint(d)},
		{"total credit", fmt.Sprint(credit), fmt.Sprint(cr)},
		{"company identification", companyID, b.CompanyID},
		{"ODFI", odfi, b.ODFI},
		{"batch number", fmt.Sprint(number), fmt.Sprint(b.Number)},
	} {
		if f.got != f.want {
			p.failf("ACH file line %d: batch %d (header line %d) control %s is %s, want %s.", ctl, num, header, f.field, f.got, f.want)
			return nil
		}
	}
	for _, e := range b.Entries {
		if (b.ServiceClass == CreditsOnly && IsDebit(e.TransactionCode)) || (b.ServiceClass == DebitsOnly && !IsDebit(e.TransactionCode)) {
			p.failf("ACH file batch %d: service class %d does not allow transaction code %d (trace %s).", num, b.ServiceClass, e.TransactionCode, e.TraceNumber)
			return nil
		}
	}
	return b
}

func (p *parser) entry() *Entry {
	r := p.record()
	e := &Entry{}
	e.TransactionCode = int(r.num("transaction code", 2))
	e.RDFI = r.digits("RDFI routing number", 9)
	e.Account = r.alpha(17)
	e.Amount = r.num("amount", 10)
	e.IndividualID = r.alpha(15)
	e.Name = r.alpha(22)
	e.Discretionary = r.alpha(2)
	indicator := r.take(1)
	e.TraceNumber = r.digits("trace number", 15)
	if r.err == nil && !ValidRouting(e.RDFI) {
		r.fail("RDFI routing number", "check digit of %s does not match", e.RDFI)
	}
	if r.err == nil && !strings.HasPrefix(e.TraceNumber, p.odfi) {
		r.fail("trace number", "%s does not start with the batch ODFI %s", e.TraceNumber, p.odfi)
	}
	if indicator != "0" && indicator != "1" {
		r.fail("addenda record indicator", "%q, want 0 or 1", indicator)
	}
	if !p.check(r) {
		return nil
	}
	entryLine := r.n
	seq, _ := strconv.Atoi(e.TraceNumber[8:])
	for p.peek() == '7' {
		r := p.record()
		a := Addenda{}
		a.TypeCode = r.digits("addenda type code", 2)
		a.PaymentInfo = r.alpha(80)
		a.Sequence = int(r.num("addenda sequence number", 4))
		a.EntrySequence = int(r.num("entry detail sequence number", 7))
		if r.err == nil && (a.Sequence != len(e.Addenda)+1 || a.EntrySequence != seq) {
			r.fail("addenda sequence", "sequence %d and entry sequence %d, want %d and %d", a.Sequence, a.EntrySequence, len(e.Addenda)+1, seq)
		}
		if !p.check(r) {
			return nil
		}
		e.Addenda = append(e.Addenda, a)
	}
	if (indicator == "1") != (len(e.Addenda) > 0) {
		p.failf("ACH file line %d: addenda record indicator %s does not match %d addenda.", entryLine, indicator, len(e.Addenda))
		return nil
	}
	return e
}
