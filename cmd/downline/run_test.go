package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/downline/downline"
	"github.com/downline/downline/internal/sqlstore"
)

// killPlan pays 20 % direct commission and three unilevel levels.
const killPlan = `plan: kill-test
version: "1"
currency: EUR
active: {min_cuv: "50"}
bonuses:
  - id: direct
    kind: direct
    basis: [cuv]
    rate_pct: "20"
  - id: unilevel
    kind: unilevel
    basis: [cuv]
    compression: dynamic
    levels: [{rate_pct: "6"}, {rate_pct: "3"}, {rate_pct: "2"}]
`

const killChildEnv = "DOWNLINE_KILLTEST_DB"

// TestCloseKillChild is the subprocess of TestCloseKilled: a real process
// running "downline run close" that the parent kills with SIGKILL.
func TestCloseKillChild(t *testing.T) {
	dsn := os.Getenv(killChildEnv)
	if dsn == "" {
		t.Skip("the subprocess of TestCloseKilled")
	}
	e := &env{getenv: os.Getenv, stdin: bytes.NewReader(nil), stdout: io.Discard, stderr: io.Discard}
	if err := runRun(context.Background(), e, []string{"close", "--db", dsn, "--period", "2026-01"}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	os.Exit(0)
}

// killWorld writes a programme with n distributors in a random tree, one
// customer each, orders in December 2025 (closed) and January 2026, and
// refunds in January of December orders, so that the January close posts
// earnings and clawbacks.
func killWorld(t *testing.T, path string, n int) {
	t.Helper()
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, "sqlite:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.Now = func() time.Time { return time.Date(2026, 2, 3, 0, 0, 0, 0, time.UTC) }
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateProgramme(ctx, &downline.Programme{Name: "Kill", Currency: "EUR", PeriodLength: downline.PeriodMonthly,
		TimeZone: "UTC"}); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateProduct(ctx, &downline.Product{ExternalID: "SKU", Name: "Licence", Kind: "subscription",
		RetailPrice: 10000, CV: 10000, QV: 10000, Commissionable: true}); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(7, 7))
	joined := time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC)
	ds := make([]*downline.Distributor, n)
	cs := make([]*downline.Customer, n)
	for i := range ds {
		ext := "D" + strconv.Itoa(i+1)
		ds[i] = &downline.Distributor{ExternalID: ext, JoinedAt: joined, Email: ext + "@example.com", DisplayName: ext, AgreementVersion: "v1"}
		if i > 0 {
			ds[i].SponsorRef = "D" + strconv.Itoa(1+rng.IntN(i))
		}
		cs[i] = &downline.Customer{ExternalID: "C" + strconv.Itoa(i+1), Name: "Customer " + ext, DistributorRef: ext,
			Attribution: downline.AttributionManual}
	}
	if err := db.CreateDistributors(ctx, ds); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateCustomers(ctx, cs); err != nil {
		t.Fatal(err)
	}
	var os []*downline.Order
	for i := range 4 * n {
		month := time.December
		year := 2025
		if i%2 == 1 {
			month, year = time.January, 2026
		}
		os = append(os, &downline.Order{ExternalID: "O" + strconv.Itoa(i), CustomerRef: "C" + strconv.Itoa(1+rng.IntN(n)),
			Purpose: downline.PurposeCustomerDirect, Currency: "EUR", PaidAt: time.Date(year, month, 1+rng.IntN(28), 12, 0, 0, 0, time.UTC),
			Lines: []*downline.OrderLine{{ProductRef: "SKU", Quantity: int64(1 + rng.IntN(3)), UnitPrice: 10000}}})
	}
	if err := db.CreateOrders(ctx, os); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ActivatePlan(ctx, killPlan, "2025-12"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CloseRun(ctx, "2025-12", downline.RunOptions{HoldDays: -1}); err != nil {
		t.Fatal(err)
	}
	var rs []*downline.Refund
	for i := 0; i < 4*n; i += 40 {
		rs = append(rs, &downline.Refund{ExternalID: "R" + strconv.Itoa(i), OrderRef: "O" + strconv.Itoa(i),
			RefundedAt: time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC), Lines: []downline.RefundLine{{LineNo: 1, Amount: 5000}}})
	}
	if err := db.CreateRefunds(ctx, rs); err != nil {
		t.Fatal(err)
	}
}

