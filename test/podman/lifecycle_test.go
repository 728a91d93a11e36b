package podman

import (
	"strings"
	"testing"

	"github.com/oshim/oshim/install/presets"
	"github.com/oshim/oshim/test/harness"
)

// The whole lifecycle with oshim as podman's runtime, on the repaired supervisor:
// run, create and start, logs, inspect, exec, stop, start again, kill, rm. Every
// podman command must succeed as it does with the plain runtime, and oshim's record
// must be gone with the container.
func TestLifecycle(t *testing.T) {
	forEach(t, func(t *testing.T, s *setup) {
		m := s.runtimeMode(t, s.config(t, "preset", presets.Config))

		t.Run("run", func(t *testing.T) {
			r := s.RunOK(t, m.podman(args([]string{"run", "--rm"}, olderFlags, []string{image, supervisorPath})...)...)
			if !strings.Contains(r.Stdout, clearedMsg) {
				t.Errorf("podman run: stdout %q, want %q", r.Stdout, clearedMsg)
			}
		})

		const name = "lifecycle"
		s.RunOK(t, m.podman(args([]string{"create", "--name", name}, olderFlags, []string{image, supervisorPath, "-hold"})...)...)
		s.RunOK(t, m.podman("start", name)...)
		s.waitLogs(t, m, name, clearedMsg)
		in := s.inspect(t, m, name)
		if !in.State.Running {
			t.Fatalf("after start: state %q, want running", in.State.Status)
		}
		wantAnnotations(t, in, map[string]string{"io.oshim.skew": "missing=CAP_SETPCAP"})
		main := harness.ProcStatus(t, in.State.Pid)

		// The exec session asks for the container's capabilities; it gets no more than
		// the supervisor holds, which has emptied its bounding set since.
		exec := capdump(t, s.RunOK(t, m.podman("exec", name, capdumpPath)...).Stdout)
		if exec.Eff&^main.Eff != 0 || exec.Prm&^main.Prm != 0 {
			t.Errorf("exec session %v holds more than the main process %v", exec, main)
		}

		s.RunOK(t, m.podman("stop", "--time", "20", name)...)
		if in := s.inspect(t, m, name); in.State.Running || in.State.ExitCode != 0 {
			t.Errorf("after stop: state %q, exit code %d; want exited with 0", in.State.Status, in.State.ExitCode)
		}
		m.wantNoRecord(t, in) // delete, after the container exited, removed it

		s.RunOK(t, m.podman("start", name)...)
		s.waitLogs(t, m, name, clearedMsg+"\n"+clearedMsg)
		again := s.inspect(t, m, name)
		if rec := m.record(t, again, true); !rec.Result.OK || rec.Skew != "missing=CAP_SETPCAP" {
			t.Errorf("record after the second start: skew %q result %+v", rec.Skew, rec.Result)
		}
		s.RunOK(t, m.podman("kill", name)...)
		// SIGKILL: 128 + 9.
		if code := strings.TrimSpace(s.RunOK(t, m.podman("wait", name)...).Stdout); code != "137" {
			t.Errorf("podman wait after kill: %q, want 137", code)
		}
		s.RunOK(t, m.podman("rm", name)...)
		if r := s.Run(t, m.podman("inspect", name)...); r.Code == 0 {
			t.Errorf("container %s still exists after rm", name)
		}
		m.wantNoRecord(t, again)
	})
}
