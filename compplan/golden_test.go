package compplan_test

import (
	"bufio"
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/downline/downline/compplan"
	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite want*.json golden files")

// TestGolden runs every case in testdata/<case>: plan.yaml,
// distributors.csv, orders.csv and an optional "periods" file (one period
// per line, default 2026-10; state carries from one to the next). Each
// period's JSON result must equal want-<period>.json (refreshed with
// -update), and the hand-computed figures in expect.txt (never rewritten)
// must hold.
func TestGolden(t *testing.T) {
	dirs, _ := filepath.Glob("testdata/*/plan.yaml")
	if len(dirs) == 0 {
		t.Fatal("no golden cases")
	}
	for _, pf := range dirs {
		dir := filepath.Dir(pf)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			t.Parallel()
			runGoldenCase(t, dir)
		})
	}
}

func runGoldenCase(t *testing.T, dir string) {
	p, err := compplan.LoadPlan(filepath.Join(dir, "plan.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	loc, _ := time.LoadLocation(p.TimeZone)
	ds := mustRead(t, filepath.Join(dir, "distributors.csv"), func(f *os.File) ([]compplan.Distributor, error) {
		v, _, err := compplan.ReadDistributorsCSV(f.Name(), f, loc)
		return v, err
	})
	os_ := mustRead(t, filepath.Join(dir, "orders.csv"), func(f *os.File) ([]compplan.Order, error) {
		v, _, err := compplan.ReadOrdersCSV(f.Name(), f, p, loc)
		return v, err
	})
	periods := []string{"2026-10"}
	if b, err := os.ReadFile(filepath.Join(dir, "periods")); err == nil {
		periods = strings.Fields(string(b))
	}
	var st *compplan.State
	results := map[string]*compplan.Result{}
	for _, name := range periods {
		per, err := compplan.ParsePeriod(name, loc)
		if err != nil {
			t.Fatal(err)
		}
		res, err := compplan.Evaluate(p, &compplan.Snapshot{Period: per, Distributors: ds, Orders: os_, State: st})
		if err != nil {
			t.Fatalf("Evaluate(%s): %v", name, err)
		}
		results[name] = res
		checkInvariants(t, res)
		var buf bytes.Buffer
		if err := res.WriteJSON(&buf); err != nil {
			t.Fatal(err)
		}
		wantPath := filepath.Join(dir, "want-"+name+".json")
		if *update {
			if err := os.WriteFile(wantPath, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
		} else {
			want, err := os.ReadFile(wantPath)
			if err != nil {
				t.Fatalf("%v (run go test ./compplan -update)", err)
			}
			if diff := cmp.Diff(string(want), buf.String()); diff != "" {
				t.Errorf("%s: result mismatch (-want +got):\n%s", name, diff)
			}
		}
		// Carry state through its JSON form, as downline calc does.
		var sb bytes.Buffer
		if err := compplan.WriteState(&sb, res.StateOut(), p.MinorDigits); err != nil {
			t.Fatal(err)
		}
		if st, err = compplan.ReadState(&sb, p.MinorDigits); err != nil {
			t.Fatal(err)
		}
	}
	checkExpect(t, filepath.Join(dir, "expect.txt"), periods[len(periods)-1], results)
}

func mustRead[T any](t *testing.T, path string, read func(*os.File) ([]T, error)) []T {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	v, err := read(f)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// checkExpect verifies hand-computed figures. Lines (# starts a comment):
//
//	period P               following figures are for period P
//	earn ID BONUS AMOUNT   what ID earned from BONUS
//	total BONUS AMOUNT     a bonus's total ("all" for everything)
//	pv|gv|cuv|rpcv ID AMOUNT
//	rank ID PAID TITLE     paid-as and title rank ("-" for none)
//	active ID true|false
//	carry ID LEFT RIGHT    binary carry-out
//	step ID N, stepgv ID AMOUNT, broke ID true|false   stair-step figures
//	lines N                number of commission lines
//	scale S                payout-cap scale factor
func checkExpect(t *testing.T, path, period string, results map[string]*compplan.Result) {
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("%v: every golden case needs hand-computed figures", err)
	}
	defer f.Close()
	res := results[period]
	sc := bufio.NewScanner(f)
	n := 0
	for ln := 1; sc.Scan(); ln++ {
		line, _, _ := strings.Cut(sc.Text(), "#")
		fs := strings.Fields(line)
		if len(fs) == 0 {
			continue
		}
		n++
		if fs[0] == "period" {
			res = results[fs[1]]
			if res == nil {
				t.Fatalf("expect.txt:%d: unknown period %s", ln, fs[1])
			}
			continue
		}
		got, want := expectValue(t, res, fs), strings.Join(fs[len(fs)-expectArity(fs[0]):], " ")
		if got != want {
			t.Errorf("expect.txt:%d: %s (period %s) = %s, want %s", ln, strings.Join(fs[:len(fs)-expectArity(fs[0])], " "), res.Period().Name, got, want)
		}
	}
	if n == 0 {
		t.Error("expect.txt has no figures")
	}
}

func expectArity(kind string) int {
	switch kind {
	case "rank", "carry":
		return 2
	}
	return 1
}

func expectValue(t *testing.T, res *compplan.Result, fs []string) string {
	p := res.Plan()
	m := func(v int64) string { return compplan.FormatMoney(v, p.MinorDigits) }
	dist := func(s string) compplan.DistributorResult {
		id, _ := strconv.ParseInt(s, 10, 64)
		i, ok := res.Index(compplan.ID(id))
		if !ok {
			t.Fatalf("expect: unknown distributor %s", s)
		}
		return res.Distributor(i)
	}
	dash := func(s string) string {
		if s == "" {
			return "-"
		}
		return s
	}
	switch fs[0] {
	case "earn":
		return m(dist(fs[1]).Earnings[p.BonusIndex(fs[2])])
	case "total":
		if fs[1] == "all" {
			return m(res.Total())
		}
		return m(res.Totals()[p.BonusIndex(fs[1])])
	case "pv":
		return m(dist(fs[1]).PV)
	case "gv":
		return m(dist(fs[1]).GV)
	case "cuv":
		return m(dist(fs[1]).CuV)
	case "rpcv":
		return m(dist(fs[1]).RPCV)
	case "rank":
		d := dist(fs[1])
		return dash(d.PaidRank) + " " + dash(d.TitleRank)
	case "active":
		if dist(fs[1]).Active {
			return "true"
		}
		return "false"
	case "carry":
		d := dist(fs[1])
		return m(d.CarryLeft) + " " + m(d.CarryRight)
	case "step":
		return strconv.Itoa(dist(fs[1]).Step)
	case "stepgv":
		return m(dist(fs[1]).StepGV)
	case "broke":
		return strconv.FormatBool(dist(fs[1]).BrokeAway)
	case "lines":
		return strconv.Itoa(res.NumLines())
	case "scale":
		return res.Scale().String()
	}
	t.Fatalf("expect: unknown figure %q", fs[0])
	return ""
}

// checkInvariants asserts what must hold for every result: totals are the
// sum of lines, earnings are the sum of the earner's lines, the payout cap
// holds unless direct commission alone exceeds it, and no active-only
// bonus pays an inactive distributor.
func checkInvariants(t *testing.T, res *compplan.Result) {
	t.Helper()
	p := res.Plan()
	sum := make([]int64, len(p.Bonuses))
	per := map[[2]int64]int64{}
	for j := range res.NumLines() {
		l := res.Line(j)
		bi := p.BonusIndex(l.Bonus)
		sum[bi] += l.Amount
		per[[2]int64{int64(l.Earner), int64(bi)}] += l.Amount
		if l.Withheld != "" && l.Amount != 0 {
			t.Errorf("line %d withheld (%s) but pays %d", j, l.Withheld, l.Amount)
		}
		if l.Kind.IsOverride() && !l.Cap && l.Amount != 0 {
			i, _ := res.Index(l.Earner)
			if !res.Distributor(i).Active {
				t.Errorf("line %d pays inactive distributor %d: %s", j, l.Earner, res.Explain(j))
			}
		}
	}
	var total, direct int64
	for bi, v := range res.Totals() {
		if sum[bi] != v {
			t.Errorf("total %s = %d, sum of lines %d", p.Bonuses[bi].ID, v, sum[bi])
		}
		total += v
		if !p.Bonuses[bi].Kind.IsOverride() {
			direct += v
		}
	}
	if total != res.Total() {
		t.Errorf("Total() = %d, sum of totals %d", res.Total(), total)
	}
	for i := range res.Len() {
		d := res.Distributor(i)
		for bi, v := range d.Earnings {
			if got := per[[2]int64{int64(d.ID), int64(bi)}]; got != v {
				t.Errorf("distributor %d %s earnings %d, sum of lines %d", d.ID, p.Bonuses[bi].ID, v, got)
			}
			if b := p.Bonuses[bi]; b.Cap > 0 && v > b.Cap {
				t.Errorf("distributor %d %s earnings %d above cap %d", d.ID, b.ID, v, b.Cap)
			}
		}
	}
	if !p.Gates.PayoutCap.IsZero() && res.Total() > max(res.Budget(), direct) {
		t.Errorf("total %d above payout budget %d (direct %d)", res.Total(), res.Budget(), direct)
	}
}
