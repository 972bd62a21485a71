package sqlstore_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/downline/downline"
	"github.com/downline/downline/internal/sqlstore"
	"github.com/downline/downline/internal/sqlstore/sqlstoretest"
)

func distID(tb testing.TB, db *sqlstore.DB, ext string) downline.DistributorID {
	tb.Helper()
	d, err := db.FindDistributorByExternalID(ctx, ext)
	if err != nil {
		tb.Fatal(err)
	}
	return d.ID
}

func TestClicksAndReferralCodes(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *sqlstore.DB) {
		seed(t, db)
		a, err := db.FindDistributorByExternalID(ctx, "A")
		if err != nil {
			t.Fatal(err)
		}
		if ok, err := db.IsActiveReferralCode(ctx, a.ReferralCode); err != nil || !ok {
			t.Errorf("IsActiveReferralCode(%s) = %t, %v; want true", a.ReferralCode, ok, err)
		}
		if ok, _ := db.IsActiveReferralCode(ctx, "NOBODY"); ok {
			t.Error("unknown code reported active")
		}
		t0 := at(time.March, 1)
		// 150 clicks: more than two multi-row statements' worth.
		var clicks []sqlstore.Click
		for i := range 150 {
			clicks = append(clicks, sqlstore.Click{At: t0.Add(time.Duration(i) * time.Second), Code: a.ReferralCode,
				Campaign: "spring", IPHash: fmt.Sprintf("ip%d", i%7), UserAgentHash: "ua", Referrer: "https://blog.example/",
				Bot: i%10 == 0, Repeat: i >= 7})
		}
		if err := db.RecordClicks(ctx, clicks); err != nil {
			t.Fatal(err)
		}
		got, err := db.FindClicks(ctx, sqlstore.ClickFilter{Code: &a.ReferralCode})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(clicks, got); diff != "" {
			t.Errorf("clicks round trip (-want +got):\n%s", diff)
		}
		// Clean clicks: i < 7 and i%10 != 0 → i in 1..6: 6 clean, 144 suspect.
		sus, err := db.FindClicks(ctx, sqlstore.ClickFilter{SuspectOnly: true})
		if err != nil || len(sus) != 144 {
			t.Errorf("suspect clicks = %d, %v; want 144", len(sus), err)
		}
		from, to := t0.Add(10*time.Second), t0.Add(20*time.Second)
		if win, _ := db.FindClicks(ctx, sqlstore.ClickFilter{From: &from, To: &to}); len(win) != 10 {
			t.Errorf("clicks in [10 s, 20 s) = %d, want 10", len(win))
		}
	})
}

func TestDealsFirstApprovedWins(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *sqlstore.DB) {
		seed(t, db)
		a, b := distID(t, db, "A"), distID(t, db, "B")
		bob := &sqlstore.Deal{DistributorID: b, Organisation: "Acme", Domain: "acme.example"}
		alice := &sqlstore.Deal{DistributorID: a, Organisation: "ACME Inc", Domain: "acme.example"}
		for _, d := range []*sqlstore.Deal{bob, alice} {
			if err := db.CreateDeal(ctx, d); err != nil {
				t.Fatal(err)
			}
		}
		exp := sqlstoretest.Now.Add(90 * 24 * time.Hour)
		if err := db.ApproveDeal(ctx, alice.ID, exp, "admin@vendor"); err != nil {
			t.Fatal(err)
		}
		if err := db.ApproveDeal(ctx, bob.ID, exp, "admin@vendor"); downline.ErrorCode(err) != downline.CodeConflict {
			t.Errorf("second approval = %v, want conflict", err)
		}
		if err := db.ApproveDeal(ctx, alice.ID, exp, "admin@vendor"); downline.ErrorCode(err) != downline.CodeConflict {
			t.Errorf("approving twice = %v, want conflict", err)
		}
		if err := db.ApproveDeal(ctx, 999, exp, "x"); downline.ErrorCode(err) != downline.CodeNotFound {
			t.Errorf("approving unknown = %v, want not found", err)
		}
		ds, err := db.FindDealsByDomain(ctx, "acme.example")
		if err != nil {
			t.Fatal(err)
		}
		want := []*sqlstore.Deal{
			{ID: bob.ID, DistributorID: b, Organisation: "Acme", Domain: "acme.example", Status: "pending", RegisteredAt: sqlstoretest.Now},
			{ID: alice.ID, DistributorID: a, Organisation: "ACME Inc", Domain: "acme.example", Status: "approved",
				RegisteredAt: sqlstoretest.Now, ApprovedAt: sqlstoretest.Now, ExpiresAt: exp, DecidedBy: "admin@vendor"},
		}
		if diff := cmp.Diff(want, ds); diff != "" {
			t.Errorf("deals (-want +got):\n%s", diff)
		}
		// After Alice's exclusivity ends, Bob's deal can be approved.
		db.Now = func() time.Time { return exp }
		if err := db.ApproveDeal(ctx, bob.ID, exp.Add(90*24*time.Hour), "admin@vendor"); err != nil {
			t.Errorf("approval after expiry = %v", err)
		}
		if err := db.CreateDeal(ctx, &sqlstore.Deal{DistributorID: a}); downline.ErrorCode(err) != downline.CodeInvalid {
			t.Errorf("deal without domain = %v, want invalid", err)
		}
	})
}

