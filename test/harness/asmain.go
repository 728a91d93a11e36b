package harness

import (
	"errors"
	"os"
	"os/exec"
	"testing"
)

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
