package sqlstore_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/downline/downline"
	"github.com/downline/downline/internal/sqlstore"
)

// TestCircularSponsorshipAttemptFlagged: a refused circular move (issue 6
// item 8) stays refused and leaves a circular_sponsorship risk flag naming
// who tried and the two distributors; a legal move leaves none.
func TestCircularSponsorshipAttemptFlagged(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *sqlstore.DB) {
		seed(t, db) // R <- A <- B
		r, a, b := id(t, db, "R"), id(t, db, "A"), id(t, db, "B")
		actx := downline.NewContextWithActor(ctx, &downline.Actor{UserID: 7, Name: "Ada", Role: downline.RoleAdmin})
		if _, err := db.MoveDistributor(actx, a, downline.DistributorMove{SponsorID: &b}); downline.ErrorCode(err) != downline.CodeConflict {
			t.Fatalf("moving A under its downline B = %v, want CodeConflict", err)
		}
		if _, err := db.MoveDistributor(actx, b, downline.DistributorMove{SponsorID: &r}); err != nil {
			t.Fatal(err)
		}
		flags, _, err := db.FindRiskFlags(ctx, sqlstore.RiskFlagFilter{Kind: sqlstore.RiskCircularSponsorship})
		if err != nil {
			t.Fatal(err)
		}
		if len(flags) != 1 {
			t.Fatalf("circular sponsorship flags = %+v, want 1", flags)
		}
		f := flags[0]
		if f.DistributorID != a || f.RelatedDistributorID != b || f.OrderID != 0 || f.Status != "open" ||
			!strings.Contains(f.Reason, "user 7 (Ada, admin)") || !strings.Contains(f.Reason, "sponsor") {
			t.Errorf("flag %+v: want A, B, open, naming user 7 and the sponsor move", f)
		}
		if d, err := db.FindDistributorByID(ctx, a); err != nil || d.SponsorID != r {
			t.Errorf("A's sponsor after the refused move = %v, %v; want R", d, err)
		}
	})
}

// TestSelfReferralFlagAtAttribution: a customer whose domain is the email
// domain of its seller (or of an upline) is flagged self_referral when it
// is credited, once per pair, naming the nearest matched earner; a
// free-mail or unrelated domain raises nothing. The flag moves no volume.
func TestSelfReferralFlagAtAttribution(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *sqlstore.DB) {
		mustProgramme(t, db)
		a, b := dist("A", ""), dist("B", "A")
		a.Email, b.Email = "ann@umbrella.example", "bob@acme.example"
		z := dist("Z", "")
		z.Email = "zoe@zeta.example"
		mustDistributors(t, db, a, b, z)
		cs := []*downline.Customer{
			{ExternalID: "C-1", Name: "Acme", Domain: "acme.example", DistributorRef: "B", Attribution: downline.AttributionLink},
			{ExternalID: "C-2", Name: "Umbrella", Domain: "umbrella.example", DistributorRef: "B", Attribution: downline.AttributionCode},
			{ExternalID: "C-3", Name: "Gmail user", Domain: "gmail.com", DistributorRef: "B", Attribution: downline.AttributionCode},
			{ExternalID: "C-4", Name: "Other", Domain: "other.example", DistributorRef: "B", Attribution: downline.AttributionCode},
			{ExternalID: "C-5", Name: "Umbrella Two", Domain: "umbrella.example", DistributorRef: "Z", Attribution: downline.AttributionCode},
		}
		if err := db.CreateCustomers(ctx, cs); err != nil {
			t.Fatal(err)
		}
		// The same batch again is a no-op and flags nothing twice.
		if err := db.CreateCustomers(ctx, cs); err != nil {
			t.Fatal(err)
		}
		flags, n, err := db.FindRiskFlags(ctx, sqlstore.RiskFlagFilter{Kind: sqlstore.RiskSelfReferral})
		if err != nil || n != 2 {
			t.Fatalf("self-referral flags = %d, %v; want 2 (C-1 by B, C-2 by A)", n, err)
		}
		got := []string{}
		for _, f := range flags {
			got = append(got, fmt.Sprintf("customer %d distributor %d related %d %s", f.CustomerID, f.DistributorID,
				f.RelatedDistributorID, f.Status))
		}
		want := []string{
			fmt.Sprintf("customer %d distributor %d related 0 open", cs[0].ID, b.ID),
			fmt.Sprintf("customer %d distributor %d related %d open", cs[1].ID, a.ID, b.ID),
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("flags (-want +got):\n%s", diff)
		}
		if !strings.Contains(flags[0].Reason, "acme.example") {
			t.Errorf("reason %q does not name the domain", flags[0].Reason)
		}
		// Moving C-4 (other.example) to A raises nothing; moving C-5
		// (umbrella.example) from Z to B flags it, naming A.
		if err := db.MoveCustomers(ctx, []sqlstore.CustomerMove{{CustomerID: cs[3].ID, From: b.ID, To: a.ID, Reason: "test", Actor: "t"}}); err != nil {
			t.Fatal(err)
		}
		if _, n, _ := db.FindRiskFlags(ctx, sqlstore.RiskFlagFilter{Kind: sqlstore.RiskSelfReferral}); n != 2 {
			t.Errorf("flags after an unrelated move = %d, want 2", n)
		}
		if err := db.MoveCustomers(ctx, []sqlstore.CustomerMove{{CustomerID: cs[4].ID, From: z.ID, To: b.ID, Reason: "test", Actor: "t"}}); err != nil {
			t.Fatal(err)
		}
		flags, n, err = db.FindRiskFlags(ctx, sqlstore.RiskFlagFilter{Kind: sqlstore.RiskSelfReferral, AfterID: flags[1].ID})
		if err != nil || len(flags) != 1 || flags[0].CustomerID != cs[4].ID || flags[0].DistributorID != a.ID || flags[0].RelatedDistributorID != b.ID {
			t.Errorf("flags after moving C-5 to B = %d, %v (%v); want one naming A, related B", n, flags, err)
		}
	})
}
