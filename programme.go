package downline

import (
	"context"
	"net/url"
	"strings"
	"time"
	_ "time/tzdata" // time zones must resolve on hosts without a zoneinfo database
)

// Programme is the vendor's network-marketing programme. A database holds
// exactly one. Its currency is the currency of every price, volume and
// payout; its time zone decides the period an order or refund falls in.
type Programme struct {
	Name         string
	Currency     string
	PeriodLength PeriodLength
	// TimeZone is an IANA zone name such as "Europe/Berlin" or "UTC".
	TimeZone string
	// LandingURL is where referral links point; empty when unused.
	LandingURL string
	// DefaultSponsorRef is the external id of the distributor that sponsors
	// sign-ups arriving without a referral; empty when unset.
	DefaultSponsorRef string

	CreatedAt time.Time
	UpdatedAt time.Time
}

// Validate checks the programme and returns a CodeInvalid *Error naming the
// first bad field.
func (p *Programme) Validate() error {
	bad := func(field, why string) error {
		return Errorf(CodeInvalid, "programme %q: %s %s", p.Name, field, why)
	}
	switch {
	case strings.TrimSpace(p.Name) == "":
		return bad("name", "is required")
	case !IsCurrency(p.Currency):
		return bad("currency", "must be an ISO 4217 code such as EUR")
	case p.PeriodLength != PeriodMonthly:
		return bad("period length", `must be "monthly"`)
	case p.TimeZone == "":
		return bad("time zone", "is required")
	}
	if _, err := time.LoadLocation(p.TimeZone); err != nil {
		return bad("time zone", "is not an IANA time zone name")
	}
	if p.LandingURL != "" {
		u, err := url.Parse(p.LandingURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return bad("landing URL", "must be an absolute http(s) URL")
		}
	}
	return nil
}

// Location returns the programme's time zone.
func (p *Programme) Location() (*time.Location, error) {
	loc, err := time.LoadLocation(p.TimeZone)
	if err != nil {
		return nil, Errorf(CodeInvalid, "programme %q: time zone %q is not an IANA time zone name", p.Name, p.TimeZone)
	}
	return loc, nil
}

// PeriodOf returns the period that contains t in the programme's time zone.
func (p *Programme) PeriodOf(t time.Time) (Period, error) {
	loc, err := p.Location()
	if err != nil {
		return Period{}, err
	}
	return MonthlyPeriodOf(t, loc), nil
}

// Period returns the period with the given name ("YYYY-MM") in the
// programme's time zone.
func (p *Programme) Period(name string) (Period, error) {
	loc, err := p.Location()
	if err != nil {
		return Period{}, err
	}
	return ParseMonthlyPeriod(name, loc)
}

// ProgrammeUpdate holds the fields of a programme that may change after
// orders exist. Currency, period length and time zone are fixed once the
// first order is stored, because they decide the meaning of stored volume.
type ProgrammeUpdate struct {
	Name              *string
	LandingURL        *string
	DefaultSponsorRef *string
}

// ProgrammeService stores the one programme of a database.
type ProgrammeService interface {
	// FindProgramme returns the programme. Returns CodeNotFound when none
	// has been created.
	FindProgramme(ctx context.Context) (*Programme, error)

	// CreateProgramme stores p and sets its timestamps. Creating it again
	// with the same content is a no-op. Returns CodeInvalid for a bad
	// programme and CodeConflict when a different programme exists.
	CreateProgramme(ctx context.Context, p *Programme) error

	// UpdateProgramme changes the given fields and returns the result.
	// Returns CodeNotFound when there is no programme and CodeInvalid for
	// bad values.
	UpdateProgramme(ctx context.Context, upd ProgrammeUpdate) (*Programme, error)
}
