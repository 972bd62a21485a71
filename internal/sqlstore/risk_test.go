package sqlstore_test

import (
	"strings"
	"testing"

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
