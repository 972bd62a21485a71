package sqlstore_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/downline/downline"
	"github.com/downline/downline/internal/sqlstore"
	"github.com/downline/downline/internal/sqlstore/sqlstoretest"
	"github.com/google/go-cmp/cmp"
)

func hash(c byte) string { return strings.Repeat(string(c), 64) }

func TestUsers(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *sqlstore.DB) {
		mustProgramme(t, db)
		d := dist("D-1", "")
		mustDistributors(t, db, d)
		admin := &downline.User{Email: "Ada@Example.com", Name: "Ada", Role: downline.RoleAdmin, PasswordHash: "$argon2id$x"}
		if err := db.CreateUser(ctx, admin); err != nil {
			t.Fatal(err)
		}
		if admin.ID == 0 || admin.Email != "ada@example.com" {
			t.Errorf("created %+v: want an id and a lower-case email", admin)
		}
		got, err := db.FindUserByEmail(ctx, "ADA@example.com")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(admin, got); diff != "" {
			t.Errorf("FindUserByEmail (-created +found):\n%s", diff)
		}
		dup := &downline.User{Email: "ada@example.com", Role: downline.RoleSupport}
		if err := db.CreateUser(ctx, dup); downline.ErrorCode(err) != downline.CodeConflict {
			t.Errorf("CreateUser(same email) error = %v, want conflict", err)
		}
		bad := &downline.User{Email: "d@example.com", Role: downline.RoleDistributor}
		if err := db.CreateUser(ctx, bad); downline.ErrorCode(err) != downline.CodeInvalid {
			t.Errorf("CreateUser(distributor without distributor) error = %v, want invalid", err)
		}
		du := &downline.User{Email: "d@example.com", Role: downline.RoleDistributor, DistributorID: d.ID}
		if err := db.CreateUser(ctx, du); err != nil {
			t.Fatal(err)
		}
		until := sqlstoretest.Now.Add(time.Hour)
		fails := 0
		upd, err := db.UpdateUser(ctx, admin.ID, downline.UserUpdate{LockedUntil: &until, FailedSignIns: &fails})
		if err != nil {
			t.Fatal(err)
		}
		if !upd.LockedUntil.Equal(until) {
			t.Errorf("UpdateUser locked until = %v, want %v", upd.LockedUntil, until)
		}
		role := downline.RoleDistributor
		if _, err := db.UpdateUser(ctx, admin.ID, downline.UserUpdate{Role: &role}); downline.ErrorCode(err) != downline.CodeInvalid {
			t.Errorf("UpdateUser(role distributor without distributor) error = %v, want invalid", err)
		}
		us, total, err := db.FindUsers(ctx, downline.UserFilter{AfterID: admin.ID, Limit: 1})
		if err != nil || len(us) != 1 || total != 2 || us[0].ID != du.ID {
			t.Errorf("FindUsers(after %d) = %d users, total %d, err %v; want user %d of 2", admin.ID, len(us), total, err, du.ID)
		}
		if _, err := db.FindUserByID(ctx, 99); downline.ErrorCode(err) != downline.CodeNotFound {
			t.Errorf("FindUserByID(99) error = %v, want not found", err)
		}
	})
}

