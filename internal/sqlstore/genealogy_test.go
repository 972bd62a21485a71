package sqlstore_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/downline/downline"
	"github.com/downline/downline/internal/sqlstore"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"pgregory.net/rapid"
)

// tree returns the sponsor tree at the end of period as child -> sponsor
// external ids ("" for a root), with statuses for non-active ones.
func tree(tb testing.TB, db *sqlstore.DB, period string) map[string]string {
	tb.Helper()
	ext := map[downline.DistributorID]string{}
	ds, _, err := db.FindDistributors(ctx, downline.DistributorFilter{})
	if err != nil {
		tb.Fatal(err)
	}
	for _, d := range ds {
		ext[d.ID] = d.ExternalID
	}
	out := map[string]string{}
	err = db.SponsorTreeAt(ctx, period, func(n downline.TreeNode) error {
		v := ext[n.SponsorID]
		if n.Status != downline.StatusActive {
			v += " (" + string(n.Status) + ")"
		}
		out[ext[n.ID]] = v
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

func id(tb testing.TB, db *sqlstore.DB, ext string) downline.DistributorID {
	tb.Helper()
	d, err := db.FindDistributorByExternalID(ctx, ext)
	if err != nil {
		tb.Fatal(err)
	}
	return d.ID
}

func TestMoveIsEffectiveDated(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *sqlstore.DB) {
		mustProgramme(t, db)
		late := dist("LATE", "A")
		late.JoinedAt = at(time.April, 20)
		mustDistributors(t, db, dist("R", ""), dist("A", "R"), dist("B", "R"), dist("C", "A"), late)

		// In April (clock 2026-04-10), move C from A to B and suspend A.
		db.Now = func() time.Time { return at(time.April, 10) }
		b := id(t, db, "B")
		if _, err := db.MoveDistributor(ctx, id(t, db, "C"), downline.DistributorMove{SponsorID: &b}); err != nil {
			t.Fatal(err)
		}
		suspended := downline.StatusSuspended
		if _, err := db.UpdateDistributor(ctx, id(t, db, "A"), downline.DistributorUpdate{Status: &suspended}); err != nil {
			t.Fatal(err)
		}
		march := map[string]string{"R": "", "A": "R", "B": "R", "C": "A"}
		april := map[string]string{"R": "", "A": "R (suspended)", "B": "R", "C": "B", "LATE": "A"}
		if diff := cmp.Diff(march, tree(t, db, "2026-03")); diff != "" {
			t.Errorf("tree at 2026-03 (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(april, tree(t, db, "2026-04")); diff != "" {
			t.Errorf("tree at 2026-04 (-want +got):\n%s", diff)
		}
		// A second move in the same period replaces the first.
		r := id(t, db, "R")
		if _, err := db.MoveDistributor(ctx, id(t, db, "C"), downline.DistributorMove{SponsorID: &r}); err != nil {
			t.Fatal(err)
		}
		april["C"] = "R"
		if diff := cmp.Diff(april, tree(t, db, "2026-04")); diff != "" {
			t.Errorf("tree at 2026-04 after second move (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(march, tree(t, db, "2026-03")); diff != "" {
			t.Errorf("tree at 2026-03 after second move (-want +got):\n%s", diff)
		}
		if err := db.SponsorTreeAt(ctx, "2026-4", func(downline.TreeNode) error { return nil }); downline.ErrorCode(err) != downline.CodeInvalid {
			t.Errorf("SponsorTreeAt(2026-4) error = %v, want CodeInvalid", err)
		}
	})
}

func TestMoveCannotCreateCycle(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *sqlstore.DB) {
		mustProgramme(t, db)
		// R <- A <- B <- C, and R <- D.
		mustDistributors(t, db, dist("R", ""), dist("A", "R"), dist("B", "A"), dist("C", "B"), dist("D", "R"))
		a, c := id(t, db, "A"), id(t, db, "C")
		tests := []struct {
			name    string
			move    downline.DistributorID
			sponsor downline.DistributorID
			code    downline.Code
		}{
			{"under own grandchild", a, c, downline.CodeConflict},
			{"under itself", a, a, downline.CodeConflict},
			{"root under descendant", id(t, db, "R"), id(t, db, "B"), downline.CodeConflict},
			{"unknown sponsor", a, 999, downline.CodeNotFound},
			{"sideways is fine", c, id(t, db, "D"), ""},
		}
		for _, tt := range tests {
			_, err := db.MoveDistributor(ctx, tt.move, downline.DistributorMove{SponsorID: &tt.sponsor})
			if downline.ErrorCode(err) != tt.code {
				t.Errorf("%s: MoveDistributor error = %v, want code %q", tt.name, err, tt.code)
			}
		}
		up, err := db.Upline(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]downline.DistributorID{id(t, db, "D"), id(t, db, "R")}, up); diff != "" {
			t.Errorf("Upline(C) after the moves (-want +got):\n%s", diff)
		}
	})
}

