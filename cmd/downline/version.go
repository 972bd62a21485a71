package main

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
)

// runVersion prints the module version, the VCS revision when known and
// the Go toolchain.
func runVersion(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "version", "", "Print the version and build information.")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	version, rev := "(devel)", ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Version != "" {
			version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" {
				rev = s.Value
			}
		}
	}
	fmt.Fprintf(e.stdout, "downline %s", version)
	if rev != "" {
		fmt.Fprintf(e.stdout, " (%s)", rev)
	}
	fmt.Fprintf(e.stdout, " %s %s/%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return nil
}
