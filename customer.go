package downline

import (
	"context"
	"strings"
	"time"
)

// Attribution is how a customer came to be credited to its distributor.
type Attribution string

// The attribution methods.
const (
	AttributionLink   Attribution = "link"   // a referral link click
	AttributionCode   Attribution = "code"   // a referral code entered at checkout
	AttributionDeal   Attribution = "deal"   // a registered deal
	AttributionManual Attribution = "manual" // assigned by an administrator
	AttributionImport Attribution = "import" // carried over from another system
)

// IsValid reports whether a is one of the attribution methods.
func (a Attribution) IsValid() bool {
	switch a {
	case AttributionLink, AttributionCode, AttributionDeal, AttributionManual, AttributionImport:
		return true
	}
	return false
}

// Customer is an organisation (or a person) that buys for its own use and
// is not a participant. Its orders, including renewals, are credited to its
// distributor.
type Customer struct {
	ID         CustomerID
	ExternalID string
	// Name is the organisation's name.
	Name string
	// Domain is the organisation's internet domain, e.g. "example.com";
	// optional.
	Domain string
	// DistributorID is the credited distributor; on create a non-zero ID
	// wins over DistributorRef, the distributor's external id.
	DistributorID  DistributorID
	DistributorRef string
	Attribution    Attribution

	CreatedAt time.Time
	UpdatedAt time.Time
}

// Validate checks c and returns a CodeInvalid *Error naming the customer
// and the first bad field.
func (c *Customer) Validate() error {
	bad := func(field, why string) error {
		return Errorf(CodeInvalid, "customer %q: %s %s", c.ExternalID, field, why)
	}
	switch {
	case !isExternalID(c.ExternalID):
		return bad("external id", externalIDRule)
	case strings.TrimSpace(c.Name) == "":
		return bad("name", "is required")
	case len(c.Name) > 200:
		return bad("name", "must be at most 200 characters")
	case c.Domain != "" && !isDomain(c.Domain):
		return bad("domain", "must be a lower-case domain name such as example.com")
	case c.DistributorID == 0 && c.DistributorRef == "":
		return bad("distributor", "is required")
	case !c.Attribution.IsValid():
		return bad("attribution", "must be link, code, deal, manual or import")
	}
	return nil
}

func isDomain(s string) bool {
	if len(s) > 253 || !strings.Contains(s, ".") {
		return false
	}
	for _, label := range strings.Split(s, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, c := range []byte(label) {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}

// CustomerFilter selects customers; nil fields match everything.
type CustomerFilter struct {
	ID            *CustomerID
	ExternalID    *string
	DistributorID *DistributorID
	Domain        *string

	// AfterID is a keyset cursor; results are ordered by ID. Limit 0 means
	// no limit.
	AfterID CustomerID
	Offset  int
	Limit   int
}

// CustomerService stores customers.
type CustomerService interface {
	// FindCustomerByID returns one customer. Returns CodeNotFound.
	FindCustomerByID(ctx context.Context, id CustomerID) (*Customer, error)

	// FindCustomers returns the customers matching filter, ordered by ID,
	// and the total number of matches ignoring Offset and Limit.
	FindCustomers(ctx context.Context, filter CustomerFilter) ([]*Customer, int, error)

	// CreateCustomer stores c, filling its ID, distributor and timestamps.
	// The same external id with the same content is a no-op. Returns
	// CodeInvalid for a bad record or an unknown distributor and
	// CodeConflict when the external id exists with other content.
	CreateCustomer(ctx context.Context, c *Customer) error

	// CreateCustomers stores cs in one transaction: all or none.
	CreateCustomers(ctx context.Context, cs []*Customer) error
}
