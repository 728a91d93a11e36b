package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"unicode"
)

// docSection is a titled part of a help text or a manual page: help-style text (see
// command.help), then a definition list.
type docSection struct {
	title string
	text  string
	items []docItem
}

// docItem is one entry of a definition list: an option, an engine, a config key.
type docItem struct {
	term, text string
}

// overview is what runtime mode does, for `oshim help` and the man page's DESCRIPTION.
const overview = `Engines call oshim exactly as they call crun or runc:
  oshim [GLOBAL RUNTIME FLAGS] SUBCOMMAND [ARGS]
Every call goes to the real runtime unchanged. create, run and exec first apply the
container's capability contract from the admin config to config.json (or exec's
--process file); delete also removes oshim's record of the container.

Real runtime: env OSHIM_RUNTIME, else "runtime" in the admin config, else the first of
crun and runc on PATH. Admin config: env OSHIM_CONFIG, else /etc/oshim/config.toml (no
file there: no contracts, a pure passthrough; a file OSHIM_CONFIG names must exist).`

// synopsis is the command's usage line for variant v, or for any variant when v is nil.
func (c *command) synopsis(v *variant) string {
	parts := []string{"oshim", c.name}
	switch {
	case v != nil:
		parts = append(parts, v.name)
	case len(c.variants) > 0:
		parts = append(parts, c.variantName)
	}
	opts := c.optionsFor(v)
	variantOpts := false
	for _, x := range c.variants {
		variantOpts = variantOpts || (v == nil && len(x.options) > 0)
	}
	if len(opts) > 4 || variantOpts {
		parts = append(parts, "[OPTIONS]")
	} else {
		for _, o := range opts {
			parts = append(parts, "["+optionTerm(o)+"]")
		}
	}
	if c.args != "" {
		parts = append(parts, c.args)
	}
	return strings.Join(parts, " ")
}

// optionTerm is how an option is written: "--config FILE", "--json".
func optionTerm(o option) string {
	if o.arg == "" {
		return "--" + o.name
	}
	return "--" + o.name + " " + o.arg
}

// optionText is an option's description with its default.
func optionText(o option) string {
	if o.def == "" {
		return o.help
	}
	return fmt.Sprintf("%s (default %s)", o.help, o.def)
}

func optionItems(opts []option) []docItem {
	items := make([]docItem, len(opts))
	for i, o := range opts {
		items[i] = docItem{term: optionTerm(o), text: optionText(o)}
	}
	return items
}

// helpSections describes the command for variant v (nil: every variant).
func (c *command) helpSections(v *variant) []docSection {
	secs := []docSection{{text: c.help}}
	if v == nil && len(c.variants) > 0 {
		var items []docItem
		for _, x := range c.listedVariants() {
			items = append(items, docItem{term: x.name, text: x.summary})
		}
		secs = append(secs, docSection{title: plural(c.variantName), items: items})
	}
	if opts := c.optionsFor(v); len(opts) > 0 {
		secs = append(secs, docSection{title: "Options", items: optionItems(opts)})
	}
	if v == nil {
		for _, x := range c.listedVariants() {
			if len(x.options) > 0 {
				secs = append(secs, docSection{title: "Options for " + x.name, items: optionItems(x.options)})
			}
		}
	}
	return secs
}

// plural turns a placeholder into a section title: "ENGINE" -> "Engines".
func plural(name string) string {
	if name == "" {
		return ""
	}
	return string(unicode.ToUpper(rune(name[0]))) + strings.ToLower(name[1:]) + "s"
}

// writeHelp prints the command's help for variant v (nil: every variant).
func (c *command) writeHelp(w io.Writer, v *variant) {
	fmt.Fprintf(w, "Usage: %s\n\n", c.synopsis(v))
	writeText(w, c.helpSections(v))
}

// writeOverview prints what `oshim help` and `oshim --help` show.
func writeOverview(w io.Writer, cmds []*command) {
	items := make([]docItem, len(cmds))
	for i, c := range cmds {
		items[i] = docItem{term: c.name, text: c.summary}
	}
	writeText(w, []docSection{
		{text: "oshim: a crun/runc-compatible runtime that enforces capability contracts"},
		{title: "Runtime mode", text: overview},
		{title: "oshim's own commands", items: items},
		{text: "Run 'oshim help COMMAND' (or 'oshim COMMAND --help') for a command's options,\n'oshim help config' for the admin config. The manual: oshim(8), oshim-config(5)."},
	})
}

// writeText renders sections for a terminal.
func writeText(w io.Writer, secs []docSection) {
	for i, s := range secs {
		if i > 0 {
			fmt.Fprintln(w)
		}
		if s.title != "" {
			fmt.Fprintf(w, "%s:\n", s.title)
		}
		if text := strings.TrimSpace(s.text); text != "" {
			indent := ""
			if s.title != "" {
				indent = "  "
			}
			for _, line := range strings.Split(text, "\n") {
				if line = strings.TrimRight(line, " "); line != "" {
					line = indent + line
				}
				fmt.Fprintln(w, line)
			}
		}
		writeItems(w, s.items)
	}
}

// textWidth is where help text wraps.
const textWidth = 88

// writeItems prints a definition list with the texts aligned; a term too long for
// the column puts its text on the next line.
func writeItems(w io.Writer, items []docItem) {
	col := 0
	for _, it := range items {
		col = max(col, len(it.term))
	}
	col = min(col, 24) + 4
	for _, it := range items {
		lines := wrap(it.text, textWidth-col)
		first := "  " + it.term
		if len(first)+2 > col {
			fmt.Fprintln(w, first)
			first = ""
		}
		for _, l := range lines {
			fmt.Fprintf(w, "%-*s%s\n", col, first, l)
			first = ""
		}
		if len(lines) == 0 {
			fmt.Fprintln(w, first)
		}
	}
}

// wrap breaks text into lines of at most width characters, at spaces.
func wrap(text string, width int) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(text) {
		switch {
		case line == "":
			line = word
		case len(line)+1+len(word) > width:
			lines = append(lines, line)
			line = word
		default:
			line += " " + word
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

func helpCommand() *command {
	return &command{
		name: "help", args: "[COMMAND [ENGINE|STAGE] | config]",
		summary: "show this overview, a command's help, or the admin config's reference",
		help: `Without an argument, prints the overview: runtime mode and oshim's own commands.
With a command, prints its usage, description and options, as 'oshim COMMAND --help'
does (with an engine or stage too, only that one's options). 'oshim help config'
prints the admin config's reference, the text of oshim-config(5).`,
		run: runHelp,
	}
}

func runHelp(inv invocation) int {
	args := inv.args
	if len(args) == 0 {
		printUsage(os.Stdout)
		return 0
	}
	if args[0] == "config" && len(args) == 1 {
		writeText(os.Stdout, configSections())
		return 0
	}
	cmds := commands()
	c := lookup(cmds, args[0])
	if c == nil {
		fmt.Fprintf(os.Stderr, "oshim help: no command %q: run 'oshim help' for the list\n", args[0])
		return 2
	}
	var v *variant
	switch {
	case len(args) == 2 && len(c.variants) > 0:
		if v = c.lookupVariant(args[1]); v == nil {
			return c.usageError(os.Stderr, fmt.Errorf("unknown %s %q: use %s", strings.ToLower(c.variantName), args[1], c.variantList()))
		}
	case len(args) > 1:
		fmt.Fprintf(os.Stderr, "oshim help: unexpected argument %q\n", args[len(args)-1])
		return 2
	}
	c.writeHelp(os.Stdout, v)
	return 0
}
