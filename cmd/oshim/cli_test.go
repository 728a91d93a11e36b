package main

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Every command answers --help (and -h, and `oshim help CMD`) on stdout with status 0,
// including init, which parses its own arguments.
func TestEveryCommandHelp(t *testing.T) {
	for _, c := range commands() {
		t.Run(c.name, func(t *testing.T) {
			long := oshim(t, nil, c.name, "--help")
			if long.code != 0 || !strings.HasPrefix(long.stdout, "Usage: oshim "+c.name) || long.stderr != "" {
				t.Fatalf("oshim %s --help: status %d\nstdout:\n%s\nstderr:\n%s", c.name, long.code, long.stdout, long.stderr)
			}
			if short := oshim(t, nil, c.name, "-h"); short.code != 0 || short.stdout != long.stdout {
				t.Errorf("oshim %s -h: status %d, output differs from --help:\n%s", c.name, short.code, short.stdout)
			}
			if h := oshim(t, nil, "help", c.name); h.code != 0 || h.stdout != long.stdout {
				t.Errorf("oshim help %s: status %d, output differs from --help:\n%s", c.name, h.code, h.stdout)
			}
			for _, v := range c.listedVariants() {
				r := oshim(t, nil, c.name, v.name, "--help")
				if r.code != 0 || !strings.HasPrefix(r.stdout, "Usage: oshim "+c.name+" "+v.name) {
					t.Errorf("oshim %s %s --help: status %d\n%s%s", c.name, v.name, r.code, r.stdout, r.stderr)
				}
			}
		})
	}
}

// The listings spell options as the usage line does: --config, never -config.
func TestHelpSpellsOptionsWithTwoDashes(t *testing.T) {
	singleDash := regexp.MustCompile(`(^|\s)-[a-z][a-z-]+`)
	for _, c := range commands() {
		r := oshim(t, nil, c.name, "--help")
		for _, line := range strings.Split(r.stdout, "\n") {
			if m := singleDash.FindString(line); m != "" && !strings.Contains(line, "CAPS") {
				t.Errorf("oshim %s --help: %q spells an option with one dash: %q", c.name, m, line)
			}
		}
		for _, o := range c.options {
			if !strings.Contains(r.stdout, "\n  "+optionTerm(o)+" ") {
				t.Errorf("oshim %s --help does not list %q:\n%s", c.name, optionTerm(o), r.stdout)
			}
		}
	}
}

// A default is shown once: doctor and explain used to print the config's default path in
// their text and again as the flag's default.
func TestHelpShowsDefaultsOnce(t *testing.T) {
	for _, name := range []string{"doctor", "explain", "hook"} {
		r := oshim(t, nil, name, "--help")
		for _, line := range strings.Split(r.stdout, "\n") {
			if n := strings.Count(line, "/etc/oshim/config.toml"); n > 1 {
				t.Errorf("oshim %s --help names the default twice: %q", name, line)
			}
		}
		if strings.Contains(r.stdout, `(default "`) {
			t.Errorf("oshim %s --help shows a Go-quoted default:\n%s", name, r.stdout)
		}
	}
	r := oshim(t, nil, "doctor", "--help")
	if !strings.Contains(r.stdout, "--engine-root DIR  read the engines' config files under this directory (default /)") {
		t.Errorf("doctor --help lacks --engine-root's default:\n%s", r.stdout)
	}
}

// `oshim help` is oshim's, not passed to the runtime ("unknown command help").
func TestHelpCommand(t *testing.T) {
	tests := []struct {
		description string
		args        []string
		code        int
		stdout      []string
		stderr      string
	}{
		{description: "overview", args: []string{"help"}, stdout: []string{"oshim's own commands:", "  install ", "Runtime mode:"}},
		{description: "a command", args: []string{"help", "report"}, stdout: []string{"Usage: oshim report [--root DIR] [--json] [--prometheus] [ID]"}},
		{description: "one engine", args: []string{"help", "install", "docker"}, stdout: []string{"Usage: oshim install docker [OPTIONS]", "--name NAME", "--dry-run"}},
		{description: "the config reference", args: []string{"help", "config"}, stdout: []string{"run_dir = ", "[[contract]]", "on_skew = "}},
		{description: "no such command", args: []string{"help", "nope"}, code: 2, stderr: `no command "nope"`},
		{description: "no such engine", args: []string{"help", "install", "lxc"}, code: 2, stderr: `unknown engine "lxc": use podman, containerd, crio or docker`},
		{description: "runtime mode's --help", args: []string{"--help"}, stdout: []string{"oshim's own commands:"}},
		{description: "no arguments", args: nil, stdout: []string{"oshim's own commands:"}},
	}
	for _, tt := range tests {
		t.Run(tt.description, func(t *testing.T) {
			r := oshim(t, []string{"OSHIM_RUNTIME=/nonexistent/runtime"}, tt.args...)
			if r.code != tt.code {
				t.Fatalf("status %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, tt.code, r.stdout, r.stderr)
			}
			for _, w := range tt.stdout {
				if !strings.Contains(r.stdout, w) {
					t.Errorf("stdout lacks %q:\n%s", w, r.stdout)
				}
			}
			if !strings.Contains(r.stderr, tt.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tt.stderr, r.stderr)
			}
		})
	}
}

