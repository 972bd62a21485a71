package compliance

import (
	"strings"
	"testing"
	"time"

	"github.com/downline/downline/compplan"
)

// These tests check that each pay-run gate the engine implements changes
// payouts as compliance.md says, with the worked numbers of §4, and that
// the lines it changes name it. They run the production engine.

const gatePlan = `
plan: gates
version: "1"
currency: USD
volume:
  personal_use: {cap: "200", share: "1/3"}
gates: {GATES}
bonuses:
  - {id: direct, kind: direct, basis: [cuv], rate_pct: 20}
  - id: override
    kind: unilevel
    basis: [cuv, rpcv]
    levels: [{rate_pct: 6}, {rate_pct: 3}]
`

type gateOrder struct {
	dist     compplan.ID
	customer string
	purpose  compplan.Purpose
	cv       int64 // dollars
}

func evalGate(t *testing.T, gates string, sponsors map[compplan.ID]compplan.ID, orders []gateOrder) *compplan.Result {
	t.Helper()
	p, err := compplan.ParsePlan(strings.NewReader(strings.Replace(gatePlan, "{GATES}", gates, 1)))
	if err != nil {
		t.Fatalf("ParsePlan: %v", err)
	}
	per, err := compplan.ParsePeriod("2026-03", time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	s := &compplan.Snapshot{Period: per}
	for id := compplan.ID(1); int(id) <= len(sponsors); id++ {
		s.Distributors = append(s.Distributors, compplan.Distributor{ID: id, Sponsor: sponsors[id],
			JoinedAt: per.Start.AddDate(-1, 0, 0), Status: compplan.StatusActive})
	}
	for i, o := range orders {
		s.Orders = append(s.Orders, compplan.Order{ID: string(rune('a' + i)), Distributor: o.dist, Customer: o.customer,
			Purpose: o.purpose, PaidAt: per.Start.Add(time.Hour), CV: o.cv * 100, QV: o.cv * 100, BV: o.cv * 100})
	}
	r, err := compplan.Evaluate(p, s)
	if err != nil {
		t.Fatalf("Evaluate: %v", err)
	}
	return r
}

func earned(r *compplan.Result, id compplan.ID, bonus int) int64 {
	i, _ := r.Index(id)
	return r.Earned(bonus, i)
}

// linesNaming counts the lines of earner that name gate in their
// explanation or withheld field.
func linesNaming(r *compplan.Result, earner compplan.ID, gate string) int {
	n := 0
	for j := range r.NumLines() {
		l := r.Line(j)
		if l.Earner == earner && (strings.Contains(l.Withheld, gate) || strings.Contains(r.Explain(j), gate)) {
			n++
		}
	}
	return n
}

func TestGateTX03PersonalUseCap(t *testing.T) {
	// B (under A) sells $300 and buys $350 for own use: RPCV = min(350, 200,
	// 300/2) = $150; A's override = 6 % × (300 + 150) = $27. B's own direct
	// commission is on CuV only: 20 % × 300 = $60.
	r := evalGate(t, "{}", map[compplan.ID]compplan.ID{1: 0, 2: 1}, []gateOrder{
		{2, "c1", compplan.PurposeCustomerDirect, 300}, {2, "", compplan.PurposePersonalUse, 350}})
	i, _ := r.Index(2)
	if got := r.Distributor(i).RPCV; got != 15000 {
		t.Errorf("RPCV = %d, want 15000", got)
	}
	if got := earned(r, 1, 1); got != 2700 {
		t.Errorf("A's override = %d, want 2700", got)
	}
	if got := earned(r, 2, 0); got != 6000 {
		t.Errorf("B's direct = %d, want 6000", got)
	}
}

func TestGateTX04Vemma(t *testing.T) {
	// A sells $600; B (under A) $300; C (under B) buys $1,000 for own use.
	// Org CS = 900 / 1,900 = 47.4 % ≤ 50 % → A gets no overrides; A's direct
	// on $600 (= $120) is unaffected.
	sp := map[compplan.ID]compplan.ID{1: 0, 2: 1, 3: 2}
	base := []gateOrder{{1, "c1", compplan.PurposeCustomerDirect, 600}, {2, "c2", compplan.PurposeCustomerDirect, 300},
		{3, "", compplan.PurposePersonalUse, 1000}}
	off := evalGate(t, "{}", sp, base)
	on := evalGate(t, "{customer_share_min_pct: 50}", sp, base)
	if earned(off, 1, 1) == 0 {
		t.Fatal("without TX-04 A earns no override; the test would prove nothing")
	}
	if got := earned(on, 1, 1); got != 0 {
		t.Errorf("A's override under TX-04 at 47.4 %% = %d, want 0", got)
	}
	if got := earned(on, 1, 0); got != 12000 {
		t.Errorf("A's direct under TX-04 = %d, want 12000 (unaffected)", got)
	}
	if linesNaming(on, 1, "TX-04") == 0 {
		t.Error("no line of A names TX-04")
	}
	// B adds $200 of customer volume: 1,100 / 2,100 = 52.4 % → eligible.
	more := append(base, gateOrder{2, "c3", compplan.PurposeCustomerDirect, 200})
	if got := earned(evalGate(t, "{customer_share_min_pct: 50}", sp, more), 1, 1); got == 0 {
		t.Error("A's override at 52.4 % = 0, want paid")
	}
}

func TestGateTX06MinCustomers(t *testing.T) {
	// P (1) has one customer; its recruit (2) sells $1,000. With
	// min_active_customers 2, P earns no override; a second customer
	// organisation makes it eligible: 6 % × 1,000 = $60.
	sp := map[compplan.ID]compplan.ID{1: 0, 2: 1}
	one := []gateOrder{{1, "employer", compplan.PurposeCustomerDirect, 100}, {2, "x", compplan.PurposeCustomerDirect, 1000}}
	r := evalGate(t, "{min_active_customers: 2}", sp, one)
	if got := earned(r, 1, 1); got != 0 {
		t.Errorf("override with 1 customer = %d, want 0", got)
	}
	if linesNaming(r, 1, "TX-06") == 0 {
		t.Error("no line of P names TX-06")
	}
	two := append(one, gateOrder{1, "other-org", compplan.PurposeCustomerDirect, 100})
	if got := earned(evalGate(t, "{min_active_customers: 2}", sp, two), 1, 1); got != 6000 {
		t.Errorf("override with 2 customers = %d, want 6000", got)
	}
}

func TestGateTX08PayoutCap(t *testing.T) {
	// A chain 1 ← 2 ← 3: each sells $1,000 (CV $3,000). Direct 20 % = $600;
	// overrides 6 % × 2,000 + 3 % × 1,000 = $150; total $750 = 25 %. With a
	// 22 % cap ($660) the overrides are scaled to $60 (factor 0.4); direct
	// commissions are never scaled.
	sp := map[compplan.ID]compplan.ID{1: 0, 2: 1, 3: 2}
	orders := []gateOrder{{1, "a", compplan.PurposeCustomerDirect, 1000}, {2, "b", compplan.PurposeCustomerDirect, 1000},
		{3, "c", compplan.PurposeCustomerDirect, 1000}}
	free := evalGate(t, "{}", sp, orders)
	capped := evalGate(t, "{payout_cap_pct: 22}", sp, orders)
	if free.Total() != 75000 {
		t.Fatalf("uncapped total = %d, want 75000", free.Total())
	}
	if capped.Total() > 66000 {
		t.Errorf("capped total = %d, want ≤ 66000", capped.Total())
	}
	if d := capped.Totals()[0]; d != 60000 {
		t.Errorf("capped direct total = %d, want 60000 (never scaled)", d)
	}
	if o := capped.Totals()[1]; o < 5990 || o > 6000 {
		t.Errorf("capped override total = %d, want about 6000", o)
	}
	if linesNaming(capped, 1, "TX-08") == 0 {
		t.Error("no override line of 1 names TX-08")
	}
}

// TestEngineAgreesWithTXRules checks that the engine's TX-05, TX-07 and
// TX-12 decisions agree with the pure functions of txrules.go, which the
// order intake and the reports use, on the register's defaults: the same
// pass/fail for sell-through, the same factor f (the engine's rounded down
// to nine places), and the same CN cap.
func TestEngineAgreesWithTXRules(t *testing.T) {
	prm := DefaultParams()
	gates := "{sell_through_min_pct: 70, end_user_min_pct: 80, customer_cv_share_min: \"2/3\", cn_own_sales_cap_pct: 30}"
	// Direct at 40 %, above the 30 % CN cap, so that the cap binds
	// whenever the CN earner has own sales.
	plan := strings.Replace(strings.Replace(gatePlan, "{GATES}", gates, 1), "basis: [cuv], rate_pct: 20}", "basis: [cuv], rate_pct: 40}", 1)
	if !strings.Contains(plan, "rate_pct: 40}") {
		t.Fatal("the direct rate was not raised")
	}
	p, err := compplan.ParsePlan(strings.NewReader(plan))
	if err != nil {
		t.Fatal(err)
	}
	per, _ := compplan.ParsePeriod("2026-03", time.UTC)
	for _, c := range []struct{ bought, resold, rev, cuv, rpcv, own int64 }{
		{10, 6, 10_000_000, 6_500_000, 1_200_000, 10_000}, // the worked tests of TX-05, TX-07, TX-12
		{10, 7, 10_000_000, 6_500_000, 3_500_000, 333},
		{3, 2, 9_000_000, 6_500_000, 1_200_000, 0},
		{0, 0, 1_000, 100, 900, 7},
	} {
		s := &compplan.Snapshot{Period: per,
			Distributors: []compplan.Distributor{{ID: 1, Jurisdiction: compplan.JurisdictionCN}, {ID: 2, Sponsor: 1}},
			Orders: []compplan.Order{{ID: "a", Distributor: 1, Customer: "x", PaidAt: per.Start, CV: c.own * 100},
				{ID: "b", Distributor: 2, Customer: "y", PaidAt: per.Start, CV: 100_000}},
			Volumes: []compplan.DistributorVolume{{ID: 2, SellThrough: &compplan.SellThrough{Bought: c.bought, Resold: c.resold}}},
			Company: &compplan.CompanyVolume{Revenue: c.rev, CuV: c.cuv, RPCV: c.rpcv}}
		r, err := compplan.Evaluate(p, s)
		if err != nil {
			t.Fatal(err)
		}
		d2 := r.Distributor(1)
		if met := IsSellThroughMet(c.resold, c.bought, prm); met == strings.Contains(d2.Withheld, "TX-05") {
			t.Errorf("%+v: IsSellThroughMet %t, engine withheld %q", c, met, d2.Withheld)
		}
		f, _, _ := CompanyFactor(c.rev, c.cuv, c.rpcv, prm)
		if want := Scale(1_000_000_000, f); r.Company().Factor != (compplan.Rate{Num: 1, Den: 1}) || want != 1_000_000_000 {
			if got := compplan.MulRound(1_000_000_000, r.Company().Factor, compplan.Rate{Num: 1, Den: 1}); got > want || want-got > 1 {
				t.Errorf("%+v: engine factor %s, register %s", c, r.Company().Factor, f.Decimal(9))
			}
		}
		if d1 := r.Distributor(0); d1.Total != CNPayCap(c.own*100, prm) || d1.Earnings[1] != 0 {
			t.Errorf("%+v: CN earner paid %d (override %d), cap %d", c, d1.Total, d1.Earnings[1], CNPayCap(c.own*100, prm))
		}
	}
}
