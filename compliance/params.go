package compliance

import (
	"fmt"
	"strconv"
)

// Params is the parameter register of compliance.md §9: every threshold a
// rule uses, with the default returned by DefaultParams. It is the single
// source of truth; the linter, the gates, the reports and the simulator
// read their limits from here, and Register documents where each default
// comes from. Money is in minor units of the programme currency.
type Params struct {
	// AllowEnrolmentBonus is fixed false (PL-01); it is here so that the
	// register lists it, and Validate rejects true.
	AllowEnrolmentBonus bool
	// MaxMandatoryFee is the largest fee a participant may be required to
	// pay (PL-02).
	MaxMandatoryFee int64
	// KitRefund is the refundable share of an optional starter kit, over
	// KitRefundWindowMonths; the kit price may not exceed its cost.
	KitRefund             Ratio
	KitRefundWindowMonths int
	// SellerShareMinRatio is the least direct reward per unit of CuV divided
	// by the sum of overrides on it (PL-04 static check).
	SellerShareMinRatio Ratio
	// IRMin is the least incentive ratio (customer versus recruit) the
	// simulator accepts (PL-04 dynamic check, SIM-01).
	IRMin Ratio
	// PayoutCap is the largest share of CV the plan may pay (PL-06, TX-08).
	PayoutCap Ratio
	// MaxOverrideLevels is the deepest override level allowed (PL-06).
	MaxOverrideLevels int
	// CSMin is the Vemma org customer share an earner must exceed (strict)
	// to receive multi-level compensation in a period (TX-04).
	CSMin Ratio
	// EUMin and CSHMin are the company end-user share and customer share of
	// CV tests over the trailing 12 months (TX-07).
	EUMin, CSHMin Ratio
	// PCCapAbs and PCShare cap rewardable personal consumption per
	// participant and month (TX-03).
	PCCapAbs int64
	PCShare  Ratio
	// STMin is the sell-through share of resale stock (TX-05).
	STMin Ratio
	// MinCustomers distinct active customer organisations in the trailing
	// MinCustomersWindowMonths are needed for overrides (TX-06).
	MinCustomers             int
	MinCustomersWindowMonths int
	// ParticipantCoolingOffDays is the cancellation window with a 100 %
	// refund (PL-07).
	ParticipantCoolingOffDays int
	// BuybackPct is the statutory least repurchase share, BuybackOffered
	// the share offered for unopened or unassigned items, over
	// BuybackWindowMonths (PL-07).
	BuybackPct, BuybackOffered Ratio
	BuybackWindowMonths        int
	// First7dCap caps a new participant's payments in the first 7 days
	// (PL-10); outside the UK mandatory payments are 0 and optional orders
	// are capped at the local equivalent of this amount.
	First7dCap int64
	// ChangeNoticeDays is the notice for changes to financial obligations
	// (PL-08).
	ChangeNoticeDays int
	// HoldDays and ClawbackWindowMonths govern commission holds (TX-09).
	HoldDays             int
	ClawbackWindowMonths int
	// VerifySampleRate is the monthly share of receipts verified (TX-02).
	VerifySampleRate Ratio
	// StockCapMonths and NewParticipantCap guard against inventory loading
	// (TX-10); NewParticipantDays is the "new" window.
	StockCapMonths     int
	NewParticipantCap  int64
	NewParticipantDays int
	// ClaimRetentionYears is how long earnings-claim substantiation is kept
	// (RP-02).
	ClaimRetentionYears int
	// IDSPublishByMonth and IDSPublishByDay date the income disclosure
	// statement for the prior year (RP-01).
	IDSPublishByMonth, IDSPublishByDay int
	// CNCap is the Chinese cap on pay as a share of own direct sales, with
	// CNLevels override levels (0).
	CNCap    Ratio
	CNLevels int
	// KRItemPriceCap is the Korean per-item price cap in won.
	KRItemPriceCap int64
	// MinAge is the youngest participant age.
	MinAge int
	// DkWarnFraction is the share of the market P_max above which the
	// minimum downline of the top rank draws a saturation warning (PL-05).
	DkWarnFraction Ratio
	// UntrackedMonthlyCost is the simulator's default untracked cost per
	// participant and month (x_fix), quoted in the IDS (§5.2 item 11).
	UntrackedMonthlyCost int64
}