func TestCouponsMovesAndHolds(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *sqlstore.DB) {
		seed(t, db)
		r, a, b := distID(t, db, "R"), distID(t, db, "A"), distID(t, db, "B")
		if err := db.CreateCoupon(ctx, "ALICE10", a, at(time.April, 1)); err != nil {
			t.Fatal(err)
		}
		if err := db.CreateCoupon(ctx, "ALICE10", b, time.Time{}); downline.ErrorCode(err) != downline.CodeConflict {
			t.Errorf("duplicate coupon = %v, want conflict", err)
		}
		if got, err := db.CouponOwner(ctx, "ALICE10", at(time.March, 31)); err != nil || got != a {
			t.Errorf("CouponOwner before expiry = %d, %v; want %d", got, err, a)
		}
		if _, err := db.CouponOwner(ctx, "ALICE10", at(time.April, 1)); downline.ErrorCode(err) != downline.CodeNotFound {
			t.Errorf("CouponOwner at expiry = %v, want not found", err)
		}

		cs, _, err := db.FindCustomers(ctx, downline.CustomerFilter{DistributorID: &b})
		if err != nil || len(cs) != 1 {
			t.Fatalf("B's customers = %d, %v", len(cs), err)
		}
		c := cs[0].ID
		// B terminated: its customer passes to the nearest active upline, A.
		moves := []sqlstore.CustomerMove{{CustomerID: c, From: b, To: a, Reason: "distributor B terminated", Actor: "system"}}
		if err := db.MoveCustomers(ctx, moves); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.FindCustomerByID(ctx, c); got.DistributorID != a {
			t.Errorf("customer credited to %d after the move, want %d", got.DistributorID, a)
		}
		// Replaying the same move: the customer is no longer B's.
		if err := db.MoveCustomers(ctx, moves); downline.ErrorCode(err) != downline.CodeConflict {
			t.Errorf("stale move = %v, want conflict", err)
		}

		h, err := db.HoldSelfDealing(ctx, c, r, "distributor R's email domain is the customer's domain")
		if err != nil {
			t.Fatal(err)
		}
		if again, _ := db.HoldSelfDealing(ctx, c, r, "again"); again.ID != h.ID || again.Reason != h.Reason {
			t.Errorf("second hold = %+v, want the first %+v", again, h)
		}
		if held, _ := db.IsHeld(ctx, c, r); !held {
			t.Error("IsHeld = false after the hold")
		}
		if held, _ := db.IsHeld(ctx, c, a); held {
			t.Error("IsHeld for another distributor = true")
		}
		if err := db.AcknowledgeSelfDealing(ctx, h.ID, "Pat", "pat@gamma.example"); err != nil {
			t.Fatal(err)
		}
		if held, _ := db.IsHeld(ctx, c, r); held {
			t.Error("IsHeld = true after acknowledgement")
		}
		if err := db.AcknowledgeSelfDealing(ctx, h.ID, "Pat", "pat@gamma.example"); err != nil {
			t.Errorf("the same acknowledgement again = %v, want a no-op", err)
		}
		if err := db.AcknowledgeSelfDealing(ctx, h.ID, "Sam", "sam@gamma.example"); downline.ErrorCode(err) != downline.CodeConflict {
			t.Errorf("another acknowledgement = %v, want conflict", err)
		}
	})
}

