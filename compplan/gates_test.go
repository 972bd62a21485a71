package compplan_test

import (
	"strings"
	"testing"
	"time"

	"github.com/downline/downline/compplan"
	"pgregory.net/rapid"
)

// gatePlan is a two-bonus plan (direct on own CuV, one override level)
// with the given gates block lines.
func gatePlan(t testing.TB, directPct string, gates ...string) *compplan.Plan {
	t.Helper()
	src := "plan: gates\nversion: \"1\"\ncurrency: USD\n"
	if len(gates) > 0 {
		src += "gates:\n  " + strings.Join(gates, "\n  ") + "\n"
	}
	src += "bonuses:\n  - {id: direct, kind: direct, basis: [cuv], rate_pct: \"" + directPct + "\"}\n" +
		"  - id: ov\n    kind: unilevel\n    basis: [cuv, rpcv]\n    levels:\n      - {rate_pct: \"10\"}\n"
	p, err := compplan.ParsePlan(strings.NewReader(src))
	if err != nil {
		t.Fatalf("ParsePlan: %v\n%s", err, src)
	}
	return p
}

// twoLevel is A (1) sponsoring B (2): A sells ownCV, B sells downCV, each
// to one customer, in October 2026 (minor units).
func twoLevel(ownCV, downCV int64) *compplan.Snapshot {
	per, _ := compplan.ParsePeriod("2026-10", time.UTC)
	paid := time.Date(2026, 10, 15, 12, 0, 0, 0, time.UTC)
	return &compplan.Snapshot{Period: per,
		Distributors: []compplan.Distributor{{ID: 1}, {ID: 2, Sponsor: 1}},
		Orders: []compplan.Order{
			{ID: "a", Distributor: 1, Customer: "ca", PaidAt: paid, CV: ownCV},
			{ID: "b", Distributor: 2, Customer: "cb", PaidAt: paid, CV: downCV},
		}}
}

// linesOf returns the result's lines of bonus id earned by earner, with
// their explanations.
func linesOf(res *compplan.Result, earner compplan.ID, bonus string) ([]compplan.Line, []string) {
	var ls []compplan.Line
	var ex []string
	for j := range res.NumLines() {
		if l := res.Line(j); l.Earner == earner && l.Bonus == bonus {
			ls = append(ls, l)
			ex = append(ex, res.Explain(j))
		}
	}
	return ls, ex
}

func evaluate(t testing.TB, p *compplan.Plan, s *compplan.Snapshot) *compplan.Result {
	t.Helper()
	res, err := compplan.Evaluate(p, s)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func earned(t testing.TB, res *compplan.Result, id compplan.ID) compplan.DistributorResult {
	t.Helper()
	i, ok := res.Index(id)
	if !ok {
		t.Fatalf("distributor %d not in result", id)
	}
	return res.Distributor(i)
}

// TestGateTX05 is compliance.md TX-05 (d): 10 seats bought for resale, 6
// assigned → 60 % < 70 % → no overrides for March (here October); direct
// commission on own customer sales is unaffected. 7 of 10 passes.
func TestGateTX05(t *testing.T) {
	p := gatePlan(t, "20", `sell_through_min_pct: "70"`)
	for _, tt := range []struct {
		name           string
		st             *compplan.SellThrough
		wantOv         int64
		wantWithheld   string
		wantExplainHas string
	}{
		{"6 of 10 assigned", &compplan.SellThrough{Bought: 10, Resold: 6}, 0, "TX-05", "TX-05: sell-through of resale stock below 70%"},
		{"7 of 10 assigned", &compplan.SellThrough{Bought: 10, Resold: 7}, 10_000, "", "= 100.00"},
		{"no resale stock", nil, 10_000, "", "= 100.00"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := twoLevel(50_000, 100_000) // A sells $500, B $1,000
			s.Volumes = []compplan.DistributorVolume{{ID: 1, SellThrough: tt.st}}
			res := evaluate(t, p, s)
			a := earned(t, res, 1)
			if a.Earnings[0] != 10_000 { // 20 % of $500, never gated
				t.Errorf("A direct = %d, want 10000", a.Earnings[0])
			}
			if a.Earnings[1] != tt.wantOv || a.Withheld != tt.wantWithheld {
				t.Errorf("A override = %d withheld %q, want %d %q", a.Earnings[1], a.Withheld, tt.wantOv, tt.wantWithheld)
			}
			ls, ex := linesOf(res, 1, "ov")
			if len(ls) != 1 || ls[0].Withheld != tt.wantWithheld || !strings.Contains(ex[0], tt.wantExplainHas) {
				t.Errorf("A override lines %+v %q; want one withheld %q explaining %q", ls, ex, tt.wantWithheld, tt.wantExplainHas)
			}
		})
	}
	// Omitted, the gate is off (as TX-04/06/08 are): 6 of 10 pays.
	s := twoLevel(50_000, 100_000)
	s.Volumes = []compplan.DistributorVolume{{ID: 1, SellThrough: &compplan.SellThrough{Bought: 10, Resold: 6}}}
	if a := earned(t, evaluate(t, gatePlan(t, "20"), s), 1); a.Earnings[1] != 10_000 || a.Withheld != "" {
		t.Errorf("without the gate: A override %d withheld %q, want 10000 \"\"", a.Earnings[1], a.Withheld)
	}
}

