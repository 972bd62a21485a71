// Package simulate is the pre-launch plan simulator of compliance.md §6: an
// agent-based, discrete-time (monthly) model of recruiting, customer
// acquisition, personal use, attrition and costs that pays every month
// through the production engine, compplan.Evaluate, and reports the
// outcomes regulators and critics compute (loss rate, zero share, recoup
// rate, Gini, top-k share, break-even, incentive ratio, recruitment
// dependence, saturation) with the launch gates SIM-01…SIM-05.
//
// Runs are deterministic: replication r draws every random number from
// math/rand/v2 PCG streams keyed by (seed, r, agent, month, purpose), so
// the same seed and parameters give byte-identical output, and paired
// (perturbed) runs share their random numbers.
package simulate

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
)

// Params are the model parameters of §6.3. Money is in minor units; rates
// are per participant-month unless stated.
type Params struct {
	// Months is the horizon H; Replications the Monte Carlo count R; Seed
	// the base seed.
	Months       int    `json:"months"`
	Replications int    `json:"replications"`
	Seed         uint64 `json:"seed"`
	// Founders is the number of participants at month 1 (roots).
	Founders int `json:"founders"`
	// PMax is the pool of prospective distributors; CMax of prospective
	// customer organisations.
	PMax int `json:"p_max"`
	CMax int `json:"c_max"`
	// SigmaE is σ_e of effort e ~ LogNormal(0, σ_e); PSell the share of
	// participants who sell or recruit at all.
	SigmaE float64 `json:"sigma_e"`
	PSell  float64 `json:"p_sell"`
	// LambdaR is λ_r, recruits per participant-month at effort 1;
	// RecruitDecayMonths the e-folding time of g_r(tenure).
	LambdaR            float64 `json:"lambda_r"`
	RecruitDecayMonths float64 `json:"recruit_decay_months"`
	// LambdaC is λ_c, new customers per participant-month at effort 1.
	LambdaC float64 `json:"lambda_c"`
	// CustomerMedian and CustomerSigma give a customer's monthly value v ~
	// LogNormal(ln CustomerMedian, CustomerSigma); ChurnC is its monthly
	// churn.
	CustomerMedian int64   `json:"customer_median"`
	CustomerSigma  float64 `json:"customer_sigma"`
	ChurnC         float64 `json:"churn_c"`
	// ReassignToSponsor moves a leaver's customers to its sponsor; false
	// gives them to the company (they stop counting for anyone).
	ReassignToSponsor bool `json:"reassign_to_sponsor"`
	// PPersonal is the probability a participant buys for personal use in a
	// month, PersonalMedian and PersonalMax the LogNormal median and
	// truncation of the amount.
	PPersonal      float64 `json:"p_personal"`
	PersonalMedian int64   `json:"personal_median"`
	PersonalMax    int64   `json:"personal_max"`
	// PQualify is p_q: the probability that a participant within
	// QualifyDelta of a threshold that counts own purchases buys the
	// shortfall (the pay-to-play detector).
	PQualify     float64 `json:"p_qualify"`
	QualifyDelta int64   `json:"qualify_delta"`
	// FirstYearAttrition calibrates h_0 so that this share leaves in year 1
	// at neutral net; AttritionBeta is β per 100 major units of net over
	// the last 3 months; LaterTenureFactor is k(tenure ≥ 12).
	FirstYearAttrition float64 `json:"first_year_attrition"`
	AttritionBeta      float64 `json:"attrition_beta"`
	LaterTenureFactor  float64 `json:"later_tenure_factor"`
	// XFix is the fixed monthly cost x_fix; XVar the cost per new customer
	// won; ToolsMonthly tools and events per month; PKit the share buying
	// the optional kit in their first month.
	XFix         int64   `json:"x_fix"`
	XVar         int64   `json:"x_var"`
	ToolsMonthly int64   `json:"tools_monthly"`
	PKit         float64 `json:"p_kit"`
	// PerturbMonth is t₀ of the incentive ratio and the recruitment
	// dependence index (0: H/3+1, at least 1); Window is Δ (12).
	PerturbMonth int `json:"perturb_month"`
	Window       int `json:"window"`
	// IRSample is the number of participants perturbed per replication.
	IRSample int `json:"ir_sample"`
	// NoAttrition switches attrition off (deterministic mode).
	NoAttrition bool `json:"no_attrition"`
	// Script replaces the random population with a fixed one (§6.6).
	Script *Script `json:"script,omitempty"`
}

