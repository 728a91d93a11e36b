package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oshim/oshim/internal/config"
)

// renderMan writes the page oshim prints and renders it with man -l, failing on any
// warning groff gives. It returns the text a reader sees, words joined by single spaces
// (man fills and hyphenates lines).
func renderMan(t *testing.T, name string) string {
	t.Helper()
	if _, err := exec.LookPath("man"); err != nil {
		t.Fatalf("man is not installed (make deps installs man-db): %v", err)
	}
	r := oshim(t, nil, "manpage", name)
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("oshim manpage %s: status %d\n%s", name, r.code, r.stderr)
	}
	file := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(file, []byte(r.stdout), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("man", "--warnings", "-l", file)
	// A wide page and no hyphenation would still break words at hyphens; C locale
	// keeps groff's output ASCII.
	cmd.Env = append(os.Environ(), "LC_ALL=C", "MANWIDTH=2000", "MANPAGER=cat", "PAGER=cat")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil || stderr.Len() > 0 {
		t.Fatalf("man -l %s: %v\n%s\nthe page:\n%s", name, err, stderr.String(), r.stdout)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

// oshim(8) shows every command with its synopsis and every option, from the same
// descriptions as --help.
func TestManPageOshim(t *testing.T) {
	text := renderMan(t, "oshim.8")
	for _, w := range []string{"NAME oshim - a crun/runc-compatible", "SYNOPSIS", "DESCRIPTION", "COMMANDS", "ENVIRONMENT", "FILES", "SEE ALSO oshim-config(5)"} {
		if !strings.Contains(text, w) {
			t.Errorf("oshim(8) lacks %q", w)
		}
	}
	for _, c := range commands() {
		want := []string{c.synopsis(nil), strings.Join(strings.Fields(firstLine(c.help)), " ")}
		for _, v := range c.listedVariants() {
			want = append(want, v.name+" "+strings.Join(strings.Fields(v.summary), " "))
		}
		for _, o := range c.optionsFor(nil) {
			want = append(want, optionTerm(o)+" "+optionText(o))
		}
		for _, v := range c.listedVariants() {
			for _, o := range v.options {
				want = append(want, optionTerm(o)+" "+optionText(o))
			}
		}
		for _, w := range want {
			if !strings.Contains(text, w) {
				t.Errorf("oshim(8) lacks, for %s: %q", c.name, w)
			}
		}
	}
}

// oshim-config(5) documents every key the parser knows, and shows the preset.
func TestManPageConfig(t *testing.T) {
	text := renderMan(t, "oshim-config.5")
	for _, k := range append(config.Keys(), config.ContractKeys()...) {
		if w := k.Name + " = " + k.Value + " " + k.Doc; !strings.Contains(text, w) {
			t.Errorf("oshim-config(5) lacks %q", w)
		}
	}
	for _, w := range []string{"NAME oshim-config - the admin config", "SYNOPSIS /etc/oshim/config.toml", "KEYS", "CONTRACTS", "EXAMPLE", `name = "sandbox-supervisor"`, "SEE ALSO oshim(8)"} {
		if !strings.Contains(text, w) {
			t.Errorf("oshim-config(5) lacks %q", w)
		}
	}
}

func TestManpageUnknownPage(t *testing.T) {
	if r := oshim(t, nil, "manpage", "oshim.1"); r.code != 1 || !strings.Contains(r.stderr, `no page "oshim.1"`) {
		t.Errorf("oshim manpage oshim.1: status %d, %q", r.code, r.stderr)
	}
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return line
}
