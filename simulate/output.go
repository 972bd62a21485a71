package simulate

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"strconv"
	"strings"
)

// WriteJSON writes r as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteCSV writes one row per replication with its headline figures.
func (r *Report) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	f := func(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
	if err := cw.Write([]string{"replication", "participants", "loss_rate", "zero_share", "recoup_rate", "gini",
		"top1_share", "median_net", "end_user_share", "customer_share", "vemma_pass", "payout_ratio"}); err != nil {
		return err
	}
	for _, x := range r.PerReplication {
		if err := cw.Write([]string{strconv.Itoa(x.Replication), strconv.Itoa(x.Participants), f(x.LossRate), f(x.ZeroShare),
			f(x.RecoupRate), f(x.Gini), f(x.Top1Share), f(x.MedianNet), f(x.EndUserShare), f(x.CustomerShare),
			f(x.VemmaPass), f(x.PayoutRatio)}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// row is one line of the HTML results table.
type row struct {
	Name, Value, Interval string
}

func pct(x float64) string   { return strconv.FormatFloat(100*x, 'f', 1, 64) + " %" }
func money(x float64) string { return strconv.FormatFloat(x, 'f', 2, 64) }

func (r *Report) rows() []row {
	s := func(name string, st Stat, f func(float64) string) row {
		return row{name, f(st.Mean), f(st.Lo) + " – " + f(st.Hi)}
	}
	ir := strconv.FormatFloat(r.IncentiveRatio, 'f', 2, 64)
	if r.IncentiveUnbounded {
		ir = "unbounded"
	}
	return []row{
		s("Participants (everyone who took part)", r.Participants, func(x float64) string { return strconv.FormatFloat(x, 'f', 0, 64) }),
		s("Loss rate (net < 0; PCV as consumption)", r.LossRate, pct),
		s("Loss rate (PCV as business cost)", r.LossRatePCVAsCost, pct),
		s("Fraction earning more than costs", r.FractionAboveCosts, pct),
		s("Zero-compensation share", r.ZeroShare, pct),
		s("Share earning ≤ 1,000 in first 12 months", r.AtMost1000Share, pct),
		s("Recoup rate", r.RecoupRate, pct),
		s("Median gross compensation", r.MedianGross, money),
		s("Mean gross compensation", r.MeanGross, money),
		s("Median net", r.MedianNet, money),
		s("Median net (PCV as cost)", r.MedianNetPCVAsCost, money),
		s("Gini of compensation", r.Gini, func(x float64) string { return strconv.FormatFloat(x, 'f', 3, 64) }),
		s("Top-1 % share", r.Top1Share, pct),
		s("Top-10 % share", r.Top10Share, pct),
		s("Ever broke even", r.EverBrokeEven, pct),
		{"Customers needed to break even", strconv.FormatFloat(r.BreakEvenCustomers, 'f', 2, 64), ""},
		s("End-user share (trailing 12 months)", r.EndUserShare, pct),
		s("Customer share of CV", r.CustomerShare, pct),
		s("Vemma pass share of would-be MLC earners", r.VemmaPassShare, pct),
		s("Payout ratio", r.PayoutRatio, pct),
		{"Incentive ratio (customer ÷ recruit)", ir, fmt.Sprintf("%.2f ÷ %.2f, n = %d", r.IRCustomerValue, r.IRRecruitValue, r.IRSample)},
		{"Recruitment dependence RDI(" + strconv.Itoa(r.Window) + ")", strconv.FormatFloat(r.RDI, 'f', 3, 64), "from month " + strconv.Itoa(r.PerturbMonth)},
		{"Pay-to-play sensitivity", strconv.FormatFloat(r.PayToPlay, 'f', 2, 64), ""},
		s("Month market half saturated (0 = never)", r.SaturationMonth, func(x float64) string { return strconv.FormatFloat(x, 'f', 1, 64) }),
	}
}

// chart is an inline SVG line or bar chart on a 0…1 or data-scaled axis.
type chart struct {
	Title string
	SVG   template.HTML
}

const cw, ch, pad = 480.0, 220.0, 36.0

func svgOpen(title string) *strings.Builder {
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" role="img" aria-label="%s">`, cw, ch, template.HTMLEscapeString(title))
	fmt.Fprintf(&b, `<line x1="%.0f" y1="%.0f" x2="%.0f" y2="%.0f" stroke="#333"/>`, pad, ch-pad, cw-8, ch-pad)
	fmt.Fprintf(&b, `<line x1="%.0f" y1="8" x2="%.0f" y2="%.0f" stroke="#333"/>`, pad, pad, ch-pad)
	return &b
}

// lineChart plots ys (0…ymax) evenly over the x axis, with an optional
// diagonal reference.
func lineChart(title string, ys []float64, ymax float64, diagonal bool, xlabel string) chart {
	b := svgOpen(title)
	w, h := cw-8-pad, ch-pad-8
	if diagonal {
		fmt.Fprintf(b, `<line x1="%.0f" y1="%.0f" x2="%.1f" y2="8" stroke="#bbb" stroke-dasharray="4"/>`, pad, ch-pad, pad+w)
	}
	var pts []string
	for i, y := range ys {
		x := pad
		if len(ys) > 1 {
			x += w * float64(i) / float64(len(ys)-1)
		}
		pts = append(pts, fmt.Sprintf("%.1f,%.1f", x, ch-pad-h*min(y/ymax, 1)))
	}
	fmt.Fprintf(b, `<polyline fill="none" stroke="#1f5fa8" stroke-width="2" points="%s"/>`, strings.Join(pts, " "))
	fmt.Fprintf(b, `<text x="2" y="14" font-size="11">%s</text><text x="%.0f" y="%.0f" font-size="11">%s</text>`,
		template.HTMLEscapeString(strconv.FormatFloat(ymax, 'g', 3, 64)), pad, ch-10, template.HTMLEscapeString(xlabel))
	b.WriteString(`</svg>`)
	return chart{title, template.HTML(b.String())}
}

// barChart draws the net-result histogram; bars below zero are red.
func barChart(title string, bins []Bin) chart {
	b := svgOpen(title)
	w, h := cw-8-pad, ch-pad-8
	top := 1
	for _, x := range bins {
		top = max(top, x.Count)
	}
	bw := w / float64(max(len(bins), 1))
	for i, x := range bins {
		bh := h * float64(x.Count) / float64(top)
		color := "#2e8b57"
		if x.Hi <= 0 {
			color = "#c0392b"
		}
		fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s to %s: %d</title></rect>`,
			pad+bw*float64(i)+1, ch-pad-bh, bw-2, bh, color, money(x.Lo), money(x.Hi), x.Count)
	}
	if len(bins) > 0 {
		fmt.Fprintf(b, `<text x="%.0f" y="%.0f" font-size="11">%s</text><text x="%.0f" y="%.0f" font-size="11" text-anchor="end">%s</text>`,
			pad, ch-10, money(bins[0].Lo), cw-8, ch-10, money(bins[len(bins)-1].Hi))
	}
	b.WriteString(`</svg>`)
	return chart{title, template.HTML(b.String())}
}

var page = template.Must(template.New("report").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Simulation of {{.R.Plan}} {{.R.PlanVersion}}</title>
<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;color:#222}
table{border-collapse:collapse}td,th{padding:.25rem .6rem;border-bottom:1px solid #ddd;text-align:left}
.PASS{color:#2e7d32}.FAIL{color:#c62828;font-weight:bold}.REPORT{color:#555}figure{display:inline-block;margin:1rem}</style></head>
<body><h1>Plan simulation: {{.R.Plan}} {{.R.PlanVersion}}</h1>
<p>{{.R.Params.Replications}} replications × {{.R.Params.Months}} months, seed {{.R.Params.Seed}}, market of {{.R.Params.PMax}} prospective participants.
Every month is paid by the production engine. Money in {{.R.Currency}}; intervals are 95 % Monte Carlo intervals over replications.</p>
<h2>Launch gates</h2><table><tr><th>Gate</th><th>Status</th><th>Detail</th></tr>
{{range .R.Gates}}<tr><td>{{.ID}}</td><td class="{{.Status}}">{{.Status}}</td><td>{{.Detail}}</td></tr>{{end}}</table>
<h2>Results</h2><table><tr><th>Figure</th><th>Value</th><th>Interval</th></tr>
{{range .Rows}}<tr><td>{{.Name}}</td><td>{{.Value}}</td><td>{{.Interval}}</td></tr>{{end}}</table>
<h2>Charts</h2>{{range .Charts}}<figure>{{.SVG}}<figcaption>{{.Title}}</figcaption></figure>{{end}}
<p>Losses in a compliant plan come mainly from costs against too few customers: at the median customer value,
{{printf "%.2f" .R.BreakEvenCustomers}} customers pay the fixed monthly cost.</p>
</body></html>
`))

// WriteHTML writes a self-contained report page with inline SVG charts:
// the distribution of net results, the Lorenz curve of compensation and
// the payout ratio over time.
func (r *Report) WriteHTML(w io.Writer) error {
	ymax := 0.0
	for _, x := range r.PayoutRatioByMonth {
		ymax = max(ymax, x)
	}
	if ymax == 0 {
		ymax = 1
	}
	charts := []chart{
		barChart("Distribution of net results (all participants, all replications)", r.NetHistogram),
		lineChart("Lorenz curve of gross compensation", r.Lorenz, 1, true, "share of participants →"),
		lineChart("Payout ratio (pay ÷ CV) by month", r.PayoutRatioByMonth, ymax, false, "month →"),
		lineChart("Share that ever broke even, by tenure month", r.BrokeEvenByTenure, 1, false, "tenure month →"),
	}
	return page.Execute(w, struct {
		R      *Report
		Rows   []row
		Charts []chart
	}{r, r.rows(), charts})
}
