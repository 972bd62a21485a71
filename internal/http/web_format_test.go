package http

import (
	"strings"
	"testing"

	"github.com/downline/downline"
	"github.com/google/go-cmp/cmp"
)

func TestMoneyText(t *testing.T) {
	tests := []struct {
		amount   int64
		currency string
		want     string
	}{
		{0, "USD", "$0.00"},
		{5, "EUR", "€0.05"},
		{123456789, "USD", "$1,234,567.89"}, // 123456789 cents = 1,234,567.89
		{-100000, "GBP", "−£1,000.00"},
		{300, "CHF", "CHF 3.00"},
		{1234, "JPY", "¥1,234"}, // no minor unit
	}
	for _, tt := range tests {
		if got := moneyText(tt.amount, tt.currency); got != tt.want {
			t.Errorf("moneyText(%d, %s) = %q, want %q", tt.amount, tt.currency, got, tt.want)
		}
	}
}

func TestPctText(t *testing.T) {
	tests := []struct {
		num, den int64
		want     string
	}{
		{0, 0, "—"},
		{1, 3, "33.3%"},   // 1000/3 = 333.33… → 333 per mille
		{2, 3, "66.7%"},   // 2000/3 = 666.67… → 667
		{1, 2000, "0.1%"}, // 0.5 per mille rounds away from zero to 1
		{-1, 8, "−12.5%"}, // exactly −125 per mille
		{6061333, 41268100, "14.7%"},
	}
	for _, tt := range tests {
		if got := pctText(tt.num, tt.den); got != tt.want {
			t.Errorf("pctText(%d, %d) = %q, want %q", tt.num, tt.den, got, tt.want)
		}
	}
}

func TestNiceMax(t *testing.T) {
	for v, want := range map[int64]int64{0: 1, 1: 1, 3: 5, 7: 10, 10: 10, 11: 20, 199: 200, 201: 500, 5001: 10000} {
		if got := niceMax(v); got != want {
			t.Errorf("niceMax(%d) = %d, want %d", v, got, want)
		}
	}
}

func TestNormalDomain(t *testing.T) {
	for in, want := range map[string]string{
		"acme.example":                   "acme.example",
		" https://www.Acme.example/x?y ": "acme.example",
		"http://sub.acme.example":        "sub.acme.example",
		"acme":                           "",
		"acme..example/":                 "acme..example", // still host characters; the store decides
		"ac me.example":                  "",
		".example":                       "",
		"<script>.example":               "",
	} {
		if got := normalDomain(in); got != want {
			t.Errorf("normalDomain(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{
		"/admin/periods": "/admin/periods", "": "/", "//evil.example/": "/", "https://evil.example": "/", "/\\evil": "/",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPeriodRows(t *testing.T) {
	run := func(id int64, period string, kind downline.RunKind) *downline.Run {
		return &downline.Run{ID: downline.RunID(id), Period: period, Kind: kind}
	}
	// Newest first, as FindRuns returns them: January closed, February
	// previewed twice, March (current) without a run.
	runs := []*downline.Run{run(5, "2026-02", downline.RunPreview), run(4, "2026-02", downline.RunPreview),
		run(3, "2026-01", downline.RunClose), run(2, "2026-01", downline.RunPreview)}
	got := periodRows(runs, "2026-03")
	type row struct {
		Name           string
		Runs           int
		Close, Preview int64
		CanClose       bool
	}
	var rows []row
	for _, r := range got {
		x := row{Name: r.Name, Runs: r.Runs, CanClose: r.CanClose}
		if r.Close != nil {
			x.Close = int64(r.Close.ID)
		}
		if r.Preview != nil {
			x.Preview = int64(r.Preview.ID)
		}
		rows = append(rows, x)
	}
	want := []row{
		{Name: "2026-03"},
		{Name: "2026-02", Runs: 2, Preview: 5, CanClose: true},
		{Name: "2026-01", Runs: 2, Close: 3, Preview: 2},
	}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("periodRows diff (-want +got):\n%s", diff)
	}
}

func TestChartsEscapeLabels(t *testing.T) {
	svg := string(barChartSVG(`<b>"x"</b>`, []chartBar{{Label: "<script>", Value: 5, Text: "5"}}, func(v int64) string { return "" }))
	if strings.Contains(svg, "<script>") || strings.Contains(svg, "<b>") {
		t.Errorf("barChartSVG does not escape its labels:\n%s", svg)
	}
	svg = string(lineChartSVG("t", []string{"<i>"}, []chartSeries{{Name: "<u>", Values: []int64{1}}}, func(v int64) string { return "" }))
	if strings.Contains(svg, "<i>") || strings.Contains(svg, "<u>") {
		t.Errorf("lineChartSVG does not escape its labels:\n%s", svg)
	}
}
