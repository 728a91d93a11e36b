package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// script writes the completion script oshim prints for shell and returns its path.
func script(t *testing.T, shell string) string {
	t.Helper()
	if _, err := exec.LookPath(shell); err != nil {
		t.Fatalf("%s is not installed (make deps installs it): %v", shell, err)
	}
	r := oshim(t, nil, "completion", shell)
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("oshim completion %s: status %d\n%s", shell, r.code, r.stderr)
	}
	path := filepath.Join(t.TempDir(), "oshim."+shell)
	if err := os.WriteFile(path, []byte(r.stdout), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// runShell runs a shell command line and returns its output.
func runShell(t *testing.T, argv ...string) string {
	t.Helper()
	out, err := exec.Command(argv[0], argv[1:]...).CombinedOutput()
	if err != nil {
		t.Fatalf("%q: %v\n%s", argv, err, out)
	}
	return string(out)
}

// completions is what a shell offers for each command line (the last word is completed).
var completions = []struct {
	line string
	want []string
	not  []string
}{
	{line: "oshim ", want: []string{"install", "uninstall", "doctor", "help", "completion"}},
	{line: "oshim install ", want: []string{"podman", "containerd", "crio", "docker"}},
	{line: "oshim install docker --", want: []string{"--config", "--name", "--dry-run", "--binary"}, not: []string{"--mode"}},
	{line: "oshim install podman --mode ", want: []string{"runtime", "hooks"}},
	{line: "oshim uninstall containerd --", want: []string{"--handler", "--drop-in"}},
	{line: "oshim hook ", want: []string{"precreate", "poststop"}, not: []string{"collect"}},
	{line: "oshim help ", want: []string{"config", "install"}},
	{line: "oshim doctor --", want: []string{"--json", "--no-probe", "--engine-root"}},
	{line: "oshim completion ", want: []string{"bash", "zsh", "fish"}},
}

func checkCompletion(t *testing.T, shell, line, got string, want, not []string) {
	t.Helper()
	words := strings.Fields(got)
	has := func(w string) bool {
		for _, x := range words {
			if x == w {
				return true
			}
		}
		return false
	}
	for _, w := range want {
		if !has(w) {
			t.Errorf("%s: %q completes to %q, lacking %q", shell, line, words, w)
		}
	}
	for _, w := range not {
		if has(w) {
			t.Errorf("%s: %q completes to %q, which should not hold %q", shell, line, words, w)
		}
	}
}

func TestBashCompletion(t *testing.T) {
	path := script(t, "bash")
	for _, c := range completions {
		words := strings.Fields(c.line)
		if strings.HasSuffix(c.line, " ") {
			words = append(words, "")
		}
		var quoted []string
		for _, w := range words {
			quoted = append(quoted, "'"+w+"'")
		}
		prog := "source " + path + "; COMP_WORDS=(" + strings.Join(quoted, " ") + "); COMP_CWORD=" + strconv.Itoa(len(words)-1) + `; _oshim; printf '%s\n' "${COMPREPLY[@]}"`
		checkCompletion(t, "bash", c.line, runShell(t, "bash", "-c", prog), c.want, c.not)
	}
}

func TestFishCompletion(t *testing.T) {
	path := script(t, "fish")
	for _, c := range completions {
		out := runShell(t, "fish", "--no-config", "-c", "source "+path+"; complete -C '"+c.line+"'")
		var words []string
		for _, l := range strings.Split(out, "\n") {
			w, _, _ := strings.Cut(l, "\t")
			words = append(words, w)
		}
		checkCompletion(t, "fish", c.line, strings.Join(words, " "), c.want, c.not)
	}
}

// zsh's completion system needs a terminal to complete; the function must load in it.
func TestZshCompletion(t *testing.T) {
	path := script(t, "zsh")
	runShell(t, "zsh", "-n", path)
	fpath := t.TempDir()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(fpath, "_oshim"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	out := runShell(t, "zsh", "-f", "-c", "fpath=("+fpath+" $fpath); autoload -Uz compinit; compinit -u -d "+filepath.Join(fpath, "dump")+"; print -r -- ${_comps[oshim]}")
	if strings.TrimSpace(out) != "_oshim" {
		t.Fatalf("zsh does not use _oshim for oshim: %q", out)
	}
}
