//go:build linux

package main

import (
	"errors"
	"flag"
	"fmt"
)

func init() {
	register("version", &command{
		usage:   "version",
		summary: "print oshim's version and commit (without asking the real runtime)",
		help: `Prints oshim's version and the commit it was built from. Unlike 'oshim --version',
which a runtime caller expects to also print the real runtime's version, it never looks
for a runtime, so it also works inside a container: 'oshim doctor' runs it there, as
the workload behind oshim's init.`,
		run: runShowVersion,
	})
}

func runShowVersion(args []string) int {
	fs := newFlags("version")
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		return 0
	} else if err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		return fail(fmt.Errorf("version: unexpected argument %q", fs.Arg(0)))
	}
	fmt.Printf("oshim version %s\ncommit: %s\n", version, commit())
	return 0
}
