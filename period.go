package downline

import (
	"fmt"
	"time"
)

// PeriodLength is how long a programme's commission periods are. Only
// calendar months are supported.
type PeriodLength string

// The period lengths.
const (
	PeriodMonthly PeriodLength = "monthly"
)

// PeriodStatus is the lifecycle state of a period.
type PeriodStatus string

// The period statuses. A closed period is never edited again.
const (
	PeriodOpen   PeriodStatus = "open"
	PeriodClosed PeriodStatus = "closed"
)

// Period is one commission period: for a monthly programme the calendar
// month named "YYYY-MM" in the programme's time zone. Start is inclusive
// and End exclusive, so an instant t belongs to p when
// p.Start <= t < p.End.
type Period struct {
	Name   string
	Start  time.Time
	End    time.Time
	Status PeriodStatus
}

// Contains reports whether t falls in p.
func (p Period) Contains(t time.Time) bool {
	return !t.Before(p.Start) && t.Before(p.End)
}

// Clock returns the current time. It is injected wherever "now" matters so
// that tests and replays are deterministic; nothing in Downline calls
// time.Now directly outside cmd/.
type Clock func() time.Time

// MonthlyPeriodOf returns the calendar month that contains t in loc.
func MonthlyPeriodOf(t time.Time, loc *time.Location) Period {
	lt := t.In(loc)
	start := time.Date(lt.Year(), lt.Month(), 1, 0, 0, 0, 0, loc)
	return Period{
		Name:  fmt.Sprintf("%04d-%02d", lt.Year(), int(lt.Month())),
		Start: start,
		End:   start.AddDate(0, 1, 0),
	}
}

// ParseMonthlyPeriod returns the period named "YYYY-MM" in loc. A bad name
// is a CodeInvalid error.
func ParseMonthlyPeriod(name string, loc *time.Location) (Period, error) {
	y, m, err := splitPeriodName(name)
	if err != nil {
		return Period{}, err
	}
	start := time.Date(y, time.Month(m), 1, 0, 0, 0, 0, loc)
	return Period{Name: name, Start: start, End: start.AddDate(0, 1, 0)}, nil
}

// ShiftPeriodName returns the name of the monthly period n months after
// name (n may be negative): ShiftPeriodName("2026-01", -1) = "2025-12".
func ShiftPeriodName(name string, n int) (string, error) {
	y, m, err := splitPeriodName(name)
	if err != nil {
		return "", err
	}
	i := y*12 + (m - 1) + n
	if i < 0 || i >= 10000*12 {
		return "", Errorf(CodeInvalid, "period %q shifted by %d is out of range", name, n)
	}
	return fmt.Sprintf("%04d-%02d", i/12, i%12+1), nil
}

// IsPeriodName reports whether name has the form YYYY-MM with a month
// from 01 to 12.
func IsPeriodName(name string) bool {
	_, _, err := splitPeriodName(name)
	return err == nil
}

func splitPeriodName(name string) (year, month int, err error) {
	bad := Errorf(CodeInvalid, "period %q must be named YYYY-MM", name)
	if len(name) != 7 || name[4] != '-' {
		return 0, 0, bad
	}
	for i, c := range []byte(name) {
		if i != 4 && (c < '0' || c > '9') {
			return 0, 0, bad
		}
	}
	year = int(name[0]-'0')*1000 + int(name[1]-'0')*100 + int(name[2]-'0')*10 + int(name[3]-'0')
	month = int(name[5]-'0')*10 + int(name[6]-'0')
	if month < 1 || month > 12 {
		return 0, 0, bad
	}
	return year, month, nil
}
