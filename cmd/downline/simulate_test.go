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

func writeSimParams(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "params.json")
	b := `{"months": 12, "replications": 2, "p_max": 300, "c_max": 3000, "founders": 5, "ir_sample": 10}`
	if err := os.WriteFile(path, []byte(b), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestSimulateWritesReports(t *testing.T) {
	dir := t.TempDir()
	params := writeSimParams(t)
	out, stderr, err := runCmd(t, runSimulate, "--plan", customerFirst, "--params", params, "--seed", "5", "--out", dir)
	var be blockedError
	if err != nil && !errors.As(err, &be) {
		t.Fatalf("simulate: %v\n%s", err, stderr)
	}
	if !strings.Contains(stderr, "simulating customer-first [") || !strings.Contains(stderr, "100%") {
		t.Errorf("no progress bar on stderr: %q", stderr)
	}
	for _, want := range []string{"loss rate", "incentive ratio", "SIM-01", "SIM-05"} {
		if !strings.Contains(out, want) {
			t.Errorf("simulate output lacks %q:\n%s", want, out)
		}
	}
	for _, f := range []string{"simulation.json", "simulation.csv", "simulation.html"} {
		if fi, err := os.Stat(filepath.Join(dir, f)); err != nil || fi.Size() == 0 {
			t.Errorf("report %s: %v", f, err)
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, "simulation.json"))
	if err != nil {
		t.Fatal(err)
	}
	var r struct {
		Params struct {
			Seed   uint64 `json:"seed"`
			Months int    `json:"months"`
		} `json:"params"`
	}
	if err := json.Unmarshal(b, &r); err != nil || r.Params.Seed != 5 || r.Params.Months != 12 {
		t.Errorf("simulation.json params = %+v (%v), want seed 5, 12 months", r.Params, err)
	}
	// Same seed, same output.
	out2, _, _ := runCmd(t, runSimulate, "--plan", customerFirst, "--params", params, "--seed", "5", "--quiet", "--workers", "1")
	if out != out2 {
		t.Errorf("two runs with seed 5 differ:\n%s\n---\n%s", out, out2)
	}
}

func TestSimulateCompare(t *testing.T) {
	out, _, err := runCmd(t, runSimulate, "--plan", customerFirst, "--compare", "../../examples/plans/unilevel-ranks.yaml",
		"--params", writeSimParams(t), "--quiet")
	var be blockedError
	if err != nil && !errors.As(err, &be) {
		t.Fatalf("simulate --compare: %v", err)
	}
	head := strings.SplitN(out, "\n", 2)[0]
	if !strings.Contains(head, "customer-first") || strings.Count(head, " ") < 2 || len(strings.Fields(head)) != 2 {
		t.Errorf("compare header = %q, want two plan columns", head)
	}
}

func TestSimulateUsage(t *testing.T) {
	for _, args := range [][]string{{}, {"--plan", customerFirst, "--months", "-1"}, {"--plan", "nope.yaml"}, {"--plan", customerFirst, "extra"}} {
		_, _, err := runCmd(t, runSimulate, args...)
		if code := exitCode(err, &bytes.Buffer{}); code != 2 {
			t.Errorf("simulate %q: exit %d (%v), want 2", args, code, err)
		}
	}
}

func TestSimulateGrid(t *testing.T) {
	path := filepath.Join(t.TempDir(), "params.json")
	if err := os.WriteFile(path, []byte(`{"months": 6, "replications": 1, "p_max": 100, "c_max": 1000, "founders": 3, "ir_sample": 5}`), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, err := runCmd(t, runSimulate, "--plan", customerFirst, "--params", path, "--grid", "--grid-replications", "1", "--quiet")
	var be blockedError
	if err != nil && !errors.As(err, &be) {
		t.Fatalf("simulate --grid: %v", err)
	}
	if strings.Count(out, "λc=") != 27 || !strings.Contains(out, "grid PASS   SIM-01") && !strings.Contains(out, "grid FAIL   SIM-01") {
		t.Errorf("grid output:\n%s", out)
	}
}
