package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runCmd(t *testing.T, f func(context.Context, *env, []string) error, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{getenv: func(string) string { return "" }, stdin: strings.NewReader(""), stdout: &out, stderr: &errb}
	err = f(context.Background(), e, args)
	return out.String(), errb.String(), err
}

const customerFirst = "../../examples/plans/customer-first.yaml"

func TestLintCustomerFirstPasses(t *testing.T) {
	out, _, err := runCmd(t, runLint, customerFirst)
	if err != nil {
		t.Fatalf("lint customer-first: %v\n%s", err, out)
	}
	for _, want := range []string{"worst-case payout:  31.0 % of CV", "seller-first ratio: 1.82", "override depth:     3", "result: PASS (0 BLOCK"} {
		if !strings.Contains(out, want) {
			t.Errorf("lint output lacks %q:\n%s", want, out)
		}
	}
}

func TestLintBlocksEnrolmentPay(t *testing.T) {
	b, err := os.ReadFile(customerFirst)
	if err != nil {
		t.Fatal(err)
	}
	bad := strings.Replace(string(b), "bonuses:\n", "bonuses:\n  - {id: fast-start, kind: direct, trigger: enrolment, basis: [cuv], rate_pct: \"10\"}\n", 1)
	path := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(path, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, err := runCmd(t, runLint, "--format", "json", path)
	var be blockedError
	if !errors.As(err, &be) || be.ExitStatus() != exitBlocked {
		t.Fatalf("lint of an enrolment bonus = %v, want a blockedError with status %d", err, exitBlocked)
	}
	var got lintJSON
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("lint JSON: %v\n%s", err, out)
	}
	if got.Result != "BLOCK" || len(got.Findings) == 0 || got.Findings[0].Rule != "PL-01" || got.Findings[0].Line == 0 {
		t.Errorf("lint JSON = %+v, want BLOCK with PL-01 first, with a line", got)
	}
	if exitCode(err, &bytes.Buffer{}) == 0 {
		t.Error("exit status 0 for a blocked plan")
	}
}

func TestLintUsage(t *testing.T) {
	for _, args := range [][]string{{}, {"--jurisdiction", "XX", customerFirst}, {"--format", "pdf", customerFirst}, {"no-such-plan.yaml"}} {
		_, _, err := runCmd(t, runLint, args...)
		if code := exitCode(err, &bytes.Buffer{}); code != 2 {
			t.Errorf("lint %q: exit %d (%v), want 2", args, code, err)
		}
	}
}

func TestLintJurisdictionUK(t *testing.T) {
	out, _, err := runCmd(t, runLint, "--jurisdiction", "US,UK", customerFirst)
	if err == nil || !strings.Contains(out, "PL-08") || !strings.Contains(out, "PL-10") {
		t.Errorf("lint for the UK: err %v, output:\n%s\nwant PL-08 and PL-10 blocks (no UK agreement terms in the plan)", err, out)
	}
}
