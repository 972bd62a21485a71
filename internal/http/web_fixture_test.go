package http_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/downline/downline"
	"github.com/downline/downline/internal/demo"
	dlhttp "github.com/downline/downline/internal/http"
	"github.com/downline/downline/internal/payoutcsv"
	"github.com/downline/downline/internal/sqlstore"
	"github.com/downline/downline/internal/sqlstore/sqlstoretest"
	"github.com/downline/downline/internal/statement"
)

// The fixture's clock: early March 2026, after the demo's last month.
var webNow = time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC)

const (
	adminEmail       = "admin@lumen.example"
	distributorEmail = "partner@lumen.example"
	webPassword      = "correct horse battery staple"
)

// webFixture is a real server on a demo programme in SQLite: four months
// of orders (Nov 2025 to Feb 2026), the first three closed, the last
// previewed, an admin and a distributor who can sign in.
type webFixture struct {
	db      *sqlstore.DB
	srv     *httptest.Server
	handler http.Handler
	periods []string
	me      *downline.Distributor
	// other is a distributor outside me's team, a root's frontline
	// member, to move me under.
	other *downline.Distributor
	// frontline counts me's personally sponsored distributors.
	frontline int
}

// cheapHash keeps password hashing fast in tests.
var cheapHash = dlhttp.PasswordParams{Memory: 64, Time: 1, Threads: 1}

func newWebFixture(tb testing.TB, distributors int) *webFixture {
	tb.Helper()
	ctx := context.Background()
	db := sqlstoretest.OpenSQLite(tb)
	db.Now = func() time.Time { return webNow }
	sum, err := demo.Build(ctx, demo.Services{Programme: db, Products: db, Distributors: db, Customers: db, Orders: db, Refunds: db},
		demo.Options{Distributors: distributors, Months: 4, LastPeriod: "2026-02"})
	if err != nil {
		tb.Fatalf("demo.Build: %v", err)
	}
	f := &webFixture{db: db, periods: sum.Periods}
	plan, err := os.ReadFile(filepath.Join(repoRoot(tb), "examples", "plans", "unilevel-ranks.yaml"))
	if err != nil {
		tb.Fatalf("read plan: %v", err)
	}
	if _, err := db.ActivatePlan(ctx, string(plan), f.periods[0]); err != nil {
		tb.Fatalf("ActivatePlan: %v", err)
	}
	for _, p := range f.periods[:len(f.periods)-1] {
		if _, err := db.CloseRun(ctx, p, downline.RunOptions{HoldDays: 0}); err != nil {
			tb.Fatalf("CloseRun(%s): %v", p, err)
		}
	}
	if _, err := db.PreviewRun(ctx, f.periods[len(f.periods)-1], downline.RunOptions{HoldDays: -1}); err != nil {
		tb.Fatalf("PreviewRun: %v", err)
	}
	if _, err := db.ReleaseHolds(ctx, webNow); err != nil {
		tb.Fatalf("ReleaseHolds: %v", err)
	}
	f.me = busiest(tb, db)
	front, err := db.Downline(ctx, f.me.ID, 1)
	if err != nil {
		tb.Fatalf("Downline: %v", err)
	}
	f.frontline = len(front)
	f.other = outsider(tb, db, f.me)
	bs, err := db.Balances(ctx)
	if err != nil {
		tb.Fatalf("Balances: %v", err)
	}
	for _, b := range bs {
		d := &downline.PayoutDetails{DistributorID: b.DistributorID, Method: downline.PayoutPayPal, HolderName: "Partner",
			Email: fmt.Sprintf("p%d@pay.example", b.DistributorID), TaxStatus: downline.TaxReceived}
		if err := db.SetPayoutDetails(ctx, d); err != nil {
			tb.Fatalf("SetPayoutDetails: %v", err)
		}
	}
	for _, u := range []*downline.User{
		{Email: adminEmail, Name: "Ada Admin", Role: downline.RoleAdmin},
		{Email: distributorEmail, Name: f.me.DisplayName, Role: downline.RoleDistributor, DistributorID: f.me.ID},
	} {
		if u.PasswordHash, err = dlhttp.HashPassword(webPassword, cheapHash, rand.Reader); err != nil {
			tb.Fatalf("HashPassword: %v", err)
		}
		if err := db.CreateUser(ctx, u); err != nil {
			tb.Fatalf("CreateUser: %v", err)
		}
	}
	s := newWebServer(db)
	f.handler = s.Handler()
	f.srv = httptest.NewServer(f.handler)
	tb.Cleanup(f.srv.Close)
	return f
}

