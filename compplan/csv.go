package compplan

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// CSVError is bad input in a CSV file, located by file, line and column
// (1-based; the column is where the field starts).
type CSVError struct {
	File         string
	Line, Column int
	Field        string
	Err          error
}

func (e *CSVError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("%s:%d:%d: %v", e.File, e.Line, e.Column, e.Err)
	}
	return fmt.Sprintf("%s:%d:%d: %s: %v", e.File, e.Line, e.Column, e.Field, e.Err)
}

func (e *CSVError) Unwrap() error { return e.Err }

// CSVIndex remembers where each record's fields are in its file, so that
// errors found later (an unknown sponsor, a cycle) can name a line and
// column.
type CSVIndex struct {
	File   string
	cols   map[string]int
	line   []int32
	starts [][]int32 // per record, start column of each field
}

// Locate returns a *CSVError for field of record rec.
func (x *CSVIndex) Locate(rec int, field string, err error) error {
	if x == nil || rec < 0 || rec >= len(x.line) {
		return err
	}
	col := 1
	if c, ok := x.cols[field]; ok && c < len(x.starts[rec]) {
		col = int(x.starts[rec][c])
	}
	return &CSVError{File: x.File, Line: int(x.line[rec]), Column: col, Field: field, Err: err}
}

// LocateRecordError turns a *RecordError in err into a *CSVError using the
// indexes of the files the records came from; other errors are returned
// unchanged.
func LocateRecordError(err error, distributors, orders *CSVIndex) error {
	var re *RecordError
	if !errors.As(err, &re) {
		return err
	}
	x := distributors
	if re.Orders {
		x = orders
	}
	return x.Locate(re.Record, re.Field, re.Err)
}

type csvReader struct {
	r    *csv.Reader
	x    *CSVIndex
	rec  []string
	line int
}

func newCSVReader(file string, r io.Reader, required, optional []string) (*csvReader, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	head, err := cr.Read()
	if err == io.EOF {
		return nil, &CSVError{File: file, Line: 1, Column: 1, Err: errors.New("empty file: want a header row")}
	}
	if err != nil {
		return nil, csvParseError(file, err)
	}
	x := &CSVIndex{File: file, cols: map[string]int{}}
	for i, h := range head {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		if _, dup := x.cols[h]; dup && h != "" {
			_, col := cr.FieldPos(i)
			return nil, &CSVError{File: file, Line: 1, Column: col, Field: h, Err: errors.New("duplicate column")}
		}
		x.cols[h] = i
	}
	for _, c := range required {
		if _, ok := x.cols[c]; !ok {
			return nil, &CSVError{File: file, Line: 1, Column: 1, Field: c, Err: errors.New("missing required column")}
		}
	}
	_ = optional
	return &csvReader{r: cr, x: x}, nil
}

func csvParseError(file string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &CSVError{File: file, Line: pe.Line, Column: pe.Column, Err: pe.Err}
	}
	return fmt.Errorf("%s: %w", file, err)
}

// next reads one record; false at EOF.
func (c *csvReader) next() (bool, error) {
	rec, err := c.r.Read()
	if err == io.EOF {
		return false, nil
	}
	if err != nil {
		return false, csvParseError(c.x.File, err)
	}
	c.rec = rec
	line, _ := c.r.FieldPos(0)
	c.line = line
	starts := make([]int32, len(rec))
	for i := range rec {
		_, col := c.r.FieldPos(i)
		starts[i] = int32(col)
	}
	c.x.line = append(c.x.line, int32(line))
	c.x.starts = append(c.x.starts, starts)
	return true, nil
}

func (c *csvReader) get(name string) string {
	i, ok := c.x.cols[name]
	if !ok || i >= len(c.rec) {
		return ""
	}
	return strings.TrimSpace(c.rec[i])
}

func (c *csvReader) fail(name string, err error) error {
	return c.x.Locate(len(c.x.line)-1, name, err)
}

