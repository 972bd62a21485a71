package compliance

import (
	"fmt"
	"math/big"
)

// This file holds pay-run rules of compliance.md §4 as pure decision
// functions: the order intake calls CheckResaleOrder (TX-10, with TX-05's
// IsSellThroughMet). The engine (compplan, which may not import this
// package) implements TX-03 to TX-08 and TX-12 itself; CompanyFactor,
// Scale and CNPayCap state TX-07 and TX-12 independently, and
// TestEngineAgreesWithTXRules holds the engine to their answers.

// IsSellThroughMet is TX-05: units resold or assigned to verified customers
// over units bought for resale in the trailing window must be at least
// st_min. Without resale purchases the rule is met.
func IsSellThroughMet(resold, bought int64, p Params) bool {
	if bought <= 0 {
		return true
	}
	return !Frac(resold, bought).Less(p.STMin)
}

// ResaleOrder describes a RESALE_INVENTORY order for the TX-10 guard.
// Units are whole seats, licences or items.
type ResaleOrder struct {
	Units int64
	// Amount is the order's value in minor units.
	Amount int64
	// UnsoldStock is the participant's unsold resale stock before the
	// order; ResalesLast3Months the units it resold in the last 3 months.
	UnsoldStock, ResalesLast3Months int64
	// Resold and Bought are the TX-05 sell-through figures.
	Resold, Bought int64
	// DaysEnrolled is how long the participant has been enrolled.
	DaysEnrolled int
	// ChangesRankNearCutoff: placed within 3 days of a cut-off, the order
	// would change the participant's rank (a pay-to-qualify signal).
	ChangesRankNearCutoff bool
}

// CheckResaleOrder is TX-10, the guard against inventory loading. It
// returns nil when the order may be placed, or an error naming the first
// rule broken and maxUnits, the largest order that would pass the stock
// rule (0 when no order may be placed).
func CheckResaleOrder(o ResaleOrder, p Params) (maxUnits int64, err error) {
	if !IsSellThroughMet(o.Resold, o.Bought, p) {
		return 0, fmt.Errorf("TX-05: sell-through %d/%d is below %s; new resale orders wait until it is met", o.Resold, o.Bought, p.STMin.Percent(0))
	}
	if o.ChangesRankNearCutoff {
		return 0, fmt.Errorf("TX-10: the order would change the rank within 3 days of the cut-off")
	}
	if o.DaysEnrolled < p.NewParticipantDays && o.Amount > p.NewParticipantCap {
		return 0, fmt.Errorf("TX-10: %s exceeds %s in the first %d days", Money(o.Amount), Money(p.NewParticipantCap), p.NewParticipantDays)
	}
	// Stock after the order ≤ stock_cap_months × average monthly resales,
	// i.e. 3 × (stock + units) ≤ stock_cap_months × resales over 3 months.
	capTimes3 := int64(p.StockCapMonths) * o.ResalesLast3Months
	maxUnits = max(0, capTimes3/3-o.UnsoldStock)
	if 3*(o.UnsoldStock+o.Units) > capTimes3 {
		return maxUnits, fmt.Errorf("TX-10: stock after the order %d exceeds %d months of average resales (%d/3 a month)",
			o.UnsoldStock+o.Units, p.StockCapMonths, o.ResalesLast3Months)
	}
	return maxUnits, nil
}

// CompanyFactor is TX-07: over the trailing 12 months, EU = (CuV + RPCV) /
// total product revenue and CSH = CuV / (CuV + RPCV); when either test
// fails, this period's multi-level pay is multiplied by f = min(EU/eu_min,
// CSH/csh_min, 1). It returns f (1 when both pass) and the two shares.
func CompanyFactor(revenue, cuv, rpcv int64, p Params) (f, eu, csh Ratio) {
	eu, csh = Frac(cuv+rpcv, revenue), Frac(cuv, cuv+rpcv)
	f = Frac(1, 1)
	if eu.IsDefined() {
		f = f.Min(eu.Mul(Frac(p.EUMin.Den, p.EUMin.Num)))
	}
	if csh.IsDefined() {
		f = f.Min(csh.Mul(Frac(p.CSHMin.Den, p.CSHMin.Num)))
	}
	return f, eu, csh
}

// Scale returns amount × f rounded once, half away from zero.
func Scale(amount int64, f Ratio) int64 {
	if f.Den == 0 {
		return 0
	}
	return roundDiv(new(big.Int).Mul(big.NewInt(amount), big.NewInt(f.Num)), big.NewInt(f.Den))
}

// CNPayCap is the Chinese cap of TX-12: total pay to a participant at most
// cn_cap of its own direct sales (and no multi-level pay at all), rounded
// down to the minor unit.
func CNPayCap(ownDirectSales int64, p Params) int64 {
	if ownDirectSales <= 0 {
		return 0
	}
	return new(big.Int).Quo(new(big.Int).Mul(big.NewInt(ownDirectSales), big.NewInt(p.CNCap.Num)), big.NewInt(p.CNCap.Den)).Int64()
}
