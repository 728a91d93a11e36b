//go:build linux

package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// command is one of oshim's own subcommands. Their names never clash with a runtime
// subcommand, so a call the engine makes always reaches the runtime.
type command struct {
	usage   string // "explain [--bundle DIR | FILE] [--json]"
	summary string // one line for `oshim --help`
	help    string // the paragraph `oshim CMD --help` prints after the usage line
	run     func(args []string) int
}

var commands = map[string]*command{}

func register(name string, c *command) { commands[name] = c }

// newFlags returns a FlagSet whose --help prints the command's usage and help.
func newFlags(name string) *flag.FlagSet {
	c := commands[name]
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: oshim %s\n\n%s\n", c.usage, strings.TrimSpace(c.help))
		var opts strings.Builder
		fs.SetOutput(&opts)
		fs.PrintDefaults()
		fs.SetOutput(os.Stderr)
		if opts.Len() > 0 {
			fmt.Fprintf(fs.Output(), "\nOptions:\n%s", opts.String())
		}
	}
	return fs
}

// fail prints an error the way oshim's commands report them and returns exit status 1.
func fail(err error) int {
	fmt.Fprintf(os.Stderr, "oshim: %v\n", err)
	return 1
}

func printUsage(w io.Writer) {
	fmt.Fprint(w, `oshim: a crun/runc-compatible runtime that enforces capability contracts

Runtime mode (what engines call):
  oshim [GLOBAL RUNTIME FLAGS] SUBCOMMAND [ARGS]
    Every call goes to the real runtime unchanged. create, run and exec first apply the
    container's capability contract from the admin config to config.json (or exec's
    --process file). delete also removes oshim's record of the container.

    Real runtime: env OSHIM_RUNTIME, else "runtime" in the config, else crun or runc on PATH.
    Admin config: env OSHIM_CONFIG, else /etc/oshim/config.toml (none: pure passthrough).

oshim's own commands:
`)
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprint(w, "\nRun 'oshim COMMAND --help' for a command's options. See README.md for contracts.\n")
}