func TestWebhookOutbox(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *sqlstore.DB) {
		all := &sqlstore.WebhookEndpoint{URL: "https://crm.example/hook", Secret: "whsec_0123456789abcdef", EventTypes: []string{"*"}, Active: true}
		payouts := &sqlstore.WebhookEndpoint{URL: "https://erp.example/hook", Secret: "whsec_0123456789abcdef", EventTypes: []string{"payout.paid"}, Active: true}
		off := &sqlstore.WebhookEndpoint{URL: "https://old.example/hook", Secret: "whsec_0123456789abcdef", EventTypes: []string{"*"}}
		for _, e := range []*sqlstore.WebhookEndpoint{all, payouts, off} {
			if err := db.CreateWebhookEndpoint(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.CreateWebhookEndpoint(ctx, &sqlstore.WebhookEndpoint{URL: "ftp://x", Secret: "s", EventTypes: []string{"*"}}); downline.ErrorCode(err) != downline.CodeInvalid {
			t.Errorf("bad endpoint = %v, want invalid", err)
		}
		// order.attributed goes to the catch-all only; payout.paid to both.
		for _, e := range []struct {
			typ, id string
			want    int
		}{{"order.attributed", "ev1", 1}, {"payout.paid", "ev2", 2}, {"payout.paid", "ev2", 2}} {
			n, err := db.EnqueueWebhook(ctx, e.typ, e.id, []byte(`{"id":"`+e.id+`"}`))
			if err != nil || n != e.want {
				t.Errorf("EnqueueWebhook(%s) = %d, %v; want %d", e.id, n, err, e.want)
			}
		}
		due, err := db.DueWebhookDeliveries(ctx, sqlstoretest.Now, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(due) != 3 { // ev1→all, ev2→all, ev2→payouts; the repeat of ev2 added nothing
			t.Fatalf("due = %d deliveries, want 3", len(due))
		}
		retried := due[1].ID
		next := sqlstoretest.Now.Add(30 * time.Second)
		outcomes := []sqlstore.WebhookOutcome{
			{DeliveryID: due[0].ID, Attempt: 1, At: sqlstoretest.Now, Status: 200, Delivered: true},
			{DeliveryID: due[1].ID, Attempt: 1, At: sqlstoretest.Now, Status: 503, Error: "down", NextAt: next},
			{DeliveryID: due[2].ID, Attempt: 12, At: sqlstoretest.Now, Status: 400, Error: "rejected", Dead: true},
		}
		for _, o := range outcomes {
			if err := db.RecordWebhookOutcome(ctx, o); err != nil {
				t.Fatal(err)
			}
		}
		if due, _ := db.DueWebhookDeliveries(ctx, sqlstoretest.Now, 10); len(due) != 0 {
			t.Errorf("due right after the attempts = %d, want 0", len(due))
		}
		due, _ = db.DueWebhookDeliveries(ctx, next, 10)
		if len(due) != 1 || due[0].Attempts != 1 || due[0].ID != retried {
			t.Errorf("due after backoff = %+v, want the one retry with 1 attempt", due)
		}
		if err := db.RecordWebhookOutcome(ctx, sqlstore.WebhookOutcome{DeliveryID: 999}); downline.ErrorCode(err) != downline.CodeNotFound {
			t.Errorf("unknown delivery = %v, want not found", err)
		}
	})
}

// BenchmarkRecordClicks measures batch inserts of 512 clicks, the
// recorder's default batch, on SQLite.
func BenchmarkRecordClicks(b *testing.B) {
	db := sqlstoretest.OpenSQLite(b)
	batch := make([]sqlstore.Click, 512)
	for i := range batch {
		batch[i] = sqlstore.Click{At: sqlstoretest.Now, Code: "ALICE", IPHash: fmt.Sprintf("%064d", i),
			UserAgentHash: fmt.Sprintf("%064d", i), Referrer: "https://blog.example/post"}
	}
	b.ResetTimer()
	for b.Loop() {
		if err := db.RecordClicks(ctx, batch); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*len(batch))/b.Elapsed().Seconds(), "clicks/s")
}