func TestSessionsTokensResets(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *sqlstore.DB) {
		u := &downline.User{Email: "ada@example.com", Role: downline.RoleAdmin}
		if err := db.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		now := sqlstoretest.Now
		live := &downline.Session{Hash: hash('a'), UserID: u.ID, ExpiresAt: now.Add(time.Hour)}
		old := &downline.Session{Hash: hash('b'), UserID: u.ID, ExpiresAt: now}
		for _, s := range []*downline.Session{live, old} {
			if err := db.CreateSession(ctx, s); err != nil {
				t.Fatal(err)
			}
		}
		if s, err := db.FindSession(ctx, live.Hash); err != nil || s.UserID != u.ID {
			t.Errorf("FindSession(live) = %+v, %v", s, err)
		}
		if _, err := db.FindSession(ctx, old.Hash); downline.ErrorCode(err) != downline.CodeNotFound {
			t.Errorf("FindSession(expired) error = %v, want not found", err)
		}
		if err := db.DeleteUserSessions(ctx, u.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.FindSession(ctx, live.Hash); downline.ErrorCode(err) != downline.CodeNotFound {
			t.Errorf("FindSession after DeleteUserSessions error = %v, want not found", err)
		}

		tok := &downline.APIToken{UserID: u.ID, Name: "ci", Prefix: "dl_abc", Hash: hash('c'),
			Scopes: []downline.Scope{downline.ScopeRead, downline.ScopeWrite}, ExpiresAt: now.Add(24 * time.Hour)}
		if err := db.CreateAPIToken(ctx, tok); err != nil {
			t.Fatal(err)
		}
		got, err := db.FindAPITokenByHash(ctx, tok.Hash)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tok, got); diff != "" {
			t.Errorf("FindAPITokenByHash (-created +found):\n%s", diff)
		}
		if err := db.RevokeAPIToken(ctx, u.ID+1, tok.ID); downline.ErrorCode(err) != downline.CodeNotFound {
			t.Errorf("RevokeAPIToken(other user) error = %v, want not found", err)
		}
		if err := db.RevokeAPIToken(ctx, u.ID, tok.ID); err != nil {
			t.Fatal(err)
		}
		ts, err := db.FindAPITokens(ctx, u.ID)
		if err != nil || len(ts) != 1 || ts[0].IsUsable(now) {
			t.Errorf("FindAPITokens after revoke = %+v, %v; want one unusable token", ts, err)
		}

		r := &downline.PasswordReset{Hash: hash('d'), UserID: u.ID, ExpiresAt: now.Add(time.Hour)}
		if err := db.CreatePasswordReset(ctx, r); err != nil {
			t.Fatal(err)
		}
		if id, err := db.UsePasswordReset(ctx, r.Hash); err != nil || id != u.ID {
			t.Errorf("UsePasswordReset = %d, %v; want %d", id, err, u.ID)
		}
		if _, err := db.UsePasswordReset(ctx, r.Hash); downline.ErrorCode(err) != downline.CodeInvalid {
			t.Errorf("UsePasswordReset twice error = %v, want invalid", err)
		}
		expired := &downline.PasswordReset{Hash: hash('e'), UserID: u.ID, ExpiresAt: now}
		if err := db.CreatePasswordReset(ctx, expired); err != nil {
			t.Fatal(err)
		}
		if _, err := db.UsePasswordReset(ctx, expired.Hash); downline.ErrorCode(err) != downline.CodeInvalid {
			t.Errorf("UsePasswordReset(expired) error = %v, want invalid", err)
		}
	})
}

func TestEnrolAndCancel(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *sqlstore.DB) {
		mustProgramme(t, db)
		mustDistributors(t, db, dist("D-1", ""))
		now := sqlstoretest.Now
		enrol := func(ext string, ends time.Time) (*downline.Distributor, error) {
			d := dist(ext, "D-1")
			e := &downline.Enrolment{AgreementVersion: "2026-01", AcceptedAt: now, AcceptedIP: "203.0.113.9",
				BirthDate: time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC), CoolingOffEnds: ends}
			u := &downline.User{Email: ext + "@example.com", Role: downline.RoleDistributor}
			return d, db.Enrol(ctx, d, e, u)
		}
		d, err := enrol("D-2", now.AddDate(0, 0, 30))
		if err != nil {
			t.Fatal(err)
		}
		u, err := db.FindUserByEmail(ctx, "D-2@example.com")
		if err != nil || u.DistributorID != d.ID {
			t.Errorf("enrolled user = %+v, %v; want distributor %d", u, err, d.ID)
		}
		// A clash in the user (same email) rolls the distributor back.
		if _, err := enrol("D-2", now.AddDate(0, 0, 30)); downline.ErrorCode(err) != downline.CodeConflict {
			t.Errorf("Enrol(same external id) error = %v, want conflict", err)
		}
		e, err := db.CancelEnrolment(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !e.CancelledAt.Equal(now) {
			t.Errorf("cancelled at %v, want %v", e.CancelledAt, now)
		}
		if got, _ := db.FindDistributorByID(ctx, d.ID); got.Status != downline.StatusTerminated {
			t.Errorf("status after cancel = %s, want terminated", got.Status)
		}
		if _, err := db.CancelEnrolment(ctx, d.ID); downline.ErrorCode(err) != downline.CodeConflict {
			t.Errorf("CancelEnrolment twice error = %v, want conflict", err)
		}
		// The schema refuses a window that ends before the acceptance.
		if _, err := enrol("D-3", now.Add(-time.Second)); downline.ErrorCode(err) != downline.CodeInvalid {
			t.Errorf("Enrol(window before acceptance) error = %v, want invalid", err)
		}
	})
}

