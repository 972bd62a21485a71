package attribution

import (
	"fmt"
	"sort"
	"strings"
	"unicode"

	"github.com/downline/downline"
)

// SignalKind names a self-referral fraud signal.
type SignalKind string

// The self-referral signals (TX-02 (a)(3), issue 6 item 8).
const (
	SignalSameEmail   SignalKind = "same_email"
	SignalSameDomain  SignalKind = "same_domain"
	SignalSameIP      SignalKind = "same_ip"
	SignalSamePayment SignalKind = "same_payment"
	SignalSameAddress SignalKind = "same_address"
)

// Party is what is known of a distributor or a customer for matching.
// IPHashes, PaymentFingerprints and BillingAddresses are opaque tokens
// (keyed hashes of IP addresses, card fingerprints, hashes of addresses
// normalised by NormalizeAddress), compared for equality only.
type Party struct {
	DistributorID       downline.DistributorID // zero for the customer
	Email               string
	Domain              string // organisation domain, if known apart from the email
	IPHashes            []string
	PaymentFingerprints []string
	BillingAddresses    []string
}

// Signal is one reason to review an attribution.
type Signal struct {
	Kind          SignalKind
	DistributorID downline.DistributorID
	Reason        string
}

// freeMail are consumer mailbox domains: sharing one says nothing about
// shared identity, so they never raise a domain signal.
var freeMail = map[string]bool{
	"gmail.com": true, "googlemail.com": true, "outlook.com": true, "hotmail.com": true,
	"live.com": true, "msn.com": true, "yahoo.com": true, "ymail.com": true, "icloud.com": true,
	"me.com": true, "aol.com": true, "proton.me": true, "protonmail.com": true, "gmx.de": true,
	"gmx.net": true, "web.de": true, "mail.ru": true, "yandex.ru": true, "fastmail.com": true,
	"hey.com": true, "zoho.com": true, "qq.com": true, "163.com": true,
}

// IsFreeMail reports whether domain is a consumer mailbox provider.
func IsFreeMail(domain string) bool { return freeMail[NormalizeDomain(domain)] }

// SelfReferralSignals compares a customer with the distributors who would
// earn on it (the seller first, then its upline) and returns every match,
// ordered by distributor then kind. An empty result means no signal. The
// signals flag the attribution for review; they do not undo it.
func SelfReferralSignals(customer Party, earners []Party) []Signal {
	var out []Signal
	cEmail := strings.ToLower(strings.TrimSpace(customer.Email))
	cDomains := orgDomains(customer)
	for _, d := range earners {
		add := func(k SignalKind, format string, args ...any) {
			out = append(out, Signal{Kind: k, DistributorID: d.DistributorID, Reason: fmt.Sprintf(format, args...)})
		}
		if e := strings.ToLower(strings.TrimSpace(d.Email)); e != "" && e == cEmail {
			add(SignalSameEmail, "customer email %s is distributor %d's email", cEmail, d.DistributorID)
		}
		if dom, ok := firstShared(cDomains, orgDomains(d), sameOrganisation); ok {
			add(SignalSameDomain, "customer domain %s matches distributor %d's domain", dom, d.DistributorID)
		}
		if _, ok := firstShared(customer.IPHashes, d.IPHashes, eq); ok {
			add(SignalSameIP, "customer and distributor %d used the same IP address", d.DistributorID)
		}
		if _, ok := firstShared(customer.PaymentFingerprints, d.PaymentFingerprints, eq); ok {
			add(SignalSamePayment, "customer pays with distributor %d's payment method", d.DistributorID)
		}
		if _, ok := firstShared(customer.BillingAddresses, d.BillingAddresses, eq); ok {
			add(SignalSameAddress, "customer's billing address is distributor %d's", d.DistributorID)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].DistributorID != out[j].DistributorID {
			return out[i].DistributorID < out[j].DistributorID
		}
		return out[i].Kind < out[j].Kind
	})
	return out
}

// orgDomains returns p's organisation domains: Domain and the email's
// domain, minus free-mail providers.
func orgDomains(p Party) []string {
	var out []string
	for _, d := range []string{NormalizeDomain(p.Domain), EmailDomain(p.Email)} {
		if d != "" && !freeMail[d] {
			out = append(out, d)
		}
	}
	return out
}

func eq(a, b string) bool { return a != "" && a == b }

// firstShared returns the first element of as matching any of bs.
func firstShared(as, bs []string, match func(a, b string) bool) (string, bool) {
	for _, a := range as {
		for _, b := range bs {
			if match(a, b) {
				return a, true
			}
		}
	}
	return "", false
}

// NormalizeAddress folds a postal address for comparison: lower case,
// every run of spaces and punctuation one space, trimmed. "12 High St.,
// London" and "12  high st london" compare equal.
func NormalizeAddress(a string) string {
	return strings.Join(strings.FieldsFunc(strings.ToLower(a), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}), " ")
}
