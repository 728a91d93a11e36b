package podman

import (
	"strings"
	"testing"

	"github.com/oshim/oshim/install/presets"
	"github.com/oshim/oshim/test/harness"
)

// The older orchestrator drops CAP_SETPCAP: the supervisor fails closed with the plain
// runtime and starts with oshim, as runtime and as hooks, with the preset contract
// (the one `oshim install` writes); the skew is recorded in the container's
// annotations and in oshim's record, with the init's verdict.
func TestOlderOrchestrator(t *testing.T) {
	forEach(t, func(t *testing.T, s *setup) {
		preset := s.config(t, "preset", presets.Config)

		t.Run("plain runtime fails", func(t *testing.T) {
			r := s.Run(t, s.plain().podman(args([]string{"run", "--rm"}, olderFlags, []string{image, supervisorPath})...)...)
			if r.Code != 1 || !strings.Contains(r.Stderr, failedMsg) {
				t.Fatalf("podman run: exit %d, stderr %q; want exit 1 with %q", r.Code, r.Stderr, failedMsg)
			}
		})
		for _, m := range []mode{s.runtimeMode(t, preset), s.hookMode(t, preset)} {
			t.Run(m.name, func(t *testing.T) {
				name := "older-" + m.name
				s.RunOK(t, m.podman(args([]string{"run", "-d", "--name", name}, olderFlags, []string{image, supervisorPath, "-hold"})...)...)
				s.waitLogs(t, m, name, clearedMsg)
				in := s.inspect(t, m, name)
				wantAnnotations(t, in, map[string]string{
					"io.oshim.contract": "sandbox-supervisor",
					"io.oshim.skew":     "missing=CAP_SETPCAP",
					"io.oshim.repair":   "granted CAP_SETPCAP in bounding,effective,permitted",
				})
				rec := m.record(t, in, true)
				if rec.Skew != "missing=CAP_SETPCAP" || rec.Contract != "sandbox-supervisor" || !rec.Init {
					t.Errorf("record: contract %q skew %q init %t", rec.Contract, rec.Skew, rec.Init)
				}
				if !rec.Result.OK || rec.Result.Probe != "ok" {
					t.Errorf("init result %+v, want ok with probe ok", rec.Result)
				}
				// The supervisor keeps CAP_SETPCAP effective and has emptied its own
				// bounding set with it.
				st := harness.ProcStatus(t, in.State.Pid)
				if !st.Eff.Has(capSetpcap) || st.Bnd != 0 {
					t.Errorf("supervisor: %v; want CAP_SETPCAP (bit 8) effective and an empty bounding set", st)
				}
				s.RunOK(t, m.podman("stop", "--time", "20", name)...)
				s.RunOK(t, m.podman("rm", name)...)
				m.wantNoRecord(t, in)
			})
		}
	})
}

// The newer orchestrator adds CAP_SETPCAP: the supervisor starts with and without
// oshim, oshim records no skew, and the supervisor starts with exactly the same
// capability sets (it prints them before it clears its bounding set).
func TestNewerOrchestrator(t *testing.T) {
	forEach(t, func(t *testing.T, s *setup) {
		preset := s.config(t, "preset", presets.Config)
		run := func(t *testing.T, m mode) string {
			t.Helper()
			r := s.RunOK(t, m.podman(args([]string{"run", "--name", "newer-" + m.name}, newerFlags, []string{image, supervisorPath, "-status"})...)...)
			if !strings.Contains(r.Stdout, clearedMsg) {
				t.Fatalf("%s: stdout %q, want %q", m.name, r.Stdout, clearedMsg)
			}
			return strings.TrimSuffix(r.Stdout, clearedMsg+"\n")
		}
		plain := run(t, s.plain())
		for _, m := range []mode{s.runtimeMode(t, preset), s.hookMode(t, preset)} {
			t.Run(m.name, func(t *testing.T) {
				if got := run(t, m); got != plain {
					t.Errorf("capabilities at start differ from the plain runtime's:\n%s\nplain:\n%s", got, plain)
				}
				in := s.inspect(t, m, "newer-"+m.name)
				wantAnnotations(t, in, map[string]string{"io.oshim.contract": "sandbox-supervisor", "io.oshim.skew": "none", "io.oshim.repair": "none"})
				s.RunOK(t, m.podman("rm", "newer-"+m.name)...)
				m.wantNoRecord(t, in)
			})
		}
	})
}
