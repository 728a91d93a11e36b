package podman

import (
	"testing"

	"github.com/oshim/oshim/test/harness"
)

// cleared empties capdump's bounding set; capdump needs no capability itself, so the
// CAP_SETPCAP the init is lent is dropped before capdump starts.
const cleared = `[[contract]]
name = "cleared"
bounding = "clear"
[contract.match]
commands = ['^/usr/local/bin/capdump$']
`

// A bounding = "clear" contract under podman's default capabilities (which include
// CAP_SETPCAP): in runtime mode the main process and a `podman exec` session both have
// an empty bounding set and no CAP_SETPCAP in any set. In hook mode the main process
// does too, but the exec session does not: podman starts it from its own process.json,
// past every hook. That is the limitation the README states; this keeps it honest.
func TestBoundingClear(t *testing.T) {
	forEach(t, func(t *testing.T, s *setup) {
		config := s.config(t, "cleared", []byte(cleared))
		for _, m := range []mode{s.runtimeMode(t, config), s.hookMode(t, config)} {
			t.Run(m.name, func(t *testing.T) {
				name := "cleared-" + m.name
				s.RunOK(t, m.podman("run", "-d", "--name", name, image, capdumpPath, "-hold")...)
				s.waitLogs(t, m, name, "CapBnd")
				in := s.inspect(t, m, name)
				main := harness.ProcStatus(t, in.State.Pid)
				if main.Bnd != 0 || len(setsWith(main, capSetpcap)) > 0 {
					t.Errorf("main process: %v; want an empty bounding set and no CAP_SETPCAP (bit 8)", main)
				}
				if rec := m.record(t, in, true); !rec.Result.OK {
					t.Errorf("init result %+v, want ok", rec.Result)
				}

				exec := capdump(t, s.RunOK(t, m.podman("exec", name, capdumpPath)...).Stdout)
				capped := exec.Bnd == 0 && len(setsWith(exec, capSetpcap)) == 0
				if capped != !m.hooks {
					t.Errorf("exec session: %v; want it capped like the main process: %t", exec, !m.hooks)
				}
				s.RunOK(t, m.podman("rm", "--force", "--time", "0", name)...)
				m.wantNoRecord(t, in)
			})
		}
	})
}
