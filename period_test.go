package downline_test

import (
	"testing"
	"time"

	"github.com/downline/downline"
)

func TestProgrammePeriodOf(t *testing.T) {
	p := &downline.Programme{Name: "Acme", Currency: "EUR", PeriodLength: downline.PeriodMonthly, TimeZone: "Europe/Berlin"}
	tests := []struct {
		paid time.Time
		want string
	}{
		// 2026-01-31 23:30 UTC is 2026-02-01 00:30 in Berlin (UTC+1): February.
		{time.Date(2026, 1, 31, 23, 30, 0, 0, time.UTC), "2026-02"},
		{time.Date(2026, 1, 31, 22, 59, 59, 0, time.UTC), "2026-01"},
		// Summer time: 2026-06-30 22:00 UTC is 2026-07-01 00:00 CEST (UTC+2).
		{time.Date(2026, 6, 30, 22, 0, 0, 0, time.UTC), "2026-07"},
		{time.Date(2026, 12, 31, 22, 59, 0, 0, time.UTC), "2026-12"},
		{time.Date(2026, 12, 31, 23, 0, 0, 0, time.UTC), "2027-01"},
	}
	for _, tt := range tests {
		got, err := p.PeriodOf(tt.paid)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != tt.want {
			t.Errorf("PeriodOf(%v) = %s, want %s", tt.paid, got.Name, tt.want)
		}
		if !got.Contains(tt.paid) {
			t.Errorf("PeriodOf(%v) = [%v, %v), does not contain it", tt.paid, got.Start, got.End)
		}
	}
	feb, err := p.Period("2026-02")
	if err != nil {
		t.Fatal(err)
	}
	// February 2026 in Berlin: 2026-01-31T23:00Z to 2026-02-28T23:00Z.
	if want := time.Date(2026, 1, 31, 23, 0, 0, 0, time.UTC); !feb.Start.Equal(want) {
		t.Errorf("Period(2026-02).Start = %v, want %v", feb.Start, want)
	}
	if want := time.Date(2026, 2, 28, 23, 0, 0, 0, time.UTC); !feb.End.Equal(want) {
		t.Errorf("Period(2026-02).End = %v, want %v", feb.End, want)
	}
}

func TestShiftPeriodName(t *testing.T) {
	tests := []struct {
		name string
		n    int
		want string
	}{
		{"2026-01", -1, "2025-12"},
		{"2026-01", -12, "2025-01"},
		{"2026-11", 2, "2027-01"},
		{"2026-05", 0, "2026-05"},
	}
	for _, tt := range tests {
		got, err := downline.ShiftPeriodName(tt.name, tt.n)
		if err != nil || got != tt.want {
			t.Errorf("ShiftPeriodName(%s, %d) = %q, %v, want %q", tt.name, tt.n, got, err, tt.want)
		}
	}
	for _, bad := range []string{"2026-13", "2026-00", "2026-1", "26-01", "2026/01", "abcd-ef"} {
		if downline.IsPeriodName(bad) {
			t.Errorf("IsPeriodName(%q) = true, want false", bad)
		}
		if _, err := downline.ParseMonthlyPeriod(bad, time.UTC); downline.ErrorCode(err) != downline.CodeInvalid {
			t.Errorf("ParseMonthlyPeriod(%q) error = %v, want CodeInvalid", bad, err)
		}
	}
}

// FuzzPeriodName checks that every name IsPeriodName accepts parses, that
// the parsed period contains its own start and not its end, and that
// shifting forth and back returns the name.
func FuzzPeriodName(f *testing.F) {
	for _, s := range []string{"2026-01", "2026-12", "0000-01", "9999-12", "2026-13", "abc", ""} {
		f.Add(s, 3)
	}
	f.Fuzz(func(t *testing.T, name string, n int) {
		if !downline.IsPeriodName(name) {
			return
		}
		p, err := downline.ParseMonthlyPeriod(name, time.UTC)
		if err != nil {
			t.Fatalf("IsPeriodName(%q) but ParseMonthlyPeriod: %v", name, err)
		}
		if !p.Contains(p.Start) || p.Contains(p.End) || downline.MonthlyPeriodOf(p.Start, time.UTC).Name != name {
			t.Fatalf("period %q = [%v, %v) is inconsistent", name, p.Start, p.End)
		}
		n %= 1200
		there, err := downline.ShiftPeriodName(name, n)
		if err != nil {
			return // out of range
		}
		back, err := downline.ShiftPeriodName(there, -n)
		if err != nil || back != name {
			t.Fatalf("ShiftPeriodName(ShiftPeriodName(%q, %d), %d) = %q, %v", name, n, -n, back, err)
		}
	})
}
