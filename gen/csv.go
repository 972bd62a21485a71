package gen

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// The CSV headers, exactly as downline calc reads them (issue 3 §3).
const (
	distributorsHeader         = "id,sponsor_id,joined_at,status"
	distributorsPlacementExtra = ",placement_parent_id,placement_side"
	ordersHeader               = "id,distributor_id,customer_id,purpose,paid_at,cv,qv,bv,amount,currency,refund_of"
)

// WriteCSV writes distributors.csv and orders.csv into dir, which must
// exist.
func (g *Generator) WriteCSV(dir string) error {
	if err := writeFile(filepath.Join(dir, "distributors.csv"), g.WriteDistributors); err != nil {
		return err
	}
	return writeFile(filepath.Join(dir, "orders.csv"), g.WriteOrders)
}

func writeFile(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// WriteDistributors writes distributors.csv: id, sponsor_id (empty for the
// root), joined_at (YYYY-MM-DD), status and, when the programme has a
// placement tree, placement_parent_id and placement_side (L or R).
func (g *Generator) WriteDistributors(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	t := g.tree
	bw.WriteString(distributorsHeader)
	if t.Parent != nil {
		bw.WriteString(distributorsPlacementExtra)
	}
	bw.WriteByte('\n')
	var line []byte
	for i := range t.Len() {
		line = strconv.AppendInt(line[:0], int64(i)+1, 10)
		line = append(line, ',')
		if s := t.Sponsor[i]; s >= 0 {
			line = strconv.AppendInt(line, int64(s)+1, 10)
		}
		line = append(line, ',')
		line = time.Unix(int64(t.JoinedDay[i])*86400, 0).UTC().AppendFormat(line, "2006-01-02")
		line = append(line, ',')
		line = append(line, t.Status[i].String()...)
		if t.Parent != nil {
			line = append(line, ',')
			if p := t.Parent[i]; p >= 0 {
				line = strconv.AppendInt(line, int64(p)+1, 10)
				line = append(line, ',', t.Side[i])
			} else {
				line = append(line, ',')
			}
		}
		line = append(line, '\n')
		if _, err := bw.Write(line); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// WriteOrders writes orders.csv: id, distributor_id, customer_id (empty for
// personal use and resale stock), purpose, paid_at (RFC 3339, UTC), cv, qv,
// bv, amount (major units, "12.34"), currency and refund_of (empty for a
// sale).
func (g *Generator) WriteOrders(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	bw.WriteString(ordersHeader)
	bw.WriteByte('\n')
	var ts timestamps
	var line []byte
	err := g.OrderBatches(4096, func(batch []Order) error {
		for k := range batch {
			line = appendOrder(line[:0], &batch[k], g.cfg.Currency, &ts)
			if _, err := bw.Write(line); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return bw.Flush()
}

// AppendOrderCSV appends o as one orders.csv line (with its newline).
func AppendOrderCSV(b []byte, o *Order, currency string) []byte {
	var ts timestamps
	return appendOrder(b, o, currency, &ts)
}

func appendOrder(b []byte, o *Order, currency string, ts *timestamps) []byte {
	b = strconv.AppendInt(b, o.ID, 10)
	b = append(b, ',')
	b = strconv.AppendInt(b, o.DistributorID, 10)
	b = append(b, ',')
	if o.CustomerID != 0 {
		b = strconv.AppendInt(b, o.CustomerID, 10)
	}
	b = append(b, ',')
	b = append(b, o.Purpose.String()...)
	b = append(b, ',')
	b = ts.append(b, o.PaidAt)
	for _, v := range [...]int64{o.CV, o.QV, o.BV, o.Amount} {
		b = append(b, ',')
		b = AppendMoney(b, v)
	}
	b = append(b, ',')
	b = append(b, currency...)
	b = append(b, ',')
	if o.RefundOf != 0 {
		b = strconv.AppendInt(b, o.RefundOf, 10)
	}
	return append(b, '\n')
}

// AppendMoney appends minor units v in major units with two decimals:
// 1234 → "12.34", -5 → "-0.05".
func AppendMoney(b []byte, v int64) []byte {
	if v < 0 {
		b = append(b, '-')
		v = -v
	}
	b = strconv.AppendInt(b, v/100, 10)
	c := v % 100
	return append(b, '.', byte('0'+c/10), byte('0'+c%10))
}

// timestamps formats Unix seconds as RFC 3339 UTC, caching the date part
// of recent days: formatting 100 million timestamps with time.Format would
// dominate the writer's time.
type timestamps struct {
	day  [64]int64
	date [64][]byte // "2026-10-05T"
}

func (t *timestamps) append(b []byte, unix int64) []byte {
	day, sec := unix/86400, unix%86400
	if sec < 0 {
		day, sec = day-1, sec+86400
	}
	k := day & 63
	if t.date[k] == nil || t.day[k] != day {
		t.day[k] = day
		t.date[k] = time.Unix(day*86400, 0).UTC().AppendFormat(t.date[k][:0], "2006-01-02T")
	}
	b = append(b, t.date[k]...)
	h, m, s := sec/3600, sec/60%60, sec%60
	return append(b, byte('0'+h/10), byte('0'+h%10), ':', byte('0'+m/10), byte('0'+m%10), ':',
		byte('0'+s/10), byte('0'+s%10), 'Z')
}
