package main

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/oshim/oshim/test/harness"
)

// envAsMain makes the test binary run main: maxrss measures its own child.
const envAsMain = "MAXRSS_TEST_AS_MAIN"

func TestMain(m *testing.M) { harness.MainOrTests(m, envAsMain, main) }

func TestMaxRSS(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		noOut    bool
		wantCode int
		wantKiB  bool
	}{
		{name: "a command that succeeds", args: []string{"/bin/true"}, wantKiB: true},
		{name: "the command's status is passed on", args: []string{"/bin/sh", "-c", "exit 5"}, wantCode: 5, wantKiB: true},
		{name: "no command", wantCode: 2},
		{name: "no MAXRSS_OUT", args: []string{"/bin/true"}, noOut: true, wantCode: 2},
		{name: "a command that does not exist", args: []string{"/nonexistent"}, wantCode: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "kib")
			env := []string{envAsMain + "=1", "MAXRSS_OUT=" + out}
			if tt.noOut {
				env[1] = "MAXRSS_OUT="
			}
			msg, code := harness.RunSelf(t, env, tt.args...)
			if code != tt.wantCode {
				t.Errorf("exit status %d, want %d; output %s", code, tt.wantCode, msg)
			}
			data, err := os.ReadFile(out)
			if !tt.wantKiB {
				if err == nil {
					t.Errorf("wrote %q, want nothing", data)
				}
				return
			}
			kib, err := strconv.ParseInt(string(data), 10, 64)
			if err != nil || kib <= 0 || kib > 1<<20 {
				t.Errorf("wrote %q (%v), want a peak RSS in KiB", data, err)
			}
		})
	}
}
