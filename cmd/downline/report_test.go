package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// calcMonths runs `downline calc` with the customer-first plan on the calc
// test programme for 2026-10 and 2026-11 and returns the result files and
// the orders file.
func calcMonths(t *testing.T) (results []string, orders string) {
	t.Helper()
	dir, dists, orders := writeCalcFiles(t)
	state := filepath.Join(dir, "state.json")
	for i, period := range []string{"2026-10", "2026-11"} {
		out := filepath.Join(dir, period+".json")
		args := []string{"--plan", customerFirst, "--distributors", dists, "--orders", orders, "--period", period, "--out", out}
		if i == 0 {
			args = append(args, "--state-out", state)
		} else {
			args = append(args, "--state-in", state)
		}
		if _, errs, code := runCalcArgs(t, args...); code != 0 {
			t.Fatalf("calc %s exit %d: %s", period, code, errs)
		}
		results = append(results, out)
	}
	return results, orders
}

func TestReportIDS(t *testing.T) {
	results, _ := calcMonths(t)
	// Publication is blocked without a contact for substantiation.
	_, _, err := runCmd(t, runReport, append([]string{"ids"}, results...)...)
	var be blockedError
	if !errors.As(err, &be) || !strings.Contains(err.Error(), "provenance") {
		t.Fatalf("report ids without --contact = %v, want blocked on provenance", err)
	}
	out, _, err := runCmd(t, runReport, append([]string{"ids", "--contact", "c@example.com"}, results...)...)
	if err != nil {
		t.Fatalf("report ids: %v", err)
	}
	var s struct {
		Year         int
		NAll         int
		ZeroShare    string
		Headline     []string
		DatasetHash  string
		PlanVersions []string
	}
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatalf("ids JSON: %v\n%s", err, out)
	}
	if s.Year != 2026 || s.NAll != 6 || len(s.Headline) == 0 || !strings.HasPrefix(s.DatasetHash, "sha256:") ||
		len(s.PlanVersions) != 1 || s.PlanVersions[0] != "customer-first 2026.1" {
		t.Errorf("ids = %+v", s)
	}
	pdf, _, err := runCmd(t, runReport, append([]string{"ids", "--contact", "c", "--format", "pdf"}, results...)...)
	if err != nil || !strings.HasPrefix(pdf, "%PDF-") {
		t.Errorf("ids --format pdf: %v, starts %q", err, pdf[:min(len(pdf), 8)])
	}
	pdf2, _, _ := runCmd(t, runReport, append([]string{"ids", "--contact", "c", "--format", "pdf"}, results...)...)
	if pdf != pdf2 {
		t.Error("two PDFs of the same statement differ")
	}
	for _, f := range []string{"csv", "html"} {
		out, _, err := runCmd(t, runReport, append([]string{"ids", "--contact", "c", "--format", f}, results...)...)
		if err != nil || !strings.Contains(out, "zero") && !strings.Contains(out, "no compensation") {
			t.Errorf("ids --format %s: %v\n%s", f, err, out)
		}
	}
}

func TestReportCompliance(t *testing.T) {
	results, orders := calcMonths(t)
	out, _, err := runCmd(t, runReport, append([]string{"compliance", "--orders", orders}, results...)...)
	if err != nil {
		t.Fatalf("report compliance: %v", err)
	}
	for _, want := range []string{"End-user share", "Customer share of CV", "Vemma failures", "Payout ratio", "Refund rate"} {
		if !strings.Contains(out, want) {
			t.Errorf("dashboard lacks %q:\n%s", want, out)
		}
	}
}

func TestReportIncomeSource(t *testing.T) {
	results, _ := calcMonths(t)
	out, _, err := runCmd(t, runReport, append([]string{"income-source", "--id", "2", "--format", "json"}, results...)...)
	if err != nil {
		t.Fatalf("report income-source: %v", err)
	}
	var got struct {
		Months []struct {
			Period string
			Gross  int64
		}
		YearToDate struct {
			Gross   int64
			Periods int
		}
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("income-source JSON: %v\n%s", err, out)
	}
	if len(got.Months) != 2 || got.YearToDate.Periods != 2 || got.YearToDate.Gross != got.Months[0].Gross+got.Months[1].Gross {
		t.Errorf("income-source = %+v", got)
	}
	// Distributor 2 sold $1,600 to customers in October: 20 % = $320 own-customer commission.
	if got.Months[0].Gross < 32000 {
		t.Errorf("October gross of distributor 2 = %d, want at least 32000 (20 %% of $1,600)", got.Months[0].Gross)
	}
}

func TestReportTrail(t *testing.T) {
	results, orders := calcMonths(t)
	out, _, err := runCmd(t, runReport, "trail", "--earner", "1", "--plan", customerFirst, "--orders", orders, results[0])
	if err != nil {
		t.Fatalf("report trail: %v", err)
	}
	for _, want := range []string{"plan customer-first 2026.1 (sha256:", "line ", "order a ", "basis "} {
		if !strings.Contains(out, want) {
			t.Errorf("trail lacks %q:\n%s", want, out)
		}
	}
	_, _, err = runCmd(t, runReport, "trail", "--earner", "999", "--plan", customerFirst, "--orders", orders, results[0])
	if code := exitCode(err, &bytes.Buffer{}); code != 1 {
		t.Errorf("trail of an unknown earner: exit %d (%v), want 1", code, err)
	}
}

func TestReportUsage(t *testing.T) {
	for _, args := range [][]string{{}, {"nope"}, {"ids"}, {"income-source", "x.json"}, {"ids", "missing.json"}} {
		_, _, err := runCmd(t, runReport, args...)
		if code := exitCode(err, &bytes.Buffer{}); code != 2 {
			t.Errorf("report %q: exit %d (%v), want 2", args, code, err)
		}
	}
	_ = os.Remove
}
