package referral_test

import (
	"context"
	"testing"
	"time"

	"github.com/downline/downline"
	"github.com/downline/downline/internal/referral"
	"github.com/downline/downline/internal/sqlstore"
	"github.com/downline/downline/internal/sqlstore/sqlstoretest"
)

// storeSink adapts *sqlstore.DB to ClickSink the way cmd/downline does: the
// two Click types have the same fields, so a conversion suffices.
type storeSink struct{ db *sqlstore.DB }

func (s storeSink) RecordClicks(ctx context.Context, cs []referral.Click) error {
	rows := make([]sqlstore.Click, len(cs))
	for i, c := range cs {
		rows[i] = sqlstore.Click(c)
	}
	return s.db.RecordClicks(ctx, rows)
}

func storeWithAlice(tb testing.TB) *sqlstore.DB {
	tb.Helper()
	db := sqlstoretest.OpenSQLite(tb)
	ctx := context.Background()
	if err := db.CreateProgramme(ctx, &downline.Programme{Name: "P", Currency: "EUR", PeriodLength: downline.PeriodMonthly, TimeZone: "UTC"}); err != nil {
		tb.Fatal(err)
	}
	ds := []*downline.Distributor{
		{ExternalID: "ALICE", ReferralCode: "ALICE", JoinedAt: testNow},
		{ExternalID: "GONE", SponsorRef: "ALICE", ReferralCode: "GONE", JoinedAt: testNow, Status: downline.StatusTerminated},
	}
	if err := db.CreateDistributors(ctx, ds); err != nil {
		tb.Fatal(err)
	}
	return db
}

// Clicks reach the real store, and the store's code check (active
// distributors only) drives the redirect.
func TestHandlerWithStore(t *testing.T) {
	db := storeWithAlice(t)
	rec := referral.NewRecorder(storeSink{db}, referral.RecorderConfig{FlushInterval: time.Millisecond})
	h, err := referral.NewHandler(referral.Config{LandingURL: "https://vendor.example/", Codes: db, Recorder: rec,
		Salt: testSalt, Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	mux := newMux(h)
	for _, path := range []string{"/r/ALICE/launch", "/r/GONE", "/r/ALICE"} {
		serve(mux, path)
	}
	if err := rec.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	got, err := db.FindClicks(context.Background(), sqlstore.ClickFilter{})
	if err != nil {
		t.Fatal(err)
	}
	// GONE is terminated: redirected, not recorded. The second ALICE click
	// repeats the first from the same address.
	if len(got) != 2 || got[0].Campaign != "launch" || got[0].Repeat || !got[1].Repeat {
		t.Errorf("stored clicks = %+v, want ALICE/launch then a repeat", got)
	}
}

// BenchmarkRedirectLoopbackSQLite is BenchmarkRedirectLoopback with the
// real SQLite store behind the recorder and the code check.
func BenchmarkRedirectLoopbackSQLite(b *testing.B) {
	db := storeWithAlice(b)
	benchLoadWith(b, 16, 0, storeSink{db}, db, func() int64 {
		n, _ := db.FindClicks(context.Background(), sqlstore.ClickFilter{})
		return int64(len(n))
	})
}
