package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/oshim/oshim/internal/config"
)

// page is a manual page: roff made from the same descriptions as the help.
type page struct {
	name, section, title, summary string
	synopsis                      []string
	// sections follow SYNOPSIS; an untitled one is the DESCRIPTION.
	sections []docSection
	seeAlso  string
}

// pages are the manual pages oshim carries, by file name.
func pages() map[string]func() page {
	return map[string]func() page{
		"oshim.8":        oshimPage,
		"oshim-config.5": configPage,
	}
}

func manpageCommand() *command {
	return &command{
		name: "manpage", args: "PAGE",
		summary: "print a manual page (oshim.8, oshim-config.5) as roff, for packages",
		help: `Prints the manual page PAGE (oshim.8 or oshim-config.5) in roff, made from the same
descriptions as 'oshim help' and 'oshim COMMAND --help', so the two never disagree.
'make man' writes both; 'man -l FILE' shows one.`,
		run: func(inv invocation) int {
			if len(inv.args) != 1 {
				return fail(fmt.Errorf("manpage: give one page: oshim.8 or oshim-config.5"))
			}
			mk, ok := pages()[inv.args[0]]
			if !ok {
				return fail(fmt.Errorf("manpage: no page %q: oshim.8 or oshim-config.5", inv.args[0]))
			}
			writeRoff(os.Stdout, mk())
			return 0
		},
	}
}

func oshimPage() page {
	cmds := commands()
	p := page{
		name: "oshim", section: "8", title: "System Administration",
		summary: "a crun/runc-compatible OCI runtime that enforces capability contracts",
		synopsis: []string{
			"oshim [GLOBAL RUNTIME FLAGS] SUBCOMMAND [ARGS]",
			"oshim COMMAND [OPTIONS] [ARGS]",
		},
		seeAlso: "oshim-config(5), crun(1), runc(8), podman(1), containers.conf(5), dockerd(8), containerd(8), oci-hooks(5), capabilities(7)",
	}
	p.sections = append(p.sections, docSection{text: `oshim sits between a container engine (Podman, Docker, containerd, CRI-O, and so
Kubernetes) and the real OCI runtime (crun or runc). Every call passes straight to the
real runtime, except create, run and exec, where oshim first applies the container's
capability contract to the bundle's config.json (or to exec's --process file).

` + overview})
	p.sections = append(p.sections, docSection{title: "COMMANDS", text: "oshim's own commands; 'oshim help COMMAND' prints the same."})
	for _, c := range cmds {
		p.sections = append(p.sections, docSection{title: c.synopsis(nil)})
		for _, s := range c.helpSections(nil) {
			p.sections = append(p.sections, docSection{title: s.title, text: s.text, items: s.items})
		}
	}
	p.sections = append(p.sections,
		docSection{title: "ENVIRONMENT", items: []docItem{
			{config.EnvPath, "The admin config to read instead of " + config.DefaultPath + "; the file must exist. Engines pass a runtime their own environment, not the caller's: Podman none at all."},
			{"OSHIM_RUNTIME", "The real runtime, over the config's runtime key."},
		}},
		docSection{title: "FILES", items: []docItem{
			{config.DefaultPath, "The admin config, oshim-config(5). None: no contracts, oshim passes every call through."},
			{"/usr/share/oshim/config.toml", "The sandbox-supervisor preset that oshim install (and the package, where no config exists) writes to " + config.DefaultPath + "."},
			{"/etc/oshim/installed/", "What oshim install did, per engine config, for oshim uninstall."},
			{"/run/oshim/", "Per-container records and init copies (run_dir)."},
			{"/var/log/oshim/ocsf.jsonl", "OCSF security events (ocsf_log)."},
		}},
	)
	return p
}

func configPage() page {
	secs := configSections()
	for i := range secs {
		secs[i].title = strings.ToUpper(secs[i].title)
	}
	return page{
		name: "oshim-config", section: "5", title: "File Formats",
		summary:  "the admin config of oshim: the real runtime, records, and capability contracts",
		synopsis: []string{config.DefaultPath},
		sections: secs,
		seeAlso:  "oshim(8), capabilities(7)",
	}
}

// writeRoff renders a page for man(1).
func writeRoff(w io.Writer, p page) {
	fmt.Fprintf(w, ".TH %s %s \"\" \"oshim %s\" \"%s\"\n", strings.ToUpper(p.name), p.section, roffEscape(version), p.title)
	fmt.Fprintf(w, ".SH NAME\n%s \\- %s\n.SH SYNOPSIS\n", roffEscape(p.name), roffEscape(p.summary))
	for i, s := range p.synopsis {
		if i > 0 {
			fmt.Fprintln(w, ".br")
		}
		fmt.Fprintln(w, roffTerm(s))
	}
	described := false
	for _, s := range p.sections {
		// Titles in capitals are the page's sections, a command's synopsis is a
		// subsection, any other title labels a list within one.
		switch {
		case s.title == "":
			if !described {
				fmt.Fprintln(w, ".SH DESCRIPTION")
				described = true
			}
		case strings.HasPrefix(s.title, "oshim "):
			fmt.Fprintf(w, ".SS %s\n", roffEscape(s.title))
		case s.title == strings.ToUpper(s.title):
			fmt.Fprintf(w, ".SH %s\n", roffEscape(s.title))
		default:
			fmt.Fprintf(w, ".PP\n\\fB%s:\\fR\n", roffEscape(s.title))
		}
		roffText(w, s.text)
		for _, it := range s.items {
			fmt.Fprintf(w, ".TP\n%s\n%s\n", roffTerm(it.term), roffLine(it.text))
		}
	}
	if p.seeAlso != "" {
		fmt.Fprintf(w, ".SH SEE ALSO\n%s\n", roffEscape(p.seeAlso))
	}
}

// roffText renders help-style text: filled paragraphs, and lines indented by two spaces
// kept as they are.
func roffText(w io.Writer, text string) {
	text = strings.TrimSpace(text)
	if text == "" {
		return
	}
	fmt.Fprintln(w, ".PP")
	pre := false
	end := func() {
		if pre {
			fmt.Fprintln(w, ".fi\n.RE")
			pre = false
		}
	}
	for _, line := range strings.Split(text, "\n") {
		switch {
		case strings.TrimSpace(line) == "":
			end()
			fmt.Fprintln(w, ".PP")
		case strings.HasPrefix(line, "  "):
			if !pre {
				fmt.Fprintln(w, ".RS 2\n.nf")
				pre = true
			}
			fmt.Fprintln(w, roffLine(line[2:]))
		default:
			end()
			fmt.Fprintln(w, roffLine(line))
		}
	}
	end()
}

// roffTerm sets a term's first word in bold and the rest in italics, as man pages write
// "--config FILE".
func roffTerm(term string) string {
	first, rest, _ := strings.Cut(term, " ")
	out := "\\fB" + roffEscape(first) + "\\fR"
	if rest != "" {
		out += " \\fI" + roffEscape(rest) + "\\fR"
	}
	return out
}

// roffLine escapes one line of text, including a leading control character.
func roffLine(s string) string {
	s = roffEscape(s)
	if strings.HasPrefix(s, ".") || strings.HasPrefix(s, "'") {
		s = "\\&" + s
	}
	return s
}

func roffEscape(s string) string {
	return strings.NewReplacer(`\`, `\e`, "-", `\-`).Replace(s)
}
