//go:build linux

package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

// command is one of oshim's own subcommands, described once: its --help, `oshim help`,
// the man page and the shell completions are all made from this description. Their
// names never clash with a runtime subcommand, so a call the engine makes always
// reaches the runtime.
type command struct {
	name string
	// args is the synopsis of the positional arguments: "[ID]", "[FILE]".
	args    string
	summary string
	// help is the description after the usage line: paragraphs of text, where lines
	// indented by two spaces are kept as they are (lists, tables).
	help    string
	options []option
	// variants are the values of the first argument (install's engines, hook's
	// stages); variantName is its placeholder ("ENGINE"). A variant adds options.
	variantName string
	variants    []variant
	// raw hands the arguments to run as they are: the command parses them itself.
	raw bool
	// run does the work with the parsed arguments and returns the exit status.
	run func(inv invocation) int
}

// variant is one value of a command's first argument.
type variant struct {
	name    string
	aliases []string
	summary string
	options []option
	// hidden variants are for oshim's own use: not listed, not completed.
	hidden bool
}

// invocation is what a command was called with.
type invocation struct {
	// variant is the chosen one, nil for a command without variants.
	variant *variant
	// args are the positional arguments (all arguments for a raw command).
	args []string
}

// commandTable lists oshim's own commands in the order `oshim help` lists them, each
// with its name, so that a runtime call (most calls) builds none of them to learn it is
// not one.
func commandTable() []commandEntry {
	return []commandEntry{
		{"install", installCommand}, {"uninstall", uninstallCommand},
		{"explain", explainCommand}, {"doctor", doctorCommand}, {"report", reportCommand},
		{"hook", hookCommand}, {"version", versionCommand},
		{"help", helpCommand}, {"completion", completionCommand}, {"manpage", manpageCommand},
	}
}

type commandEntry struct {
	name string
	make func() *command
}

// commands returns oshim's own commands in the order `oshim help` lists them. Each call
// makes new commands whose options are bound to new variables.
func commands() []*command {
	table := commandTable()
	cmds := make([]*command, len(table))
	for i, e := range table {
		cmds[i] = e.make()
	}
	return cmds
}

// lookup returns the command named name, or nil.
func lookup(cmds []*command, name string) *command {
	for _, c := range cmds {
		if c.name == name {
			return c
		}
	}
	return nil
}

// find makes the command named name, or returns nil.
func find(name string) *command {
	for _, e := range commandTable() {
		if e.name == name {
			return e.make()
		}
	}
	return nil
}

// lookupVariant returns the variant named name (or one of its aliases), or nil.
func (c *command) lookupVariant(name string) *variant {
	for i := range c.variants {
		v := &c.variants[i]
		if v.name == name || slices.Contains(v.aliases, name) {
			return v
		}
	}
	return nil
}

// listedVariants are the variants help and completion show.
func (c *command) listedVariants() []variant {
	var out []variant
	for _, v := range c.variants {
		if !v.hidden {
			out = append(out, v)
		}
	}
	return out
}

// optionsFor returns the options a call with variant v accepts.
func (c *command) optionsFor(v *variant) []option {
	opts := append([]option(nil), c.options...)
	if v != nil {
		opts = append(opts, v.options...)
	}
	return opts
}

// execute parses args (the arguments after the command's name) and runs the command.
// --help prints the help on stdout and exits 0; a usage error exits 2.
func (c *command) execute(args []string, stdout, stderr io.Writer) int {
	if c.raw {
		if len(args) == 1 && isHelpFlag(args[0]) {
			c.writeHelp(stdout, nil)
			return 0
		}
		return c.run(invocation{args: args})
	}
	var v *variant
	if len(c.variants) > 0 && len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		if v = c.lookupVariant(args[0]); v == nil {
			return c.usageError(stderr, fmt.Errorf("unknown %s %q: use %s", strings.ToLower(c.variantName), args[0], c.variantList()))
		}
		args = args[1:]
	}
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	for _, o := range c.optionsFor(v) {
		fs.Var(o.value, o.name, o.help)
	}
	pos, err := parseMixed(fs, args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		c.writeHelp(stdout, v)
		return 0
	case err != nil:
		return c.usageError(stderr, flagError(err))
	}
	if len(c.variants) > 0 && v == nil {
		// `oshim hook --config F precreate`: the variant after options that all variants share.
		if len(pos) == 0 {
			return c.usageError(stderr, fmt.Errorf("give the %s: %s", strings.ToLower(c.variantName), c.variantList()))
		}
		if v = c.lookupVariant(pos[0]); v == nil {
			return c.usageError(stderr, fmt.Errorf("unknown %s %q: use %s", strings.ToLower(c.variantName), pos[0], c.variantList()))
		}
		pos = pos[1:]
	}
	return c.run(invocation{variant: v, args: pos})
}

// usageError prints err with the command's usage line and returns exit status 2.
func (c *command) usageError(w io.Writer, err error) int {
	fmt.Fprintf(w, "oshim %s: %v\nUsage: %s\nRun 'oshim help %s' for more.\n", c.name, err, c.synopsis(nil), c.name)
	return 2
}

// variantList names the listed variants: "podman, containerd or crio".
func (c *command) variantList() string {
	var names []string
	for _, v := range c.listedVariants() {
		names = append(names, v.name)
	}
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// flagError rewords the flag package's errors with the double-dash spelling that the
// help shows.
func flagError(err error) error {
	msg := err.Error()
	for _, r := range []struct{ from, to string }{
		{"flag provided but not defined: -", "unknown option --"},
		{"flag needs an argument: -", "option needs a value: --"},
		{" for flag -", " for --"},
		{" for -", " for --"},
	} {
		if i := strings.Index(msg, r.from); i >= 0 {
			return errors.New(msg[:i] + r.to + msg[i+len(r.from):])
		}
	}
	return err
}

func isHelpFlag(s string) bool {
	return s == "-h" || s == "-help" || s == "--help"
}

// fail prints an error the way oshim's commands report them and returns exit status 1.
func fail(err error) int {
	fmt.Fprintf(os.Stderr, "oshim: %v\n", err)
	return 1
}

// printUsage writes oshim's overview: runtime mode and the list of its own commands.
func printUsage(w io.Writer) {
	writeOverview(w, commands())
}