// TestGateTX07 is compliance.md TX-07 (d): trailing-12 revenue $10.0 M, CuV
// $6.5 M, RPCV $1.2 M → EU 0.77 < 0.80, CSH 0.844 ≥ 2/3, f = 0.9625; a
// computed MLC of $400,000 becomes $385,000. Direct pay is unchanged. With a
// payout cap tighter than f, the cap is the bound (one factor, the smaller).
func TestGateTX07(t *testing.T) {
	company := &compplan.CompanyVolume{Revenue: 10_000_000_00, CuV: 6_500_000_00, RPCV: 1_200_000_00}
	for _, tt := range []struct {
		name       string
		gates      []string
		company    *compplan.CompanyVolume
		wantOv     int64
		wantScale  string
		wantBy     string
		wantFired  bool
		wantExHave string
	}{
		{"worked example", []string{`end_user_min_pct: "80"`, `customer_cv_share_min: "2/3"`}, company,
			385_000_00, "0.9625", "TX-07", true, "scaled by 0.9625 (TX-07 company factor 0.9625: end-user share 77% (min 80%)"},
		{"tests pass", []string{`end_user_min_pct: "80"`, `customer_cv_share_min: "2/3"`},
			&compplan.CompanyVolume{Revenue: 9_000_000_00, CuV: 6_500_000_00, RPCV: 1_200_000_00}, 400_000_00, "1", "", false, "= 400000.00"},
		// Customer share 6.5/(6.5+3.5) = 0.65 < 2/3: f = 0.65 × 3/2 = 0.975.
		{"customer share fails", []string{`end_user_min_pct: "80"`, `customer_cv_share_min: "2/3"`},
			&compplan.CompanyVolume{Revenue: 10_000_000_00, CuV: 6_500_000_00, RPCV: 3_500_000_00}, 390_000_00, "0.975", "TX-07", true, "customer share of CV 65%"},
		// Direct $800,000 + MLC $400,000 over a 25 % cap of CV $4,000,000
		// ($1,000,000): cap factor 0.5 < f, so TX-08 binds.
		{"cap tighter than f", []string{`end_user_min_pct: "80"`, `customer_cv_share_min: "2/3"`, `payout_cap_pct: "25"`}, company,
			200_000_00, "0.5", "TX-08", true, "(TX-08 payout cap 25% of CV)"},
		// A 29.625 % cap: budget $1,185,000, cap factor 385/400 = f: both.
		{"both bind", []string{`end_user_min_pct: "80"`, `customer_cv_share_min: "2/3"`, `payout_cap_pct: "29.625"`}, company,
			385_000_00, "0.9625", "TX-07,TX-08", true, "; TX-08 payout cap 29.625% of CV)"},
		{"gate off", nil, company, 400_000_00, "1", "", false, "= 400000.00"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := twoLevel(0, 4_000_000_00) // B sells $4,000,000: A's override $400,000
			s.Company = tt.company
			res := evaluate(t, gatePlan(t, "20", tt.gates...), s)
			a, b := earned(t, res, 1), earned(t, res, 2)
			if b.Earnings[0] != 800_000_00 {
				t.Errorf("B direct = %d, want 80000000 (never scaled)", b.Earnings[0])
			}
			if a.Earnings[1] != tt.wantOv || res.Scale().String() != tt.wantScale || res.ScaledBy() != tt.wantBy {
				t.Errorf("A override %d scale %s by %q; want %d %s %q", a.Earnings[1], res.Scale(), res.ScaledBy(), tt.wantOv, tt.wantScale, tt.wantBy)
			}
			if c := res.Company(); c.Fired != tt.wantFired || c.Enabled != (tt.gates != nil) {
				t.Errorf("Company() = %+v; want fired %t", c, tt.wantFired)
			}
			if _, ex := linesOf(res, 1, "ov"); len(ex) != 1 || !strings.Contains(ex[0], tt.wantExHave) {
				t.Errorf("explain %q; want it to contain %q", ex, tt.wantExHave)
			}
		})
	}
	// Without window figures the test runs on this period's totals: B's
	// $1,000 of customer volume out of $2,000 revenue (B's $1,000 personal
	// purchase is not rewardable without a personal-use rule) → EU 0.5,
	// f = 0.625.
	s := twoLevel(0, 100_000)
	s.Orders = append(s.Orders, compplan.Order{ID: "p", Distributor: 2, Purpose: compplan.PurposeNonCommissionable,
		PaidAt: s.Orders[0].PaidAt, CV: 0, Amount: 100_000})
	res := evaluate(t, gatePlan(t, "20", `end_user_min_pct: "80"`), s)
	if c := res.Company(); c.Window12 || !c.Fired || c.Factor.String() != "0.625" || earned(t, res, 1).Earnings[1] != 6_250 {
		t.Errorf("one-period test: %+v, A override %d; want factor 0.625 and 6250", c, earned(t, res, 1).Earnings[1])
	}
}

