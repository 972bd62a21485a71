// Package csvio reads and writes the CSV files of distributors, customers
// and orders that `downline import` and `downline export` exchange, in the
// formats that `downline gen` writes and `downline calc` reads.
//
// Every file has a header row naming its columns; columns may come in any
// order, extra columns are ignored, and the text is UTF-8. Money and volume
// are in major units with a decimal point ("12.34"). A reader never stops
// at the first bad row: it returns every valid record together with a
// RowError for every rejected row, each naming the line, the column and the
// reason.
package csvio

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/downline/downline"
)

// RowError is one rejected row: where it is (1-based line and column, the
// column being where the offending field starts) and why.
type RowError struct {
	File   string
	Line   int
	Column int
	// Field is the column name; empty when the row as a whole is bad.
	Field  string
	Reason string
}

// Error formats e as "file:line:column: field: reason".
func (e *RowError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Column, e.Reason)
	}
	return fmt.Sprintf("%s:%d:%d: %s: %s", e.File, e.Line, e.Column, e.Field, e.Reason)
}

// Pos locates one record in its file: its line and the column where each
// of its fields starts. Locate uses it for errors found after reading, for
// example by the store.
type Pos struct {
	Line   int
	starts []int32
}

// Header is the header row of a file: the file name and the index of each
// column.
type Header struct {
	File string
	cols map[string]int
}

// Has reports whether the file has column name.
func (h *Header) Has(name string) bool {
	_, ok := h.cols[name]
	return ok
}

// Locate returns a RowError for field of the record at p. The column is
// the start of that field when the file has it, else 1.
func (h *Header) Locate(p Pos, field, reason string) *RowError {
	col := 1
	if i, ok := h.cols[field]; ok && i < len(p.starts) {
		col = int(p.starts[i])
	}
	return &RowError{File: h.File, Line: p.Line, Column: col, Field: field, Reason: reason}
}

// Options tell the readers what the file does not say.
type Options struct {
	// Location interprets dates without a time (YYYY-MM-DD); nil means UTC.
	Location *time.Location
	// Currency is the programme currency: the currency of rows without a
	// currency column or value, and the only one accepted.
	Currency string
	// Product is the SKU of the product of orders whose file has no sku
	// column or whose sku is empty.
	Product string
	// Catalogue, when not nil, lists the known products by SKU: an order
	// naming another SKU is rejected, and an order without an amount is
	// priced at the product's retail price.
	Catalogue map[string]*downline.Product
}

// table reads the records of one file.
type table struct {
	h       *Header
	r       *csv.Reader
	rec     []string
	pos     Pos
	rejects []*RowError
	bad     bool // the current record already has a reject
}

func newTable(file string, r io.Reader, required []string) (*table, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	head, err := cr.Read()
	if err == io.EOF {
		return nil, &RowError{File: file, Line: 1, Column: 1, Reason: "empty file: want a header row"}
	}
	if err != nil {
		return nil, parseError(file, err)
	}
	h := &Header{File: file, cols: make(map[string]int, len(head))}
	for i, name := range head {
		name = strings.TrimSpace(strings.TrimPrefix(name, "\ufeff"))
		if _, dup := h.cols[name]; dup && name != "" {
			_, col := cr.FieldPos(i)
			return nil, &RowError{File: file, Line: 1, Column: col, Field: name, Reason: "duplicate column"}
		}
		h.cols[name] = i
	}
	for _, name := range required {
		if !h.Has(name) {
			return nil, &RowError{File: file, Line: 1, Column: 1, Field: name, Reason: "missing required column"}
		}
	}
	return &table{h: h, r: cr}, nil
}

func parseError(file string, err error) *RowError {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &RowError{File: file, Line: pe.Line, Column: pe.Column, Reason: pe.Err.Error()}
	}
	return &RowError{File: file, Line: 1, Column: 1, Reason: err.Error()}
}

