package compliance

import (
	"fmt"
	"sort"
)

// Source classifies one commission line for the income-source statement.
type Source string

// The sources of a participant's gross compensation (RP-05).
const (
	// SourceOwnCustomer: commission on the participant's own customers.
	SourceOwnCustomer Source = "own_customer"
	// SourceOverrideCustomer: overrides on downline customer volume.
	SourceOverrideCustomer Source = "override_customer"
	// SourceOverridePersonal: overrides on downline rewardable personal use.
	SourceOverridePersonal Source = "override_personal_use"
	// SourceOther: any other bonus (pools, rank bonuses).
	SourceOther Source = "other"
)

// SourceLine is one commission line as the statement needs it.
type SourceLine struct {
	Source Source
	Amount int64
}

// Withheld is pay a gate kept back from the participant, with the reason.
type Withheld struct {
	Gate   string
	Reason string
	Amount int64
}

// Costs are the company-tracked costs of a participant (RP-05, §5.2 item 8).
type Costs struct {
	Fees, Kits, Tools, Events, Shipping int64
	// OwnPurchases are personal-use purchases, shown but not deducted.
	OwnPurchases int64
}

// Business returns the tracked business costs: everything but own
// purchases.
func (c Costs) Business() int64 { return c.Fees + c.Kits + c.Tools + c.Events + c.Shipping }

// IncomeSourceInput is one participant's month.
type IncomeSourceInput struct {
	Participant  string
	Period       string
	Lines        []SourceLine
	RetailMargin int64
	Costs        Costs
	// OrgCuV and OrgRevenue are the TX-04 figures of the participant's
	// organisation; OrgRevenue 0 means unknown.
	OrgCuV, OrgRevenue int64
	Withheld           []Withheld
}

// IncomeSource is the per-participant income-source statement (RP-05):
// where the money came from, what it cost and what the gates held back.
type IncomeSource struct {
	Participant      string
	Period           string
	OwnCustomer      int64
	RetailMargin     int64
	OverrideCustomer int64
	OverridePersonal int64
	Other            int64
	Gross            int64
	Costs            Costs
	TrackedCosts     int64
	Net              int64
	// OrgCuV and OrgRevenue are the TX-04 figures summed over the periods
	// covered; OrgCustomerShare is their ratio.
	OrgCuV, OrgRevenue int64
	OrgCustomerShare   Ratio
	// Periods is the number of pay periods covered, VemmaPassed how many of
	// them passed the Vemma test (a monthly test: it is never judged on
	// year-to-date sums).
	Periods, VemmaPassed int
	Withheld             []Withheld
	// CustomerShareOfIncome answers the FTC's question: what share of the
	// money came from selling to customers outside the programme (own
	// customer commission, retail margin and overrides on customer volume).
	CustomerShareOfIncome Ratio
}

// ComputeIncomeSource builds the statement for one participant and period,
// judging the Vemma test with p.CSMin (strictly greater).
func ComputeIncomeSource(in IncomeSourceInput, p Params) (IncomeSource, error) {
	s := IncomeSource{Participant: in.Participant, Period: in.Period, RetailMargin: in.RetailMargin, Costs: in.Costs}
	for i, l := range in.Lines {
		switch l.Source {
		case SourceOwnCustomer:
			s.OwnCustomer += l.Amount
		case SourceOverrideCustomer:
			s.OverrideCustomer += l.Amount
		case SourceOverridePersonal:
			s.OverridePersonal += l.Amount
		case SourceOther:
			s.Other += l.Amount
		default:
			return IncomeSource{}, fmt.Errorf("participant %s line %d: unknown source %q", in.Participant, i, l.Source)
		}
	}
	s.Gross = s.OwnCustomer + s.RetailMargin + s.OverrideCustomer + s.OverridePersonal + s.Other
	s.TrackedCosts = in.Costs.Business()
	s.Net = s.Gross - s.TrackedCosts
	s.OrgCuV, s.OrgRevenue = in.OrgCuV, in.OrgRevenue
	s.OrgCustomerShare = Frac(in.OrgCuV, in.OrgRevenue)
	s.Periods = 1
	if s.OrgCustomerShare.IsDefined() && p.CSMin.Less(s.OrgCustomerShare) {
		s.VemmaPassed = 1
	}
	s.Withheld = append([]Withheld(nil), in.Withheld...)
	sort.SliceStable(s.Withheld, func(i, j int) bool { return s.Withheld[i].Gate < s.Withheld[j].Gate })
	s.CustomerShareOfIncome = Frac(s.OwnCustomer+s.RetailMargin+s.OverrideCustomer, s.Gross)
	return s, nil
}

// Add returns the year-to-date sum of s and o (o being the later period):
// amounts and counts add, the org customer share is recomputed from the
// summed parts, and withheld items are concatenated.
func (s IncomeSource) Add(o IncomeSource) IncomeSource {
	r := s
	r.Period = s.Period + ".." + o.Period
	if s.Period == "" {
		r.Period = o.Period
	}
	if r.Participant == "" {
		r.Participant = o.Participant
	}
	r.OwnCustomer += o.OwnCustomer
	r.RetailMargin += o.RetailMargin
	r.OverrideCustomer += o.OverrideCustomer
	r.OverridePersonal += o.OverridePersonal
	r.Other += o.Other
	r.Gross += o.Gross
	r.Costs = Costs{Fees: s.Costs.Fees + o.Costs.Fees, Kits: s.Costs.Kits + o.Costs.Kits,
		Tools: s.Costs.Tools + o.Costs.Tools, Events: s.Costs.Events + o.Costs.Events,
		Shipping: s.Costs.Shipping + o.Costs.Shipping, OwnPurchases: s.Costs.OwnPurchases + o.Costs.OwnPurchases}
	r.TrackedCosts += o.TrackedCosts
	r.Net += o.Net
	r.OrgCuV += o.OrgCuV
	r.OrgRevenue += o.OrgRevenue
	r.OrgCustomerShare = Frac(r.OrgCuV, r.OrgRevenue)
	r.Periods += o.Periods
	r.VemmaPassed += o.VemmaPassed
	r.Withheld = append(append([]Withheld(nil), s.Withheld...), o.Withheld...)
	r.CustomerShareOfIncome = Frac(r.OwnCustomer+r.RetailMargin+r.OverrideCustomer, r.Gross)
	return r
}
