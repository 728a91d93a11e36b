package podman

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oshim/oshim/install/presets"
)

const denyMsg = `contract "sandbox-supervisor": the spec withholds CAP_SETPCAP, which the workload requires (on_skew=deny)`

// denyPreset is the preset contract with on_skew = "deny".
func denyPreset(t *testing.T) []byte {
	t.Helper()
	// At the start of a line: the preset's commented-out example has one too.
	const repair = "\non_skew = \"repair\"\n"
	if bytes.Count(presets.Config, []byte(repair)) != 1 {
		t.Fatalf("the preset no longer has one %q line", repair)
	}
	return bytes.Replace(presets.Config, []byte(repair), []byte("\non_skew = \"deny\"\n"), 1)
}

// A deny contract stops the skewed container before the supervisor runs, and the
// reason is in podman's own error output: in runtime mode oshim writes it to the --log
// file podman reads (runtime_supports_json). In hook mode precreate hands the refusal
// to oshim's createRuntime hook: runc puts the hook's stderr in its error, crun only
// the hook's path and exit status. The newer orchestrator's container still runs.
func TestDeny(t *testing.T) {
	forEach(t, func(t *testing.T, s *setup) {
		config := s.config(t, "deny", denyPreset(t))
		for _, m := range []mode{s.runtimeMode(t, config), s.hookMode(t, config)} {
			t.Run(m.name, func(t *testing.T) {
				r := s.Run(t, m.podman(args([]string{"run", "--rm"}, olderFlags, []string{image, supervisorPath})...)...)
				want := denyMsg
				if m.hooks && filepath.Base(s.Runtime) == "crun" {
					want = "error executing hook `" + s.Oshim + "` (exit code: 1)"
				}
				if r.Code == 0 || !strings.Contains(r.Stderr, want) {
					t.Errorf("podman run: exit %d, stderr %q; want a failure with %q", r.Code, r.Stderr, want)
				}
				if strings.Contains(r.Stdout+r.Stderr, clearedMsg) || strings.Contains(r.Stderr, failedMsg) {
					t.Errorf("the supervisor ran: stdout %q, stderr %q", r.Stdout, r.Stderr)
				}

				r = s.RunOK(t, m.podman(args([]string{"run", "--rm"}, newerFlags, []string{image, supervisorPath})...)...)
				if !strings.Contains(r.Stdout, clearedMsg) {
					t.Errorf("newer orchestrator: stdout %q, want %q", r.Stdout, clearedMsg)
				}
				if entries, _ := filepath.Glob(filepath.Join(m.store.Dir, "*", "*", "container.json")); len(entries) > 0 && (s.User == "" || !m.hooks) {
					t.Errorf("records left behind: %v", entries)
				}
			})
		}
	})
}
