package http_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/downline/downline"
	"github.com/downline/downline/gen"
	dlhttp "github.com/downline/downline/internal/http"
	"github.com/downline/downline/internal/sqlstore"
)

// BenchmarkGenealogyDownline measures GET /api/v1/distributors/{id}/downline
// (depth 3, 50 per page) for random nodes of a preferential-attachment tree
// and reports the p50, p99 and maximum latency over the nodes asked. The
// tree has 20 000 distributors, or DOWNLINE_BENCH_TREE of them (1000000
// for the target):
//
//	DOWNLINE_BENCH_TREE=1000000 go test ./internal/http -run XXX -bench GenealogyDownline -benchtime 2000x
func BenchmarkGenealogyDownline(b *testing.B) {
	n := 20000
	if v := os.Getenv("DOWNLINE_BENCH_TREE"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			b.Fatal(err)
		}
	}
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, "sqlite:"+filepath.Join(b.TempDir(), "tree.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	if err := db.CreateProgramme(ctx, &downline.Programme{Name: "Bench", Currency: "EUR", PeriodLength: downline.PeriodMonthly, TimeZone: "UTC"}); err != nil {
		b.Fatal(err)
	}
	g, err := gen.New(gen.Config{Seed: 1, Distributors: n, Shape: gen.ShapePA, Orders: 1})
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	if err := bulkTree(ctx, db, g.Tree()); err != nil {
		b.Fatal(err)
	}
	b.Logf("loaded %d distributors in %v", n, time.Since(start).Round(time.Millisecond))
	u := &downline.User{Email: "bench@vendor.example", Role: downline.RoleSupport}
	if err := db.CreateUser(ctx, u); err != nil {
		b.Fatal(err)
	}
	if err := db.CreateAPIToken(ctx, &downline.APIToken{UserID: u.ID, Name: "bench", Prefix: "dlt_bench", Hash: sha("dlt_bench"),
		Scopes: []downline.Scope{downline.ScopeRead}, ExpiresAt: time.Now().Add(time.Hour)}); err != nil {
		b.Fatal(err)
	}
	srv := &dlhttp.Server{Programme: db, Distributors: db, Genealogy: db, Users: db, Tokens: db, Sessions: db,
		RateLimit: 1e9, RateBurst: 1e9}
	h := srv.Handler()
	rng := rand.New(rand.NewPCG(1, 2))
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		id := 1 + rng.IntN(n)
		if i%100 == 0 {
			id = 1 + i/100%10 // the root and the biggest early subtrees, too
		}
		req := httptest.NewRequest("GET", fmt.Sprintf("/api/v1/distributors/%d/downline?depth=3&limit=50", id), nil)
		req.Header.Set("Authorization", "Bearer dlt_bench")
		rec := httptest.NewRecorder()
		t0 := time.Now()
		h.ServeHTTP(rec, req)
		lat = append(lat, time.Since(t0))
		if rec.Code != http.StatusOK {
			b.Fatalf("distributor %d: %d %s", id, rec.Code, rec.Body)
		}
	}
	b.StopTimer()
	slices.Sort(lat)
	q := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
	b.ReportMetric(q(0.5), "p50-ms")
	b.ReportMetric(q(0.99), "p99-ms")
	b.ReportMetric(q(1), "max-ms")
}

// bulkTree inserts the generated tree with plain SQL in one transaction:
// far faster than the validating import, and enough for reads.
func bulkTree(ctx context.Context, db *sqlstore.DB, t *gen.Tree) error {
	tx, err := db.SQL().BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	st, err := tx.PrepareContext(ctx, db.Rebind(`INSERT INTO distributors (id, external_id, sponsor_id, placement_parent_id,
		placement_side, referral_code, status, joined_at, country, email, display_name, agreement_version, digest, created_at,
		updated_at) VALUES (?, ?, ?, NULL, '', ?, 'active', ?, 'DE', '', ?, 'v1', '', 0, 0)`))
	if err != nil {
		return err
	}
	defer st.Close()
	for i := range t.Len() {
		var sponsor any
		if t.Sponsor[i] >= 0 {
			sponsor = int64(t.Sponsor[i]) + 1
		}
		ext := "D" + strconv.Itoa(i+1)
		joined := time.Unix(int64(t.JoinedDay[i])*86400, 0).UnixMicro()
		if _, err := st.ExecContext(ctx, i+1, ext, sponsor, "R"+ext, joined, "Distributor "+ext); err != nil {
			return err
		}
	}
	return tx.Commit()
}
