package compplan

import (
	"fmt"
	"time"
)

// ID identifies a distributor. IDs are positive; 0 means "none" (a root's
// sponsor, an unplaced distributor's placement parent).
type ID int64

// Status is a distributor's agreement status. Only StatusActive
// distributors can be active in a period and earn.
type Status uint8

// The statuses.
const (
	StatusActive Status = iota
	StatusSuspended
	StatusTerminated
)

// String returns the status as written in CSV files.
func (s Status) String() string {
	switch s {
	case StatusActive:
		return "active"
	case StatusSuspended:
		return "suspended"
	case StatusTerminated:
		return "terminated"
	}
	return fmt.Sprintf("status(%d)", uint8(s))
}

// Side is a binary placement side.
type Side uint8

// The sides.
const (
	SideNone Side = iota
	SideLeft
	SideRight
)

// Distributor is one node of the tree as it stood at period end.
type Distributor struct {
	ID        ID
	Sponsor   ID // 0 for a root
	Placement ID // binary placement parent; 0 when not placed
	Side      Side
	JoinedAt  time.Time
	Status    Status
	// Jurisdiction is where the distributor resides, for TX-12 (zero for
	// every jurisdiction without pay-run rules of its own).
	Jurisdiction Jurisdiction
}

// Jurisdiction is a participant's residence as far as the pay run cares
// (TX-12): one byte, so that ten million distributors cost nothing extra.
// Countries without pay-run rules of their own are JurisdictionOther.
type Jurisdiction uint8

// The jurisdictions the engine distinguishes. Only CN changes pay (single
// level, pay capped at a share of own direct sales); KR and UK are named
// for the explanation and the linter (see Gates.CNOwnSalesCap).
const (
	JurisdictionOther Jurisdiction = iota
	JurisdictionCN
	JurisdictionKR
	JurisdictionUK
)

var jurisdictionCodes = [...]string{"", "CN", "KR", "UK"}

// JurisdictionOf maps an ISO 3166-1 alpha-2 country code ("CN", "GB") to
// the engine's jurisdiction; unknown or empty codes are JurisdictionOther.
func JurisdictionOf(country string) Jurisdiction {
	switch country {
	case "CN", "cn":
		return JurisdictionCN
	case "KR", "kr":
		return JurisdictionKR
	case "GB", "gb", "UK", "uk":
		return JurisdictionUK
	}
	return JurisdictionOther
}

// String returns the jurisdiction's code ("" for JurisdictionOther).
func (j Jurisdiction) String() string {
	if int(j) < len(jurisdictionCodes) {
		return jurisdictionCodes[j]
	}
	return fmt.Sprintf("jurisdiction(%d)", uint8(j))
}

// Purpose is an order's recorded purpose (TX-01).
type Purpose uint8

// The purposes.
const (
	PurposeCustomerDirect Purpose = iota
	PurposePersonalUse
	PurposeResaleStock
	PurposeReceiptedResale
	PurposeNonCommissionable
)

var purposeNames = [...]string{"customer_direct", "personal_use", "resale_stock", "receipted_resale", "non_commissionable"}

// String returns the purpose as written in CSV files.
func (p Purpose) String() string {
	if int(p) < len(purposeNames) {
		return purposeNames[p]
	}
	return fmt.Sprintf("purpose(%d)", uint8(p))
}

// ParsePurpose parses a purpose as written in CSV files.
func ParsePurpose(s string) (Purpose, error) {
	for i, n := range purposeNames {
		if n == s {
			return Purpose(i), nil
		}
	}
	return 0, fmt.Errorf("unknown purpose %q", s)
}

// Order is one order or refund (negative volumes, RefundOf set). Volumes
// and Amount are minor units.
type Order struct {
	ID          string
	Distributor ID     // the credited distributor
	Customer    string // "" for personal use
	Purpose     Purpose
	PaidAt      time.Time
	CV          int64
	QV          int64
	BV          int64
	Amount      int64 // revenue; when zero, CV stands in for it (TX-04)
	RefundOf    string
}

// Volume is one distributor's pre-aggregated volume for a period, as the
// store maintains it at ingestion. Aggregator.Add produces the same sums
// from orders.
type Volume struct {
	CuV int64 // customer-direct and receipted-resale CV, net of refunds
	PCV int64 // personal-use CV
	QV  int64 // qualifying volume of commissionable orders (informational)
	BV  int64 // binary volume of commissionable orders (CuV and rewardable personal use)
	FSV int64 // CuV inside the distributor's fast-start window
	// CustomerOrders counts customer-direct and receipted-resale orders
	// with positive CV; each refund row of those purposes subtracts one.
	CustomerOrders int32
	// CustomerRevenue and TotalRevenue feed the TX-04 customer-share test:
	// customer orders' revenue, and revenue of orders of every purpose.
	CustomerRevenue, TotalRevenue int64
}

// Period is one commission period: its name (YYYY-MM) and the half-open
// instant range [Start, End) in the programme's time zone.
type Period struct {
	Name       string
	Start, End time.Time
}

// ParsePeriod returns the calendar-month period named "YYYY-MM" in loc.
func ParsePeriod(name string, loc *time.Location) (Period, error) {
	t, err := time.ParseInLocation("2006-01", name, loc)
	if err != nil || t.Format("2006-01") != name {
		return Period{}, fmt.Errorf("period %q is not YYYY-MM", name)
	}
	return Period{Name: name, Start: t, End: t.AddDate(0, 1, 0)}, nil
}

// Contains reports whether t falls in the period.
func (p Period) Contains(t time.Time) bool {
	return !t.Before(p.Start) && t.Before(p.End)
}

// Snapshot is everything one commission run reads: the tree at period
// end, the period's orders and refunds and/or pre-aggregated volumes, and
// the state carried in from the previous period.
type Snapshot struct {
	Period       Period
	Distributors []Distributor
	// Orders outside Period are ignored.
	Orders []Order
	// Volumes are pre-aggregated volumes, added to what Orders yield.
	Volumes []DistributorVolume
	// State carried in; nil for a first period.
	State *State
	// Company is the trailing-12-month company totals for TX-07; nil
	// tests this period's own totals.
	Company *CompanyVolume
}

// CompanyVolume is the company's totals over the TX-07 window (trailing 12
// months including the period evaluated), in minor units: all product
// revenue, customer volume, and the sum over each period and distributor
// of rewardable personal use (RPCV after the TX-03 caps).
type CompanyVolume struct {
	Revenue, CuV, RPCV int64
}

// SellThrough is one distributor's TX-05 figures over the trailing window:
// units bought for resale and units resold or assigned to verified
// customers.
type SellThrough struct {
	Bought, Resold int64
}

// DistributorVolume is a pre-aggregated Volume for one distributor,
// optionally with this period's distinct customer ids (for the TX-06
// trailing count).
type DistributorVolume struct {
	ID        ID
	Volume    Volume
	Customers []string
	// ActiveCustomers, when not nil, is the caller's count of distinct
	// customers over Plan.CustomerWindowMonths (including this period); it
	// replaces the count derived from State and Customers.
	ActiveCustomers *int32
	// SellThrough, when not nil, is the distributor's TX-05 figures over
	// the trailing window; without them the gate passes (nothing bought
	// for resale).
	SellThrough *SellThrough
}
