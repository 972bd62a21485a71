package sqlref

import (
	"fmt"

	"github.com/downline/downline/compplan"
)

// ParamsFromPlan returns the reference's parameters for a plan's volume
// rules, active rule and its unilevel bonus unilevelID ("" for none). It
// refuses what the reference does not model rather than computing
// something else: rank-unlocked levels, per-distributor caps, and the gates
// and payout cap that change override amounts.
func ParamsFromPlan(p *compplan.Plan, unilevelID string) (Params, error) {
	out := Params{
		ReceiptedResale:   p.Volume.ReceiptedResale,
		MinCuV:            p.Active.MinCuV,
		MinCustomerOrders: p.Active.MinCustomerOrders,
	}
	if pu := p.Volume.PersonalUse; pu != nil {
		out.PersonalUse = &PersonalUse{Cap: pu.Cap, Share: Rate{pu.Share.Num, pu.Share.Den}}
	}
	if unilevelID == "" {
		return out, nil
	}
	k := p.BonusIndex(unilevelID)
	if k < 0 || p.Bonuses[k].Kind != compplan.KindUnilevel {
		return out, fmt.Errorf("sqlref: plan %s has no unilevel bonus %q", p.ID, unilevelID)
	}
	b := &p.Bonuses[k]
	switch {
	case b.MinRank != "":
		return out, fmt.Errorf("sqlref: bonus %s: min_rank is not modelled", b.ID)
	case b.Cap != 0:
		return out, fmt.Errorf("sqlref: bonus %s: per-distributor cap is not modelled", b.ID)
	case !p.Gates.PayoutCap.IsZero() || p.Gates.MinActiveCustomers != 0 || !p.Gates.CustomerShareMin.IsZero():
		return out, fmt.Errorf("sqlref: plan %s: gates (payout cap, TX-04, TX-06) are not modelled", p.ID)
	}
	u := &Unilevel{
		Compression:        b.Compression == compplan.CompressionDynamic,
		PayInactiveSellers: b.PayInactiveSellers,
	}
	for _, bs := range b.Basis {
		switch bs {
		case compplan.BasisCuV:
			u.BasisCuV = true
		case compplan.BasisRPCV:
			u.BasisRPCV = true
		default:
			return out, fmt.Errorf("sqlref: bonus %s: basis %q is not modelled", b.ID, bs)
		}
	}
	for i, l := range b.Levels {
		if l.MinRank != "" {
			return out, fmt.Errorf("sqlref: bonus %s level %d: min_rank is not modelled", b.ID, i+1)
		}
		u.Levels = append(u.Levels, Rate{l.Rate.Num, l.Rate.Den})
	}
	out.Unilevel = u
	return out, nil
}