// newWebServer wires the server the way cmd/downline does.
func newWebServer(db *sqlstore.DB) *dlhttp.Server {
	return &dlhttp.Server{
		Programme: db, Products: db, Distributors: db, Customers: db, Orders: db, Refunds: db, Genealogy: db,
		Runs: db, Payouts: db, Users: db, Sessions: db, Tokens: db, Resets: db, Enrolments: db, Audit: db, Idempotency: db,
		Now: func() time.Time { return webNow }, Password: cheapHash, PseudonymKey: []byte("test pseudonym key"),
		RateLimit: 1000, RateBurst: 1000, Verifications: db, Risk: db, SelfDealing: db,
		Web: dlhttp.WebServices{
			Volumes: db,
			Standings: func(ctx context.Context, run downline.RunID, ids ...downline.DistributorID) ([]dlhttp.Standing, error) {
				return standings(ctx, db, run, ids)
			},
			PlanVersion: func(ctx context.Context, id int64) (*downline.PlanVersion, error) { return planVersion(ctx, db, id) },
			Statement: func(ctx context.Context, id downline.DistributorID, period string) ([]byte, error) {
				return statementPDF(ctx, db, id, period)
			},
			ExportPayout: func(ctx context.Context, b *downline.PayoutBatch) (string, string, []byte, error) {
				return exportPayPal(b)
			},
			Attention: func(ctx context.Context, openOnly bool) ([]dlhttp.AttentionItem, error) {
				items, err := db.FindAttentionItems(ctx, openOnly)
				out := make([]dlhttp.AttentionItem, len(items))
				for i, it := range items {
					out[i] = dlhttp.AttentionItem{ID: it.ID, Source: it.Source, Ref: it.Ref, Reason: it.Reason, CreatedAt: it.CreatedAt,
						ResolvedAt: it.ResolvedAt, Resolution: it.Resolution}
				}
				return out, err
			},
			RegisterDeal: func(ctx context.Context, owner downline.DistributorID, org, domain string) (*dlhttp.Deal, error) {
				d := &sqlstore.Deal{DistributorID: owner, Organisation: org, Domain: domain}
				if err := db.CreateDeal(ctx, d); err != nil {
					return nil, err
				}
				return &dlhttp.Deal{ID: d.ID, Organisation: d.Organisation, Domain: d.Domain, Status: d.Status, RegisteredAt: d.RegisteredAt}, nil
			},
			FindDeals: func(ctx context.Context, owner downline.DistributorID) ([]*dlhttp.Deal, error) {
				return findDeals(ctx, db, owner)
			},
		},
	}
}

// busiest returns the distributor with the largest frontline.
func busiest(tb testing.TB, db *sqlstore.DB) *downline.Distributor {
	tb.Helper()
	var id int64
	err := db.SQL().QueryRow(`SELECT sponsor_id FROM distributors WHERE sponsor_id IS NOT NULL AND sponsor_id <> 0
		GROUP BY sponsor_id ORDER BY COUNT(*) DESC, sponsor_id LIMIT 1`).Scan(&id)
	if err != nil {
		tb.Fatalf("find busiest sponsor: %v", err)
	}
	d, err := db.FindDistributorByID(context.Background(), downline.DistributorID(id))
	if err != nil {
		tb.Fatalf("FindDistributorByID: %v", err)
	}
	return d
}

// outsider returns a distributor neither in me's upline nor downline.
func outsider(tb testing.TB, db *sqlstore.DB, me *downline.Distributor) *downline.Distributor {
	tb.Helper()
	ctx := context.Background()
	up, err := db.Upline(ctx, me.ID)
	if err != nil {
		tb.Fatalf("Upline: %v", err)
	}
	down, err := db.Downline(ctx, me.ID, 0)
	if err != nil {
		tb.Fatalf("Downline: %v", err)
	}
	near := map[downline.DistributorID]bool{me.ID: true}
	for _, id := range up {
		near[id] = true
	}
	for _, m := range down {
		near[m.ID] = true
	}
	ds, _, err := db.FindDistributors(ctx, downline.DistributorFilter{Limit: 100})
	if err != nil {
		tb.Fatalf("FindDistributors: %v", err)
	}
	for _, d := range ds {
		if !near[d.ID] {
			return d
		}
	}
	tb.Fatal("no distributor outside the busiest one's line")
	return nil
}

// The adapters below stand in for store methods the runs and referral
// work has not exported yet; they read the same tables.

