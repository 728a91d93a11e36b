package harness

import (
	"os"
	"strings"
	"testing"
	"time"
)

func TestRun(t *testing.T) {
	t.Setenv("OSHIM_CONFIG", "/from/the/developer")
	tests := []struct {
		name       string
		env        []string
		argv       []string
		wantCode   int
		wantStdout string
		wantStderr string
	}{
		{name: "exit 0 with stdout", argv: []string{"echo", "hi"}, wantStdout: "hi\n"},
		{name: "exit status and stderr", argv: []string{"sh", "-c", "echo oops >&2; exit 3"}, wantCode: 3, wantStderr: "oops\n"},
		{name: "killed by a signal", argv: []string{"sh", "-c", "kill -9 $$"}, wantCode: -1},
		{
			name:       "env is added, the test's OSHIM_ settings are not",
			env:        []string{"OSHIM_RUNTIME=/usr/bin/crun"},
			argv:       []string{"sh", "-c", `echo "$OSHIM_RUNTIME|$OSHIM_CONFIG"`},
			wantStdout: "/usr/bin/crun|\n",
		},
		{
			name:       "the cgroup2 mount is gone inside the wrapper",
			argv:       []string{"sh", "-c", "grep -c ' /sys/fs/cgroup/unified ' /proc/self/mountinfo; true"},
			wantStdout: "0\n",
		},
		{
			name:       "argv is passed verbatim, not through a shell",
			argv:       []string{"printf", "%s|", "a b", "$HOME", "'q'"},
			wantStdout: "a b|$HOME|'q'|",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Run(t, tt.env, tt.argv...)
			want := Result{Stdout: tt.wantStdout, Stderr: tt.wantStderr, Code: tt.wantCode}
			if r != want {
				t.Errorf("got %+v, want %+v", r, want)
			}
		})
	}
}

// TestRunDetachedChild is the reason for output files: a background process
// keeps stdout open long after the command exits.
func TestRunDetachedChild(t *testing.T) {
	start := time.Now()
	r := Run(t, nil, "sh", "-c", "sleep 30 & echo started")
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("Run waited %v for a detached child", took)
	}
	if r.Code != 0 || r.Stdout != "started\n" {
		t.Errorf("got %+v", r)
	}
}

func TestRunLeavesHostMounts(t *testing.T) {
	before, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	RunOK(t, nil, "true")
	after, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(before), " /sys/fs/cgroup/unified ") != strings.Contains(string(after), " /sys/fs/cgroup/unified ") {
		t.Error("the wrapper changed the host's mounts")
	}
}

func TestShellQuote(t *testing.T) {
	tests := []struct {
		name  string
		words []string
		want  string
	}{
		{name: "plain words", words: []string{"crun", "--root", "/tmp/x", "run"}, want: "crun --root /tmp/x run"},
		{name: "env assignment", words: []string{"OSHIM_RUNTIME=/usr/bin/crun", "oshim"}, want: "OSHIM_RUNTIME=/usr/bin/crun oshim"},
		{name: "space and dollar", words: []string{"a b", "$x"}, want: "'a b' '$x'"},
		{name: "single quote", words: []string{"it's"}, want: `'it'\''s'`},
		{name: "empty word", words: []string{""}, want: "''"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := shellQuote(tt.words); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}