// Script is a deterministic population: who joins when under whom, and
// which customers each has. Attrition, churn, personal use and random
// draws are off.
type Script struct {
	Agents []ScriptAgent `json:"agents"`
	// RecruitCustomers is how many customers the synthetic recruit of the
	// incentive ratio gets, from the month after it joins, each worth
	// CustomerMedian.
	RecruitCustomers int `json:"recruit_customers"`
	// IRAgent is the participant whose incentive ratio is measured.
	IRAgent int `json:"ir_agent"`
}

// ScriptAgent is one scripted participant.
type ScriptAgent struct {
	// Sponsor is the index of the sponsor in Agents, -1 for a root.
	Sponsor int `json:"sponsor"`
	// Join is the month (1-based) it joins.
	Join int `json:"join"`
	// Customers are its customers.
	Customers []ScriptCustomer `json:"customers"`
}

// ScriptCustomer is a customer won in From, worth Value each month.
type ScriptCustomer struct {
	From  int   `json:"from"`
	Value int64 `json:"value"`
}

// DefaultParams returns the defaults of §6.3 and §6.5 (the middle of the
// sensitivity grid).
func DefaultParams() Params {
	return Params{
		Months: 36, Replications: 200, Seed: 1,
		Founders: 10, PMax: 10000, CMax: 100000,
		SigmaE: 1.0, PSell: 0.6,
		LambdaR: 0.2, RecruitDecayMonths: 12,
		LambdaC: 0.15, CustomerMedian: 10000, CustomerSigma: 0.75, ChurnC: 0.03,
		PPersonal: 0.3, PersonalMedian: 3000, PersonalMax: 30000,
		PQualify: 0.5, QualifyDelta: 10000,
		FirstYearAttrition: 0.5, AttritionBeta: 0.1, LaterTenureFactor: 0.6,
		XFix: 5000, XVar: 0, ToolsMonthly: 0, PKit: 0,
		Window: 12, IRSample: 200,
	}
}

// Validate reports the first parameter out of range.
func (p Params) Validate() error {
	bad := func(name string, v any) error { return fmt.Errorf("simulation parameter %s: %v out of range", name, v) }
	switch {
	case p.Months < 1 || p.Months > 600:
		return bad("months", p.Months)
	case p.Replications < 1 || p.Replications > 100000:
		return bad("replications", p.Replications)
	case p.Script == nil && (p.Founders < 1 || p.Founders > p.PMax):
		return bad("founders", p.Founders)
	case p.PMax < 1 || p.PMax > 50_000_000:
		return bad("p_max", p.PMax)
	case p.CMax < 1:
		return bad("c_max", p.CMax)
	case p.SigmaE < 0 || math.IsNaN(p.SigmaE):
		return bad("sigma_e", p.SigmaE)
	case !unit(p.PSell), !unit(p.ChurnC), !unit(p.PPersonal), !unit(p.PQualify), !unit(p.FirstYearAttrition), !unit(p.PKit):
		return fmt.Errorf("simulation parameters: a probability is outside [0, 1]")
	case p.LambdaR < 0 || p.LambdaC < 0 || p.LambdaR > 50 || p.LambdaC > 50:
		return bad("lambda", fmt.Sprint(p.LambdaR, p.LambdaC))
	case p.CustomerMedian < 0 || p.PersonalMedian < 0 || p.XFix < 0 || p.XVar < 0 || p.ToolsMonthly < 0:
		return fmt.Errorf("simulation parameters: a money amount is negative")
	case p.Window < 1:
		return bad("window", p.Window)
	case p.IRSample < 0:
		return bad("ir_sample", p.IRSample)
	}
	if s := p.Script; s != nil {
		for i, a := range s.Agents {
			if a.Sponsor >= i || a.Sponsor < -1 || a.Join < 1 || a.Join > p.Months {
				return fmt.Errorf("script agent %d: sponsor %d or join month %d invalid", i, a.Sponsor, a.Join)
			}
			if a.Sponsor >= 0 && s.Agents[a.Sponsor].Join > a.Join {
				return fmt.Errorf("script agent %d: joins before its sponsor", i)
			}
		}
		if s.IRAgent < 0 || s.IRAgent >= len(s.Agents) {
			return fmt.Errorf("script ir_agent %d: no such agent", s.IRAgent)
		}
	}
	return nil
}

func unit(x float64) bool { return x >= 0 && x <= 1 }

// t0 returns the perturbation month.
func (p Params) t0() int {
	if p.PerturbMonth > 0 {
		return p.PerturbMonth
	}
	return max(1, p.Months/3+1)
}

// ReadParams decodes parameters from JSON over DefaultParams, rejecting
// unknown fields, and validates them.
func ReadParams(r io.Reader) (Params, error) {
	p := DefaultParams()
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return Params{}, fmt.Errorf("read simulation parameters: %w", err)
	}
	return p, p.Validate()
}