// TestGateTX12 is compliance.md TX-12 (d): a CN-resident participant with
// own direct sales of ¥10,000 and downline sales of ¥50,000 → override lines
// suppressed and pay capped at ¥3,000 (30 % of own direct sales). With a 40 %
// direct rate the ¥4,000 of direct commission gets a −¥1,000 adjustment.
func TestGateTX12(t *testing.T) {
	for _, tt := range []struct {
		name                 string
		directPct            string
		jx                   compplan.Jurisdiction
		gates                []string
		wantDirect, wantOv   int64
		wantTotal            int64
		wantWithheld, wantEx string
	}{
		{"CN, direct above the cap", "40", compplan.JurisdictionCN, []string{`cn_own_sales_cap_pct: "30"`},
			300_000, 0, 300_000, "TX-12", "pay capped by TX-12 (resident in CN: single level only, pay at most 30% of own direct sales 10000.00 = 3000.00): direct adjustment -1000.00"},
		{"CN, direct below the cap", "20", compplan.JurisdictionCN, []string{`cn_own_sales_cap_pct: "30"`},
			200_000, 0, 200_000, "TX-12", ""},
		{"KR is not capped per participant", "40", compplan.JurisdictionKR, []string{`cn_own_sales_cap_pct: "30"`},
			400_000, 500_000, 900_000, "", ""},
		{"gate off", "40", compplan.JurisdictionCN, nil, 400_000, 500_000, 900_000, "", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := twoLevel(1_000_000, 5_000_000)
			s.Distributors[0].Jurisdiction = tt.jx
			res := evaluate(t, gatePlan(t, tt.directPct, tt.gates...), s)
			a := earned(t, res, 1)
			if a.Earnings[0] != tt.wantDirect || a.Earnings[1] != tt.wantOv || a.Total != tt.wantTotal || a.Withheld != tt.wantWithheld {
				t.Errorf("A direct %d override %d total %d withheld %q; want %d %d %d %q", a.Earnings[0], a.Earnings[1], a.Total, a.Withheld,
					tt.wantDirect, tt.wantOv, tt.wantTotal, tt.wantWithheld)
			}
			ls, ex := linesOf(res, 1, "direct")
			if tt.wantEx == "" {
				if len(ls) != 1 {
					t.Errorf("direct lines %+v; want no adjustment", ls)
				}
				return
			}
			if len(ls) != 2 || !ls[1].Cap || ls[1].Amount != -100_000 || ls[1].Withheld != "" || ex[1] != "1's "+tt.wantEx {
				t.Errorf("direct lines %+v %q; want the adjustment %q", ls, ex, tt.wantEx)
			}
			if ov, ex := linesOf(res, 1, "ov"); len(ov) != 1 || ov[0].Withheld != "TX-12" || !strings.Contains(ex[0], "TX-12: resident in CN") {
				t.Errorf("override lines %+v %q; want one withheld by TX-12", ov, ex)
			}
		})
	}
}

