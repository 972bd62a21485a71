package compliance

import "testing"

func TestDashboard(t *testing.T) {
	in := DashboardInput{
		// TX-07 worked test: revenue 10.0 M, CuV 6.5 M, RPCV 1.2 M → EU 0.77.
		Revenue12: 1_000_000_000, CuV12: 650_000_000, RPCV12: 120_000_000,
		// Period: CuV 7,000, RPCV 3,000 → CSH 0.70 (warn, ≥ 2/3).
		CuV: 700000, RPCV: 300000, PCV: 500000,
		// Pay 3,400 of CV 10,000 → 34 % (warn, ≤ 35 %).
		Compensation: 340000, CompOnRPCV: 40000,
		// 10 participants, 7 with 0; top 1 % is the one 3,000 earner of 3,400.
		PerParticipant: []int64{0, 0, 0, 0, 0, 0, 0, 10000, 30000, 300000},
		MLCCandidates:  20, VemmaFailures: 1,
		Refunds: 5000, GrossRevenue: 1000000,
		Buybacks: 0, ResalePurchases: 0,
		Recouped: 3, Participants: 10,
		LeftWithin12: 5, Joined12: 10,
		// 1,200 customer orders, 30 cases (2.5 %); 12 confirmed and 1
		// rejected (7.7 %, warn); 2 of 30 overdue.
		Verification: VerificationFigures{Population: 1200, Cases: 30, Confirmed: 12, Rejected: 1, Overdue: 2},
	}
	want := map[string]struct {
		value string
		level Level
	}{
		"eu_share":              {"77.0 %", LevelBlock},
		"customer_share":        {"70.0 %", LevelWarn},
		"pay_on_own_purchases":  {"11.8 %", LevelOK},   // 400 / 3,400
		"personal_use_share":    {"41.7 %", LevelWarn}, // 5,000 / 12,000
		"vemma_failures":        {"5.0 %", LevelOK},
		"payout_ratio":          {"34.0 %", LevelWarn},
		"top1_share":            {"88.2 %", LevelWarn}, // 3,000 / 3,400
		"zero_share":            {"70.0 %", LevelWarn},
		"refund_rate":           {"0.5 %", LevelOK},
		"buyback_rate":          {"n/a", LevelNA},
		"recoup_rate":           {"30.0 %", LevelWarn},
		"first_year_attrition":  {"50.0 %", LevelOK}, // not above 50 %
		"verify_coverage":       {"2.5 %", LevelOK},
		"verify_rejection_rate": {"7.7 %", LevelWarn},
		"verify_overdue":        {"6.7 %", LevelWarn},
	}
	got := Dashboard(in, DefaultParams())
	if len(got) != len(want) {
		t.Fatalf("Dashboard returned %d KPIs, want %d", len(got), len(want))
	}
	for _, k := range got {
		w, ok := want[k.ID]
		if !ok {
			t.Errorf("unexpected KPI %q", k.ID)
			continue
		}
		if v := k.Value.Percent(1); v != w.value || k.Level != w.level {
			t.Errorf("KPI %s = %s %s, want %s %s", k.ID, v, k.Level, w.value, w.level)
		}
	}
}

func TestDashboardPayoutBlock(t *testing.T) {
	// CV 10,000, pay 3,600 → 36 % > 35 %.
	in := DashboardInput{CuV: 1000000, Compensation: 360000}
	for _, k := range Dashboard(in, DefaultParams()) {
		if k.ID == "payout_ratio" && k.Level != LevelBlock {
			t.Errorf("payout ratio %s level %s, want BLOCK", k.Value.Percent(1), k.Level)
		}
	}
}

// TestVerificationKPIs: a period with customer orders and no cases warns
// (the sample was not drawn); 2 rejected of 12 decided (16.7 %) blocks;
// no overdue case is OK; no orders at all is N/A.
func TestVerificationKPIs(t *testing.T) {
	tests := []struct {
		in   VerificationFigures
		want map[string]Level
	}{
		{VerificationFigures{Population: 500}, map[string]Level{"verify_coverage": LevelWarn, "verify_rejection_rate": LevelNA, "verify_overdue": LevelNA}},
		{VerificationFigures{Population: 500, Cases: 12, Confirmed: 10, Rejected: 2},
			map[string]Level{"verify_coverage": LevelOK, "verify_rejection_rate": LevelBlock, "verify_overdue": LevelOK}},
		{VerificationFigures{}, map[string]Level{"verify_coverage": LevelNA, "verify_rejection_rate": LevelNA, "verify_overdue": LevelNA}},
	}
	for _, tt := range tests {
		got := VerificationKPIs(tt.in, DefaultParams())
		if len(got) != len(tt.want) {
			t.Fatalf("%+v: %d rows, want %d", tt.in, len(got), len(tt.want))
		}
		for _, k := range got {
			if k.Level != tt.want[k.ID] {
				t.Errorf("%+v: %s = %s level %s, want %s", tt.in, k.ID, k.Value.Percent(1), k.Level, tt.want[k.ID])
			}
		}
	}
}

// TestDashboardCompanyTestAlerts: each period whose TX-07 company test
// failed adds one BLOCK row valued at its factor, newest first; none adds
// nothing.
func TestDashboardCompanyTestAlerts(t *testing.T) {
	base := len(Dashboard(DashboardInput{}, DefaultParams()))
	in := DashboardInput{CompanyTests: []CompanyTestEvent{{Period: "2026-01", Factor: Frac(9625, 10000)}, {Period: "2026-03", Factor: Frac(5, 8)}}}
	got := Dashboard(in, DefaultParams())
	if len(got) != base+2 {
		t.Fatalf("Dashboard returned %d rows, want %d", len(got), base+2)
	}
	for i, w := range []struct{ name, value string }{{"TX-07 company test failed in 2026-03", "62.5 %"}, {"TX-07 company test failed in 2026-01", "96.3 %"}} {
		k := got[base+i]
		if k.ID != "company_test_failed" || k.Name != w.name || k.Value.Percent(1) != w.value || k.Level != LevelBlock || k.Anchor != "TX-07" {
			t.Errorf("alert %d = %+v, want %s at %s, BLOCK", i, k, w.name, w.value)
		}
	}
}
