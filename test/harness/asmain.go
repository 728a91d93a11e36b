package harness

import (
	"errors"
	"os"
	"os/exec"
	"testing"
)

// MainOrTests is the TestMain of a package whose tests run its own binary as main
// (RunSelf, with env=1 in the environment): it runs main when env is "1", and the
// package's tests otherwise.
func MainOrTests(m *testing.M, env string, main func()) {
	if os.Getenv(env) == "1" {
		main()
	}
	os.Exit(m.Run())
}

// RunSelf runs the test binary itself with args and the extra environment env, for a
// package whose TestMain calls main when env says so: commands that must run as their
// own process (they exec, or measure their children). It returns the combined output
// and the exit status; failing to run at all fails the test.
func RunSelf(t testing.TB, env []string, args ...string) ([]byte, int) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		return out, ee.ExitCode()
	case err != nil:
		t.Fatalf("run %s: %v", os.Args[0], err)
	}
	return out, 0
}

// CheckFloorExec checks a benchmark floor run as main by RunSelf (with asMain=1 in its
// environment): it execs FLOOR_RUNTIME with its own arguments, passes the runtime's
// status on, and answers a runtime it cannot exec with status 127 and
// "NAME: exec RUNTIME: ERROR".
func CheckFloorExec(t *testing.T, asMain, name string) {
	tests := []struct {
		name     string
		runtime  string
		args     []string
		wantOut  string
		wantCode int
	}{
		{name: "execs the runtime with its arguments", runtime: "/bin/echo", args: []string{"--root", "/r", "run", "id"}, wantOut: "--root /r run id\n"},
		{name: "passes the runtime's status on", runtime: "/bin/false", wantCode: 1},
		{name: "a missing runtime is status 127", runtime: "/nonexistent", wantCode: 127, wantOut: name + ": exec /nonexistent: no such file or directory\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, code := RunSelf(t, []string{asMain + "=1", "FLOOR_RUNTIME=" + tt.runtime}, tt.args...)
			if code != tt.wantCode || string(out) != tt.wantOut {
				t.Errorf("%s = %d %q, want %d %q", name, code, out, tt.wantCode, tt.wantOut)
			}
		})
	}
}
