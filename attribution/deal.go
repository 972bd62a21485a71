package attribution

import (
	"sort"
	"strings"
	"time"

	"github.com/downline/downline"
)

// DealID identifies a registered deal.
type DealID int64

// DealStatus is where a deal registration stands.
type DealStatus string

// The deal statuses. Expiry is not a status: an approved deal is in force
// from its approval for the exclusivity window, and the time decides.
const (
	DealPending  DealStatus = "pending"
	DealApproved DealStatus = "approved"
	DealRejected DealStatus = "rejected"
)

// Deal is a distributor's registration of a prospect organisation.
type Deal struct {
	ID            DealID
	DistributorID downline.DistributorID
	Organisation  string
	Domain        string // normalised with NormalizeDomain
	Status        DealStatus
	RegisteredAt  time.Time
	ApprovedAt    time.Time // zero unless approved
	ExpiresAt     time.Time // ApprovedAt + the window; zero unless approved
}

// IsInForce reports whether d is approved and its exclusivity covers t.
func (d Deal) IsInForce(t time.Time) bool {
	return d.Status == DealApproved && !t.Before(d.ApprovedAt) && t.Before(d.ExpiresAt)
}

// DefaultExclusivity is how long an approved deal reserves its domain.
const DefaultExclusivity = 90 * 24 * time.Hour

// DealPolicy holds the deal-registration rules.
type DealPolicy struct {
	Exclusivity time.Duration // zero means DefaultExclusivity
}

func (p DealPolicy) window() time.Duration {
	if p.Exclusivity <= 0 {
		return DefaultExclusivity
	}
	return p.Exclusivity
}

// Approve approves d at time at. Conflicts are resolved first-approved-wins:
// approval fails with CodeConflict while another approved deal for the same
// domain is in force, whoever registered first, so the earlier approval
// keeps its exclusivity. existing may include d itself.
func (p DealPolicy) Approve(d Deal, existing []Deal, at time.Time) (Deal, error) {
	if d.Status != DealPending {
		return d, downline.Errorf(downline.CodeConflict, "deal %d: only a pending deal can be approved; it is %s", d.ID, d.Status)
	}
	if d.Domain == "" {
		return d, downline.Errorf(downline.CodeInvalid, "deal %d: domain is required", d.ID)
	}
	for _, e := range existing {
		if e.ID != d.ID && e.Domain == d.Domain && e.IsInForce(at) {
			return d, downline.Errorf(downline.CodeConflict,
				"deal %d: %s is registered to another deal (%d) until %s", d.ID, d.Domain, e.ID, e.ExpiresAt.UTC().Format(time.DateOnly))
		}
	}
	d.Status, d.ApprovedAt, d.ExpiresAt = DealApproved, at, at.Add(p.window())
	return d, nil
}

// Holder returns the deal that holds domain at time at: among approved
// deals in force, the earliest approved (then the lowest id). Approve keeps
// approvals from overlapping; Holder also settles overlaps in imported data.
func (p DealPolicy) Holder(deals []Deal, domain string, at time.Time) (Deal, bool) {
	domain = NormalizeDomain(domain)
	var in []Deal
	for _, d := range deals {
		if d.Domain == domain && d.IsInForce(at) {
			in = append(in, d)
		}
	}
	if len(in) == 0 {
		return Deal{}, false
	}
	sort.Slice(in, func(i, j int) bool {
		if !in[i].ApprovedAt.Equal(in[j].ApprovedAt) {
			return in[i].ApprovedAt.Before(in[j].ApprovedAt)
		}
		return in[i].ID < in[j].ID
	})
	return in[0], true
}

// NormalizeDomain lower-cases a domain or URL host and strips a scheme,
// path, port, trailing dot and leading "www.", so that "https://WWW.Acme.com/"
// and "acme.com" compare equal.
func NormalizeDomain(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if i := strings.Index(s, "://"); i >= 0 {
		s = s[i+3:]
	}
	if i := strings.IndexAny(s, "/?#"); i >= 0 {
		s = s[:i]
	}
	if i := strings.LastIndexByte(s, '@'); i >= 0 {
		s = s[i+1:]
	}
	if i := strings.LastIndexByte(s, ':'); i >= 0 {
		s = s[:i]
	}
	s = strings.TrimSuffix(s, ".")
	return strings.TrimPrefix(s, "www.")
}

// EmailDomain returns the normalised domain of an email address, or "".
func EmailDomain(email string) string {
	i := strings.LastIndexByte(email, '@')
	if i < 0 {
		return ""
	}
	return NormalizeDomain(email[i+1:])
}

// sameOrganisation reports whether two normalised domains belong to one
// organisation: equal, or one a subdomain of the other.
func sameOrganisation(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	return a == b || strings.HasSuffix(a, "."+b) || strings.HasSuffix(b, "."+a)
}
