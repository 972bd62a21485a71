package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/downline/downline"
	"github.com/downline/downline/internal/demo"
	"github.com/downline/downline/internal/nacha"
	"github.com/downline/downline/internal/sqlstore"
)

// cli runs one downline subcommand function against dsn and returns its
// standard output.
func cli(t *testing.T, fn func(context.Context, *env, []string) error, dsn string, args ...string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	e := &env{getenv: func(string) string { return "" }, stdin: bytes.NewReader(nil), stdout: &out, stderr: &errOut}
	// --db goes before any positional argument, after a subcommand.
	all := append([]string{"--db", dsn}, args...)
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		all = append([]string{args[0], "--db", dsn}, args[1:]...)
	}
	if err := fn(context.Background(), e, all); err != nil {
		t.Fatalf("%v: %v\n%s", args, err, errOut.String())
	}
	return out.String()
}

// testDSNs returns a fresh SQLite database and, when
// DOWNLINE_TEST_POSTGRES_DSN is set, a fresh PostgreSQL schema.
func testDSNs(t *testing.T) map[string]string {
	dsns := map[string]string{"sqlite": "sqlite:" + filepath.Join(t.TempDir(), "downline.db")}
	pg := os.Getenv("DOWNLINE_TEST_POSTGRES_DSN")
	if pg == "" {
		return dsns
	}
	admin, err := sql.Open("pgx", pg)
	if err != nil {
		t.Fatal(err)
	}
	schema := "cmd_" + strconv.FormatInt(time.Now().UnixNano(), 36)
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		admin.Close()
	})
	sep := "?"
	if strings.Contains(pg, "?") {
		sep = "&"
	}
	dsns["postgres"] = pg + sep + "search_path=" + schema
	return dsns
}

// TestLifecycleOnDemo runs the whole commission lifecycle through the
// commands on the demo programme: plan activation, previews, closes, diff,
// hold release, a NACHA payout batch with a held item, a failed and a paid
// item, and a statement as PDF and CSV.
func TestLifecycleOnDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the demo programme")
	}
	for name, dsn := range testDSNs(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			db, err := sqlstore.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if _, err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			if _, err := demo.Build(ctx, demoServices(db), demo.Options{Seed: 2026, Distributors: 120, Months: 3, LastPeriod: "2026-03"}); err != nil {
				t.Fatal(err)
			}
			plan := filepath.Join("..", "..", "examples", "plans", "customer-first.yaml")
			cli(t, runPlan, dsn, "activate", "--from", "2026-01", plan)
			for _, p := range []string{"2026-01", "2026-02", "2026-03"} {
				cli(t, runRun, dsn, "preview", "--period", p)
				out := cli(t, runRun, dsn, "close", "--period", p)
				if !strings.HasPrefix(out, "Closed "+p+" as run ") {
					t.Fatalf("close %s printed %q", p, out)
				}
			}
			// The preview and the close of January read the same input.
			if out := cli(t, runRun, dsn, "diff", "1", "2"); !strings.Contains(out, ": 0 totals and 0 lines differ.") {
				t.Errorf("diff of January's preview and close:\n%s", out)
			}
			if out := cli(t, runRun, dsn, "list"); strings.Count(out, " close ") != 3 || strings.Count(out, " preview ") != 3 {
				t.Errorf("run list:\n%s", out)
			}
			if out := cli(t, runPayout, dsn, "release", "--as-of", "2026-06-01"); !strings.Contains(out, "Released the holds of 3 closed periods") {
				t.Errorf("release printed %q", out)
			}
			bals, err := db.Balances(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var payees []downline.DistributorID
			for _, b := range bals {
				if b.Available >= 100 {
					payees = append(payees, b.DistributorID)
				}
			}
			if len(payees) < 3 {
				t.Fatalf("only %d distributors are owed at least 1.00: %+v", len(payees), bals)
			}
			// Everyone but the first gets ACH details; the first is held.
			for _, id := range payees[1:] {
				cli(t, runPayout, dsn, "details", "--distributor", strconv.FormatInt(int64(id), 10), "--method", "ach",
					"--holder", "Payee "+strconv.FormatInt(int64(id), 10), "--routing", "021000021", "--account", "12345678",
					"--account-type", "checking", "--tax", "received")
			}
			out := cli(t, runPayout, dsn, "create", "--period", "2026-06", "--method", "ach", "--minimum", "1.00", "--as-of", "2026-06-01")
			if !strings.Contains(out, "held: distributor "+strconv.FormatInt(int64(payees[0]), 10)+": no payout details") {
				t.Errorf("payout create printed:\n%s", out)
			}
			achFile := filepath.Join(t.TempDir(), "batch.ach")
			cli(t, runPayout, dsn, "export", "--batch", "2026-06-1", "--out", achFile, "--debtor-name", "Demo Inc",
				"--ach-destination", "021000021", "--ach-destination-name", "Fed", "--ach-origin", "1234567890",
				"--ach-company-id", "1234567890", "--ach-odfi", "021000021")
			raw, err := os.ReadFile(achFile)
			if err != nil {
				t.Fatal(err)
			}
			f, err := nacha.Parse(raw)
			if err != nil {
				t.Fatalf("parse the exported ACH file: %v", err)
			}
			batch, err := db.FindPayoutBatch(ctx, "2026-06-1")
			if err != nil {
				t.Fatal(err)
			}
			var sent int
			var total int64
			for _, it := range batch.Items {
				if it.Status == downline.PayoutSent {
					sent++
					total += it.Amount
				}
			}
			if got := len(f.Batches[0].Entries); got != sent || sent != len(payees)-1 {
				t.Errorf("ACH file has %d entries, batch %d sent items, want %d", got, sent, len(payees)-1)
			}
			var fileTotal int64
			for _, en := range f.Batches[0].Entries {
				fileTotal += en.Amount
			}
			if fileTotal != total {
				t.Errorf("ACH file total %d, batch total %d", fileTotal, total)
			}
			cli(t, runPayout, dsn, "mark", "--batch", "2026-06-1", "--item", "2", "--status", "failed", "--reason", "R03 no account")
			cli(t, runPayout, dsn, "mark", "--batch", "2026-06-1", "--item", "3", "--status", "paid")
			if b, _ := db.Balances(ctx, batch.Items[1].DistributorID); len(b) != 1 || b[0].Available != batch.Items[1].Amount {
				t.Errorf("after the failure, balance %+v, want %d available again", b, batch.Items[1].Amount)
			}

			// A statement of February for a distributor with lines in it.
			ls, err := db.FindRunLines(ctx, mustCloseID(t, db, "2026-02"), 0)
			if err != nil || len(ls) == 0 {
				t.Fatalf("February lines: %d, %v", len(ls), err)
			}
			who := strconv.FormatInt(int64(ls[0].Earner), 10)
			dir := t.TempDir()
			for _, ext := range []string{".pdf", ".csv"} {
				file := filepath.Join(dir, "statement"+ext)
				cli(t, runStatement, dsn, "--distributor", who, "--period", "2026-02", "--out", file)
				b, err := os.ReadFile(file)
				if err != nil {
					t.Fatal(err)
				}
				if ext == ".pdf" && !bytes.HasPrefix(b, []byte("%PDF-")) {
					t.Errorf("statement PDF starts with %q", b[:min(8, len(b))])
				}
				if ext == ".csv" {
					rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
					if err != nil || len(rows) < 3 || rows[0][0] != "period" {
						t.Errorf("statement CSV: %d rows, %v", len(rows), err)
					}
				}
			}
			lb, err := db.LedgerBalances(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var sum int64
			for _, b := range lb {
				sum += b.Amount
			}
			if sum != 0 {
				t.Errorf("ledger balances sum to %d, want 0", sum)
			}
		})
	}
}

