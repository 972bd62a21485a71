package main

import (
	"context"
	"io"
	"os"
	"regexp"
	"strings"
	"testing"
)

var hashLine = regexp.MustCompile(`(?m)^hash +([0-9a-f]{64})$`)

// runBenchOutput runs downline bench with args and returns its output and
// the result hash it printed.
func runBenchOutput(t *testing.T, args ...string) (string, string) {
	t.Helper()
	e, out, _ := testEnv()
	if err := runBench(context.Background(), e, args); err != nil {
		t.Fatalf("runBench(%q): %v\n%s", args, err, out.String())
	}
	m := hashLine.FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("runBench(%q) printed no hash:\n%s", args, out.String())
	}
	for _, want := range []string{"generate", "aggregate", "evaluate", "compute", "ns/distributor", "ns/order", "peak mem"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("runBench(%q) output lacks %q:\n%s", args, want, out.String())
		}
	}
	return out.String(), m[1]
}

// TestBenchSmoke runs the benchmark on a tiny programme with the SQL
// reference, and checks that GOMAXPROCS 1 and 2 give the same hash while
// another seed gives another.
func TestBenchSmoke(t *testing.T) {
	t.Parallel()
	base := []string{"--distributors", "3000", "--orders", "30000", "--seed", "3"}
	out, h1 := runBenchOutput(t, append(base, "--gomaxprocs", "1", "--sqlref")...)
	if !strings.Contains(out, "agree: yes") {
		t.Errorf("the SQL reference disagrees:\n%s", out)
	}
	_, h2 := runBenchOutput(t, append(base, "--gomaxprocs", "2", "--runs", "2")...)
	if h1 != h2 {
		t.Errorf("hash with GOMAXPROCS 1 = %s, with 2 = %s", h1, h2)
	}
	_, h3 := runBenchOutput(t, "--distributors", "3000", "--orders", "30000", "--seed", "4")
	if h3 == h1 {
		t.Errorf("seeds 3 and 4 gave the same hash %s", h1)
	}
}

func TestBenchSQLPostgres(t *testing.T) {
	t.Parallel()
	dsn := os.Getenv("DOWNLINE_TEST_POSTGRES_DSN")
	if dsn == "" {
		if os.Getenv("DOWNLINE_TEST_POSTGRES_REQUIRED") == "1" {
			t.Fatal("DOWNLINE_TEST_POSTGRES_REQUIRED=1 but DOWNLINE_TEST_POSTGRES_DSN is not set")
		}
		t.Skip("set DOWNLINE_TEST_POSTGRES_DSN to run the SQL reference on PostgreSQL")
	}
	out, _ := runBenchOutput(t, "--distributors", "1000", "--orders", "8000", "--shape", "deep", "--sqlref", "--sqlref-db", dsn)
	if !strings.Contains(out, "pgx") || !strings.Contains(out, "agree: yes") {
		t.Errorf("bench on PostgreSQL:\n%s", out)
	}
}

// TestBenchHybrid runs the issue-4 hybrid plan (binary with carry and
// matching) on a programme with a placement tree.
func TestBenchHybrid(t *testing.T) {
	t.Parallel()
	args := []string{"--distributors", "2000", "--orders", "20000", "--plan", "hybrid", "--shape", "pa"}
	e, out, _ := testEnv()
	if err := runBench(context.Background(), e, args); err != nil && strings.Contains(err.Error(), "not implemented yet") {
		t.Skipf("the engine does not implement the hybrid plan's bonuses yet: %v", err)
	}
	out2, h1 := runBenchOutput(t, append(args, "--gomaxprocs", "1")...)
	_, h2 := runBenchOutput(t, append(args, "--gomaxprocs", "2")...)
	if !strings.Contains(out.String(), "plan bench-hybrid") || h1 != h2 {
		t.Errorf("hybrid bench: hash %s with GOMAXPROCS 1, %s with 2:\n%s", h1, h2, out2)
	}
}

func TestBenchBadUsage(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"--shape", "ring"},
		{"--runs", "0"},
		{"--distributors", "0"},
		{"--plan", "/no/such/plan.yaml"},
		{"--distributors", "10", "--sqlref", "--sqlref-db", "mysql://x"},
		{"extra"},
	} {
		e, _, _ := testEnv()
		err := runBench(context.Background(), e, args)
		if code := exitCode(err, io.Discard); code != 2 {
			t.Errorf("runBench(%q) = %v (exit %d), want exit 2", args, err, code)
		}
	}
}

// TestBenchFromEnv runs downline bench with the flags in DOWNLINE_BENCH_ARGS
// and prints its report, so that the long sizes can be measured through
// go test too, e.g.
//
//	DOWNLINE_BENCH_ARGS="--distributors 1000000 --orders 10000000" \
//		go test -run TestBenchFromEnv -v -timeout 1h ./cmd/downline
//
// It is skipped unless the variable is set.
func TestBenchFromEnv(t *testing.T) {
	args := os.Getenv("DOWNLINE_BENCH_ARGS")
	if args == "" {
		t.Skip("set DOWNLINE_BENCH_ARGS to run a long benchmark")
	}
	e, out, _ := testEnv()
	err := runBench(context.Background(), e, strings.Fields(args))
	t.Logf("downline bench %s\n%s", args, out.String())
	if err != nil {
		t.Fatal(err)
	}
}
