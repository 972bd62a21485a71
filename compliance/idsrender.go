package compliance

import (
	"encoding/csv"
	"html/template"
	"io"
	"strconv"
)

// WriteCSV writes the statement as CSV rows of (section, item, value):
// headline figures first, then the band table and the cohorts.
func (s IDS) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	rec := func(section, item, value string) { _ = cw.Write([]string{section, item, value}) }
	rec("section", "item", "value")
	rec("period", "year", strconv.Itoa(s.Year))
	rec("period", "start", s.Start.Format("2006-01-02"))
	rec("period", "end", s.End.Format("2006-01-02"))
	rec("population", "participants", strconv.Itoa(s.NAll))
	rec("population", "preferred customers excluded", strconv.Itoa(s.PreferredCustomersExcluded))
	rec("population", "definition of active", s.ActiveDefinition)
	rec("population", "active participants", strconv.Itoa(s.NActive))
	rec("headline", "zero share", s.ZeroShare.Percent(1))
	rec("headline", "median gross", Money(s.Gross.Median))
	rec("headline", "share earning 1000 or less", s.Gross.AtMost1000Share.Percent(1))
	dist := func(section string, d Distribution) {
		for _, x := range []struct {
			k string
			v int64
		}{{"mean", d.Mean}, {"median", d.Median}, {"p10", d.P10}, {"p25", d.P25}, {"p75", d.P75}, {"p90", d.P90}, {"p99", d.P99}} {
			rec(section, x.k, Money(x.v))
		}
		rec(section, "max band", d.MaxBand)
		for _, b := range d.Bands {
			rec(section, "band "+b.Label, strconv.Itoa(b.Count)+" ("+b.Share.Percent(1)+")")
		}
	}
	dist("gross (all participants)", s.Gross)
	dist("gross (active participants)", s.Active)
	dist("gross ("+s.FullYear.Label+")", s.FullYear.Distribution)
	for _, c := range s.Tenure {
		dist("gross ("+c.Label+")", c.Distribution)
	}
	rec("costs", "median tracked business cost", Money(s.TrackedCost.Median))
	rec("costs", "mean tracked business cost", Money(s.TrackedCost.Mean))
	rec("costs", "median own personal-use purchases", Money(s.PersonalUse.Median))
	rec("costs", "mean own personal-use purchases", Money(s.PersonalUse.Mean))
	rec("net", "median net after tracked costs", Money(s.Net.Median))
	rec("net", "share with negative net", s.NetNegativeShare.Percent(1))
	if s.RetailMargin != nil {
		rec("retail margin", "median", Money(s.RetailMargin.Median))
		rec("retail margin", "mean", Money(s.RetailMargin.Mean))
	} else {
		rec("retail margin", "tracked", "not included")
	}
	rec("untracked expenses", "statement", s.UntrackedStatement)
	rec("untracked expenses", "illustrative monthly amount", Money(s.UntrackedMonthly))
	rec("concentration", "top-1 % share", s.Top1Share.Percent(1))
	rec("concentration", "top-10 % share", s.Top10Share.Percent(1))
	rec("concentration", "Gini", strconv.FormatFloat(s.Gini, 'f', 3, 64))
	rec("attrition", "left during the year", s.AttritionShare.Percent(1))
	rec("attrition", "median tenure months", strconv.FormatInt(s.MedianTenureMonths, 10))
	rec("source mix", "on customer volume", s.CuVShare.Percent(1))
	rec("source mix", "on personal use", s.RPCVShare.Percent(1))
	for _, e := range s.CompanyTests {
		rec("source mix", "TX-07 scaled multi-level pay in "+e.Period, "f = "+e.Factor.Percent(1))
	}
	if s.CompanyTestNote != "" {
		rec("source mix", "TX-07 note", s.CompanyTestNote)
	}
	for _, v := range s.PlanVersions {
		rec("provenance", "plan version", v)
	}
	rec("provenance", "dataset hash", s.DatasetHash)
	rec("provenance", "generator", s.Generator)
	rec("provenance", "contact", s.Contact)
	cw.Flush()
	return cw.Error()
}

