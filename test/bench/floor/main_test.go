package main

import (
	"os"
	"testing"

	"github.com/oshim/oshim/test/harness"
)

// envAsMain makes the test binary run main: floor only works as its own process.
const envAsMain = "FLOOR_TEST_AS_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(envAsMain) == "1" {
		main()
	}
	os.Exit(m.Run())
}

func TestFloor(t *testing.T) {
	tests := []struct {
		name     string
		runtime  string
		args     []string
		wantOut  string
		wantCode int
	}{
		{name: "execs the runtime with its arguments", runtime: "/bin/echo", args: []string{"--root", "/r", "run", "id"}, wantOut: "--root /r run id\n"},
		{name: "passes the runtime's status on", runtime: "/bin/false", wantCode: 1},
		{name: "a missing runtime is status 127", runtime: "/nonexistent", wantCode: 127, wantOut: "floor: exec /nonexistent: no such file or directory\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, code := harness.RunSelf(t, []string{envAsMain + "=1", "FLOOR_RUNTIME=" + tt.runtime}, tt.args...)
			if code != tt.wantCode || string(out) != tt.wantOut {
				t.Errorf("floor = %d %q, want %d %q", code, out, tt.wantCode, tt.wantOut)
			}
		})
	}
}