func (c *csvReader) id(name string, required bool) (ID, error) {
	s := c.get(name)
	if s == "" {
		if required {
			return 0, c.fail(name, errors.New("missing value"))
		}
		return 0, nil
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v <= 0 {
		return 0, c.fail(name, fmt.Errorf("%q is not a positive integer id", s))
	}
	return ID(v), nil
}

func (c *csvReader) time(name string, loc *time.Location, required bool) (time.Time, error) {
	s := c.get(name)
	if s == "" {
		if required {
			return time.Time{}, c.fail(name, errors.New("missing value"))
		}
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.ParseInLocation("2006-01-02", s, loc); err == nil {
		return t, nil
	}
	return time.Time{}, c.fail(name, fmt.Errorf("%q is not an RFC 3339 time or a YYYY-MM-DD date", s))
}

func (c *csvReader) money(name string, digits int, required bool) (int64, bool, error) {
	s := c.get(name)
	if s == "" {
		if required {
			return 0, false, c.fail(name, errors.New("missing value"))
		}
		return 0, false, nil
	}
	v, err := ParseMoney(s, digits)
	if err != nil {
		return 0, false, c.fail(name, err)
	}
	return v, true, nil
}

// ReadDistributorsCSV reads distributors.csv: columns id, sponsor_id
// (empty for a root), joined_at (RFC 3339 or YYYY-MM-DD in loc), status
// (active, suspended, terminated), optional placement_parent_id,
// placement_side (L or R) and country (ISO 3166-1 alpha-2, for TX-12).
// Extra columns are ignored.
func ReadDistributorsCSV(file string, r io.Reader, loc *time.Location) ([]Distributor, *CSVIndex, error) {
	c, err := newCSVReader(file, r, []string{"id", "sponsor_id", "joined_at", "status"}, []string{"placement_parent_id", "placement_side", "country"})
	if err != nil {
		return nil, nil, err
	}
	var out []Distributor
	for {
		ok, err := c.next()
		if err != nil {
			return nil, nil, err
		}
		if !ok {
			break
		}
		var d Distributor
		if d.ID, err = c.id("id", true); err != nil {
			return nil, nil, err
		}
		if d.Sponsor, err = c.id("sponsor_id", false); err != nil {
			return nil, nil, err
		}
		if d.JoinedAt, err = c.time("joined_at", loc, true); err != nil {
			return nil, nil, err
		}
		switch s := c.get("status"); s {
		case "active":
			d.Status = StatusActive
		case "suspended":
			d.Status = StatusSuspended
		case "terminated":
			d.Status = StatusTerminated
		default:
			return nil, nil, c.fail("status", fmt.Errorf("%q is not active, suspended or terminated", s))
		}
		if d.Placement, err = c.id("placement_parent_id", false); err != nil {
			return nil, nil, err
		}
		switch s := c.get("placement_side"); s {
		case "":
		case "L", "l":
			d.Side = SideLeft
		case "R", "r":
			d.Side = SideRight
		default:
			return nil, nil, c.fail("placement_side", fmt.Errorf("%q is not L or R", s))
		}
		if d.Placement != 0 && d.Side == SideNone {
			return nil, nil, c.fail("placement_side", errors.New("missing side (L or R) for a placed distributor"))
		}
		if d.Placement == 0 && d.Side != SideNone {
			return nil, nil, c.fail("placement_parent_id", errors.New("a side is given but no placement parent"))
		}
		if s := c.get("country"); s != "" {
			if len(s) != 2 || strings.ToUpper(s) != s || strings.ToLower(s) == s {
				return nil, nil, c.fail("country", fmt.Errorf("%q is not an ISO 3166-1 alpha-2 code like \"DE\"", s))
			}
			d.Jurisdiction = JurisdictionOf(s)
		}
		out = append(out, d)
	}
	return out, c.x, nil
}

// ReadOrdersCSV reads orders.csv: columns id, distributor_id, customer_id
// (empty for personal use), purpose, paid_at, cv, optional qv and bv
// (default cv), amount, currency (must equal the plan's when given) and
// refund_of. Money is in major units ("12.34"); a refund has negative
// values and refund_of set. Extra columns are ignored.
func ReadOrdersCSV(file string, r io.Reader, p *Plan, loc *time.Location) ([]Order, *CSVIndex, error) {
	c, err := newCSVReader(file, r, []string{"id", "distributor_id", "customer_id", "purpose", "paid_at", "cv"}, nil)
	if err != nil {
		return nil, nil, err
	}
	d := p.MinorDigits
	var out []Order
	seen := map[string]bool{}
	for {
		ok, err := c.next()
		if err != nil {
			return nil, nil, err
		}
		if !ok {
			break
		}
		var o Order
		o.ID = c.get("id")
		if o.ID == "" {
			return nil, nil, c.fail("id", errors.New("missing value"))
		}
		if seen[o.ID] {
			return nil, nil, c.fail("id", fmt.Errorf("duplicate order id %q", o.ID))
		}
		seen[o.ID] = true
		if o.Distributor, err = c.id("distributor_id", true); err != nil {
			return nil, nil, err
		}
		o.Customer = c.get("customer_id")
		if o.Purpose, err = ParsePurpose(c.get("purpose")); err != nil {
			return nil, nil, c.fail("purpose", err)
		}
		if o.PaidAt, err = c.time("paid_at", loc, true); err != nil {
			return nil, nil, err
		}
		if o.CV, _, err = c.money("cv", d, true); err != nil {
			return nil, nil, err
		}
		var has bool
		if o.QV, has, err = c.money("qv", d, false); err != nil {
			return nil, nil, err
		} else if !has {
			o.QV = o.CV
		}
		if o.BV, has, err = c.money("bv", d, false); err != nil {
			return nil, nil, err
		} else if !has {
			o.BV = o.CV
		}
		if o.Amount, _, err = c.money("amount", d, false); err != nil {
			return nil, nil, err
		}
		if cur := c.get("currency"); cur != "" && cur != p.Currency {
			return nil, nil, c.fail("currency", fmt.Errorf("currency %q differs from the plan's %q", cur, p.Currency))
		}
		o.RefundOf = c.get("refund_of")
		if o.RefundOf == "" && (o.CV < 0 || o.QV < 0 || o.BV < 0 || o.Amount < 0) {
			return nil, nil, c.fail("cv", errors.New("negative values are only allowed on a refund (set refund_of)"))
		}
		if o.RefundOf != "" && (o.CV > 0 || o.QV > 0 || o.BV > 0 || o.Amount > 0) {
			return nil, nil, c.fail("cv", errors.New("a refund must have negative (or zero) values"))
		}
		out = append(out, o)
	}
	return out, c.x, nil
}

// ReadSellThroughCSV reads the TX-05 figures from a CSV with columns id,
// resale_bought and resale_resold (whole units over the trailing window;
// distributors.csv may carry them as extra columns). A file without a
// resale_bought column yields none.
func ReadSellThroughCSV(file string, r io.Reader) ([]DistributorVolume, error) {
	c, err := newCSVReader(file, r, []string{"id"}, []string{"resale_bought", "resale_resold"})
	if err != nil {
		return nil, err
	}
	if _, ok := c.x.cols["resale_bought"]; !ok {
		return nil, nil
	}
	var out []DistributorVolume
	for {
		ok, err := c.next()
		if err != nil {
			return nil, err
		}
		if !ok {
			return out, nil
		}
		id, err := c.id("id", true)
		if err != nil {
			return nil, err
		}
		var st SellThrough
		for _, f := range []struct {
			name string
			v    *int64
		}{{"resale_bought", &st.Bought}, {"resale_resold", &st.Resold}} {
			s := c.get(f.name)
			if s == "" {
				continue
			}
			if *f.v, err = strconv.ParseInt(s, 10, 64); err != nil || *f.v < 0 {
				return nil, c.fail(f.name, fmt.Errorf("%q is not a whole number of units", s))
			}
		}
		if st != (SellThrough{}) {
			out = append(out, DistributorVolume{ID: id, SellThrough: &st})
		}
	}
}

// ParseCompanyVolume parses the TX-07 window totals written as
// "revenue,cuv,rpcv" in major units.
func ParseCompanyVolume(s string, minorDigits int) (CompanyVolume, error) {
	f := strings.Split(s, ",")
	if len(f) != 3 {
		return CompanyVolume{}, fmt.Errorf("%q: want revenue,cuv,rpcv", s)
	}
	var v [3]int64
	for i, x := range f {
		m, err := ParseMoney(x, minorDigits)
		if err != nil || m < 0 {
			return CompanyVolume{}, fmt.Errorf("%q: want three amounts of at least 0, like 10000000,6500000,1200000", s)
		}
		v[i] = m
	}
	return CompanyVolume{Revenue: v[0], CuV: v[1], RPCV: v[2]}, nil
}
