package downline_test

import (
	"testing"
	"time"

	"github.com/downline/downline"
)

func TestAgeOn(t *testing.T) {
	t.Parallel()
	d := func(y, m, day int) time.Time { return time.Date(y, time.Month(m), day, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		birth, on time.Time
		want      int
	}{
		{d(2008, 3, 15), d(2026, 3, 15), 18}, // the 18th birthday itself
		{d(2008, 3, 16), d(2026, 3, 15), 17}, // one day short
		{d(2008, 2, 29), d(2026, 2, 28), 17}, // leap-day birth: 18 only on 1 March
		{d(2008, 2, 29), d(2026, 3, 1), 18},
		{d(1990, 12, 31), d(2026, 1, 1), 35},
	}
	for _, tt := range tests {
		if got := downline.AgeOn(tt.birth, tt.on); got != tt.want {
			t.Errorf("AgeOn(%s, %s) = %d, want %d", tt.birth.Format(time.DateOnly), tt.on.Format(time.DateOnly), got, tt.want)
		}
	}
}

func TestEnrolmentValidate(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 3, 15, 12, 0, 0, 0, time.UTC)
	ok := func() downline.Enrolment {
		return downline.Enrolment{AgreementVersion: "2026-01", AcceptedAt: at, AcceptedIP: "203.0.113.9",
			BirthDate: time.Date(2008, 3, 15, 0, 0, 0, 0, time.UTC), CoolingOffEnds: at.AddDate(0, 0, 30)}
	}
	tests := []struct {
		name string
		edit func(e *downline.Enrolment)
		want downline.Code
	}{
		{"valid at exactly 18", func(e *downline.Enrolment) {}, ""},
		{"17", func(e *downline.Enrolment) { e.BirthDate = e.BirthDate.AddDate(0, 0, 1) }, downline.CodeInvalid},
		{"no agreement", func(e *downline.Enrolment) { e.AgreementVersion = " " }, downline.CodeInvalid},
		{"bad ip", func(e *downline.Enrolment) { e.AcceptedIP = "example.com" }, downline.CodeInvalid},
		{"ipv6", func(e *downline.Enrolment) { e.AcceptedIP = "2001:db8::1" }, ""},
		{"window", func(e *downline.Enrolment) { e.CoolingOffEnds = at }, downline.CodeInvalid},
	}
	for _, tt := range tests {
		e := ok()
		tt.edit(&e)
		if got := downline.ErrorCode(e.Validate("D-1", 18)); got != tt.want {
			t.Errorf("%s: Validate() code = %q, want %q", tt.name, got, tt.want)
		}
	}
	e := ok()
	if !e.CanCancel(at.AddDate(0, 0, 29)) || e.CanCancel(at.AddDate(0, 0, 30)) {
		t.Error("CanCancel: want true on day 29 and false at the window's end")
	}
}

func TestSignInPolicy(t *testing.T) {
	t.Parallel()
	p := downline.SignInPolicy{MaxFailures: 3, LockFor: time.Minute}
	now := time.Date(2026, 3, 15, 12, 0, 0, 0, time.UTC)
	u := &downline.User{}
	for i, want := range []int{1, 2, 0} {
		var until time.Time
		u.FailedSignIns, until = p.AfterFailure(u, now)
		u.LockedUntil = until
		if u.FailedSignIns != want {
			t.Errorf("failure %d: count = %d, want %d", i+1, u.FailedSignIns, want)
		}
	}
	if !u.IsLocked(now.Add(59*time.Second)) || u.IsLocked(now.Add(time.Minute)) {
		t.Error("IsLocked: want locked for exactly one minute after the third failure")
	}
}