// DefaultParams returns the defaults of compliance.md §9.
func DefaultParams() Params {
	return Params{
		AllowEnrolmentBonus:       false,
		MaxMandatoryFee:           0,
		KitRefund:                 Frac(1, 1),
		KitRefundWindowMonths:     12,
		SellerShareMinRatio:       Frac(1, 1),
		IRMin:                     Frac(1, 1),
		PayoutCap:                 Pct(35),
		MaxOverrideLevels:         3,
		CSMin:                     Frac(1, 2),
		EUMin:                     Pct(80),
		CSHMin:                    Frac(2, 3),
		PCCapAbs:                  20000,
		PCShare:                   Frac(1, 3),
		STMin:                     Pct(70),
		MinCustomers:              2,
		MinCustomersWindowMonths:  12,
		ParticipantCoolingOffDays: 30,
		BuybackPct:                Pct(90),
		BuybackOffered:            Frac(1, 1),
		BuybackWindowMonths:       12,
		First7dCap:                20000,
		ChangeNoticeDays:          60,
		HoldDays:                  30,
		ClawbackWindowMonths:      12,
		VerifySampleRate:          Pct(2),
		StockCapMonths:            2,
		NewParticipantCap:         50000,
		NewParticipantDays:        30,
		ClaimRetentionYears:       3,
		IDSPublishByMonth:         3,
		IDSPublishByDay:           31,
		CNCap:                     Pct(30),
		CNLevels:                  0,
		KRItemPriceCap:            2000000,
		MinAge:                    18,
		DkWarnFraction:            Pct(1),
		UntrackedMonthlyCost:      5000,
	}
}

// Validate reports the first parameter that no plan may use.
func (p Params) Validate() error {
	switch {
	case p.AllowEnrolmentBonus:
		return fmt.Errorf("parameter allow_enrolment_bonus: is fixed to false (PL-01)")
	case p.MaxMandatoryFee < 0:
		return fmt.Errorf("parameter max_mandatory_fee: %d is negative", p.MaxMandatoryFee)
	case p.MaxOverrideLevels < 0:
		return fmt.Errorf("parameter max_override_levels: %d is negative", p.MaxOverrideLevels)
	case !p.PayoutCap.IsDefined() || p.PayoutCap.Num <= 0:
		return fmt.Errorf("parameter payout_cap: %s must be positive", p.PayoutCap)
	case !p.CSMin.IsDefined() || !p.EUMin.IsDefined() || !p.CSHMin.IsDefined():
		return fmt.Errorf("parameter cs_min, eu_min or csh_min: undefined")
	case p.BuybackPct.Less(Pct(90)):
		return fmt.Errorf("parameter buyback_pct: %s is below the statutory 90 %%", p.BuybackPct.Percent(0))
	}
	return nil
}

// Param is one row of the register: the parameter's name as compliance.md
// spells it, its value, the kind of rule behind it and where the default
// comes from.
type Param struct {
	Name   string
	Value  string
	Kind   string
	Source string
}

