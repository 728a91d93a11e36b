package podman

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oshim/oshim/internal/hook"
)

// watched is a contract on capdump, which needs no capability itself, so that it runs
// although its spec withholds what the contract requires.
const watched = `[[contract]]
name = "watched"
require = ["CAP_SETPCAP"]
on_skew = "%s"
init = false
[contract.match]
commands = ['^/usr/local/bin/capdump$']
`

// detectionMode is oshim's standard-stage hooks, the ones any engine (CRI-O too) can
// load: createRuntime evaluates the contract, poststop removes the record.
func (s *setup) detectionMode(t *testing.T, config string) mode {
	t.Helper()
	dir := "detect-" + strings.TrimSuffix(filepath.Base(config), ".toml")
	for _, stage := range []string{"createRuntime", "poststop"} {
		def := fmt.Sprintf(`{"version":"1.0.0","hook":{"path":%q,"args":["oshim","hook",%q,"--config",%q]},"when":{"always":true},"stages":[%q]}`,
			s.Oshim, stage, config, stage)
		s.WriteFile(t, filepath.Join(dir, "oshim-"+stage+".json"), []byte(def), 0o644)
	}
	return mode{name: "detection", flags: []string{"--runtime", s.Runtime, "--hooks-dir", s.Path(dir)}, store: s.hookStore(), hooks: true}
}

// The standard-stage hooks under podman: a skew is recorded under the container's id
// and nothing is changed; with on_skew = "deny" the container never runs, and runc
// shows the reason in podman's error.
func TestDetectionHooks(t *testing.T) {
	forEach(t, func(t *testing.T, s *setup) {
		t.Run("report", func(t *testing.T) {
			m := s.detectionMode(t, s.config(t, "watched-report", []byte(fmt.Sprintf(watched, "report"))))
			name := "detected"
			s.RunOK(t, m.podman(args([]string{"run", "-d", "--name", name}, olderFlags, []string{image, capdumpPath, "-hold"})...)...)
			out := s.waitLogs(t, m, name, "CapBnd")
			if st := capdump(t, out); len(setsWith(st, capSetpcap)) > 0 {
				t.Errorf("capdump holds CAP_SETPCAP: %v; detection must change nothing", st)
			}
			in := s.inspect(t, m, name)
			rec, found, err := m.store.Load(hook.StoreRoot, in.ID)
			if err != nil || !found {
				t.Fatalf("record of %s: found %t, %v", in.ID, found, err)
			}
			if rec.Skew != "missing=CAP_SETPCAP" || rec.Repair != "none (detection only: the runtime has read the spec)" {
				t.Errorf("record: skew %q, repair %q", rec.Skew, rec.Repair)
			}
			if _, ok := in.Config.Annotations["io.oshim.skew"]; ok {
				t.Errorf("the spec was changed: %v", in.Config.Annotations)
			}
			s.RunOK(t, m.podman("rm", "--force", "--time", "0", name)...)
			if _, found, _ := m.store.Load(hook.StoreRoot, in.ID); found {
				t.Errorf("record of %s left after rm", in.ID)
			}
		})
		t.Run("deny", func(t *testing.T) {
			m := s.detectionMode(t, s.config(t, "watched-deny", []byte(fmt.Sprintf(watched, "deny"))))
			r := s.Run(t, m.podman(args([]string{"run", "--rm"}, olderFlags, []string{image, capdumpPath})...)...)
			want := `contract "watched": the spec withholds CAP_SETPCAP`
			if filepath.Base(s.Runtime) == "crun" {
				want = "error executing hook `" + s.Oshim + "` (exit code: 1)"
			}
			if r.Code == 0 || !strings.Contains(r.Stderr, want) || strings.Contains(r.Stdout, "CapBnd") {
				t.Errorf("podman run: exit %d, stdout %q, stderr %q; want a failure with %q before capdump runs", r.Code, r.Stdout, r.Stderr, want)
			}
		})
	})
}
