//go:build linux

package main

import "github.com/oshim/oshim/internal/wrapper"

// runtimeMode handles a call made as if to crun or runc.
func runtimeMode(args []string) int {
	return wrapper.Main(args, version, commit, printUsage)
}
