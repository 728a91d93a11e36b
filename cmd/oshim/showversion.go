//go:build linux

package main

import "fmt"

func versionCommand() *command {
	return &command{
		name:    "version",
		summary: "print oshim's version and commit (without asking the real runtime)",
		help: `Prints oshim's version and the commit it was built from. Unlike 'oshim --version',
which a runtime caller expects to also print the real runtime's version, it never looks
for a runtime, so it also works inside a container: 'oshim doctor' runs it there, as
the workload behind oshim's init.`,
		run: func(inv invocation) int {
			if len(inv.args) > 0 {
				return fail(fmt.Errorf("version: unexpected argument %q", inv.args[0]))
			}
			fmt.Printf("oshim version %s\ncommit: %s\n", version, commit())
			return 0
		},
	}
}