func TestMovePlacement(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *sqlstore.DB) {
		mustProgramme(t, db)
		l := dist("L", "R")
		l.PlacementParentRef, l.PlacementSide = "R", downline.SideLeft
		mustDistributors(t, db, dist("R", ""), l, dist("X", "R"))
		x, r, lid := id(t, db, "X"), id(t, db, "R"), id(t, db, "L")
		left, right := downline.SideLeft, downline.SideRight
		if _, err := db.MoveDistributor(ctx, x, downline.DistributorMove{PlacementParentID: &r, PlacementSide: &left}); downline.ErrorCode(err) != downline.CodeConflict {
			t.Errorf("placing X in the taken left slot: error = %v, want CodeConflict", err)
		}
		got, err := db.MoveDistributor(ctx, x, downline.DistributorMove{PlacementParentID: &r, PlacementSide: &right})
		if err != nil || got.PlacementParentRef != "R" || got.PlacementSide != right {
			t.Fatalf("placing X right = %+v, %v", got, err)
		}
		if _, err := db.MoveDistributor(ctx, r, downline.DistributorMove{PlacementParentID: &lid}); downline.ErrorCode(err) != downline.CodeConflict {
			t.Errorf("placing R under its placement child L: error = %v, want CodeConflict", err)
		}
	})
}

func TestUplineDownline(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *sqlstore.DB) {
		mustProgramme(t, db)
		mustDistributors(t, db, dist("R", ""), dist("A", "R"), dist("B", "R"), dist("A1", "A"), dist("A2", "A"), dist("A11", "A1"))
		r := id(t, db, "R")
		got, err := db.Downline(ctx, r, 0)
		if err != nil {
			t.Fatal(err)
		}
		want := []downline.DownlineMember{
			{ID: id(t, db, "A"), SponsorID: r, Depth: 1}, {ID: id(t, db, "B"), SponsorID: r, Depth: 1},
			{ID: id(t, db, "A1"), SponsorID: id(t, db, "A"), Depth: 2}, {ID: id(t, db, "A2"), SponsorID: id(t, db, "A"), Depth: 2},
			{ID: id(t, db, "A11"), SponsorID: id(t, db, "A1"), Depth: 3},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Downline(R) (-want +got):\n%s", diff)
		}
		got, err = db.Downline(ctx, r, 1)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want[:2], got); diff != "" {
			t.Errorf("Downline(R, 1) (-want +got):\n%s", diff)
		}
		up, err := db.Upline(ctx, id(t, db, "A11"))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]downline.DistributorID{id(t, db, "A1"), id(t, db, "A"), r}, up); diff != "" {
			t.Errorf("Upline(A11) (-want +got):\n%s", diff)
		}
		if up, err := db.Upline(ctx, r); err != nil || len(up) != 0 {
			t.Errorf("Upline(root) = %v, %v, want empty", up, err)
		}
		if _, err := db.Downline(ctx, 999, 0); downline.ErrorCode(err) != downline.CodeNotFound {
			t.Errorf("Downline(999) error = %v, want CodeNotFound", err)
		}
		_ = cmpopts.EquateEmpty()
	})
}

