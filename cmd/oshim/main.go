// Command oshim is a crun/runc-compatible runtime wrapper that enforces capability
// contracts on create, run and exec, and oshim's in-container init and tools.
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
		if c, ok := commands[args[0]]; ok {
			return c.run(args[1:])
		}
	}
	return runtimeMode(args)
}
