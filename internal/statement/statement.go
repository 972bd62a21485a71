// Package statement renders a distributor's commission statement for one
// period, as a PDF a person can read and as a CSV. It takes a plain
// Statement value (the store fills it) and writes deterministic output:
// the same statement gives the same bytes.
package statement

import (
	"cmp"
	"slices"
	"time"

	"github.com/downline/downline"
)

// Statement is everything one statement shows. Amounts are minor units of
// Currency.
type Statement struct {
	Programme       string
	DistributorID   downline.DistributorID
	DistributorName string
	Period          string // "2026-10"
	Currency        string
	GeneratedAt     time.Time // printed and used as the PDF's dates (injected)
	Lines           []Line
	Movements       Movements
}

// Line is one commission line of the period, with what a person needs to
// check it by hand. A clawback line has a negative amount.
type Line struct {
	ID          string // e.g. the commission line id, for the audit trail
	Bonus       string // e.g. "Direct commission", "Unilevel L2", "Clawback"
	Source      string // e.g. "order 1234 by customer Acme GmbH"
	Explanation string // e.g. "20 % of CV 100.00 = 20.00"
	Amount      int64
}

// Movements are the changes of the distributor's balance over the
// period. Clawbacks and Paid are positive amounts that reduce the
// balance; Adjustments carries its sign.
type Movements struct {
	Opening     int64
	Earned      int64
	Clawbacks   int64
	Adjustments int64
	Paid        int64
	Closing     int64
}

// BonusTotal is the sum of a statement's lines of one bonus.
type BonusTotal struct {
	Bonus  string
	Lines  int
	Amount int64
}

// Validate checks that s adds up: the lines sum to Earned − Clawbacks,
// and Closing = Opening + Earned − Clawbacks + Adjustments − Paid. It
// also requires a period, a currency and a distributor. Errors have
// downline.CodeInvalid and name the field.
func (s Statement) Validate() error {
	switch {
	case s.DistributorID <= 0:
		return invalid("Statement: distributor id %d is not valid.", s.DistributorID)
	case !downline.IsPeriodName(s.Period):
		return invalid("Statement for distributor %d: period %q is not YYYY-MM.", s.DistributorID, s.Period)
	case !downline.IsCurrency(s.Currency):
		return invalid("Statement for distributor %d: currency %q is not an ISO 4217 code.", s.DistributorID, s.Currency)
	case s.GeneratedAt.IsZero():
		return invalid("Statement for distributor %d: generation time is missing.", s.DistributorID)
	}
	var sum int64
	for _, l := range s.Lines {
		sum += l.Amount
	}
	m := s.Movements
	if net := m.Earned - m.Clawbacks; sum != net {
		return invalid("Statement for distributor %d, period %s: lines sum to %s but earned − clawbacks is %s.",
			s.DistributorID, s.Period, s.money(sum), s.money(net))
	}
	if want := m.Opening + m.Earned - m.Clawbacks + m.Adjustments - m.Paid; m.Closing != want {
		return invalid("Statement for distributor %d, period %s: closing balance %s, want %s from the movements.",
			s.DistributorID, s.Period, s.money(m.Closing), s.money(want))
	}
	return nil
}

// Totals returns the lines' totals by bonus, sorted by bonus name.
func (s Statement) Totals() []BonusTotal {
	by := map[string]*BonusTotal{}
	for _, l := range s.Lines {
		t, ok := by[l.Bonus]
		if !ok {
			t = &BonusTotal{Bonus: l.Bonus}
			by[l.Bonus] = t
		}
		t.Lines++
		t.Amount += l.Amount
	}
	out := make([]BonusTotal, 0, len(by))
	for _, t := range by {
		out = append(out, *t)
	}
	slices.SortFunc(out, func(a, b BonusTotal) int { return cmp.Compare(a.Bonus, b.Bonus) })
	return out
}

// sortedLines returns the lines by bonus, then source, then id, so that
// the output does not depend on the order the store returned them in.
func (s Statement) sortedLines() []Line {
	ls := slices.Clone(s.Lines)
	slices.SortStableFunc(ls, func(a, b Line) int {
		if c := cmp.Compare(a.Bonus, b.Bonus); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Source, b.Source); c != 0 {
			return c
		}
		if c := cmp.Compare(a.ID, b.ID); c != 0 {
			return c
		}
		return cmp.Compare(a.Amount, b.Amount)
	})
	return ls
}

func (s Statement) money(amount int64) string {
	return downline.Money{Amount: amount, Currency: s.Currency}.String()
}

func (s Statement) major(amount int64) string {
	return downline.Money{Amount: amount, Currency: s.Currency}.FormatMajor()
}

func invalid(format string, args ...any) error {
	return downline.Errorf(downline.CodeInvalid, format, args...)
}
