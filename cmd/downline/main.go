// Command downline runs the Downline network-marketing platform: the server,
// the demo, commission calculations and the operator tools.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"

	"github.com/downline/downline"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

// env is what every subcommand receives from the process: its streams and
// its environment. Nothing else is global.
type env struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// command is one subcommand of downline.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, e *env, args []string) error
}

// commands lists every subcommand; each lives in a file of its own name.
func commands() []command {
	cs := []command{
		{"version", "print the version and build information", runVersion},
		{"serve", "serve the JSON API and the back office", runServe},
		{"migrate", "apply pending database migrations", runMigrate},
		{"demo", "build a demo programme, run commissions and serve it", runDemo},
		{"calc", "calculate one period's commissions offline from CSV files", runCalc},
		{"gen", "generate a synthetic programme as CSV files", runGen},
		{"bench", "benchmark the commission engine on generated data", runBench},
		{"lint", "check a compensation plan against the compliance rules", runLint},
		{"simulate", "simulate a plan's outcomes for participants before launch", runSimulate},
		{"report", "income disclosure, compliance and income-source reports", runReport},
		{"plan", "store and activate compensation plan versions", runPlan},
		{"run", "list, preview, diff and close commission runs", runRun},
		{"payout", "release holds, create, export and mark payout batches", runPayout},
		{"statement", "write a distributor's statement for a period (PDF or CSV)", runStatement},
		{"user", "create sign-ins for operators and distributors", runUser},
		{"audit", "verify the hash chain of the audit log", runAudit},
		{"import", "import distributors, customers or orders from CSV", runImport},
		{"export", "export distributors, customers or orders as CSV", runExport},
		{"webhook", "register receivers of outgoing webhooks", runWebhook},
		{"verify", "sample receipts for verification and record the outcomes (TX-02)", runVerify},
		{"risk", "list risk flags and confirm or dismiss them", runRisk},
		{"holds", "list TX-11 self-dealing holds waiting for an acknowledgement", runHolds},
	}
	sort.Slice(cs, func(i, j int) bool { return cs[i].name < cs[j].name })
	return cs
}

// run dispatches args to a subcommand. It is main without the process
// exit, so tests can call it.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	e := &env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stdout)
		if len(args) == 0 {
			return usageError{errors.New("no command given")}
		}
		return nil
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, e, args[1:])
		}
	}
	usage(stderr)
	return usageError{fmt.Errorf("unknown command %q", args[0])}
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: downline <command> [flags]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'downline <command> --help' for the flags of one command.")
}

// usageError marks bad command-line usage or bad input files: exit status 2.
type usageError struct{ err error }

func (u usageError) Error() string { return u.err.Error() }
func (u usageError) Unwrap() error { return u.err }

// exitCode prints err for a person and maps it to the process exit status:
// 0 on success, 2 on bad usage or bad input, 3 when a check blocks (lint,
// simulate gates, report publication), 1 otherwise.
func exitCode(err error, stderr io.Writer) int {
	if err == nil || errors.As(err, new(helpShown)) {
		return 0
	}
	var es interface{ ExitStatus() int }
	if errors.As(err, &es) { // a check that found a blocking problem, e.g. lint
		fmt.Fprintln(stderr, "downline:", err)
		return es.ExitStatus()
	}
	var ue usageError
	if errors.As(err, &ue) {
		fmt.Fprintln(stderr, "downline:", err)
		return 2
	}
	if errors.Is(err, context.Canceled) {
		fmt.Fprintln(stderr, "downline: interrupted")
		return 130
	}
	if code := downline.ErrorCode(err); code != "" && code != downline.CodeInternal {
		fmt.Fprintln(stderr, "downline:", downline.ErrorMessage(err))
		if code == downline.CodeInvalid {
			return 2
		}
		return 1
	}
	fmt.Fprintln(stderr, "downline:", err)
	return 1
}
