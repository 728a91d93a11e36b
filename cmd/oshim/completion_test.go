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

// zshDriver runs an interactive zsh on a pseudo-terminal (zsh/zpty), with the
// completion system and _oshim in its fpath, types each line and a TAB, and waits until
// the terminal shows every word wanted. $1 is the fpath directory; the rest are lines,
// each followed by its wanted words and an empty argument.
const zshDriver = `zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z "PS1='RE''ADY> '; fpath=($1 \$fpath); autoload -Uz compinit; compinit -u -d $1/dump; setopt nobeep; bindkey '^I' complete-word"
shift
expect() {
  local out="" chunk w all deadline=$((SECONDS + 30))
  while (( SECONDS < deadline )); do
    if zpty -r -t z chunk; then out+=$chunk; else sleep 0.1; fi
    all=1
    for w in "$@"; do [[ $out == *$w* ]] || all=0; done
    if (( all )); then return 0; fi
  done
  print -r -- "no $* in: $out"
  return 1
}
expect 'READY> ' || exit 1
while (( $# )); do
  line=$1; shift
  words=()
  while [[ $1 != "" ]]; do words+=("$1"); shift; done
  shift
  zpty -w -n z $'\C-u'"$line"$'\t'
  expect "${words[@]}" || exit 1
done
zpty -d z
`

// zsh completes through _arguments and _describe inside its line editor: the lines are
// typed on a terminal.
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
	args := []string{"zsh", "-f", "-c", zshDriver, "zsh", fpath}
	for _, c := range completions {
		args = append(append(append(args, c.line), c.want...), "")
	}
	runShell(t, args...)
}
