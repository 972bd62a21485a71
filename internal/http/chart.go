package http

import (
	"fmt"
	"html/template"
	"strings"
)

// chartBar is one bar of a bar chart: a category label, a value and the
// value's text.
type chartBar struct {
	Label string
	Value int64
	Text  string
}

// chartSeries is one line of a line chart.
type chartSeries struct {
	Name   string
	Class  string // the CSS class that colours it: s1, s2, s3
	Values []int64
}

// The chart canvas in SVG user units; the SVG scales to its container.
const (
	chartW, chartH         = 640, 240
	padL, padR, padT, padB = 64, 16, 16, 36
	plotW, plotH           = chartW - padL - padR, chartH - padT - padB
	gridLines              = 4
)

// niceMax rounds v up to 1, 2 or 5 times a power of ten, so that grid
// lines fall on round values.
func niceMax(v int64) int64 {
	if v <= 0 {
		return 1
	}
	p := int64(1)
	for p*10 <= v {
		p *= 10
	}
	for _, m := range []int64{1, 2, 5, 10} {
		if m*p >= v {
			return m * p
		}
	}
	return 10 * p
}

// svgOpen starts an accessible SVG: a role, a title and a description read
// by screen readers.
func svgOpen(b *strings.Builder, title, desc string) {
	fmt.Fprintf(b, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-label="%s" preserveAspectRatio="xMidYMid meet">`,
		chartW, chartH, template.HTMLEscapeString(title))
	fmt.Fprintf(b, `<title>%s</title><desc>%s</desc>`, template.HTMLEscapeString(title), template.HTMLEscapeString(desc))
}

// axes draws the horizontal grid with its value labels for values 0..max.
func axes(b *strings.Builder, max int64, label func(int64) string) {
	for i := 0; i <= gridLines; i++ {
		y := padT + plotH - plotH*i/gridLines
		v := max * int64(i) / gridLines
		fmt.Fprintf(b, `<line class="grid" x1="%d" y1="%d" x2="%d" y2="%d"/>`, padL, y, chartW-padR, y)
		fmt.Fprintf(b, `<text class="axis" x="%d" y="%d" text-anchor="end">%s</text>`, padL-8, y+4, template.HTMLEscapeString(label(v)))
	}
}

// barChartSVG draws bars with their labels below and their values above.
// label formats the axis values.
func barChartSVG(title string, bars []chartBar, label func(int64) string) template.HTML {
	var b strings.Builder
	desc := make([]string, len(bars))
	var max int64
	for i, br := range bars {
		desc[i] = br.Label + ": " + br.Text
		if br.Value > max {
			max = br.Value
		}
	}
	svgOpen(&b, title, strings.Join(desc, "; "))
	max = niceMax(max)
	axes(&b, max, label)
	if n := len(bars); n > 0 {
		slot := plotW / n
		w := slot * 3 / 5
		for i, br := range bars {
			h := 0
			if br.Value > 0 {
				h = int(int64(plotH) * br.Value / max)
			}
			x := padL + slot*i + (slot-w)/2
			y := padT + plotH - h
			fmt.Fprintf(&b, `<rect class="bar" x="%d" y="%d" width="%d" height="%d" rx="3"><title>%s</title></rect>`,
				x, y, w, h, template.HTMLEscapeString(br.Label+": "+br.Text))
			if every := (n + 7) / 8; i%every == 0 {
				fmt.Fprintf(&b, `<text class="axis" x="%d" y="%d" text-anchor="middle">%s</text>`, x+w/2, chartH-padB+18, template.HTMLEscapeString(br.Label))
			}
			if n <= 12 {
				fmt.Fprintf(&b, `<text class="value" x="%d" y="%d" text-anchor="middle">%s</text>`, x+w/2, y-5, template.HTMLEscapeString(br.Text))
			}
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// lineChartSVG draws one line per series over the shared x labels, with a
// legend.
func lineChartSVG(title string, xs []string, series []chartSeries, label func(int64) string) template.HTML {
	var b strings.Builder
	var max int64
	var desc []string
	for _, s := range series {
		parts := make([]string, 0, len(s.Values))
		for i, v := range s.Values {
			if v > max {
				max = v
			}
			if i < len(xs) {
				parts = append(parts, xs[i]+" "+label(v))
			}
		}
		desc = append(desc, s.Name+": "+strings.Join(parts, ", "))
	}
	svgOpen(&b, title, strings.Join(desc, "; "))
	max = niceMax(max)
	axes(&b, max, label)
	n := len(xs)
	xAt := func(i int) int {
		if n <= 1 {
			return padL + plotW/2
		}
		return padL + plotW*i/(n-1)
	}
	yAt := func(v int64) int {
		if v < 0 {
			v = 0
		}
		return padT + plotH - int(int64(plotH)*v/max)
	}
	for i, x := range xs {
		fmt.Fprintf(&b, `<text class="axis" x="%d" y="%d" text-anchor="middle">%s</text>`, xAt(i), chartH-padB+18, template.HTMLEscapeString(x))
	}
	lx := padL
	for _, s := range series {
		var pts []string
		for i, v := range s.Values {
			pts = append(pts, fmt.Sprintf("%d,%d", xAt(i), yAt(v)))
		}
		fmt.Fprintf(&b, `<polyline class="line %s" points="%s"/>`, s.Class, strings.Join(pts, " "))
		for i, v := range s.Values {
			fmt.Fprintf(&b, `<circle class="dot %s" cx="%d" cy="%d" r="3.5"><title>%s</title></circle>`, s.Class, xAt(i), yAt(v),
				template.HTMLEscapeString(s.Name+" "+xs[min(i, n-1)]+": "+label(v)))
		}
		fmt.Fprintf(&b, `<rect class="key %s" x="%d" y="2" width="12" height="12" rx="2"/><text class="legend" x="%d" y="12">%s</text>`,
			s.Class, lx, lx+18, template.HTMLEscapeString(s.Name))
		lx += 18 + 7*len(s.Name) + 24
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// shortMoney renders an axis value in major units, abbreviated: "$12k".
func shortMoney(currency string) func(int64) string {
	return func(v int64) string {
		sym := map[string]string{"USD": "$", "EUR": "€", "GBP": "£"}[currency]
		if v < 0 {
			return "−" + shortMoney(currency)(-v)
		}
		major := v / 100
		switch {
		case major >= 1_000_000:
			return fmt.Sprintf("%s%dM", sym, major/1_000_000)
		case major >= 10_000:
			return fmt.Sprintf("%s%dk", sym, major/1000)
		}
		return sym + group(fmt.Sprint(major))
	}
}
