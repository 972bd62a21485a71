package downline

import (
	"context"
	"strings"
	"time"
)

// DistributorStatus is a distributor's standing under its agreement.
type DistributorStatus string

// The distributor statuses.
const (
	StatusActive     DistributorStatus = "active"
	StatusSuspended  DistributorStatus = "suspended"
	StatusTerminated DistributorStatus = "terminated"
)

// IsValid reports whether s is one of the distributor statuses.
func (s DistributorStatus) IsValid() bool {
	return s == StatusActive || s == StatusSuspended || s == StatusTerminated
}

// Side is a distributor's side under its placement parent in a binary tree.
type Side string

// The placement sides. SideNone is used without a placement parent and for
// placement trees that are not binary.
const (
	SideNone  Side = ""
	SideLeft  Side = "L"
	SideRight Side = "R"
)

// IsValid reports whether s is one of the sides.
func (s Side) IsValid() bool { return s == SideNone || s == SideLeft || s == SideRight }

// Distributor is a participant with a distributor agreement.
//
// Relations to other distributors are held twice: as IDs (SponsorID,
// PlacementParentID), which the store fills when reading, and as external
// ids (SponsorRef, PlacementParentRef), which let an import name a sponsor
// created earlier in the same batch. On create, a non-zero ID wins over
// the ref; the store fills both.
type Distributor struct {
	ID DistributorID
	// ExternalID is the id in the system of record; unique.
	ExternalID string

	// SponsorID is the enrolling distributor; zero for a root of the
	// sponsor tree.
	SponsorID  DistributorID
	SponsorRef string
	// PlacementParentID is the parent in the placement tree; zero when the
	// distributor is unplaced or a root.
	PlacementParentID  DistributorID
	PlacementParentRef string
	PlacementSide      Side

	// ReferralCode is unique among distributors. When empty on create the
	// store derives one from the external id.
	ReferralCode string
	// Status defaults to active on create.
	Status           DistributorStatus
	JoinedAt         time.Time
	Country          string // ISO 3166-1 alpha-2, e.g. "DE"; may be empty
	Email            string
	DisplayName      string
	AgreementVersion string // version of the distributor agreement accepted

	CreatedAt time.Time
	UpdatedAt time.Time
}

// Validate checks d and returns a CodeInvalid *Error naming the distributor
// and the first bad field. It checks the record alone; the store checks
// relations (the sponsor exists, no cycle, referral code unique).
func (d *Distributor) Validate() error {
	bad := func(field, why string) error {
		return Errorf(CodeInvalid, "distributor %q: %s %s", d.ExternalID, field, why)
	}
	switch {
	case !isExternalID(d.ExternalID):
		return bad("external id", externalIDRule)
	case d.SponsorRef != "" && d.SponsorRef == d.ExternalID,
		d.ID != 0 && d.SponsorID == d.ID:
		return bad("sponsor", "must not be the distributor itself")
	case d.PlacementParentRef != "" && d.PlacementParentRef == d.ExternalID,
		d.ID != 0 && d.PlacementParentID == d.ID:
		return bad("placement parent", "must not be the distributor itself")
	case !d.PlacementSide.IsValid():
		return bad("placement side", `must be "L", "R" or empty`)
	case d.PlacementSide != SideNone && d.PlacementParentID == 0 && d.PlacementParentRef == "":
		return bad("placement side", "requires a placement parent")
	case !isReferralCode(d.ReferralCode):
		return bad("referral code", "must be 3 to 32 letters, digits, '-' or '_'")
	case !d.Status.IsValid():
		return bad("status", "must be active, suspended or terminated")
	case d.JoinedAt.IsZero():
		return bad("joined at", "is required")
	case d.Country != "" && !isCountry(d.Country):
		return bad("country", "must be an ISO 3166-1 alpha-2 code such as DE")
	case d.Email != "" && !isEmail(d.Email):
		return bad("email", "is not an email address")
	case len(d.DisplayName) > 200:
		return bad("display name", "must be at most 200 characters")
	case len(d.AgreementVersion) > 64:
		return bad("agreement version", "must be at most 64 characters")
	}
	return nil
}