// closeState inspects the January close: none, or complete. It fails the
// test on anything in between.
func closeState(t *testing.T, path string) (closed bool, fingerprint string) {
	t.Helper()
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, "sqlite:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	q := func(query string, args ...any) int64 {
		t.Helper()
		var v int64
		if err := db.SQL().QueryRowContext(ctx, query, args...).Scan(&v); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		return v
	}
	runs, err := db.FindRuns(ctx, "2026-01")
	if err != nil {
		t.Fatal(err)
	}
	txs := q(`SELECT COUNT(*) FROM ledger_transactions WHERE period = '2026-01'`)
	if len(runs) == 0 {
		if txs != 0 || q(`SELECT COUNT(*) FROM period_states WHERE period = '2026-01'`) != 0 {
			t.Fatalf("no January run, but %d ledger transactions or a state: a partial close survived", txs)
		}
		return false, ""
	}
	if len(runs) != 1 || runs[0].Kind != downline.RunClose {
		t.Fatalf("January runs %+v, want one close", runs)
	}
	r := runs[0]
	if got := q(`SELECT COUNT(*) FROM run_distributors WHERE run_id = ?`, r.ID); got != int64(r.Distributors) {
		t.Errorf("close stored %d distributor rows, want %d", got, r.Distributors)
	}
	if got := q(`SELECT -SUM(amount) FROM ledger_postings WHERE transaction_id = 'run:2026-01:close' AND account_kind = 'earned'`); got != r.Total {
		t.Errorf("earnings posted %d, run total %d", got, r.Total)
	}
	claws := q(`SELECT COALESCE(SUM(amount), 0) FROM ledger_postings p JOIN ledger_transactions t ON t.id = p.transaction_id
		WHERE t.period = '2026-01' AND t.kind = 'clawback' AND p.account_kind = 'clawback_receivable'`)
	if claws != -r.Clawbacks || claws == 0 {
		t.Errorf("clawbacks posted %d, run clawbacks %d (want equal and non-zero)", claws, r.Clawbacks)
	}
	if q(`SELECT COUNT(*) FROM period_states WHERE period = '2026-01'`) != 1 {
		t.Errorf("close without its carried state")
	}
	bal, err := db.LedgerBalances(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var sum int64
	for _, b := range bal {
		sum += b.Amount
	}
	if sum != 0 {
		t.Errorf("ledger balances sum to %d, want 0", sum)
	}
	return true, fmt.Sprintf("%s %s %d %d %+v", r.InputHash, r.ResultHash, txs, claws, bal)
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// closeChild starts the close in a subprocess; crashAt is the test hook's
// "stage:n" or "".
func closeChild(t *testing.T, path, crashAt string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCloseKillChild$")
	cmd.Env = append(os.Environ(), killChildEnv+"=sqlite:"+path, crashEnv+"="+crashAt)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd
}

// TestCloseKilled kills a real close subprocess with SIGKILL at every stage
// of its transaction and at random times, then checks that the database
// holds either nothing of the close or all of it, and that closing again
// completes it exactly once.
func TestCloseKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a database and runs subprocesses")
	}
	t.Parallel()
	dir := t.TempDir()
	base := filepath.Join(dir, "base.db")
	const n = 400
	killWorld(t, base, n)

	// The reference: a close that is not interrupted.
	ref := filepath.Join(dir, "ref.db")
	copyFile(t, base, ref)
	if err := closeChild(t, ref, "").Wait(); err != nil {
		t.Fatalf("uninterrupted close: %v", err)
	}
	closed, want := closeState(t, ref)
	if !closed {
		t.Fatal("uninterrupted close left nothing")
	}

	points := []string{"tree:0", "tree:1", "volumes:1", "evaluate:1", "results:0", "results:" + strconv.Itoa(n), "ledger:0", "ledger:1", "commit:0", "commit:1"}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range len(points) + 3 {
		name := fmt.Sprintf("random-%d", i)
		if i < len(points) {
			name = points[i]
		}
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, fmt.Sprintf("kill-%d.db", i))
			copyFile(t, base, path)
			var cmd *exec.Cmd
			if i < len(points) {
				cmd = closeChild(t, path, points[i])
			} else {
				cmd = closeChild(t, path, "")
				time.Sleep(time.Duration(50+rng.IntN(800)) * time.Millisecond)
				cmd.Process.Signal(syscall.SIGKILL)
			}
			err := cmd.Wait()
			if i < len(points) {
				ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus)
				if !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
					t.Fatalf("close with %s=%s ended with %v, want killed by SIGKILL", crashEnv, points[i], err)
				}
			}
			closed, got := closeState(t, path)
			if wantClosed := points[min(i, len(points)-1)] == "commit:1"; i < len(points) && closed != wantClosed {
				t.Errorf("killed at %s: closed = %v, want %v", name, closed, wantClosed)
			}
			if closed && got != want {
				t.Errorf("killed at %s after the commit: state %s, want %s", name, got, want)
			}
			// Closing again completes the close, or finds it done, and
			// never posts twice (checked by two reruns once).
			reruns := 1
			if i == 0 {
				reruns = 2
			}
			for range reruns {
				if err := closeChild(t, path, "").Wait(); err != nil {
					t.Fatalf("close after the kill: %v", err)
				}
				if closed, got := closeState(t, path); !closed || got != want {
					t.Fatalf("after rerunning the close: closed %v, state %s, want %s", closed, got, want)
				}
			}
		})
	}
}
