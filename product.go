package downline

import (
	"context"
	"strings"
	"time"
)

// ProductKind classifies a catalogue item. Tools, fees and training are
// never commissionable (compliance rules PL-03 and PL-11).
type ProductKind string

// The product kinds.
const (
	KindSubscription ProductKind = "subscription"
	KindSupport      ProductKind = "support"
	KindService      ProductKind = "service"
	KindTraining     ProductKind = "training"
	KindTool         ProductKind = "tool"
	KindFee          ProductKind = "fee"
)

// IsValid reports whether k is one of the product kinds.
func (k ProductKind) IsValid() bool {
	switch k {
	case KindSubscription, KindSupport, KindService, KindTraining, KindTool, KindFee:
		return true
	}
	return false
}

// CanBeCommissionable reports whether products of kind k may carry
// commissionable volume.
func (k ProductKind) CanBeCommissionable() bool {
	return k == KindSubscription || k == KindSupport || k == KindService
}

// Product is one catalogue item. Prices, CV and QV are in minor units of
// the programme currency, per unit.
type Product struct {
	ID ProductID
	// ExternalID is the SKU, unique in the catalogue; orders refer to
	// products by it.
	ExternalID string
	Name       string
	Kind       ProductKind
	// RetailPrice is what a customer pays per unit.
	RetailPrice int64
	// WholesalePrice is what a distributor pays per unit for resale stock;
	// zero when the product is not sold wholesale.
	WholesalePrice int64
	// CV is the commissionable volume per unit (by convention the net
	// price); QV the qualifying volume per unit for ranks (by convention
	// equal to CV). Both are zero for non-commissionable products.
	CV int64
	QV int64
	// Commissionable reports whether orders of the product generate volume.
	Commissionable bool

	CreatedAt time.Time
	UpdatedAt time.Time
}

// Validate checks p and returns a CodeInvalid *Error naming the product and
// the first bad field.
func (p *Product) Validate() error {
	bad := func(field, why string) error {
		return Errorf(CodeInvalid, "product %q: %s %s", p.ExternalID, field, why)
	}
	switch {
	case !isExternalID(p.ExternalID):
		return bad("external id", externalIDRule)
	case strings.TrimSpace(p.Name) == "":
		return bad("name", "is required")
	case !p.Kind.IsValid():
		return bad("kind", "must be subscription, support, service, training, tool or fee")
	case p.RetailPrice < 0:
		return bad("retail price", "must not be negative")
	case p.WholesalePrice < 0:
		return bad("wholesale price", "must not be negative")
	case p.CV < 0:
		return bad("CV", "must not be negative")
	case p.QV < 0:
		return bad("QV", "must not be negative")
	case p.Commissionable && !p.Kind.CanBeCommissionable():
		return bad("commissionable", "must be false for "+string(p.Kind)+" products (PL-03, PL-11)")
	case !p.Commissionable && (p.CV != 0 || p.QV != 0):
		return bad("CV", "must be zero for a non-commissionable product")
	}
	return nil
}

// ProductFilter selects products; nil fields match everything.
type ProductFilter struct {
	ID             *ProductID
	ExternalID     *string
	Kind           *ProductKind
	Commissionable *bool

	// Offset and Limit page through the results ordered by ID; Limit 0
	// means no limit.
	Offset int
	Limit  int
}

// ProductService stores the catalogue.
type ProductService interface {
	// FindProductByID returns one product. Returns CodeNotFound.
	FindProductByID(ctx context.Context, id ProductID) (*Product, error)

	// FindProducts returns the products matching filter and the total number
	// of matches ignoring Offset and Limit.
	FindProducts(ctx context.Context, filter ProductFilter) ([]*Product, int, error)

	// CreateProduct stores p and sets its ID and timestamps. Creating the
	// same external id again with the same content is a no-op that fills p
	// from the stored record. Returns CodeInvalid for a bad product and
	// CodeConflict when the external id exists with other content.
	CreateProduct(ctx context.Context, p *Product) error
}

const externalIDRule = "must be 1 to 200 printable characters without leading or trailing spaces"

// isExternalID reports whether s is acceptable as an external id.
func isExternalID(s string) bool {
	if s == "" || len(s) > 200 || strings.TrimSpace(s) != s {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return false
		}
	}
	return true
}
