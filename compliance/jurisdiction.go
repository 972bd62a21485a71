package compliance

import (
	"fmt"
	"sort"
	"strings"
)

// Profile is a jurisdiction profile (compliance.md §8): what a jurisdiction
// switches on in the linter and the pay run. The zero value of an optional
// field means "no rule beyond the defaults of Params".
type Profile struct {
	// Code is the profile's key, for example "US-TX".
	Code string
	// Name is the jurisdiction in words.
	Name string
	// NoOverrides forbids all multi-level pay (CN).
	NoOverrides bool
	// PayoutCap, when defined, caps total pay as a share of CV; OwnSalesCap
	// says the cap is on the participant's own direct sales (CN).
	PayoutCap   Ratio
	OwnSalesCap bool
	// BlockChancePay makes PL-09 a BLOCK rather than a WARN (GA).
	BlockChancePay bool
	// First7dCap, when positive, caps a new participant's payments in the
	// first 7 days, in minor units (UK £200).
	First7dCap int64
	// CoolingOffDays is the least participant cancellation window.
	CoolingOffDays int
	// BuybackPct and BuybackWindowMonths are the statutory least repurchase
	// share and window.
	BuybackPct          Ratio
	BuybackWindowMonths int
	// ChangeNoticeDays is the least notice for changes to financial
	// obligations.
	ChangeNoticeDays int
	// Clauses lists the contract clauses the participant agreement must hold
	// (PL-08), by key.
	Clauses []string
	// Registration says the programme must be registered or licensed
	// before it may operate (CN licence, KR registration).
	Registration bool
	// Citation names the sources.
	Citation string
}

// Contract clause keys that profiles require (PL-08).
const (
	ClausePromoter      = "promoter_identity"
	ClauseProducts      = "products"
	ClauseCapacity      = "participant_capacity"
	ClauseObligations   = "financial_obligations_12m"
	ClauseCancellation  = "cancellation_refund_buyback"
	ClausePlan          = "compensation_plan"
	ClauseIDSLink       = "income_disclosure_link"
	ClauseStatutory     = "statutory_statements"
	ClauseCancelAnyTime = "right_to_cancel_any_time"
	ClauseUKWarning     = "uk_statutory_warning"
)

// baseClauses are the clauses every profile with a written-agreement rule
// requires (PL-08 items 1–8).
var baseClauses = []string{ClausePromoter, ClauseProducts, ClauseCapacity, ClauseObligations,
	ClauseCancellation, ClausePlan, ClauseIDSLink, ClauseStatutory}

func withClauses(extra ...string) []string {
	return append(append([]string(nil), baseClauses...), extra...)
}

// Profiles returns every jurisdiction profile of compliance.md §8, keyed by
// code. "US" is an alias of "US-FED". A fresh map is returned on each call.
func Profiles() map[string]Profile {
	p := DefaultParams()
	ps := []Profile{
		{Code: "US-FED", Name: "United States (federal)", BuybackPct: p.BuybackPct, BuybackWindowMonths: 12,
			Citation: "Koscot; Amway; Omnitrition; BurnLounge; Vemma; Herbalife; FTC guidance (L1–L11)"},
		{Code: "US-TX", Name: "Texas", BuybackPct: Pct(90), BuybackWindowMonths: 12,
			Citation: "Tex. Bus. & Com. Code §17.461 [V]"},
		{Code: "US-GA", Name: "Georgia", BlockChancePay: true, Clauses: withClauses(ClauseCancelAnyTime),
			Citation: "O.C.G.A. §§10-1-411, 10-1-415 [V]"},
		{Code: "US-MD", Name: "Maryland", BuybackPct: Pct(90), BuybackWindowMonths: 3, Clauses: withClauses(),
			Citation: "Md. Com. Law §§14-302, 14-303 [V]"},
		{Code: "US-MODEL", Name: "US model-Act states (SD, IN, others)", BuybackPct: Pct(90), BuybackWindowMonths: 12,
			Citation: "CSG model Act; IC 24-13-2-1 [V]"},
		{Code: "EU", Name: "European Union", CoolingOffDays: 14,
			Citation: "UCPD 2005/29/EC Annex I pt 14; C-515/12; C-667/15 [V]"},
		{Code: "UK", Name: "United Kingdom", First7dCap: 20000, CoolingOffDays: 14, ChangeNoticeDays: 60,
			Clauses:  withClauses(ClauseUKWarning),
			Citation: "FTA 1973 Pt XI; Trading Schemes Regulations 1997 regs 4–6 [V]; DMCCA 2024 Sch 20 [S]"},
		{Code: "CN", Name: "China", NoOverrides: true, PayoutCap: p.CNCap, OwnSalesCap: true, Registration: true,
			CoolingOffDays: 30, Citation: "State Council Orders 443 (Art. 24) and 444 (Art. 7) [V]"},
		{Code: "IN", Name: "India", CoolingOffDays: 30, Clauses: withClauses(),
			Citation: "Consumer Protection (Direct Selling) Rules 2021; Guidelines 2016 [V/S]"},
		{Code: "KR", Name: "Korea", PayoutCap: Pct(35), Registration: true,
			Citation: "Door-to-Door Sales Act [V/M, VERIFY Art. 20]"},
		{Code: "JP", Name: "Japan", CoolingOffDays: 20, Citation: "SCTA Ch. 3 [V toc/M]"},
		{Code: "TW", Name: "Taiwan", CoolingOffDays: 30, Clauses: withClauses(),
			Citation: "MLM Supervision Act Arts. 17, 20 [V]"},
		{Code: "AU", Name: "Australia", Citation: "ACL ss 44–46 [V]"},
	}
	m := make(map[string]Profile, len(ps)+1)
	for _, pr := range ps {
		m[pr.Code] = pr
	}
	m["US"] = m["US-FED"]
	return m
}

// ParseJurisdictions resolves a comma-separated list of profile codes such
// as "US,US-TX,EU" into profiles, sorted by code and without duplicates. An
// empty list yields US-FED. An unknown code is an error, because the
// platform refuses to operate where no profile exists.
func ParseJurisdictions(list string) ([]Profile, error) {
	all := Profiles()
	if strings.TrimSpace(list) == "" {
		return []Profile{all["US-FED"]}, nil
	}
	seen := map[string]bool{}
	var out []Profile
	for _, code := range strings.Split(list, ",") {
		code = strings.ToUpper(strings.TrimSpace(code))
		if code == "" {
			continue
		}
		pr, ok := all[code]
		if !ok {
			return nil, fmt.Errorf("jurisdiction %q: no profile (known: %s)", code, strings.Join(profileCodes(all), ", "))
		}
		if !seen[pr.Code] {
			seen[pr.Code] = true
			out = append(out, pr)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out, nil
}

func profileCodes(m map[string]Profile) []string {
	var cs []string
	for c := range m {
		cs = append(cs, c)
	}
	sort.Strings(cs)
	return cs
}
