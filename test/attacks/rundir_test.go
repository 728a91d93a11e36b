package attacks

// Run directories: a rootless user's default run directory is /tmp/oshim-UID (without
// $XDG_RUNTIME_DIR), which another local user can create first. Its records decide how
// exec sessions are capped and the init copies below it run in containers.

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oshim/oshim/internal/records"
	"github.com/oshim/oshim/test/harness"
)

func TestRunDirOfAnotherUser(t *testing.T) {
	user, uid := harness.UnprivilegedUser(t)
	// A copy the user can run: the test's build cache is root's.
	bin, err := os.ReadFile(harness.Oshim(t))
	if err != nil {
		t.Fatal(err)
	}
	oshim := filepath.Join(sharedDir(t), "oshim")
	if err := os.WriteFile(oshim, bin, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, planted := range []struct {
		name  string
		setup func(t *testing.T, dir string)
	}{
		{"made by another user, world-writable", func(t *testing.T, dir string) {
			mkdir(t, dir, 0o777, 65534)
		}},
		{"the user's own, but world-writable", func(t *testing.T, dir string) {
			mkdir(t, dir, 0o777, uid)
		}},
		{"a symlink to the attacker's directory", func(t *testing.T, dir string) {
			target := filepath.Join(filepath.Dir(dir), "attacker")
			mkdir(t, target, 0o777, 65534)
			if err := os.Symlink(target, dir); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(planted.name, func(t *testing.T) {
			tmp := sharedDir(t)
			dir := filepath.Join(tmp, fmt.Sprintf("oshim-%d", uid))
			planted.setup(t, dir)
			// The attacker's record names a "runtime" that would leave a mark if oshim ever
			// ran it while pruning, and has no loan, so that an exec would go uncapped.
			mark := filepath.Join(tmp, "pwned")
			evil := filepath.Join(tmp, "evil-runtime")
			if err := os.WriteFile(evil, []byte("#!/bin/sh\ntouch "+mark+"\n"), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := (records.Store{Dir: dir}).Save(&records.Container{ID: "victim", Runtime: evil, Created: time.Now().Add(-time.Hour)}); err != nil {
				t.Fatal(err)
			}
			cfg := filepath.Join(tmp, "config.toml")
			if err := os.WriteFile(cfg, []byte("max_records = 1\nocsf_log = \"\"\n"+clearContract), 0o644); err != nil {
				t.Fatal(err)
			}
			for _, call := range []string{"state victim", "exec victim /bin/true", "delete victim"} {
				cmd := fmt.Sprintf("env -u XDG_RUNTIME_DIR TMPDIR=%s OSHIM_CONFIG=%s OSHIM_RUNTIME=/usr/bin/runc %s %s", tmp, cfg, oshim, call)
				r := harness.Run(t, nil, "su", user, "-s", "/bin/sh", "-c", cmd)
				if r.Code == 0 || !strings.Contains(r.Stderr, "run directory") {
					t.Errorf("%s as %s: exit %d, stderr %q; want the run directory refused", call, user, r.Code, r.Stderr)
				}
			}
			if _, err := os.Stat(mark); err == nil {
				t.Error("oshim ran a runtime path read from a planted record")
			}
		})
	}
}

func mkdir(t *testing.T, dir string, mode os.FileMode, uid int) {
	t.Helper()
	if err := os.Mkdir(dir, mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(dir, uid, uid); err != nil {
		t.Fatal(err)
	}
}

// sharedDir is a directory the unprivileged user can reach (t.TempDir's parent is
// private to root).
func sharedDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "oshim-attack-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}