func standings(ctx context.Context, db *sqlstore.DB, run downline.RunID, ids []downline.DistributorID) ([]dlhttp.Standing, error) {
	q := `SELECT distributor_id, cuv, pcv, pv, gv, active, paid_rank, title_rank, total FROM run_distributors WHERE run_id = ?`
	args := []any{int64(run)}
	if len(ids) > 0 && len(ids) <= 500 {
		q += ` AND distributor_id IN (?` + strings.Repeat(`, ?`, len(ids)-1) + `)`
		for _, id := range ids {
			args = append(args, int64(id))
		}
	}
	rows, err := db.SQL().QueryContext(ctx, db.Rebind(q), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	want := map[downline.DistributorID]bool{}
	for _, id := range ids {
		want[id] = true
	}
	var out []dlhttp.Standing
	for rows.Next() {
		var s dlhttp.Standing
		if err := rows.Scan(&s.DistributorID, &s.CuV, &s.PCV, &s.PV, &s.GV, &s.Active, &s.PaidRank, &s.TitleRank, &s.Total); err != nil {
			return nil, err
		}
		if len(ids) == 0 || want[s.DistributorID] {
			out = append(out, s)
		}
	}
	return out, rows.Err()
}

func planVersion(ctx context.Context, db *sqlstore.DB, id int64) (*downline.PlanVersion, error) {
	pv := &downline.PlanVersion{ID: id}
	err := db.SQL().QueryRowContext(ctx, db.Rebind(`SELECT hash, plan_id, version, yaml, active_from FROM plan_versions WHERE id = ?`), id).
		Scan(&pv.Hash, &pv.PlanID, &pv.Version, &pv.YAML, &pv.ActiveFrom)
	if err == sql.ErrNoRows {
		return nil, downline.Errorf(downline.CodeNotFound, "Plan version %d not found.", id)
	}
	return pv, err
}

func findDeals(ctx context.Context, db *sqlstore.DB, owner downline.DistributorID) ([]*dlhttp.Deal, error) {
	rows, err := db.SQL().QueryContext(ctx, db.Rebind(`SELECT id, organisation, domain, status FROM deals WHERE distributor_id = ? ORDER BY id DESC`), int64(owner))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*dlhttp.Deal
	for rows.Next() {
		d := &dlhttp.Deal{RegisteredAt: webNow}
		if err := rows.Scan(&d.ID, &d.Organisation, &d.Domain, &d.Status); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// statementPDF renders the store's statement of a closed period, as
// cmd/downline does.
func statementPDF(ctx context.Context, db *sqlstore.DB, id downline.DistributorID, period string) ([]byte, error) {
	ps, err := db.FindStatement(ctx, id, period)
	if err != nil {
		return nil, err
	}
	st := statement.Statement{Programme: ps.Programme, DistributorID: ps.DistributorID, DistributorName: ps.DistributorName,
		Period: ps.Period, Currency: ps.Currency, GeneratedAt: ps.Run.CreatedAt,
		Movements: statement.Movements{Opening: ps.Opening, Earned: ps.Earned, Clawbacks: ps.Clawbacks,
			Adjustments: ps.Adjustments, Paid: ps.Paid, Closing: ps.Closing}}
	for _, l := range ps.Lines {
		st.Lines = append(st.Lines, statement.Line{ID: fmt.Sprintf("run:%d:line:%d", ps.Run.ID, l.LineNo), Bonus: l.Bonus,
			Source: fmt.Sprintf("distributor %d", l.Source), Explanation: l.Explain(ps.Currency), Amount: l.Amount})
	}
	var buf bytes.Buffer
	if err := statement.WritePDF(&buf, st); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func exportPayPal(b *downline.PayoutBatch) (string, string, []byte, error) {
	var items []payoutcsv.PayPalItem
	for _, it := range b.Items {
		if it.Status == downline.PayoutHeld || it.Details == nil {
			continue
		}
		items = append(items, payoutcsv.PayPalItem{ID: fmt.Sprintf("%s-%d", b.ID, it.ItemNo), Receiver: it.Details.Email,
			Amount: it.Amount, Currency: b.Currency, Note: "Commission " + b.Period})
	}
	var buf bytes.Buffer
	if err := payoutcsv.WritePayPal(&buf, items); err != nil {
		return "", "", nil, err
	}
	return "payouts-" + b.ID + ".csv", "text/csv", buf.Bytes(), nil
}

// repoRoot finds the module root above this package.
func repoRoot(tb testing.TB) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}