// TestGateOptionsParse checks the YAML options and their bounds.
func TestGateOptionsParse(t *testing.T) {
	p := gatePlan(t, "20", `sell_through_min_pct: "70"`, `end_user_min_pct: "80"`, `customer_cv_share_min: "2/3"`, `cn_own_sales_cap_pct: "30"`)
	g := p.Gates
	if g.SellThroughMin.String() != "0.7" || g.EndUserMin.String() != "0.8" || g.CustomerCVMin != (compplan.Rate{Num: 2, Den: 3}) || g.CNOwnSalesCap.String() != "0.3" {
		t.Errorf("gates = %+v", g)
	}
	for _, bad := range []string{`sell_through_min_pct: "170"`, `customer_cv_share_min: "3/2"`, `end_user_min_pct: "x"`} {
		src := "plan: g\nversion: \"1\"\ncurrency: USD\ngates:\n  " + bad + "\nbonuses:\n  - {id: direct, kind: direct, rate_pct: \"20\"}\n"
		if _, err := compplan.ParsePlan(strings.NewReader(src)); err == nil || !strings.Contains(err.Error(), "gates.") {
			t.Errorf("%s: err = %v, want one naming the gates path", bad, err)
		}
	}
}

// TestPropertyTX07NeverRaises: adding the TX-07 tests to any plan, with
// any company figures, never raises a line, never changes a direct line,
// and changes nothing at all when the tests pass.
func TestPropertyTX07NeverRaises(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := genPlan(t)
		s := genSnapshot(t)
		base := mustEvaluate(t, p, s)
		q := *p
		q.Gates.EndUserMin = compplan.Rate{Num: 4, Den: 5}
		q.Gates.CustomerCVMin = compplan.Rate{Num: 2, Den: 3}
		rev := int64(rapid.IntRange(1, 1_000_000).Draw(t, "revenue"))
		cuv := int64(rapid.IntRange(0, int(rev)).Draw(t, "cuv"))
		c := &compplan.CompanyVolume{Revenue: rev, CuV: cuv, RPCV: int64(rapid.IntRange(0, int(rev-cuv)).Draw(t, "rpcv"))}
		s.Company = c
		res := mustEvaluate(t, &q, s)
		if res.NumLines() != base.NumLines() {
			t.Fatalf("lines %d, want %d", res.NumLines(), base.NumLines())
		}
		for j := range res.NumLines() {
			l, b := res.Line(j), base.Line(j)
			switch {
			case l.Kind == compplan.KindDirect && l.Amount != b.Amount:
				t.Fatalf("direct line %d changed: %d → %d", j, b.Amount, l.Amount)
			case l.Amount > 0 && l.Amount > b.Amount, l.Amount < 0 && l.Amount < b.Amount:
				t.Fatalf("line %d grew: %d → %d (%s)", j, b.Amount, l.Amount, res.Explain(j))
			case !res.Company().Fired && l.Amount != b.Amount:
				t.Fatalf("tests pass but line %d changed: %d → %d", j, b.Amount, l.Amount)
			}
		}
		if res.Total() > base.Total() {
			t.Fatalf("total %d > %d", res.Total(), base.Total())
		}
		if by := res.ScaledBy(); res.Company().Fired && res.Scale() != (compplan.Rate{Num: 1, Den: 1}) && !strings.Contains(by, "TX-0") {
			t.Fatalf("scaled by %s but ScaledBy() = %q", res.Scale(), by)
		}
	})
}

// TestGateCSVInputs reads the optional gate inputs of `downline calc`: the
// country column (TX-12) and the sell-through columns (TX-05), with errors
// that name the file, line and column.
func TestGateCSVInputs(t *testing.T) {
	const head = "id,sponsor_id,joined_at,status,country,resale_bought,resale_resold\n"
	ds, _, err := compplan.ReadDistributorsCSV("d.csv", strings.NewReader(head+"1,,2026-01-01,active,CN,10,6\n2,1,2026-01-01,active,DE,,\n3,1,2026-01-01,active,,,\n"), time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	if ds[0].Jurisdiction != compplan.JurisdictionCN || ds[1].Jurisdiction != compplan.JurisdictionOther || ds[2].Jurisdiction != compplan.JurisdictionOther {
		t.Errorf("jurisdictions %v %v %v; want CN, other, other", ds[0].Jurisdiction, ds[1].Jurisdiction, ds[2].Jurisdiction)
	}
	vs, err := compplan.ReadSellThroughCSV("d.csv", strings.NewReader(head+"1,,2026-01-01,active,CN,10,6\n2,1,2026-01-01,active,DE,,\n"))
	if err != nil || len(vs) != 1 || vs[0].ID != 1 || *vs[0].SellThrough != (compplan.SellThrough{Bought: 10, Resold: 6}) {
		t.Errorf("ReadSellThroughCSV = %+v, %v; want distributor 1 with 10 bought, 6 resold", vs, err)
	}
	if vs, err := compplan.ReadSellThroughCSV("d.csv", strings.NewReader("id,sponsor_id\n1,\n")); err != nil || vs != nil {
		t.Errorf("without the columns: %+v, %v; want none", vs, err)
	}
	for _, tt := range []struct{ body, want string }{
		{"1,,2026-01-01,active,china,,\n", "d.csv:2:22: country"},
		{"1,,2026-01-01,active,cn,,\n", "d.csv:2:22: country"},
	} {
		if _, _, err := compplan.ReadDistributorsCSV("d.csv", strings.NewReader(head+tt.body), time.UTC); err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("%q: err %v, want %s…", tt.body, err, tt.want)
		}
	}
	if _, err := compplan.ReadSellThroughCSV("d.csv", strings.NewReader(head+"1,,2026-01-01,active,,-3,\n")); err == nil || !strings.HasPrefix(err.Error(), "d.csv:2:23: resale_bought") {
		t.Errorf("negative units: err %v, want d.csv:2:23: resale_bought…", err)
	}
	if c, err := compplan.ParseCompanyVolume("10000000,6500000,1200000.50", 2); err != nil || c != (compplan.CompanyVolume{Revenue: 10_000_000_00, CuV: 6_500_000_00, RPCV: 1_200_000_50}) {
		t.Errorf("ParseCompanyVolume = %+v, %v", c, err)
	}
}

