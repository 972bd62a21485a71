// Package compliance turns the anti-pyramid rules of compliance.md into
// code that can be checked: the parameter register, jurisdiction profiles,
// the plan linter, the income disclosure statement, the compliance
// dashboard, the per-participant income-source statement and the
// genealogy visibility tiers. It is pure: standard library and compplan
// only; callers do the I/O.
//
// # API
//
//	prm := compliance.DefaultParams()              // §9 register; prm.Register() lists rows with sources
//	jx, err := compliance.ParseJurisdictions("US,UK") // §8 profiles
//	rep := compliance.Lint(plan, compliance.Terms{}, jx, prm)
//	rep.Findings, rep.IsBlocked(), rep.WorstCasePayout, rep.SellerRatio, rep.OverrideDepth
//
//	ids, err := compliance.ComputeIDS(compliance.IDSInput{...}) // RP-01 (§5.2); ErrIncomplete blocks publication
//	ids.WriteHTML(w); ids.WriteCSV(w)
//	kpis := compliance.Dashboard(compliance.DashboardInput{...}, prm) // RP-03 with alert levels
//	st, err := compliance.ComputeIncomeSource(in, prm)                // RP-05; st.Add(next) for year to date
//
//	tier := compliance.Visibility(depth, compliance.Consent{...})     // DP-02
//	view := compliance.Filter(fullView, tier); compliance.CanSee(tier, field)
//	compliance.Pseudonym(key, id)                                     // stable "P-…" id for upline views
//
// # Glossary
//
// CuV is customer volume, RPCV the rewardable (capped) part of personal
// consumption, CV = CuV + RPCV the only compensation base. MLC is
// multi-level compensation: pay on anyone else's volume. A finding is
// BLOCK (the plan may not be activated) or WARN (needs human sign-off).
// Every share and threshold is an exact Ratio; money is int64 minor units.
package compliance
