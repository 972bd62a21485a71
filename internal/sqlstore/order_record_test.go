package sqlstore_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/downline/downline"
	"github.com/downline/downline/internal/sqlstore"
	"github.com/downline/downline/internal/sqlstore/sqlstoretest"
)

// recordOf is an order with an audit entry and, for a key, an idempotent
// response that names the stored order id.
func recordOf(o *downline.Order, key, hash string) *downline.OrderRecord {
	return &downline.OrderRecord{Order: o, Describe: func(o *downline.Order) (*downline.AuditEntry, *downline.IdempotentResponse, error) {
		e := &downline.AuditEntry{ActorUserID: 7, ActorName: "api", ActorRole: downline.RoleAdmin, Action: "order.create",
			TargetType: "order", TargetID: fmt.Sprint(o.ID), AfterDigest: downline.AuditDigest([]byte(o.ExternalID))}
		if key == "" {
			return e, nil, nil
		}
		return e, &downline.IdempotentResponse{ActorUserID: 7, Key: key, RequestHash: hash, Status: 201,
			Body: fmt.Appendf(nil, `{"id":%d}`, o.ID)}, nil
	}}
}

// auditLog returns the audit entries after checking the whole chain.
func auditLog(t *testing.T, db *sqlstore.DB) []*downline.AuditEntry {
	t.Helper()
	var chain downline.AuditChain
	var es []*downline.AuditEntry
	if err := db.WalkAudit(ctx, func(e *downline.AuditEntry) error {
		es = append(es, e)
		return chain.Next(e)
	}); err != nil {
		t.Fatalf("audit chain: %v", err)
	}
	return es
}

// TestCreateOrderRecords: orders, their audit entries and their idempotent
// responses are written together or not at all, and the chain stays whole
// around entries appended one by one.
func TestCreateOrderRecords(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *sqlstore.DB) {
		seed(t, db)
		if err := db.AppendAudit(ctx, &downline.AuditEntry{Action: "seed.done"}); err != nil {
			t.Fatal(err)
		}
		recs := []*downline.OrderRecord{
			recordOf(customerOrder("R-1", "C-A1", "SUP", 1, at(time.March, 3)), "k1", "h1"),
			recordOf(customerOrder("R-2", "C-A1", "SUP", 2, at(time.March, 4)), "", ""),
			recordOf(customerOrder("R-3", "C-A1", "SUP", 1, at(time.March, 5)), "k3", "h3"),
		}
		if err := db.CreateOrderRecords(ctx, recs); err != nil {
			t.Fatal(err)
		}
		es := auditLog(t, db)
		if len(es) != 4 {
			t.Fatalf("%d audit entries, want 4", len(es))
		}
		for i, rec := range recs {
			if e := es[i+1]; e.Seq != int64(i+2) || e.TargetID != fmt.Sprint(rec.Order.ID) || !e.At.Equal(sqlstoretest.Now) {
				t.Errorf("audit entry %d = seq %d target %s at %v; want seq %d, order %d", i+2, e.Seq, e.TargetID, e.At, i+2, rec.Order.ID)
			}
		}
		r, err := db.FindIdempotentResponse(ctx, 7, "k3")
		if err != nil || r.RequestHash != "h3" || string(r.Body) != fmt.Sprintf(`{"id":%d}`, recs[2].Order.ID) {
			t.Errorf("response of k3 = %+v, %v", r, err)
		}

		// The same key for the same request again is refused as well: the
		// stored response stays the only one (the caller replays it), and
		// neither the order nor its audit entry is written twice.
		before := len(auditLog(t, db))
		again := recordOf(customerOrder("R-1", "C-A1", "SUP", 1, at(time.March, 3)), "k1", "h1")
		if err := db.CreateOrderRecords(ctx, []*downline.OrderRecord{again}); downline.ErrorCode(err) != downline.CodeConflict {
			t.Fatalf("repeat of k1: %v, want CodeConflict", err)
		}
		if n := len(auditLog(t, db)); n != before {
			t.Errorf("repeat of k1: %d audit entries, want %d", n, before)
		}
		if r, err := db.FindIdempotentResponse(ctx, 7, "k1"); err != nil || string(r.Body) != fmt.Sprintf(`{"id":%d}`, recs[0].Order.ID) {
			t.Errorf("response of k1 after the repeat = %+v, %v", r, err)
		}
		// And twice in one call, as two requests in one group commit: the
		// call is refused, so the group stores them one by one.
		twice := []*downline.OrderRecord{recordOf(customerOrder("R-10", "C-A1", "SUP", 1, at(time.March, 7)), "k10", "h10"),
			recordOf(customerOrder("R-10", "C-A1", "SUP", 1, at(time.March, 7)), "k10", "h10")}
		if err := db.CreateOrderRecords(ctx, twice); downline.ErrorCode(err) != downline.CodeConflict {
			t.Fatalf("one key twice for one request: %v, want CodeConflict", err)
		}
		if _, err := db.FindIdempotentResponse(ctx, 7, "k10"); downline.ErrorCode(err) != downline.CodeNotFound {
			t.Errorf("response of k10 of a refused call = %v, want not found", err)
		}

		// Nothing of a refused call is kept: a key used for another
		// request, or an order the store refuses.
		for name, bad := range map[string][]*downline.OrderRecord{
			"key reused": {recordOf(customerOrder("R-4", "C-A1", "SUP", 1, at(time.March, 6)), "k5", "h5"),
				recordOf(customerOrder("R-5", "C-A1", "SUP", 1, at(time.March, 6)), "k1", "other")},
			"key twice in one call": {recordOf(customerOrder("R-8", "C-A1", "SUP", 1, at(time.March, 6)), "k8", "h8"),
				recordOf(customerOrder("R-9", "C-A1", "SUP", 1, at(time.March, 6)), "k8", "other")},
			"unknown customer": {recordOf(customerOrder("R-6", "C-A1", "SUP", 1, at(time.March, 6)), "k6", "h6"),
				recordOf(customerOrder("R-7", "C-NOBODY", "SUP", 1, at(time.March, 6)), "k7", "h7")},
		} {
			before := len(auditLog(t, db))
			err := db.CreateOrderRecords(ctx, bad)
			if err == nil {
				t.Errorf("%s: stored", name)
			}
			if name != "unknown customer" && downline.ErrorCode(err) != downline.CodeConflict {
				t.Errorf("%s: %v, want CodeConflict", name, err)
			}
			if n := len(auditLog(t, db)); n != before {
				t.Errorf("%s: %d audit entries, want %d", name, n, before)
			}
			for _, rec := range bad {
				if _, err := db.FindOrderByExternalID(ctx, rec.Order.ExternalID); downline.ErrorCode(err) != downline.CodeNotFound {
					t.Errorf("%s: order %s: %v, want not found", name, rec.Order.ExternalID, err)
				}
			}
		}
		for _, k := range []string{"k5", "k6", "k8"} {
			if _, err := db.FindIdempotentResponse(ctx, 7, k); downline.ErrorCode(err) != downline.CodeNotFound {
				t.Errorf("key %s of a refused call was kept: %v", k, err)
			}
		}
		if err := db.AppendAudit(ctx, &downline.AuditEntry{Action: "seed.after"}); err != nil {
			t.Fatal(err)
		}
		// The seed, the three records and this one: no refused call left one.
		if n := len(auditLog(t, db)); n != 5 {
			t.Errorf("%d audit entries at the end, want 5", n)
		}
	})
}
