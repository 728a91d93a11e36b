package harness

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"
)

// outputWait bounds WaitOutput.
const outputWait = 30 * time.Second

// Container is a running container started by Start.
type Container struct {
	ID  string
	Pid int // the container's init on the host, from `state`
	// stdout and stderr are the files create's output went to; the
	// container's process inherited them and writes there.
	stdout, stderr string
}

// Start runs `BIN --root ROOT create --bundle DIR ID`, then `start ID`, then
// `state ID` for the pid, all with env added (BIN is a runtime, or oshim with
// OSHIM_RUNTIME and OSHIM_CONFIG in env). Any failure fails the test. The
// bundle's cleanup kills and deletes the container.
//
// The process may still be the runtime's init when Start returns: wait for
// the workload's output with WaitOutput before reading its /proc status.
func Start(t testing.TB, env []string, bin string, b *Bundle) *Container {
	t.Helper()
	stdout, stderr := outputFiles(t, t.TempDir())
	c := &Container{ID: b.ID, stdout: stdout.Name(), stderr: stderr.Name()}
	if r := run(t, env, stdout, stderr, b.Argv(bin, "create", "--bundle", b.Dir, b.ID)); r.Code != 0 {
		t.Fatalf("create %s: exit status %d", b.ID, r.Code)
	}
	RunOK(t, env, b.Argv(bin, "start", b.ID)...)
	c.Pid = StatePid(t, RunOK(t, env, b.Argv(bin, "state", b.ID)...).Stdout)
	return c
}

// StatePid reads the container's pid from a runtime's (or oshim's) state output; a
// missing or unreadable pid fails the test.
func StatePid(t testing.TB, state string) int {
	t.Helper()
	var s struct {
		Pid int `json:"pid"`
	}
	if err := json.Unmarshal([]byte(state), &s); err != nil || s.Pid <= 0 {
		t.Fatalf("state %q: pid %d, %v", state, s.Pid, err)
	}
	return s.Pid
}

// Output returns what the container (and its create command) wrote so far.
func (c *Container) Output(t testing.TB) (stdout, stderr string) {
	t.Helper()
	return readOutput(t, c.stdout), readOutput(t, c.stderr)
}

// WaitOutput waits until the container's stdout contains want and returns
// it; it fails the test after 30s, showing both outputs.
func (c *Container) WaitOutput(t testing.TB, want string) string {
	t.Helper()
	deadline := time.Now().Add(outputWait)
	for {
		stdout, stderr := c.Output(t)
		if strings.Contains(stdout, want) {
			return stdout
		}
		if time.Now().After(deadline) {
			t.Fatalf("container %s: no %q on stdout after %v\nstdout:\n%s\nstderr:\n%s", c.ID, want, outputWait, stdout, stderr)
		}
		if _, err := os.Stat("/proc/" + itoa(c.Pid)); err != nil {
			// Exited: one last read, then give up without waiting.
			if stdout, _ := c.Output(t); strings.Contains(stdout, want) {
				return stdout
			}
			t.Fatalf("container %s exited without %q on stdout\nstdout:\n%s\nstderr:\n%s", c.ID, want, stdout, stderr)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
