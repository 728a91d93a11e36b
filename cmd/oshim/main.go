//go:build linux

// Command oshim is a crun/runc-compatible runtime wrapper that enforces capability
// contracts on create, run and exec, and oshim's in-container init and tools.
//
// oshim is Linux only (capabilities, namespaces, memfd): every file of this command
// is built for Linux alone, so a build for another system stops at once with "build
// constraints exclude all Go files" instead of deep in a syscall package.
package main

import (
	"os"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

// run dispatches to one of oshim's own commands, or else treats the call as a runtime
// call: engines invoke oshim exactly as they would invoke crun or runc.
func run(args []string) int {
	if len(args) > 0 {
		if c := find(args[0]); c != nil {
			return c.execute(args[1:], os.Stdout, os.Stderr)
		}
	}
	return runtimeMode(args)
}
