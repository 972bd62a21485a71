package compliance

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestComputeIncomeSource(t *testing.T) {
	// TX-04 worked test: org CuV 900 of revenue 1,900 = 47.4 % → fails.
	in := IncomeSourceInput{Participant: "A", Period: "2026-03",
		Lines: []SourceLine{
			{SourceOwnCustomer, 12000}, // 20 % of $600
			{SourceOverrideCustomer, 1800},
			{SourceOverridePersonal, 600},
		},
		RetailMargin: 500,
		Costs:        Costs{Fees: 0, Tools: 2000, Events: 1000, OwnPurchases: 5000},
		OrgCuV:       90000, OrgRevenue: 190000,
		Withheld: []Withheld{{Gate: "TX-04", Reason: "org customer share 47.4 % ≤ 50 %", Amount: 5400}},
	}
	got, err := ComputeIncomeSource(in, DefaultParams())
	if err != nil {
		t.Fatal(err)
	}
	// Gross 120 + 5 + 18 + 6 = $149; costs 20 + 10 = $30; net $119.
	if got.Gross != 14900 || got.TrackedCosts != 3000 || got.Net != 11900 {
		t.Errorf("gross %d, costs %d, net %d; want 14900, 3000, 11900", got.Gross, got.TrackedCosts, got.Net)
	}
	// Customer share of income: (120 + 5 + 18) / 149 = 96.0 %.
	if s := got.CustomerShareOfIncome.Percent(1); s != "96.0 %" {
		t.Errorf("customer share of income = %s, want 96.0 %%", s)
	}
	if got.VemmaPassed != 0 || got.OrgCustomerShare.Percent(1) != "47.4 %" {
		t.Errorf("Vemma passed %d at %s, want 0 at 47.4 %%", got.VemmaPassed, got.OrgCustomerShare.Percent(1))
	}
	// Next month B adds $200 CuV: 1,100 / 2,100 = 52.4 % → passes.
	in2 := in
	in2.Period, in2.OrgCuV, in2.OrgRevenue, in2.Withheld = "2026-04", 110000, 210000, nil
	got2, err := ComputeIncomeSource(in2, DefaultParams())
	if err != nil {
		t.Fatal(err)
	}
	if got2.VemmaPassed != 1 {
		t.Errorf("April Vemma passed = %d, want 1 (52.4 %%)", got2.VemmaPassed)
	}
	ytd := got.Add(got2)
	want := IncomeSource{Participant: "A", Period: "2026-03..2026-04", OwnCustomer: 24000, RetailMargin: 1000,
		OverrideCustomer: 3600, OverridePersonal: 1200, Gross: 29800,
		Costs: Costs{Tools: 4000, Events: 2000, OwnPurchases: 10000}, TrackedCosts: 6000, Net: 23800,
		OrgCuV: 200000, OrgRevenue: 400000, OrgCustomerShare: Frac(200000, 400000), Periods: 2, VemmaPassed: 1,
		Withheld:              in.Withheld,
		CustomerShareOfIncome: Frac(28600, 29800)}
	if diff := cmp.Diff(want, ytd); diff != "" {
		t.Errorf("year to date (-want +got):\n%s", diff)
	}
}

func TestComputeIncomeSourceUnknownSource(t *testing.T) {
	_, err := ComputeIncomeSource(IncomeSourceInput{Participant: "A", Lines: []SourceLine{{"bonus", 1}}}, DefaultParams())
	if err == nil {
		t.Fatal("ComputeIncomeSource with an unknown source: nil error")
	}
}