// next reads the next record, recording malformed CSV as a reject and
// going on; false at the end of the input or on a read error, returned.
func (t *table) next() (bool, error) {
	for {
		rec, err := t.r.Read()
		if err == io.EOF {
			return false, nil
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			t.rejects = append(t.rejects, parseError(t.h.File, err))
			continue
		}
		if err != nil {
			return false, fmt.Errorf("read %s: %w", t.h.File, err)
		}
		t.rec, t.bad = rec, false
		line, _ := t.r.FieldPos(0)
		starts := make([]int32, len(rec))
		for i := range rec {
			_, col := t.r.FieldPos(i)
			starts[i] = int32(col)
		}
		t.pos = Pos{Line: line, starts: starts}
		for i, f := range rec {
			if !utf8.ValidString(f) {
				t.rejects = append(t.rejects, &RowError{File: t.h.File, Line: line, Column: int(starts[i]), Reason: "not valid UTF-8"})
				t.bad = true
				break
			}
		}
		return true, nil
	}
}

// get returns the trimmed value of column name; "" when absent.
func (t *table) get(name string) string {
	i, ok := t.h.cols[name]
	if !ok || i >= len(t.rec) {
		return ""
	}
	return strings.TrimSpace(t.rec[i])
}

// reject records the first problem of the current record; later ones on
// the same row are dropped, so that each row is reported once.
func (t *table) reject(field, reason string) {
	if t.bad {
		return
	}
	t.bad = true
	t.rejects = append(t.rejects, t.h.Locate(t.pos, field, reason))
}

func (t *table) required(name string) string {
	s := t.get(name)
	if s == "" {
		t.reject(name, "missing value")
	}
	return s
}

func (t *table) time(name string, loc *time.Location, required bool) time.Time {
	s := t.get(name)
	if s == "" {
		if required {
			t.reject(name, "missing value")
		}
		return time.Time{}
	}
	if v, err := time.Parse(time.RFC3339, s); err == nil {
		return v
	}
	if v, err := time.ParseInLocation("2006-01-02", s, loc); err == nil {
		return v
	}
	t.reject(name, fmt.Sprintf("%q is not an RFC 3339 time or a YYYY-MM-DD date", s))
	return time.Time{}
}

// money parses column name in major units of currency; ok is false when
// the value is absent or bad (bad values are rejected).
func (t *table) money(name, currency string) (v int64, present bool) {
	s := t.get(name)
	if s == "" {
		return 0, false
	}
	m, err := downline.ParseMajor(s, currency)
	if err != nil {
		t.reject(name, downline.ErrorMessage(err))
		return 0, false
	}
	return m.Amount, true
}

func (t *table) positiveInt(name string, def int64) int64 {
	s := t.get(name)
	if s == "" {
		return def
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v <= 0 {
		t.reject(name, fmt.Sprintf("%q is not a positive integer", s))
		return def
	}
	return v
}

// validate runs a domain Validate and rejects the row with its message,
// locating the column by the field the message names.
func (t *table) validate(err error, fields map[string]string) {
	if err == nil {
		return
	}
	t.reject(FieldOf(err, fields), downline.ErrorMessage(err))
}

// FieldOf returns the column that a domain or store error about one record
// is most likely about: the column of the first key of fields (a phrase
// such as "sponsor") that the message contains after the record's name, or
// "id" when none does.
func FieldOf(err error, fields map[string]string) string {
	msg := downline.ErrorMessage(err)
	// Skip the record name, e.g. `order "7": `, which may contain anything.
	if i := strings.Index(msg, `": `); i >= 0 {
		msg = msg[i+3:]
	}
	best, bestAt := "id", len(msg)+1
	for phrase, col := range fields {
		if i := strings.Index(msg, phrase); i >= 0 && (i < bestAt || i == bestAt && col < best) {
			best, bestAt = col, i
		}
	}
	return best
}

func loc(o Options) *time.Location {
	if o.Location == nil {
		return time.UTC
	}
	return o.Location
}
