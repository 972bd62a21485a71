package compliance

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestVisibility(t *testing.T) {
	tests := []struct {
		name  string
		depth int
		c     Consent
		want  Tier
	}{
		{"not in downline", -1, Consent{ContactOptIn: true}, TierNone},
		{"self", 0, Consent{}, TierSelf},
		{"level 1", 1, Consent{}, TierLevel1},
		{"level 1 opted in", 1, Consent{ContactOptIn: true}, TierLevel1Contact},
		{"level 1 objected", 1, Consent{ContactOptIn: true, IdentityObjected: true}, TierAggregate},
		{"level 1 across a border", 1, Consent{CrossBorder: true}, TierAggregate},
		{"level 1 terminated", 1, Consent{Terminated: true}, TierAggregate},
		{"level 2 opted in", 2, Consent{ContactOptIn: true}, TierAggregate},
		{"level 3", 3, Consent{}, TierAggregate},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Visibility(tt.depth, tt.c); got != tt.want {
				t.Errorf("Visibility(%d, %+v) = %v, want %v", tt.depth, tt.c, got, tt.want)
			}
		})
	}
}

func TestCanSeeNeverVisible(t *testing.T) {
	never := []Field{FieldCustomers, FieldOrders, FieldPersonalUse, FieldEarnings, FieldBankTax, FieldGovernmentID}
	for _, tier := range []Tier{TierNone, TierAggregate, TierLevel1, TierLevel1Contact} {
		for _, f := range never {
			if CanSee(tier, f) {
				t.Errorf("CanSee(%v, %s) = true, want false (DP-02: never visible)", tier, f)
			}
		}
	}
	if !CanSee(TierSelf, FieldEarnings) {
		t.Errorf("CanSee(self, earnings) = false, want true")
	}
	if CanSee(TierAggregate, FieldDisplayName) || !CanSee(TierAggregate, FieldRank) {
		t.Errorf("aggregate tier: display name %v, rank %v; want false, true",
			CanSee(TierAggregate, FieldDisplayName), CanSee(TierAggregate, FieldRank))
	}
}

func TestFilter(t *testing.T) {
	pass := true
	full := ParticipantView{ID: "D-17", Pseudonym: Pseudonym([]byte("k"), "D-17"), DisplayName: "Ada",
		Contact: "ada@example.com", Rank: "R1", JoinMonth: "2025-03", OwnCuV: 150000, LegCuV: []int64{1, 2},
		VemmaPass: &pass, Customers: []string{"Acme"}, PersonalUse: 9900, Earnings: 30000,
		BankTax: "DE89…", GovernmentID: "X123"}
	l2 := Filter(full, Visibility(2, Consent{ContactOptIn: true}))
	want := ParticipantView{ID: full.Pseudonym, Pseudonym: full.Pseudonym, Rank: "R1", LegCuV: []int64{1, 2}}
	if diff := cmp.Diff(want, l2); diff != "" {
		t.Errorf("level-2 view (-want +got):\n%s", diff)
	}
	if !strings.HasPrefix(l2.ID, "P-") || strings.Contains(l2.ID, "D-17") {
		t.Errorf("level-2 id = %q, want a P- pseudonym", l2.ID)
	}
	l1 := Filter(full, Visibility(1, Consent{}))
	want = ParticipantView{ID: full.Pseudonym, Pseudonym: full.Pseudonym, DisplayName: "Ada", Rank: "R1",
		JoinMonth: "2025-03", OwnCuV: 150000, LegCuV: []int64{1, 2}, VemmaPass: &pass}
	if diff := cmp.Diff(want, l1); diff != "" {
		t.Errorf("level-1 view (-want +got):\n%s", diff)
	}
	if got := Filter(full, Visibility(1, Consent{ContactOptIn: true})).Contact; got != "ada@example.com" {
		t.Errorf("level-1 opted-in contact = %q, want ada@example.com", got)
	}
	if diff := cmp.Diff(full, Filter(full, TierSelf)); diff != "" {
		t.Errorf("self view changed (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(ParticipantView{}, Filter(full, TierNone)); diff != "" {
		t.Errorf("none view (-want +got):\n%s", diff)
	}
}

func TestPseudonymStable(t *testing.T) {
	a, b := Pseudonym([]byte("k1"), "D-1"), Pseudonym([]byte("k1"), "D-1")
	if a != b || len(a) != 14 {
		t.Errorf("Pseudonym = %q, %q; want equal, 14 characters", a, b)
	}
	if a == Pseudonym([]byte("k2"), "D-1") || a == Pseudonym([]byte("k1"), "D-2") {
		t.Errorf("Pseudonym collides across keys or ids")
	}
}
