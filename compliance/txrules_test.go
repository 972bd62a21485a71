package compliance

import (
	"strings"
	"testing"
)

func TestSellThrough(t *testing.T) {
	p := DefaultParams()
	// TX-05 (d): 6 of 10 seats assigned = 60 % < 70 %; 7 of 10 passes.
	if IsSellThroughMet(6, 10, p) || !IsSellThroughMet(7, 10, p) || !IsSellThroughMet(0, 0, p) {
		t.Error("sell-through 6/10, 7/10, 0/0 = want false, true, true")
	}
}

func TestCheckResaleOrder(t *testing.T) {
	p := DefaultParams()
	// TX-10 (d): average resales 4 a month (12 in 3 months), stock 5, order
	// 6 → 11 > 2 × 4 = 8: refuse, offer 3.
	o := ResaleOrder{Units: 6, Amount: 48000, UnsoldStock: 5, ResalesLast3Months: 12, Resold: 8, Bought: 10, DaysEnrolled: 90}
	maxUnits, err := CheckResaleOrder(o, p)
	if err == nil || maxUnits != 3 || !strings.HasPrefix(err.Error(), "TX-10") {
		t.Errorf("CheckResaleOrder = %d, %v; want 3 and a TX-10 refusal", maxUnits, err)
	}
	o.Units = 3
	if _, err := CheckResaleOrder(o, p); err != nil {
		t.Errorf("3 units: %v, want allowed", err)
	}
	o.Resold = 6
	if _, err := CheckResaleOrder(o, p); err == nil || !strings.HasPrefix(err.Error(), "TX-05") {
		t.Errorf("sell-through 6/10: %v, want a TX-05 refusal", err)
	}
	o.Resold, o.DaysEnrolled, o.Amount = 8, 10, 60000
	if _, err := CheckResaleOrder(o, p); err == nil || !strings.Contains(err.Error(), "first 30 days") {
		t.Errorf("$600 in the first 10 days: %v, want refused", err)
	}
}

func TestCompanyFactor(t *testing.T) {
	// TX-07 (d): revenue $10.0 M, CuV $6.5 M, RPCV $1.2 M: EU 0.77, CSH
	// 0.844; f = min(0.77/0.80, 1.266, 1) = 0.9625; $400,000 → $385,000.
	f, eu, csh := CompanyFactor(1_000_000_000, 650_000_000, 120_000_000, DefaultParams())
	if f.Decimal(4) != "0.9625" || eu.Decimal(2) != "0.77" || csh.Decimal(3) != "0.844" {
		t.Errorf("CompanyFactor = f %s, EU %s, CSH %s; want 0.9625, 0.77, 0.844", f.Decimal(4), eu.Decimal(2), csh.Decimal(3))
	}
	if got := Scale(40_000_000, f); got != 38_500_000 {
		t.Errorf("scaled MLC = %d, want 38500000", got)
	}
	if f, _, _ := CompanyFactor(100, 90, 5, DefaultParams()); f.Cmp(Frac(1, 1)) != 0 {
		t.Errorf("passing company: f = %s, want 1", f)
	}
}

func TestCNPayCap(t *testing.T) {
	// TX-12 (d): own direct sales ¥10,000 → pay capped at ¥3,000.
	if got := CNPayCap(1_000_000, DefaultParams()); got != 300_000 {
		t.Errorf("CNPayCap = %d, want 300000", got)
	}
}
