package attribution_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/downline/downline"
	"github.com/downline/downline/attribution"
)

func TestSelfDealing(t *testing.T) {
	acme := attribution.Organisation{Name: "ACME Corporation", Domain: "acme.example"}
	tests := []struct {
		name       string
		e          attribution.Employment
		want       bool
		wantReason string
	}{
		{"email domain matches", attribution.Employment{DistributorID: 1, Email: "sam@acme.example"}, true,
			"distributor 1's email domain acme.example is the customer's domain acme.example"},
		{"subdomain email matches", attribution.Employment{DistributorID: 1, Email: "sam@it.acme.example"}, true,
			"distributor 1's email domain it.acme.example is the customer's domain acme.example"},
		{"declared employer domain", attribution.Employment{DistributorID: 2, Email: "sam@gmail.com", EmployerDomain: "https://www.acme.example"}, true,
			"distributor 2 declared employer acme.example, the customer's domain acme.example"},
		{"declared employer name", attribution.Employment{DistributorID: 3, Email: "sam@gmail.com", EmployerName: "Acme, Inc."}, true,
			`distributor 3 declared employer "Acme, Inc.", the customer's name`},
		{"unrelated", attribution.Employment{DistributorID: 4, Email: "sam@other.example", EmployerName: "Acme Widgets"}, false, ""},
		{"look-alike domain", attribution.Employment{DistributorID: 5, Email: "sam@notacme.example"}, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, why := attribution.SelfDealing(tt.e, acme)
			if got != tt.want || why != tt.wantReason {
				t.Errorf("SelfDealing = %t %q, want %t %q", got, why, tt.want, tt.wantReason)
			}
		})
	}
	// A free-mail customer domain never matches a free-mail distributor.
	if got, _ := attribution.SelfDealing(attribution.Employment{Email: "a@gmail.com"}, attribution.Organisation{Domain: "gmail.com"}); got {
		t.Error("free-mail domains matched")
	}
}