func mustCloseID(t *testing.T, db *sqlstore.DB, period string) downline.RunID {
	t.Helper()
	rs, err := db.FindRuns(context.Background(), period)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if r.Kind == downline.RunClose {
			return r.ID
		}
	}
	t.Fatalf("period %s has no close", period)
	return 0
}

// findShared walks up from the working directory to ../shared/data/rel.
func findShared(rel string) (string, bool) {
	dir, err := os.Getwd()
	if err != nil {
		return "", false
	}
	for {
		p := filepath.Join(dir, "..", "shared", "data", rel)
		if _, err := os.Stat(p); err == nil {
			return p, true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}

// TestSEPAExportValidates pays a closed EUR period by SEPA credit transfer
// and validates the exported pain.001.001.09 against the official XSD.
func TestSEPAExportValidates(t *testing.T) {
	xsd, ok := findShared(filepath.Join("iso20022", "pain.001.001.09.xsd"))
	if !ok {
		t.Skip("../shared/data/iso20022/pain.001.001.09.xsd not found")
	}
	if _, err := exec.LookPath("xmllint"); err != nil {
		t.Skip("xmllint not installed")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "sepa.db")
	killWorld(t, path, 40)
	dsn := "sqlite:" + path
	cli(t, runPayout, dsn, "release", "--as-of", "2026-03-01")
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	bals, err := db.Balances(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ibans := []string{"DE89370400440532013000", "FR1420041010050500013M02606", "NL91ABNA0417164300"}
	for i, b := range bals {
		cli(t, runPayout, dsn, "details", "--distributor", strconv.FormatInt(int64(b.DistributorID), 10), "--method", "sepa",
			"--holder", "Payee Ünal "+strconv.Itoa(i), "--iban", ibans[i%len(ibans)], "--tax", "verified")
	}
	cli(t, runPayout, dsn, "create", "--period", "2026-03", "--method", "sepa", "--minimum", "10.00", "--as-of", "2026-03-01")
	file := filepath.Join(dir, "pain.001.xml")
	out := cli(t, runPayout, dsn, "export", "--batch", "2026-03-1", "--out", file, "--debtor-name", "Kill GmbH",
		"--debtor-iban", "DE02120300000000202051", "--debtor-bic", "BYLADEM1001", "--execution-date", "2026-03-02")
	if !strings.Contains(out, " sepa payments of batch 2026-03-1") || strings.Contains(out, "Wrote "+file+": 0 ") {
		t.Fatalf("export printed %q", out)
	}
	if b, err := exec.Command("xmllint", "--noout", "--schema", xsd, file).CombinedOutput(); err != nil {
		t.Fatalf("xmllint: %v\n%s", err, b)
	}
}