// install --help without an engine shows the options of every engine; with one, that
// engine's.
func TestInstallHelpShowsOptions(t *testing.T) {
	for _, name := range []string{"install", "uninstall"} {
		all := oshim(t, nil, name, "--help").stdout
		for _, w := range []string{"Engines:", "Options:\n  --dry-run", "Options for podman:\n  --mode MODE", "Options for containerd:\n  --config FILE", "Options for crio:\n  --dir DIR", "Options for docker:\n  --config FILE", "--name NAME"} {
			if !strings.Contains(all, w) {
				t.Errorf("oshim %s --help lacks %q:\n%s", name, w, all)
			}
		}
		one := oshim(t, nil, name, "crio", "--help").stdout
		if !strings.Contains(one, "--handler NAME") || strings.Contains(one, "--mode") || strings.Contains(one, "Engines:") {
			t.Errorf("oshim %s crio --help:\n%s", name, one)
		}
	}
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		description string
		args        []string
		stderr      []string
	}{
		{description: "unknown option", args: []string{"doctor", "--nope"}, stderr: []string{"oshim doctor: unknown option --nope", "Usage: oshim doctor"}},
		{description: "option without its value", args: []string{"report", "--root"}, stderr: []string{"option needs a value: --root"}},
		{description: "bad boolean", args: []string{"explain", "--json=maybe"}, stderr: []string{`invalid boolean value "maybe" for --json`}},
		{description: "no engine", args: []string{"install"}, stderr: []string{"give the engine: podman, containerd, crio or docker"}},
		{description: "unknown engine", args: []string{"uninstall", "lxc"}, stderr: []string{`unknown engine "lxc"`}},
		{description: "an option of another engine", args: []string{"install", "docker", "--mode", "hooks"}, stderr: []string{"unknown option --mode"}},
		{description: "unknown hook stage", args: []string{"hook", "poststart"}, stderr: []string{`unknown stage "poststart": use precreate, createRuntime, prestart or poststop`}},
	}
	for _, tt := range tests {
		t.Run(tt.description, func(t *testing.T) {
			r := oshim(t, nil, tt.args...)
			if r.code != 2 {
				t.Fatalf("status %d, want 2\nstderr:\n%s", r.code, r.stderr)
			}
			for _, w := range tt.stderr {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
				}
			}
		})
	}
}

// OSHIM_CONFIG naming a file that is not there is an error naming the variable and the
// path, in runtime mode and in every command that reads the config; the default path
// absent stays a passthrough (covered in internal/config, as this host's /etc is not the
// test's).
func TestMissingNamedConfig(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "typo.toml")
	env := []string{"OSHIM_CONFIG=" + missing, "OSHIM_RUNTIME=/bin/true"}
	want := "OSHIM_CONFIG=" + missing + " names no config file"
	for _, args := range [][]string{
		{"--root", t.TempDir(), "state", "c1"},
		{"report"},
		{"explain", filepath.Join(t.TempDir(), "config.json")},
		{"hook", "poststop"},
	} {
		r := oshim(t, env, args...)
		if r.code != 1 || !strings.Contains(r.stderr, want) {
			t.Errorf("oshim %q: status %d, stderr %q; want 1 and %q", args, r.code, r.stderr, want)
		}
	}
	r := oshim(t, nil, "explain", "--config", missing)
	if r.code != 1 || !strings.Contains(r.stderr, "--config "+missing+": no such config file") {
		t.Errorf("explain --config MISSING: status %d, stderr %q", r.code, r.stderr)
	}
	if r := oshim(t, nil, "doctor", "--no-probe", "--config", missing); r.code != 1 || !strings.Contains(r.stdout, "FAIL  config") {
		t.Errorf("doctor --config MISSING: status %d\n%s", r.code, r.stdout)
	}
}

// The table names each command as the command names itself, so that find reaches it.
func TestCommandTableNames(t *testing.T) {
	for _, e := range commandTable() {
		if c := e.make(); c.name != e.name {
			t.Errorf("commandTable entry %q makes the command %q", e.name, c.name)
		}
		if c := find(e.name); c == nil || c.name != e.name {
			t.Errorf("find(%q) = %v", e.name, c)
		}
	}
	if c := find("create"); c != nil {
		t.Errorf("find(create) = %q, want nil: runtime calls are not oshim's commands", c.name)
	}
}