// Register lists p as the rows of compliance.md §9, in that order, so that
// reports can print the parameters a result was computed with.
func (p Params) Register() []Param {
	d := func(n int) string { return strconv.Itoa(n) }
	return []Param{
		{"allow_enrolment_bonus", strconv.FormatBool(p.AllowEnrolmentBonus) + " (fixed)", "law", "Koscot; UCPD pt 14; GA §10-1-411(a)(2); TSR reg 4 [V]"},
		{"max_mandatory_fee", Money(p.MaxMandatoryFee), "design / law", "Vemma §II(B) [S]; Koscot [V]"},
		{"kit_price_max / kit_refund", "cost / " + p.KitRefund.Percent(0) + " for " + d(p.KitRefundWindowMonths) + " months", "design", "Herbalife Gold Standard [V]"},
		{"seller_share_min_ratio", p.SellerShareMinRatio.Decimal(2), "design", "FTC consumer advice [V]"},
		{"IR_min", p.IRMin.Decimal(2), "design", "FTC consumer advice [V]"},
		{"payout_cap", p.PayoutCap.Percent(0) + " of CV", "design", "Korea statutory cap [M]"},
		{"max_override_levels", d(p.MaxOverrideLevels), "design", "Taylor red flags [V]"},
		{"cs_min", "> " + p.CSMin.Percent(0) + " per earner per month", "order benchmark", "Vemma §II(C) [S]"},
		{"eu_min", p.EUMin.Percent(0) + ", trailing 12 months", "order benchmark", "Herbalife [S]"},
		{"csh_min", p.CSHMin.String(), "order benchmark", "Herbalife [S]"},
		{"pc_cap_abs", Money(p.PCCapAbs) + " per participant per month", "order benchmark", "Herbalife per Thompson Burton [S, VERIFY]"},
		{"pc_share", p.PCShare.String() + " of CV", "order benchmark", "Herbalife [S]"},
		{"st_min", p.STMin.Decimal(2), "FTC decision", "Amway [V]"},
		{"min_customers", d(p.MinCustomers) + " distinct customer orgs, trailing " + d(p.MinCustomersWindowMonths) + " months", "design", "Amway 10-customer rule [V existence; M form]; Omnitrition [V]"},
		{"participant_cooling_off", d(p.ParticipantCoolingOffDays) + " days at 100 %", "design / law", "TW 30 d [V]; UK 14 d [V]"},
		{"buyback_pct / buyback_window", "≥ " + p.BuybackPct.Decimal(2) + " (" + p.BuybackOffered.Decimal(2) + " offered for unopened or unassigned) / " + d(p.BuybackWindowMonths) + " months", "law / industry", "TX §17.461; DSA Code; model Act [V]"},
		{"first7d_cap", "UK " + Money(p.First7dCap) + "; elsewhere mandatory 0", "law", "UK TSR [S]"},
		{"change_notice_days", d(p.ChangeNoticeDays), "law (UK)", "TSR reg 5(d) [V]"},
		{"hold_days / clawback_window", d(p.HoldDays) + " / " + d(p.ClawbackWindowMonths) + " months", "design", "cooling-off rules [M/V]"},
		{"verify_sample_rate", p.VerifySampleRate.Percent(0) + " per month plus flagged orders", "design", "Herbalife receipts and ICA [S/V]"},
		{"stock_cap_months / new_p_cap", d(p.StockCapMonths) + " months of resales / " + Money(p.NewParticipantCap) + " in the first " + d(p.NewParticipantDays) + " days", "design", "DSA \"reasonable amount of time\" [V]; model Act [V]"},
		{"claim_retention", d(p.ClaimRetentionYears) + " years", "proposed rule", "FTC NPRM 2025 [S, VERIFY]"},
		{"ids_publish_by", fmt.Sprintf("%02d-%02d (prior year)", p.IDSPublishByMonth, p.IDSPublishByDay), "design", "—"},
		{"cn_cap", p.CNCap.Decimal(2) + " of own direct sales; " + d(p.CNLevels) + " levels", "law", "CN Art. 24 [V]"},
		{"kr_item_price_cap", "KRW " + strconv.FormatInt(p.KRItemPriceCap, 10), "law", "KFTC 2024 amendment [V]"},
		{"min_age", d(p.MinAge), "law (CN, IN) / design", "[V]"},
		{"Dk_warn_fraction", p.DkWarnFraction.Percent(0) + " of P_max", "design", "PL-05 [D]"},
		{"x_fix", Money(p.UntrackedMonthlyCost) + " per month", "design", "§6.3 cost model [D]"},
	}
}
