package attribution

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/downline/downline"
)

// Employment is what a distributor has told us, or we know, about its
// employer.
type Employment struct {
	DistributorID downline.DistributorID
	Email         string // the distributor's own email; its domain counts unless free mail
	// EmployerDomain and EmployerName are the employer the distributor
	// declared; either may be empty.
	EmployerDomain string
	EmployerName   string
}

// Organisation is the customer as a legal entity.
type Organisation struct {
	Name   string
	Domain string
}

// SelfDealing reports whether e's distributor works for the customer org
// (TX-11): its email domain or declared employer domain is the customer's
// domain (or a subdomain of it, or the reverse), or its declared employer
// name equals the customer's name once case, punctuation and legal-form
// suffixes are ignored. The reason names the match for the audit log.
func SelfDealing(e Employment, org Organisation) (bool, string) {
	cd := NormalizeDomain(org.Domain)
	if d := EmailDomain(e.Email); !freeMail[d] && sameOrganisation(d, cd) {
		return true, fmt.Sprintf("distributor %d's email domain %s is the customer's domain %s", e.DistributorID, d, cd)
	}
	if d := NormalizeDomain(e.EmployerDomain); sameOrganisation(d, cd) {
		return true, fmt.Sprintf("distributor %d declared employer %s, the customer's domain %s", e.DistributorID, d, cd)
	}
	if n := canonicalName(e.EmployerName); n != "" && n == canonicalName(org.Name) {
		return true, fmt.Sprintf("distributor %d declared employer %q, the customer's name", e.DistributorID, e.EmployerName)
	}
	return false, ""
}

// legalForms are company-form words dropped before comparing names.
var legalForms = map[string]bool{
	"inc": true, "incorporated": true, "corp": true, "corporation": true, "co": true, "company": true,
	"ltd": true, "limited": true, "llc": true, "llp": true, "plc": true, "gmbh": true, "ag": true,
	"kg": true, "se": true, "sa": true, "sas": true, "sarl": true, "bv": true, "nv": true,
	"srl": true, "spa": true, "oy": true, "ab": true, "as": true, "pty": true, "kk": true, "the": true,
}

// canonicalName lower-cases a company name, keeps letters and digits, and
// drops legal-form words: "ACME, Inc." and "Acme" compare equal.
func canonicalName(s string) string {
	words := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	var kept []string
	for _, w := range words {
		if !legalForms[w] {
			kept = append(kept, w)
		}
	}
	return strings.Join(kept, " ")
}

// SelfDealingEarners applies SelfDealing to every distributor who would
// earn on the customer's orders (the seller, then each upline, as TX-11
// requires) and returns the reason for each match, in the given order. An
// empty result means the orders need no acknowledgement.
func SelfDealingEarners(earners []Employment, org Organisation) []string {
	var reasons []string
	for _, e := range earners {
		if ok, why := SelfDealing(e, org); ok {
			reasons = append(reasons, why)
		}
	}
	return reasons
}
