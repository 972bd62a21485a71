package attribution_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"

	"github.com/downline/downline"
	"github.com/downline/downline/attribution"
)

func TestDealApproveFirstApprovedWins(t *testing.T) {
	p := attribution.DealPolicy{} // 90 days
	// Bob registered acme first (day 1) but Alice's deal was approved
	// first (day 3); Bob's approval on day 5 conflicts.
	alice := attribution.Deal{ID: 2, DistributorID: 1, Domain: "acme.example", Status: attribution.DealPending, RegisteredAt: days(2)}
	bob := attribution.Deal{ID: 1, DistributorID: 2, Domain: "acme.example", Status: attribution.DealPending, RegisteredAt: days(1)}

	alice, err := p.Approve(alice, []attribution.Deal{alice, bob}, days(3))
	if err != nil {
		t.Fatalf("Approve(alice) = %v", err)
	}
	// Approved on day 3, exclusive for 90 days: until day 93.
	if want := days(93); !alice.ExpiresAt.Equal(want) {
		t.Errorf("ExpiresAt = %s, want %s", alice.ExpiresAt, want)
	}
	_, err = p.Approve(bob, []attribution.Deal{alice, bob}, days(5))
	if downline.ErrorCode(err) != downline.CodeConflict {
		t.Fatalf("Approve(bob) during Alice's exclusivity = %v, want conflict", err)
	}
	// On day 93 Alice's exclusivity has expired; Bob's deal can be approved.
	bob2, err := p.Approve(bob, []attribution.Deal{alice, bob}, days(93))
	if err != nil {
		t.Fatalf("Approve(bob) after expiry = %v", err)
	}
	if _, err := p.Approve(bob2, nil, days(94)); downline.ErrorCode(err) != downline.CodeConflict {
		t.Errorf("approving an approved deal = %v, want conflict", err)
	}
	// Holder on day 50 is Alice; on day 93 Bob; on day 183 no one
	// (Bob's approval on day 93 + 90 = day 183).
	for _, c := range []struct {
		day  int
		want attribution.DealID
		ok   bool
	}{{50, 2, true}, {92, 2, true}, {93, 1, true}, {182, 1, true}, {183, 0, false}} {
		got, ok := p.Holder([]attribution.Deal{alice, bob2}, "WWW.Acme.Example", days(c.day))
		if ok != c.ok || got.ID != c.want {
			t.Errorf("Holder on day %d = %d,%t, want %d,%t", c.day, got.ID, ok, c.want, c.ok)
		}
	}
}

func TestDealHolderSettlesImportedOverlap(t *testing.T) {
	p := attribution.DealPolicy{Exclusivity: 30 * 24 * time.Hour}
	deals := []attribution.Deal{
		{ID: 9, DistributorID: 3, Domain: "acme.example", Status: attribution.DealApproved, ApprovedAt: days(5), ExpiresAt: days(35)},
		{ID: 4, DistributorID: 1, Domain: "acme.example", Status: attribution.DealApproved, ApprovedAt: days(2), ExpiresAt: days(32)},
		{ID: 5, DistributorID: 2, Domain: "acme.example", Status: attribution.DealRejected, ApprovedAt: days(1), ExpiresAt: days(31)},
	}
	got, ok := p.Holder(deals, "acme.example", days(10))
	if !ok || got.ID != 4 {
		t.Errorf("Holder = %d,%t, want deal 4 (approved first; 5 was rejected)", got.ID, ok)
	}
}

func TestDealApproveNeedsDomain(t *testing.T) {
	_, err := attribution.DealPolicy{}.Approve(attribution.Deal{ID: 1, Status: attribution.DealPending}, nil, days(1))
	if downline.ErrorCode(err) != downline.CodeInvalid {
		t.Errorf("Approve(no domain) = %v, want invalid", err)
	}
}

func TestNormalizeDomain(t *testing.T) {
	for in, want := range map[string]string{
		"acme.example":                 "acme.example",
		"https://WWW.Acme.Example/x?y": "acme.example",
		"it.acme.example.":             "it.acme.example",
		"mailto:bob@Acme.Example":      "acme.example",
		"acme.example:8443":            "acme.example",
		"  ":                           "",
	} {
		if got := attribution.NormalizeDomain(in); got != want {
			t.Errorf("NormalizeDomain(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestReassign(t *testing.T) {
	active, term, susp := downline.StatusActive, downline.StatusTerminated, downline.StatusSuspended
	upline := []attribution.UplineMember{{ID: 7, Status: term}, {ID: 5, Status: susp}, {ID: 3, Status: active}, {ID: 1, Status: active}}
	at := days(30)
	got := attribution.Reassign(9, []downline.CustomerID{12, 10}, upline, attribution.ToNearestActiveUpline, at)
	why := "distributor 9 terminated: nearest active upline (3 level(s) up)"
	want := []attribution.Move{{CustomerID: 10, From: 9, To: 3, At: at, Reason: why}, {CustomerID: 12, From: 9, To: 3, At: at, Reason: why}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Reassign diff (-want +got):\n%s", diff)
	}
	if to, _ := attribution.NewOwner(upline, attribution.ToCompany); to != 0 {
		t.Errorf("NewOwner(company policy) = %d, want 0", to)
	}
	if to, why := attribution.NewOwner(upline[:2], attribution.ToNearestActiveUpline); to != 0 || why != "no active upline; passed to the company" {
		t.Errorf("NewOwner(no active upline) = %d %q, want the company", to, why)
	}
}

// Holder's choice does not depend on the order of the deals.
func TestDealHolderOrderIndependent(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 8).Draw(t, "n")
		var deals []attribution.Deal
		for i := range n {
			start := rapid.IntRange(0, 60).Draw(t, "approved")
			deals = append(deals, attribution.Deal{ID: attribution.DealID(i + 1), DistributorID: downline.DistributorID(i%3 + 1),
				Domain:     rapid.SampledFrom([]string{"acme.example", "beta.example"}).Draw(t, "domain"),
				Status:     rapid.SampledFrom([]attribution.DealStatus{attribution.DealApproved, attribution.DealRejected}).Draw(t, "status"),
				ApprovedAt: days(start), ExpiresAt: days(start + 30)})
		}
		at := days(rapid.IntRange(0, 100).Draw(t, "at"))
		p := attribution.DealPolicy{}
		want, wok := p.Holder(deals, "acme.example", at)
		got, gok := p.Holder(rapid.Permutation(deals).Draw(t, "perm"), "acme.example", at)
		if got != want || gok != wok {
			t.Fatalf("Holder(permuted) = %+v,%t, want %+v,%t", got, gok, want, wok)
		}
		if wok && !want.IsInForce(at) {
			t.Fatalf("Holder returned deal %d not in force at %s", want.ID, at)
		}
	})
}