func TestSelfReferralSignals(t *testing.T) {
	customer := attribution.Party{Email: "Buyer@Acme.example", IPHashes: []string{"h1", "h2"}, PaymentFingerprints: []string{"fp9"},
		BillingAddresses: []string{"a1"}}
	earners := []attribution.Party{
		{DistributorID: 5, Email: "upline@gmail.com", PaymentFingerprints: []string{"fp9"}, BillingAddresses: []string{"a1"}},
		{DistributorID: 3, Email: "buyer@acme.example", IPHashes: []string{"h2"}},
		{DistributorID: 8, Email: "x@gmail.com", Domain: "other.example"},
	}
	got := attribution.SelfReferralSignals(customer, earners)
	want := []attribution.Signal{
		{Kind: attribution.SignalSameDomain, DistributorID: 3, Reason: "customer domain acme.example matches distributor 3's domain"},
		{Kind: attribution.SignalSameEmail, DistributorID: 3, Reason: "customer email buyer@acme.example is distributor 3's email"},
		{Kind: attribution.SignalSameIP, DistributorID: 3, Reason: "customer and distributor 3 used the same IP address"},
		{Kind: attribution.SignalSameAddress, DistributorID: 5, Reason: "customer's billing address is distributor 5's"},
		{Kind: attribution.SignalSamePayment, DistributorID: 5, Reason: "customer pays with distributor 5's payment method"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("SelfReferralSignals diff (-want +got):\n%s", diff)
	}
	gmailCustomer := attribution.Party{Email: "someone@gmail.com"}
	if s := attribution.SelfReferralSignals(gmailCustomer, earners); len(s) != 0 {
		t.Errorf("free-mail customer raised %+v", s)
	}
}

func TestNormalizeAddress(t *testing.T) {
	for _, tt := range []struct{ a, b string }{
		{"12 High St., London", "12  high st london"},
		{"Hauptstraße 5\n10115 Berlin", "hauptstraße 5, 10115 BERLIN"},
	} {
		if x, y := attribution.NormalizeAddress(tt.a), attribution.NormalizeAddress(tt.b); x != y {
			t.Errorf("NormalizeAddress(%q) = %q, NormalizeAddress(%q) = %q; want equal", tt.a, x, tt.b, y)
		}
	}
	if attribution.NormalizeAddress("12 High St") == attribution.NormalizeAddress("21 High St") {
		t.Error("different house numbers compare equal")
	}
}

var ackKey = []byte("0123456789abcdef0123456789abcdef")

func TestAckToken(t *testing.T) {
	a := attribution.Ack{HoldID: 41, CustomerID: 7, DistributorID: 3, ExpiresAt: days(14)}
	tok, err := attribution.SignAck(ackKey, a)
	if err != nil {
		t.Fatal(err)
	}
	got, err := attribution.VerifyAckToken(ackKey, tok, days(13))
	if err != nil {
		t.Fatalf("VerifyAckToken = %v", err)
	}
	if got != a {
		t.Errorf("claims = %+v, want %+v", got, a)
	}
	if _, err := attribution.VerifyAckToken(ackKey, tok, days(14)); !errors.Is(err, attribution.ErrAckExpired) {
		t.Errorf("at expiry: %v, want ErrAckExpired", err)
	}
	otherKey := []byte(strings.Repeat("k", 32))
	if _, err := attribution.VerifyAckToken(otherKey, tok, days(1)); !errors.Is(err, attribution.ErrAckSignature) {
		t.Errorf("other key: %v, want ErrAckSignature", err)
	}
	// Re-sign the claims with the distributor id changed but keep the old
	// MAC: the signature no longer matches.
	forged, _ := attribution.SignAck(ackKey, attribution.Ack{HoldID: 41, CustomerID: 7, DistributorID: 4, ExpiresAt: days(14)})
	claims, _, _ := strings.Cut(forged, ".")
	_, mac, _ := strings.Cut(tok, ".")
	if _, err := attribution.VerifyAckToken(ackKey, claims+"."+mac, days(1)); !errors.Is(err, attribution.ErrAckSignature) {
		t.Errorf("forged claims: %v, want ErrAckSignature", err)
	}
	for _, bad := range []string{"", "abc", "a.b", "!!.!!"} {
		if _, err := attribution.VerifyAckToken(ackKey, bad, days(1)); err == nil {
			t.Errorf("VerifyAckToken(%q) = nil error", bad)
		}
	}
	if _, err := attribution.SignAck([]byte("short"), a); err == nil {
		t.Error("SignAck accepted a short key")
	}
	if _, err := attribution.SignAck(ackKey, attribution.Ack{HoldID: 1}); err == nil {
		t.Error("SignAck accepted missing claims")
	}
}

func FuzzVerifyAckToken(f *testing.F) {
	tok, _ := attribution.SignAck(ackKey, attribution.Ack{HoldID: 1, CustomerID: 2, DistributorID: 3, ExpiresAt: days(10)})
	f.Add(tok)
	f.Add("")
	f.Add("YWNrMXwxfDJ8M3w0.AAAA")
	f.Fuzz(func(t *testing.T, s string) {
		a, err := attribution.VerifyAckToken(ackKey, s, days(1))
		if err == nil && (a.HoldID == 0 && a.CustomerID == 0) {
			t.Fatalf("accepted %q with empty claims", s)
		}
	})
}

func TestCheckAcknowledger(t *testing.T) {
	acme := attribution.Organisation{Name: "Acme", Domain: "acme.example"}
	dist := []string{"Sam@acme.example", "upline@gmail.com"}
	tests := []struct {
		name string
		who  attribution.Acknowledger
		want downline.Code
	}{
		{"colleague", attribution.Acknowledger{Name: "Pat Procurement", Email: "pat@acme.example"}, ""},
		{"colleague in a subdomain", attribution.Acknowledger{Name: "Pat", Email: "pat@eu.acme.example"}, ""},
		{"the distributor", attribution.Acknowledger{Name: "Sam", Email: "sam@ACME.example"}, downline.CodeForbidden},
		{"outsider", attribution.Acknowledger{Name: "Eve", Email: "eve@other.example"}, downline.CodeForbidden},
		{"look-alike domain", attribution.Acknowledger{Name: "Eve", Email: "eve@evilacme.example"}, downline.CodeForbidden},
		{"no name", attribution.Acknowledger{Email: "pat@acme.example"}, downline.CodeInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := downline.ErrorCode(attribution.CheckAcknowledger(tt.who, acme, dist)); got != tt.want {
				t.Errorf("CheckAcknowledger code = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestSelfDealingEarners(t *testing.T) {
	org := attribution.Organisation{Name: "Acme", Domain: "acme.example"}
	earners := []attribution.Employment{
		{DistributorID: 9, Email: "seller@other.example"},
		{DistributorID: 4, Email: "boss@acme.example"}, // the seller's upline works for the customer
		{DistributorID: 1, EmployerName: "ACME Ltd"},
	}
	got := attribution.SelfDealingEarners(earners, org)
	want := []string{
		"distributor 4's email domain acme.example is the customer's domain acme.example",
		`distributor 1 declared employer "ACME Ltd", the customer's name`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("SelfDealingEarners diff (-want +got):\n%s", diff)
	}
}