// TestPropertyTX05WithholdsOnlyFailingEarners: with random sell-through
// figures, exactly the multi-level lines of earners below 70 % are
// withheld and name TX-05; direct lines never change.
func TestPropertyTX05WithholdsOnlyFailingEarners(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := genPlan(t)
		p.Gates.PayoutCap = compplan.Rate{} // scaling would move the other lines
		s := genSnapshot(t)
		base := mustEvaluate(t, p, s)
		q := *p
		q.Gates.SellThroughMin = compplan.Rate{Num: 7, Den: 10}
		fails := map[compplan.ID]bool{}
		for _, d := range s.Distributors {
			if !rapid.Bool().Draw(t, "hasResale") {
				continue
			}
			st := compplan.SellThrough{Bought: int64(rapid.IntRange(0, 20).Draw(t, "bought"))}
			st.Resold = int64(rapid.IntRange(0, int(st.Bought)).Draw(t, "resold"))
			s.Volumes = append(s.Volumes, compplan.DistributorVolume{ID: d.ID, SellThrough: &st})
			fails[d.ID] = st.Bought > 0 && 10*st.Resold < 7*st.Bought
		}
		res := mustEvaluate(t, &q, s)
		for i := range res.Len() {
			d, b := res.Distributor(i), base.Distributor(i)
			named := strings.Contains(d.Withheld, "TX-05")
			if d.Earnings[0] != b.Earnings[0] || named != fails[d.ID] {
				t.Fatalf("distributor %d: direct %d → %d, withheld %q (fails %t)", d.ID, b.Earnings[0], d.Earnings[0], d.Withheld, fails[d.ID])
			}
			for bi := 1; bi < len(d.Earnings); bi++ {
				if want := b.Earnings[bi]; fails[d.ID] && d.Earnings[bi] != 0 || !fails[d.ID] && d.Earnings[bi] != want {
					t.Fatalf("distributor %d bonus %d: %d → %d (fails %t)", d.ID, bi, want, d.Earnings[bi], fails[d.ID])
				}
			}
		}
		for j := range res.NumLines() {
			if l := res.Line(j); strings.Contains(l.Withheld, "TX-05") && (!fails[l.Earner] || l.Amount != 0 || l.Kind == compplan.KindDirect) {
				t.Fatalf("line %d names TX-05: %+v", j, l)
			}
		}
	})
}

// TestHashCoversCompanyTest: two runs that pay the same but tested
// different company totals hash differently, and a plan without TX-07
// hashes as it did before the gate existed (the company figures are not
// encoded).
func TestHashCoversCompanyTest(t *testing.T) {
	p := gatePlan(t, "20", `end_user_min_pct: "80"`)
	s := twoLevel(50_000, 100_000)
	s.Company = &compplan.CompanyVolume{Revenue: 1_000, CuV: 900, RPCV: 0}
	h1 := evaluate(t, p, s).HashHex()
	s.Company = &compplan.CompanyVolume{Revenue: 1_000, CuV: 950, RPCV: 0}
	if h2 := evaluate(t, p, s).HashHex(); h1 == h2 {
		t.Error("different TX-07 company totals, same hash")
	}
	off := gatePlan(t, "20")
	if a, b := evaluate(t, off, s).HashHex(), evaluate(t, off, twoLevel(50_000, 100_000)).HashHex(); a != b {
		t.Error("company totals change the hash of a plan without TX-07")
	}
}
