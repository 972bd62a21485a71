package main

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/downline/downline"
	"github.com/downline/downline/attribution"
	"github.com/downline/downline/internal/sqlstore"
)

// TestHoldsList lists two TX-11 holds of the report world's customer with
// two distributors, one open and one acknowledged, by status.
func TestHoldsList(t *testing.T) {
	for name, dsn := range testDSNs(t) {
		t.Run(name, func(t *testing.T) {
			reportWorld(t, dsn)
			ctx := context.Background()
			db, err := sqlstore.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			rows, err := db.SQL().QueryContext(ctx, `SELECT c.id, c.external_id || '/' || d.external_id, d.id FROM customers c CROSS JOIN distributors d ORDER BY c.id, d.id LIMIT 2`)
			if err != nil {
				t.Fatal(err)
			}
			type pair struct {
				c   downline.CustomerID
				ref string
				d   downline.DistributorID
			}
			var ps []pair
			for rows.Next() {
				var p pair
				if err := rows.Scan(&p.c, &p.ref, &p.d); err != nil {
					t.Fatal(err)
				}
				ps = append(ps, p)
			}
			if err := rows.Close(); err != nil || len(ps) != 2 {
				t.Fatalf("customers: %d, %v", len(ps), err)
			}
			var refs []string
			var holds []int64
			for _, p := range ps {
				h, err := db.HoldSelfDealing(ctx, p.c, p.d, "TX-11: held for "+p.ref)
				if err != nil {
					t.Fatal(err)
				}
				refs, holds = append(refs, p.ref), append(holds, h.ID)
			}
			if err := db.AcknowledgeSelfDealing(ctx, holds[1], "Pat Lee", "pat@example.com"); err != nil {
				t.Fatal(err)
			}
			do := func(args ...string) (string, error) {
				var out, errOut bytes.Buffer
				e := &env{getenv: func(string) string { return "" }, stdin: bytes.NewReader(nil), stdout: &out, stderr: &errOut}
				err := runHolds(ctx, e, append(args, "--db", dsn))
				return out.String(), err
			}
			out, err := do("list", "--status", "open")
			if err != nil || !strings.Contains(out, "held for "+refs[0]) || strings.Contains(out, "held for "+refs[1]) {
				t.Errorf("open holds: %v\n%s", err, out)
			}
			out, err = do("list", "--status", "acknowledged")
			if err != nil || !strings.Contains(out, "acknowledged by Pat Lee <pat@example.com>") || strings.Contains(out, "held for "+refs[0]) {
				t.Errorf("acknowledged holds: %v\n%s", err, out)
			}
			out, err = do("list", "--limit", "1")
			if err != nil || !strings.Contains(out, "1 of 2 holds shown") {
				t.Errorf("first hold: %v\n%s", err, out)
			}
			if _, err := do("list", "--status", "held"); exitCode(err, &bytes.Buffer{}) != 2 {
				t.Errorf("--status held: %v, want a usage error", err)
			}
			// holds link: a signed link for the open hold, none for the
			// acknowledged one, and none without a long enough key.
			key := "a test acknowledgement key of 32+ bytes"
			link := func(args ...string) (string, error) {
				var out, errOut bytes.Buffer
				e := &env{getenv: func(k string) string {
					if k == "DOWNLINE_SECRET_KEY" {
						return key
					}
					return ""
				}, stdin: bytes.NewReader(nil), stdout: &out, stderr: &errOut}
				err := runHolds(ctx, e, append([]string{"link", "--db", dsn}, args...))
				return out.String(), err
			}
			out, err = link("--base-url", "https://partners.example/", strconv.FormatInt(holds[0], 10))
			if err != nil || !strings.HasPrefix(out, "https://partners.example/ack/") {
				t.Fatalf("link of the open hold: %v\n%s", err, out)
			}
			tok := strings.TrimPrefix(strings.SplitN(out, "\n", 2)[0], "https://partners.example/ack/")
			a, err := attribution.VerifyAckToken([]byte(key), tok, time.Now())
			if err != nil || a.HoldID != holds[0] || a.CustomerID != ps[0].c || a.DistributorID != ps[0].d {
				t.Errorf("link token %+v, %v; want hold %d of %+v", a, err, holds[0], ps[0])
			}
			if _, err := link(strconv.FormatInt(holds[1], 10)); downline.ErrorCode(err) != downline.CodeConflict {
				t.Errorf("link of the acknowledged hold: %v, want a conflict", err)
			}
			key = "short"
			if _, err := link(strconv.FormatInt(holds[0], 10)); exitCode(err, &bytes.Buffer{}) != 2 {
				t.Errorf("link with a short key: %v, want a usage error", err)
			}
		})
	}
}