// TestMovesProperty: under any sequence of moves over several months, the
// tree never has a cycle, and the tree at a period end never changes once
// the period is over.
func TestMovesProperty(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *sqlstore.DB) {
		mustProgramme(t, db)
		const n = 12
		var ds []*downline.Distributor
		for i := 1; i <= n; i++ {
			sponsor := ""
			if i > 1 {
				sponsor = fmt.Sprintf("P%d", (i-1)/2+1) // a binary-shaped sponsor tree
			}
			ds = append(ds, dist(fmt.Sprintf("P%d", i), sponsor))
		}
		mustDistributors(t, db, ds...)
		month := 0
		snapshots := map[string]map[downline.DistributorID]downline.DistributorID{}
		treeAt := func(rt *rapid.T, period string) map[downline.DistributorID]downline.DistributorID {
			m := map[downline.DistributorID]downline.DistributorID{}
			if err := db.SponsorTreeAt(ctx, period, func(nd downline.TreeNode) error { m[nd.ID] = nd.SponsorID; return nil }); err != nil {
				rt.Fatal(err)
			}
			for start := range m { // walking up from every node must reach a root
				seen := map[downline.DistributorID]bool{}
				for cur := start; cur != 0; cur = m[cur] {
					if seen[cur] {
						rt.Fatalf("tree at %s has a cycle through %d", period, cur)
					}
					seen[cur] = true
				}
			}
			return m
		}
		rapid.Check(t, func(rt *rapid.T) {
			month++
			now := time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC).AddDate(0, month, 0)
			db.Now = func() time.Time { return now }
			period := now.Format("2006-01")
			for range rapid.IntRange(0, 4).Draw(rt, "moves") {
				who := downline.DistributorID(rapid.IntRange(1, n).Draw(rt, "who"))
				to := downline.DistributorID(rapid.IntRange(0, n).Draw(rt, "to"))
				_, err := db.MoveDistributor(ctx, who, downline.DistributorMove{SponsorID: &to})
				if err != nil && downline.ErrorCode(err) != downline.CodeConflict {
					rt.Fatalf("MoveDistributor(%d under %d): %v", who, to, err)
				}
			}
			snapshots[period] = treeAt(rt, period)
			delete(snapshots, now.AddDate(-1, 0, 0).Format("2006-01")) // keep a year
			for p, want := range snapshots {
				if diff := cmp.Diff(want, treeAt(rt, p)); diff != "" {
					rt.Fatalf("tree at %s changed after later moves (-then +now):\n%s", p, diff)
				}
			}
		})
	})
}

// TestConcurrentOpposingMoves: moving A under B and B under A at the same
// moment must not both succeed.
func TestConcurrentOpposingMoves(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *sqlstore.DB) {
		mustProgramme(t, db)
		for round := range 5 {
			a, b := fmt.Sprintf("A%d", round), fmt.Sprintf("B%d", round)
			mustDistributors(t, db, dist(a, ""), dist(b, ""))
			ia, ib := id(t, db, a), id(t, db, b)
			errs := make(chan error, 2)
			go func() { _, err := db.MoveDistributor(ctx, ia, downline.DistributorMove{SponsorID: &ib}); errs <- err }()
			go func() { _, err := db.MoveDistributor(ctx, ib, downline.DistributorMove{SponsorID: &ia}); errs <- err }()
			var ok, conflict int
			for range 2 {
				switch err := <-errs; downline.ErrorCode(err) {
				case "":
					ok++
				case downline.CodeConflict:
					conflict++
				default:
					t.Fatalf("round %d: MoveDistributor: %v", round, err)
				}
			}
			if ok != 1 || conflict != 1 {
				t.Errorf("round %d: %d moves succeeded and %d conflicted, want 1 and 1", round, ok, conflict)
			}
		}
	})
}
