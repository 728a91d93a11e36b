package e2e

// Tests of oshim's argument handling against a fake runtime that records its argv:
// they show what reaches the runtime, not that a feature works (the other tests here
// run real crun and runc for that).

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oshim/oshim/test/harness"
)

// fakeRuntime writes a script that appends its argv, one per line and a blank line
// after each call, to the returned log, prints "fake-runtime version 1" for --version,
// and exits 0.
func fakeRuntime(t *testing.T) (bin, log string) {
	t.Helper()
	dir := t.TempDir()
	bin, log = filepath.Join(dir, "fakert"), filepath.Join(dir, "argv.log")
	script := "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\" >> " + log + "; done\necho >> " + log + "\n" +
		"[ \"$1\" = --version ] && echo 'fake-runtime version 1'\nexit 0\n"
	if err := os.WriteFile(bin, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return bin, log
}

func calls(t *testing.T, log string) [][]string {
	t.Helper()
	data, err := os.ReadFile(log)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var out [][]string
	for _, block := range strings.Split(strings.TrimSuffix(string(data), "\n\n"), "\n\n") {
		if block != "" {
			out = append(out, strings.Split(block, "\n"))
		}
	}
	return out
}

func writeConfig(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPassthroughArgvUnchanged(t *testing.T) {
	oshim := harness.Oshim(t)
	tests := []struct {
		description string
		args        []string
	}{
		{description: "containerd shim kill", args: []string{"--root", "/run/r", "--log", "/tmp/x/log.json", "--log-format", "json", "kill", "--all", "c1", "9"}},
		{description: "features with no flags", args: []string{"features"}},
		{description: "state of an unknown container", args: []string{"state", "c1"}},
		{description: "delete of an uncontracted container", args: []string{"--systemd-cgroup", "delete", "--force", "c1"}},
		{description: "runc single-dash flags", args: []string{"-root", "/r", "start", "c1"}},
		{description: "checkpoint is not rewritten", args: []string{"checkpoint", "--image-path", "/i", "c1"}},
		{description: "a container named create, started", args: []string{"start", "create"}},
	}
	for _, tc := range tests {
		t.Run(tc.description, func(t *testing.T) {
			rt, log := fakeRuntime(t)
			cfg := writeConfig(t, "run_dir = \""+t.TempDir()+"\"\n[[contract]]\nname = \"all\"\nmatch.all = true\nrequire = [\"CAP_SETPCAP\"]\n")
			r := harness.Run(t, []string{"OSHIM_RUNTIME=" + rt, "OSHIM_CONFIG=" + cfg}, append([]string{oshim}, tc.args...)...)
			if r.Code != 0 {
				t.Fatalf("exit %d: %s", r.Code, r.Stderr)
			}
			got := calls(t, log)
			if len(got) != 1 || strings.Join(got[0], "\x00") != strings.Join(tc.args, "\x00") {
				t.Fatalf("runtime got %q, want exactly %q", got, tc.args)
			}
			if r.Stdout != "" {
				t.Fatalf("stdout = %q, want nothing: containerd's shim reads the runtime's stdout", r.Stdout)
			}
		})
	}
}

func TestRefusesToWrapItself(t *testing.T) {
	oshim := harness.Oshim(t)
	link := filepath.Join(t.TempDir(), "runc")
	if err := os.Symlink(oshim, link); err != nil {
		t.Fatal(err)
	}
	r := harness.Run(t, []string{"OSHIM_RUNTIME=" + link, "OSHIM_CONFIG=" + writeConfig(t, "")}, oshim, "state", "x")
	if r.Code == 0 || !strings.Contains(r.Stderr, "call itself") {
		t.Fatalf("exit %d, stderr %q; want a refusal naming the loop", r.Code, r.Stderr)
	}
}

func TestVersion(t *testing.T) {
	oshim := harness.Oshim(t)
	rt, _ := fakeRuntime(t)
	r := harness.RunOK(t, []string{"OSHIM_RUNTIME=" + rt, "OSHIM_CONFIG=" + writeConfig(t, "")}, oshim, "--version")
	lines := strings.Split(r.Stdout, "\n")
	if !strings.HasPrefix(lines[0], "oshim version ") || !strings.HasPrefix(lines[1], "commit: ") || !strings.Contains(r.Stdout, "fake-runtime version 1") {
		t.Fatalf("--version printed %q", r.Stdout)
	}
}

func TestFailuresNeverCallTheRuntime(t *testing.T) {
	oshim := harness.Oshim(t)
	b := supervisorBundle(t, "crun")
	tests := []struct {
		description string
		config      string
		want        []string
	}{
		{
			description: "malformed config names the file and line",
			config:      "[[contract]]\nname = \"x\"\nmatch.all = true\nrequire = [\"CAP_NOPE\"]\n",
			// Line 5: the test puts run_dir on line 1.
			want: []string{"config.toml", "line 5", "CAP_NOPE"},
		},
		{
			description: "deny",
			config:      "[[contract]]\nname = \"sandbox-supervisor\"\nmatch.all = true\nrequire = [\"CAP_SETPCAP\"]\non_skew = \"deny\"\n",
			want:        []string{denyMsg},
		},
	}
	for _, tc := range tests {
		t.Run(tc.description, func(t *testing.T) {
			rt, log := fakeRuntime(t)
			before := b.Config(t)
			logFile := filepath.Join(t.TempDir(), "log.json")
			env := []string{"OSHIM_RUNTIME=" + rt, "OSHIM_CONFIG=" + writeConfig(t, "run_dir = \""+t.TempDir()+"\"\n"+tc.config)}
			r := harness.Run(t, env, oshim, "--log", logFile, "--log-format", "json", "create", "--bundle", b.Dir, "x")
			if r.Code == 0 {
				t.Fatal("create succeeded")
			}
			if got := calls(t, log); len(got) != 0 {
				t.Fatalf("the runtime was called: %q", got)
			}
			if string(b.Config(t)) != string(before) {
				t.Fatal("config.json changed")
			}
			// The engine's log file gets the error as runc writes it: one JSON object a line.
			data, err := os.ReadFile(logFile)
			if err != nil {
				t.Fatal(err)
			}
			var entry struct{ Level, Msg string }
			if err := json.Unmarshal([]byte(strings.SplitN(string(data), "\n", 2)[0]), &entry); err != nil {
				t.Fatalf("log line %q: %v", data, err)
			}
			for _, w := range tc.want {
				if !strings.Contains(r.Stderr, w) || !strings.Contains(entry.Msg, w) {
					t.Fatalf("stderr %q / log %+v lack %q", r.Stderr, entry, w)
				}
			}
			if entry.Level != "error" {
				t.Fatalf("log level %q, want error", entry.Level)
			}
		})
	}
}
