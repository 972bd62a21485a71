package sqlstore_test

import (
	"testing"
	"time"

	"github.com/downline/downline"
	"github.com/downline/downline/internal/sqlstore"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func dist(ext, sponsor string) *downline.Distributor {
	return &downline.Distributor{ExternalID: ext, SponsorRef: sponsor, JoinedAt: at(time.January, 10),
		Country: "DE", Email: ext + "@example.com", DisplayName: "Distributor " + ext, AgreementVersion: "v1"}
}

func mustDistributors(tb testing.TB, db *sqlstore.DB, ds ...*downline.Distributor) {
	tb.Helper()
	if err := db.CreateDistributors(ctx, ds); err != nil {
		tb.Fatal(err)
	}
}

func TestCreateDistributor(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *sqlstore.DB) {
		root, anna := dist("D-1", ""), dist("D-2", "D-1")
		anna.PlacementParentRef, anna.PlacementSide, anna.ReferralCode = "D-1", downline.SideLeft, "ANNA"
		mustDistributors(t, db, root, anna)
		if root.ID == 0 || anna.ID == 0 || anna.SponsorID != root.ID || anna.PlacementParentID != root.ID {
			t.Fatalf("created %+v and %+v: ids not filled", root, anna)
		}
		if root.ReferralCode != "REFD1" || root.Status != downline.StatusActive {
			t.Errorf("root defaults: referral code %q, status %q, want REFD1, active", root.ReferralCode, root.Status)
		}
		got, err := db.FindDistributorByExternalID(ctx, "D-2")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(anna, got); diff != "" {
			t.Errorf("FindDistributorByExternalID (-created +found):\n%s", diff)
		}
		if _, err := db.FindDistributorByID(ctx, 999); downline.ErrorCode(err) != downline.CodeNotFound {
			t.Errorf("FindDistributorByID(999) error = %v, want CodeNotFound", err)
		}
	})
}

func TestCreateDistributorIdempotent(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *sqlstore.DB) {
		mustDistributors(t, db, dist("D-1", ""), dist("D-2", "D-1"))
		again := dist("D-2", "D-1")
		if err := db.CreateDistributor(ctx, again); err != nil {
			t.Fatalf("same content again: %v", err)
		}
		if again.ID != 2 || again.ReferralCode != "REFD2" {
			t.Errorf("no-op create filled %+v, want the stored record", again)
		}
		if err := db.CreateDistributor(ctx, again); err != nil {
			t.Fatalf("the filled-in struct again: %v", err)
		}
		changed := dist("D-2", "D-1")
		changed.Email = "other@example.com"
		err := db.CreateDistributor(ctx, changed)
		if downline.ErrorCode(err) != downline.CodeConflict {
			t.Fatalf("other content error = %v, want CodeConflict", err)
		}
		if want := `distributor "D-2": already exists with other content`; downline.ErrorMessage(err) != want {
			t.Errorf("message = %q, want %q", downline.ErrorMessage(err), want)
		}
		got, _ := db.FindDistributorByExternalID(ctx, "D-2")
		if got.Email != "D-2@example.com" {
			t.Errorf("email after conflicting create = %q: overwritten", got.Email)
		}
	})
}

func TestCreateDistributorsAllOrNothing(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *sqlstore.DB) {
		tests := []struct {
			name string
			ds   []*downline.Distributor
			code downline.Code
			msg  string
		}{
			{"bad record", []*downline.Distributor{dist("A", ""), {ExternalID: "B", JoinedAt: at(1, 1), Country: "xx"}},
				downline.CodeInvalid, `distributor "B": country must be an ISO 3166-1 alpha-2 code such as DE`},
			{"unknown sponsor", []*downline.Distributor{dist("A", ""), dist("B", "NOPE")},
				downline.CodeInvalid, `distributor "B": sponsor "NOPE" does not exist`},
			{"sponsor later in batch", []*downline.Distributor{dist("A", "B"), dist("B", "")},
				downline.CodeInvalid, `distributor "A": sponsor "B" does not exist`},
			{"referral code taken", []*downline.Distributor{
				{ExternalID: "A", ReferralCode: "SAME", JoinedAt: at(1, 1)}, {ExternalID: "B", ReferralCode: "SAME", JoinedAt: at(1, 1)}},
				downline.CodeConflict, `distributor "B": referral code "SAME" is taken`},
			{"two bad records", []*downline.Distributor{{ExternalID: "A"}, {ExternalID: "B", JoinedAt: at(1, 1), Email: "x"}},
				downline.CodeInvalid, `2 of 2 distributors are invalid, nothing was stored: distributor "A": joined at is required; distributor "B": email is not an email address`},
		}
		for _, tt := range tests {
			err := db.CreateDistributors(ctx, tt.ds)
			if downline.ErrorCode(err) != tt.code || downline.ErrorMessage(err) != tt.msg {
				t.Errorf("%s: CreateDistributors error = %v, want %s %q", tt.name, err, tt.code, tt.msg)
			}
			if _, n, _ := db.FindDistributors(ctx, downline.DistributorFilter{}); n != 0 {
				t.Errorf("%s: %d distributors stored after a failed batch, want 0", tt.name, n)
			}
		}
	})
}

func TestDerivedReferralCodesAreUnique(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *sqlstore.DB) {
		a, b, c := dist("ab-1", ""), dist("AB1", ""), dist("a.b.1", "")
		mustDistributors(t, db, a, b, c)
		got := []string{a.ReferralCode, b.ReferralCode, c.ReferralCode}
		if diff := cmp.Diff([]string{"AB1", "AB1-2", "AB1-3"}, got); diff != "" {
			t.Errorf("referral codes (-want +got):\n%s", diff)
		}
	})
}

func TestFindDistributorsFilterAndPage(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *sqlstore.DB) {
		ds := []*downline.Distributor{dist("R", "")}
		for _, e := range []string{"A", "B", "C", "D", "E"} {
			ds = append(ds, dist(e, "R"))
		}
		ds[3].Country = "FR"
		mustDistributors(t, db, ds...)
		ids := func(ds []*downline.Distributor) []string {
			var out []string
			for _, d := range ds {
				out = append(out, d.ExternalID)
			}
			return out
		}
		rid := ds[0].ID
		de := "DE"
		tests := []struct {
			name      string
			f         downline.DistributorFilter
			want      []string
			wantTotal int
		}{
			{"all", downline.DistributorFilter{}, []string{"R", "A", "B", "C", "D", "E"}, 6},
			{"sponsor", downline.DistributorFilter{SponsorID: &rid, Limit: 2}, []string{"A", "B"}, 5},
			{"offset", downline.DistributorFilter{SponsorID: &rid, Limit: 2, Offset: 4}, []string{"E"}, 5},
			{"past end", downline.DistributorFilter{Offset: 10}, nil, 6},
			{"cursor", downline.DistributorFilter{AfterID: ds[3].ID}, []string{"D", "E"}, 2},
			{"country", downline.DistributorFilter{Country: &de, Limit: 1, Offset: 3}, []string{"D"}, 5},
		}
		for _, tt := range tests {
			got, total, err := db.FindDistributors(ctx, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, ids(got), cmpopts.EquateEmpty()); diff != "" || total != tt.wantTotal {
				t.Errorf("%s: FindDistributors total %d, want %d; (-want +got):\n%s", tt.name, total, tt.wantTotal, diff)
			}
		}
	})
}