var idsPage = template.Must(template.New("ids").Funcs(template.FuncMap{
	"money": Money,
	"pct":   func(r Ratio) string { return r.Percent(1) },
	"gini":  func(g float64) string { return strconv.FormatFloat(g, 'f', 3, 64) },
}).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Income disclosure statement {{.Year}}</title>
<style>body{font-family:system-ui,sans-serif;max-width:50rem;margin:2rem auto;color:#222}
table{border-collapse:collapse;margin:.5rem 0}td,th{padding:.2rem .6rem;border-bottom:1px solid #ddd;text-align:left}
.headline{font-size:1.2rem}</style></head><body>
<h1>Income disclosure statement {{.Year}}</h1>
<p>Period {{.Start.Format "2 January 2006"}} to {{.End.Format "2 January 2006"}}. All {{.NAll}} participants with a
distributor agreement in force on at least one day are included ({{.PreferredCustomersExcluded}} preferred customers,
who cannot earn, are not).</p>
<ul class="headline">{{range .Headline}}<li>{{.}}</li>{{end}}</ul>
<h2>Gross compensation, all participants</h2>
<table><tr><th>Mean</th><th>Median</th><th>P10</th><th>P25</th><th>P75</th><th>P90</th><th>P99</th></tr>
<tr><td>{{money .Gross.Mean}}</td><td>{{money .Gross.Median}}</td><td>{{money .Gross.P10}}</td><td>{{money .Gross.P25}}</td>
<td>{{money .Gross.P75}}</td><td>{{money .Gross.P90}}</td><td>{{money .Gross.P99}}</td></tr></table>
<table><tr><th>Annual gross compensation</th><th>Participants</th><th>Share</th></tr>
{{range .Gross.Bands}}<tr><td>{{.Label}}</td><td>{{.Count}}</td><td>{{pct .Share}}</td></tr>{{end}}</table>
<p>"Active" means: {{.ActiveDefinition}}. {{.NActive}} participants were active; their median was {{money .Active.Median}}.
Participants enrolled for the whole year: {{.FullYear.N}}, median {{money .FullYear.Median}}.</p>
<h2>By year of joining</h2><table><tr><th>Cohort</th><th>Participants</th><th>Median</th><th>Mean</th><th>Zero share</th></tr>
{{range .Tenure}}<tr><td>{{.Label}}</td><td>{{.N}}</td><td>{{money .Median}}</td><td>{{money .Mean}}</td><td>{{pct .ZeroShare}}</td></tr>{{end}}</table>
<h2>Costs and net</h2>
<p>Company-tracked business costs (fees, kit net of refunds, tools, events, shipping): median {{money .TrackedCost.Median}},
mean {{money .TrackedCost.Mean}}. Own personal-use purchases, not deducted: median {{money .PersonalUse.Median}},
mean {{money .PersonalUse.Mean}}. After tracked costs the median participant netted {{money .Net.Median}};
{{pct .NetNegativeShare}} had a negative result.</p>
<p>{{if .RetailMargin}}Retail margin from receipted resales: median {{money .RetailMargin.Median}}.{{else}}Retail margin: not included.{{end}}</p>
<p>{{.UntrackedStatement}} For illustration, such costs may be about {{money .UntrackedMonthly}} a month.</p>
<h2>Concentration and attrition</h2>
<p>Top 1 %: {{pct .Top1Share}} of all compensation; top 10 %: {{pct .Top10Share}}; Gini {{gini .Gini}}.
{{pct .AttritionShare}} of those enrolled at the start of the year left during it; median tenure {{.MedianTenureMonths}} months.
Compensation resting on customer volume: {{pct .CuVShare}}; on participants' own purchases: {{pct .RPCVShare}}.</p>
{{with .CompanyTestNote}}<p class="note" id="tx07-note">{{.}}</p>{{end}}
<h2>Provenance</h2><p>Plan versions {{range .PlanVersions}}{{.}}; {{end}}dataset {{.DatasetHash}}; generated by {{.Generator}}.
Substantiation on request: {{.Contact}}.</p>
</body></html>
`))

// WriteHTML writes the statement as a self-contained HTML page whose
// headline shows the zero share and the median before any top-earner
// figure.
func (s IDS) WriteHTML(w io.Writer) error { return idsPage.Execute(w, s) }