func TestCancelAfterWindow(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *sqlstore.DB) {
		mustProgramme(t, db)
		d := dist("D-1", "")
		e := &downline.Enrolment{AgreementVersion: "v1", AcceptedAt: at(time.January, 1), AcceptedIP: "192.0.2.1",
			BirthDate: time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC), CoolingOffEnds: at(time.January, 31)}
		if err := db.Enrol(ctx, d, e, nil); err != nil {
			t.Fatal(err)
		}
		// The store's clock reads 15 March, after the window.
		if _, err := db.CancelEnrolment(ctx, d.ID); downline.ErrorCode(err) != downline.CodeConflict {
			t.Errorf("CancelEnrolment after the window error = %v, want conflict", err)
		}
		if _, err := db.FindEnrolment(ctx, 999); downline.ErrorCode(err) != downline.CodeNotFound {
			t.Errorf("FindEnrolment(999) error = %v, want not found", err)
		}
	})
}

func TestIdempotentResponses(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *sqlstore.DB) {
		r := &downline.IdempotentResponse{ActorUserID: 1, Key: "k1", RequestHash: hash('f'), Status: 201, Body: []byte(`{"id":1}`)}
		if err := db.SaveIdempotentResponse(ctx, r); err != nil {
			t.Fatal(err)
		}
		again := *r
		if err := db.SaveIdempotentResponse(ctx, &again); downline.ErrorCode(err) != downline.CodeConflict {
			t.Errorf("SaveIdempotentResponse(same key) error = %v, want conflict", err)
		}
		got, err := db.FindIdempotentResponse(ctx, 1, "k1")
		if err != nil || got.Status != 201 || string(got.Body) != `{"id":1}` {
			t.Errorf("FindIdempotentResponse = %+v, %v", got, err)
		}
		if _, err := db.FindIdempotentResponse(ctx, 2, "k1"); downline.ErrorCode(err) != downline.CodeNotFound {
			t.Errorf("another user's key: error = %v, want not found", err)
		}
	})
}

func TestAuditChainInStore(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *sqlstore.DB) {
		var wg sync.WaitGroup
		for i := range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				e := &downline.AuditEntry{ActorUserID: int64(i%3 + 1), ActorName: "u", ActorRole: downline.RoleAdmin,
					Action: "order.create", TargetType: "order", TargetID: "x", AfterDigest: downline.AuditDigest([]byte{byte(i)})}
				if err := db.AppendAudit(ctx, e); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		var c downline.AuditChain
		if err := db.WalkAudit(ctx, c.Next); err != nil {
			t.Fatalf("chain after 20 concurrent appends: %v", err)
		}
		if c.Len() != 20 {
			t.Errorf("chain length = %d, want 20", c.Len())
		}
		actor := int64(1)
		es, total, err := db.FindAuditEntries(ctx, downline.AuditFilter{ActorUserID: &actor, Limit: 2})
		if err != nil || len(es) != 2 || total != 7 { // i%3 == 0 for i = 0, 3, …, 18: 7 entries
			t.Errorf("FindAuditEntries(actor 1) = %d entries of %d, %v; want 2 of 7", len(es), total, err)
		}
		if err := db.AppendAudit(ctx, &downline.AuditEntry{}); downline.ErrorCode(err) != downline.CodeInvalid {
			t.Errorf("AppendAudit(no action) error = %v, want invalid", err)
		}
		// Tampering with a stored row is caught by the walk.
		if _, err := db.SQL().ExecContext(ctx, db.Rebind(`UPDATE audit_entries SET target_id = 'y' WHERE seq = 5`)); err != nil {
			t.Fatal(err)
		}
		var c2 downline.AuditChain
		if err := db.WalkAudit(ctx, c2.Next); downline.ErrorCode(err) != downline.CodeConflict || c2.Len() != 4 {
			t.Errorf("walk after tampering: error %v after %d entries, want a conflict at entry 5", err, c2.Len())
		}
	})
}
