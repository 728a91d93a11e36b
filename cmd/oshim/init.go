//go:build linux

package main

import "github.com/oshim/oshim/internal/initproc"

func initCommand() *command {
	return &command{
		name: "init", raw: true,
		args:    "[--clear-bounding] [--drop CAPS] [--require CAPS] [--result FIFO] -- COMMAND [ARGS...]",
		summary: "the in-container init that oshim injects (not for direct use)",
		help: `Runs inside a contracted container as its first process, injected by oshim's rewrite.
On one locked OS thread it reads the capability state, probes that PR_CAPBSET_DROP works
while CAP_SETPCAP is effective, clears the bounding set (--clear-bounding) using the lent
CAP_SETPCAP, drops the lent caps (--drop) from every set, reads the state back from the
kernel and /proc/thread-self/status, checks it against the contract (--require), reports
the result to the host (--result), then execs COMMAND resolved with the container's PATH.

Any failure stops the container before the workload runs, with one line on stderr
starting "oshim-init:" and these exit statuses:
  120  bad arguments (the container's init and the host's oshim disagree)
  121  the capability state could not be read
  122  PR_CAPBSET_DROP denied although CAP_SETPCAP is effective (seccomp or LSM)
  123  a step of the capability change failed
  124  the state after the change differs from what the contract promised
  126  COMMAND could not be executed
  127  COMMAND was not found`,
		run: func(inv invocation) int { return initproc.Main(inv.args) },
	}
}
