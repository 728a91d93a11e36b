package attacks

// Arguments: oshim must read every argument the way the runtime that gets it does, or
// it rewrites one file while the runtime reads another, or finds no exec where there
// is one.

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oshim/oshim/test/harness"
	"github.com/oshim/oshim/test/procstatus"
)

// TestRelativeConfig: crun reads a relative --config other than config.json from the
// caller's working directory, not from the bundle. A decoy of the same name in the
// bundle must not be what oshim rewrites while crun runs the other one.
func TestRelativeConfig(t *testing.T) {
	for _, rt := range runtimes {
		t.Run(rt, func(t *testing.T) {
			t.Parallel()
			b := capdumpBundle(t, rt)
			env, _ := env(t, b, clearContract)
			cwd := t.TempDir()
			spec, err := os.ReadFile(b.ConfigPath())
			if err != nil {
				t.Fatal(err)
			}
			// The spec crun reads, and a decoy oshim would have rewritten instead.
			spec = []byte(strings.Replace(string(spec), `"path": "rootfs"`, `"path": "`+b.RootfsDir()+`"`, 1))
			for _, p := range []string{filepath.Join(cwd, "alt.json"), filepath.Join(b.Dir, "alt.json")} {
				if err := os.WriteFile(p, spec, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			oshim := harness.Oshim(t)
			script := `cd "$1" && shift && exec "$@"`
			args := []string{"sh", "-c", script, "sh", cwd, oshim, "--root", b.Root, "create", "--config", "alt.json", "--bundle", b.Dir, b.ID}
			r := harness.Run(t, env, args...)
			if rt == "runc" {
				if r.Code == 0 || !strings.Contains(r.Stderr, "unknown flag --config") {
					t.Fatalf("runc has no --config: exit %d, stderr %q; want oshim to refuse it", r.Code, r.Stderr)
				}
				return
			}
			if r.Code != 0 {
				t.Fatalf("create: exit %d: %s", r.Code, r.Stderr)
			}
			rewritten, _ := os.ReadFile(filepath.Join(cwd, "alt.json"))
			if !strings.Contains(string(rewritten), "io.oshim.contract") {
				t.Errorf("the spec crun reads was not rewritten")
			}
			harness.RunOK(t, env, b.Argv(oshim, "start", b.ID)...)
			st := harness.RunOK(t, env, b.Argv(oshim, "state", b.ID)...)
			pid := harness.StatePid(t, st.Stdout)
			waitWorkload(t, pid)
			wantCleared(t, "main process", harness.ProcStatus(t, pid), procstatus.Status{Eff: specCaps, Prm: specCaps, Inh: specCaps, Amb: specCaps})
		})
	}
}
