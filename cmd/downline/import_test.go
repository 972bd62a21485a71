package main

import (
	"context"
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/downline/downline"
	"github.com/downline/downline/internal/sqlstore"
	"github.com/google/go-cmp/cmp"
)

// importTestDB creates a migrated SQLite database with a USD programme and one
// commissionable product, SEAT.
func importTestDB(t *testing.T) (string, *sqlstore.DB) {
	t.Helper()
	ctx := context.Background()
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "downline.db")
	db, err := sqlstore.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateProgramme(ctx, &downline.Programme{Name: "Import", Currency: "USD",
		PeriodLength: downline.PeriodMonthly, TimeZone: "UTC"}); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateProduct(ctx, &downline.Product{ExternalID: "SEAT", Name: "Seat", Kind: downline.KindSubscription,
		RetailPrice: 10000, CV: 8000, QV: 8000, Commissionable: true}); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateProduct(ctx, &downline.Product{ExternalID: "KIT", Name: "Starter kit", Kind: downline.KindTool,
		RetailPrice: 4900}); err != nil {
		t.Fatal(err)
	}
	return dsn, db
}

// genImportFiles writes gen's distributors.csv and orders.csv to a temporary
// directory, and a customers.csv naming every customer of orders.csv with
// the distributor its first order credits.
func genImportFiles(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if _, _, err := runCmd(t, runGen, "--out", dir, "--distributors", "60", "--orders", "150", "--currency", "USD", "--seed", "7"); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(dir, "orders.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("id,name,distributor_id\n")
	seen := map[string]bool{}
	for _, r := range rows[1:] {
		if c := r[2]; c != "" && !seen[c] {
			seen[c] = true
			b.WriteString(c + ",Customer " + c + "," + r[1] + "\n")
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "customers.csv"), []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

func importFiles(t *testing.T, dsn, dir string, extra ...string) []string {
	t.Helper()
	var summaries []string
	for _, kind := range []string{"distributors", "customers", "orders"} {
		args := append([]string{kind, filepath.Join(dir, kind+".csv"), "--db", dsn}, extra...)
		if kind == "orders" {
			args = append(args, "--product", "SEAT")
		}
		out, stderr, err := runCmd(t, runImport, args...)
		if err != nil {
			t.Fatalf("import %s: %v\n%s", kind, err, stderr)
		}
		summaries = append(summaries, strings.TrimPrefix(out, dir+string(filepath.Separator)))
	}
	return summaries
}

func exportText(t *testing.T, dsn, kind string, extra ...string) string {
	t.Helper()
	out, stderr, err := runCmd(t, runExport, append([]string{kind, "--db", dsn}, extra...)...)
	if err != nil {
		t.Fatalf("export %s: %v\n%s", kind, err, stderr)
	}
	return out
}

// Importing gen's files, importing them again, exporting, importing the
// export into a fresh database and exporting again: the second import
// changes nothing and the two exports are byte-identical.
func TestImportExportRoundTrip(t *testing.T) {
	dir := genImportFiles(t)
	dsn, db := importTestDB(t)
	first := importFiles(t, dsn, dir)
	before := map[string]string{}
	for _, kind := range []string{"distributors", "customers", "orders"} {
		before[kind] = exportText(t, dsn, kind)
	}
	if again := importFiles(t, dsn, dir); !cmp.Equal(first, again) {
		t.Errorf("second import summaries differ:\n%s", cmp.Diff(first, again))
	}
	ctx := context.Background()
	_, n, err := db.FindOrders(ctx, downline.OrderFilter{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	_, nr, err := db.FindRefunds(ctx, downline.RefundFilter{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	// 150 rows of gen with the refund share 0.02: rows = orders + refunds.
	if want := "orders.csv: orders: 150 valid, 0 rejected; 150 stored or already present\n"; first[2] != want || n+nr != 150 {
		t.Errorf("orders import: %q with %d orders and %d refunds stored; want %q and 150 records", first[2], n, nr, want)
	}
	dir2 := t.TempDir()
	for kind, text := range before {
		if err := os.WriteFile(filepath.Join(dir2, kind+".csv"), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		if text2 := exportText(t, dsn, kind); text2 != text {
			t.Errorf("export %s after re-import differs", kind)
		}
	}
	dsn2, _ := importTestDB(t)
	importFiles(t, dsn2, dir2)
	for kind, text := range before {
		if got := exportText(t, dsn2, kind); got != text {
			t.Errorf("export %s of the re-imported export differs:\n%s", kind, cmp.Diff(text, got))
		}
	}
	if p := exportText(t, dsn, "orders", "--period", "2026-10"); p != before["orders"] {
		t.Errorf("export orders --period 2026-10 differs from the whole export of a one-period programme")
	}
	if p := exportText(t, dsn, "orders", "--period", "2026-09"); p != strings.SplitAfter(before["orders"], "\n")[0] {
		t.Errorf("export orders --period 2026-09 = %q, want the header only", p)
	}
}

const badDistributors = "id,sponsor_id,joined_at,status\n" +
	"R,,2026-01-01,active\n" + // line 2: fine
	"A,R,2026-01-02,active\n" + // line 3: fine
	"B,Z,2026-01-02,active\n" + // line 4: unknown sponsor at column 3
	"C,A,soon,active\n" + // line 5: bad date at column 5
	"D,B,2026-01-02,active\n" // line 6: sponsor B was rejected

var wantBadDistributors = "d.csv:4:3: sponsor_id: unknown distributor \"Z\": not in the database nor on an earlier valid row\n" +
	"d.csv:5:5: joined_at: \"soon\" is not an RFC 3339 time or a YYYY-MM-DD date\n" +
	"d.csv:6:3: sponsor_id: unknown distributor \"B\": not in the database nor on an earlier valid row\n"

func TestImportRejectsEveryBadRow(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "d.csv")
	if err := os.WriteFile(file, []byte(badDistributors), 0o600); err != nil {
		t.Fatal(err)
	}
	count := func(db *sqlstore.DB) int {
		_, n, err := db.FindDistributors(context.Background(), downline.DistributorFilter{Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	for _, tc := range []struct {
		flags   []string
		summary string
		stored  int
	}{
		{nil, "2 valid, 3 rejected; 2 stored or already present", 2},
		{[]string{"--dry-run"}, "2 valid, 3 rejected; nothing written (dry run)", 0},
		{[]string{"--all-or-nothing"}, "2 valid, 3 rejected; nothing written (all or nothing)", 0},
	} {
		dsn, db := importTestDB(t)
		out, stderr, err := runCmd(t, runImport, append([]string{"distributors", file, "--db", dsn}, tc.flags...)...)
		var rr rowsRejected
		if !errors.As(err, &rr) || rr.ExitStatus() != 2 || rr.n != 3 {
			t.Errorf("%v: err = %v, want 3 rows rejected with exit status 2", tc.flags, err)
		}
		if got := strings.ReplaceAll(stderr, dir+string(filepath.Separator), ""); got != wantBadDistributors {
			t.Errorf("%v: stderr:\n%s\nwant:\n%s", tc.flags, got, wantBadDistributors)
		}
		if want := file + ": distributors: " + tc.summary + "\n"; out != want {
			t.Errorf("%v: stdout = %q, want %q", tc.flags, out, want)
		}
		if n := count(db); n != tc.stored {
			t.Errorf("%v: %d distributors stored, want %d", tc.flags, n, tc.stored)
		}
	}
}

// The store's own checks (here a referral code that another distributor
// holds) reject the row they concern; the rest of the batch is written.
func TestImportReportsStoreRejections(t *testing.T) {
	dsn, db := importTestDB(t)
	file := filepath.Join(t.TempDir(), "d.csv")
	in := "id,sponsor_id,joined_at,status,referral_code\n" +
		"R,,2026-01-01,active,ROOT\n" +
		"A,R,2026-01-02,active,ROOT\n" + // line 3: the code R took, column 23
		"B,R,2026-01-02,active,\n"
	if err := os.WriteFile(file, []byte(in), 0o600); err != nil {
		t.Fatal(err)
	}
	out, stderr, err := runCmd(t, runImport, "distributors", file, "--db", dsn)
	if !errors.As(err, new(rowsRejected)) {
		t.Fatalf("err = %v, want rows rejected", err)
	}
	if !strings.HasPrefix(stderr, file+":3:23: referral_code: ") || strings.Count(stderr, "\n") != 1 {
		t.Errorf("stderr = %q, want one reject at line 3 column 23", stderr)
	}
	if !strings.HasSuffix(out, "2 valid, 1 rejected; 2 stored or already present\n") {
		t.Errorf("stdout = %q", out)
	}
	if _, n, _ := db.FindDistributors(context.Background(), downline.DistributorFilter{}); n != 2 {
		t.Errorf("%d distributors stored, want 2", n)
	}
}

func TestImportUsage(t *testing.T) {
	for _, args := range [][]string{{}, {"products", "x.csv"}, {"orders"}, {"orders", "a.csv", "b.csv"}, {"orders", "missing.csv", "--batch", "0"}} {
		if _, _, err := runCmd(t, runImport, args...); !errors.As(err, new(usageError)) {
			t.Errorf("import %q: err = %v, want a usage error", args, err)
		}
	}
	if _, _, err := runCmd(t, runExport, "customers", "--period", "2026-10"); !errors.As(err, new(usageError)) {
		t.Errorf("export customers --period: err = %v, want a usage error", err)
	}
}

// Store-level refusals inside a batch are found by splitting the batch;
// every other order of it is stored. --all-or-nothing stores none.
func TestImportOrdersBisectsStoreRejections(t *testing.T) {
	dir := t.TempDir()
	for name, text := range map[string]string{
		"d.csv": "id,sponsor_id,joined_at,status\nR,,2026-01-01,active\n",
		"c.csv": "id,name,distributor_id\nC1,Acme,R\n",
		"o.csv": "id,distributor_id,customer_id,purpose,paid_at,cv,amount,sku\n" +
			"1,R,C1,customer_direct,2026-10-01,80.00,100.00,SEAT\n" +
			"2,R,C1,customer_direct,2026-10-01,80.00,100.00,SEAT\n" +
			"3,R,,non_commissionable,2026-10-01,1.00,49.00,KIT\n" + // line 4: CV on a non-commissionable product
			"4,R,C1,customer_direct,2026-10-01,80.00,100.00,SEAT\n" +
			"5,R,,personal_use,2026-10-01,0,49.00,KIT\n" +
			"6,R,C1,customer_direct,2026-10-01,80.00,100.00,SEAT\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		flag    string
		summary string
		stored  int
	}{
		{"--batch=4", "5 valid, 1 rejected; 5 stored or already present", 5},
		{"--all-or-nothing", "5 valid, 1 rejected; nothing written (all or nothing)", 0},
	} {
		dsn, db := importTestDB(t)
		for _, k := range []string{"d", "c"} {
			kind := map[string]string{"d": "distributors", "c": "customers"}[k]
			if _, stderr, err := runCmd(t, runImport, kind, filepath.Join(dir, k+".csv"), "--db", dsn); err != nil {
				t.Fatalf("import %s: %v %s", kind, err, stderr)
			}
		}
		file := filepath.Join(dir, "o.csv")
		out, stderr, err := runCmd(t, runImport, "orders", file, "--db", dsn, tc.flag)
		if !errors.As(err, new(rowsRejected)) {
			t.Errorf("%s: err = %v, want rows rejected", tc.flag, err)
		}
		if want := file + ":4:36: cv: order \"3\": line 1: CV must be zero: product \"KIT\" is not commissionable\n"; stderr != want {
			t.Errorf("%s: stderr = %q, want %q", tc.flag, stderr, want)
		}
		if want := file + ": orders: " + tc.summary + "\n"; out != want {
			t.Errorf("%s: stdout = %q, want %q", tc.flag, out, want)
		}
		if _, n, _ := db.FindOrders(context.Background(), downline.OrderFilter{}); n != tc.stored {
			t.Errorf("%s: %d orders stored, want %d", tc.flag, n, tc.stored)
		}
	}
}

// gen → import → export round-trips through calc: the commission result
// of the exported files is byte-identical to that of gen's own files.
func TestExportFeedsCalc(t *testing.T) {
	dir := genImportFiles(t)
	dsn, _ := importTestDB(t)
	importFiles(t, dsn, dir)
	out := t.TempDir()
	for _, kind := range []string{"distributors", "orders"} {
		if err := os.WriteFile(filepath.Join(out, kind+".csv"), []byte(exportText(t, dsn, kind)), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	calc := func(d string) string {
		res, stderr, err := runCmd(t, runCalc, "--plan", customerFirst, "--distributors", filepath.Join(d, "distributors.csv"),
			"--orders", filepath.Join(d, "orders.csv"), "--period", "2026-10")
		if err != nil {
			t.Fatalf("calc on %s: %v\n%s", d, err, stderr)
		}
		return res
	}
	if a, b := calc(dir), calc(out); a != b {
		t.Errorf("calc on the export differs from calc on gen's files:\n%s", cmp.Diff(a, b))
	}
}
