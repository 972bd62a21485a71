package main

import (
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"
)

// newFlagSet returns a flag set for one subcommand whose --help prints the
// synopsis, the description and the flags to stdout.
func newFlagSet(e *env, name, synopsis, description string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fs.SetOutput(e.stdout)
		fmt.Fprintf(e.stdout, "Usage: downline %s [flags] %s\n\n%s\n\nFlags:\n", name, synopsis, description)
		fs.PrintDefaults()
		fs.SetOutput(e.stderr)
	}
	return fs
}

// parseFlags parses args; --help yields errHelp wrapped so that run returns
// it and main exits 0, and any other parse error is a usage error.
func parseFlags(fs *flag.FlagSet, args []string) error {
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		return helpShown{}
	}
	if err != nil {
		return usageError{err}
	}
	return nil
}

// helpShown is returned after --help printed the usage; it exits 0.
type helpShown struct{}

func (helpShown) Error() string { return "help shown" }

// groupHelp handles --help for a command made of subcommands: when args
// asks for help it prints the synopsis to stdout and reports true.
func groupHelp(e *env, name, subcommands string, args []string) bool {
	if len(args) == 0 || (args[0] != "-h" && args[0] != "--help" && args[0] != "help") {
		return false
	}
	fmt.Fprintf(e.stdout, "Usage: downline %s <%s> [flags]\n\nRun 'downline %s <subcommand> --help' for its flags.\n", name, subcommands, name)
	return true
}

// parseFlagsWithID parses args of a command that takes one positive id
// (a case, a flag, a hold) before or after its flags, and returns the id.
// what names the id in errors ("case number").
func parseFlagsWithID(fs *flag.FlagSet, args []string, what string) (int64, error) {
	var arg string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		arg, args = args[0], args[1:]
	}
	if err := parseFlags(fs, args); err != nil {
		return 0, err
	}
	if arg == "" && fs.NArg() == 1 {
		arg = fs.Arg(0)
	} else if fs.NArg() > 0 {
		return 0, usageError{fmt.Errorf("%s: unexpected arguments %q", fs.Name(), fs.Args())}
	}
	id, err := strconv.ParseInt(arg, 10, 64)
	if err != nil || id <= 0 {
		return 0, usageError{fmt.Errorf("%s: want a %s, not %q", fs.Name(), what, arg)}
	}
	return id, nil
}
