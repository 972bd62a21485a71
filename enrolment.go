package downline

import (
	"context"
	"net/netip"
	"strings"
	"time"
)

// Enrolment records how a distributor joined: the agreement accepted (with
// version, time and IP address, PL-08), the date of birth checked against
// the minimum age, and the cooling-off window inside which the participant
// may cancel with a full refund (PL-07).
type Enrolment struct {
	DistributorID    DistributorID
	AgreementVersion string
	AcceptedAt       time.Time
	AcceptedIP       string
	// BirthDate is the participant's date of birth (midnight UTC).
	BirthDate time.Time
	// CoolingOffEnds is the end of the cancellation window.
	CoolingOffEnds time.Time
	// CancelledAt is when the participant cancelled; zero while enrolled.
	CancelledAt time.Time
}

// AgeOn returns the age in whole years on day on of a person born on
// birth, both read as calendar dates in UTC.
func AgeOn(birth, on time.Time) int {
	b, o := birth.UTC(), on.UTC()
	age := o.Year() - b.Year()
	if o.Month() < b.Month() || (o.Month() == b.Month() && o.Day() < b.Day()) {
		age--
	}
	return age
}

// Validate checks e for an enrolment by the distributor with external id
// ext, and returns a CodeInvalid *Error naming the first bad field. minAge
// is the youngest age allowed on the day of acceptance.
func (e *Enrolment) Validate(ext string, minAge int) error {
	bad := func(field, why string) error {
		return Errorf(CodeInvalid, "enrolment of %q: %s %s", ext, field, why)
	}
	switch {
	case strings.TrimSpace(e.AgreementVersion) == "" || len(e.AgreementVersion) > 64:
		return bad("agreement version", "must be 1 to 64 characters")
	case e.AcceptedAt.IsZero():
		return bad("accepted at", "is required")
	case e.BirthDate.IsZero():
		return bad("birth date", "is required")
	case e.BirthDate.After(e.AcceptedAt):
		return bad("birth date", "must be in the past")
	case AgeOn(e.BirthDate, e.AcceptedAt) < minAge:
		return bad("birth date", "shows an age below the minimum")
	case !e.CoolingOffEnds.After(e.AcceptedAt):
		return bad("cooling-off end", "must be after the acceptance")
	}
	if _, err := netip.ParseAddr(e.AcceptedIP); err != nil {
		return bad("accepted IP", "must be an IP address")
	}
	return nil
}

// CanCancel reports whether the enrolment may still be cancelled with a
// full refund at now.
func (e *Enrolment) CanCancel(now time.Time) bool {
	return e.CancelledAt.IsZero() && now.Before(e.CoolingOffEnds)
}

// EnrolmentService stores enrolments.
type EnrolmentService interface {
	// Enrol stores the distributor d, its enrolment e and, when u is not
	// nil, its user account, in one transaction, filling IDs and
	// timestamps. Returns the codes of CreateDistributor and CreateUser.
	Enrol(ctx context.Context, d *Distributor, e *Enrolment, u *User) error

	// FindEnrolment returns the enrolment of a distributor. Returns
	// CodeNotFound for a distributor created without one (an import).
	FindEnrolment(ctx context.Context, id DistributorID) (*Enrolment, error)

	// CancelEnrolment cancels the enrolment and terminates the distributor
	// in one transaction. Returns CodeNotFound, and CodeConflict when the
	// enrolment is cancelled already or its cooling-off window has ended.
	CancelEnrolment(ctx context.Context, id DistributorID) (*Enrolment, error)
}