// DefaultReferralCode derives a referral code from an external id: its
// letters and digits upper-cased, at most 24 of them, with the prefix "REF"
// when fewer than three remain. The store makes it unique by appending
// "-2", "-3", … on a clash within the programme.
func DefaultReferralCode(externalID string) string {
	var b strings.Builder
	for _, r := range externalID {
		switch {
		case r >= 'a' && r <= 'z':
			b.WriteRune(r - 'a' + 'A')
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			b.WriteRune(r)
		}
		if b.Len() == 24 {
			break
		}
	}
	s := b.String()
	if len(s) < 3 {
		s = "REF" + s
	}
	return s
}

func isReferralCode(s string) bool {
	if len(s) < 3 || len(s) > 32 {
		return false
	}
	for _, c := range []byte(s) {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
		if !ok {
			return false
		}
	}
	return true
}

func isCountry(s string) bool {
	return len(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z'
}

func isEmail(s string) bool {
	local, domain, ok := strings.Cut(s, "@")
	return ok && local != "" && strings.Contains(domain, ".") && !strings.ContainsAny(s, " \t\r\n<>") &&
		!strings.Contains(domain, "@") && len(s) <= 254
}

// DistributorFilter selects distributors; nil fields match everything.
type DistributorFilter struct {
	ID           *DistributorID
	ExternalID   *string
	ReferralCode *string
	SponsorID    *DistributorID
	Status       *DistributorStatus
	Country      *string

	// AfterID is a keyset cursor: only distributors with a larger ID match.
	// Results are ordered by ID. Offset and Limit page as usual; Limit 0
	// means no limit.
	AfterID DistributorID
	Offset  int
	Limit   int
}

// DistributorUpdate holds the fields of a distributor that may change.
// Sponsor and placement change through MoveDistributor.
type DistributorUpdate struct {
	Status           *DistributorStatus
	Country          *string
	Email            *string
	DisplayName      *string
	AgreementVersion *string
}

// DistributorMove changes a distributor's sponsor or placement, effective
// from the period it is made in. Nil fields stay as they are; a zero ID
// makes the distributor a root (sponsor) or unplaced (placement).
type DistributorMove struct {
	SponsorID         *DistributorID
	PlacementParentID *DistributorID
	PlacementSide     *Side
}

// DistributorService stores distributors.
type DistributorService interface {
	// FindDistributorByID returns one distributor. Returns CodeNotFound.
	FindDistributorByID(ctx context.Context, id DistributorID) (*Distributor, error)

	// FindDistributorByExternalID returns one distributor. Returns
	// CodeNotFound.
	FindDistributorByExternalID(ctx context.Context, externalID string) (*Distributor, error)

	// FindDistributors returns the distributors matching filter, ordered by
	// ID, and the total number of matches ignoring Offset and Limit.
	FindDistributors(ctx context.Context, filter DistributorFilter) ([]*Distributor, int, error)

	// CreateDistributor stores d, filling its ID, relation IDs and refs,
	// defaults and timestamps. The same external id with the same content is
	// a no-op that fills d from the stored record. Returns CodeInvalid for a
	// bad record or an unknown sponsor or placement parent, and CodeConflict
	// when the external id exists with other content or the referral code
	// is taken.
	CreateDistributor(ctx context.Context, d *Distributor) error

	// CreateDistributors stores ds in one transaction, in order, so that a
	// record may name a sponsor that comes earlier in ds. Either all are
	// stored (or found identical) or none. Errors name the record and the
	// field, with the codes of CreateDistributor.
	CreateDistributors(ctx context.Context, ds []*Distributor) error

	// UpdateDistributor changes the given fields and returns the result. A
	// status change is recorded in the distributor's history, effective from
	// the current period. Returns CodeNotFound and CodeInvalid.
	UpdateDistributor(ctx context.Context, id DistributorID, upd DistributorUpdate) (*Distributor, error)

	// MoveDistributor changes sponsor or placement, effective from the
	// current period; closed periods keep the tree they were closed with.
	// Returns CodeNotFound for an unknown distributor, sponsor or parent,
	// CodeInvalid for a bad side, and CodeConflict when the move would make
	// the distributor its own upline (a cycle) or the placement slot is
	// taken.
	MoveDistributor(ctx context.Context, id DistributorID, move DistributorMove) (*Distributor, error)
}
