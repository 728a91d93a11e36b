package records

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOpenRefusesRunDir: a run directory someone else made, or can write into, is
// refused, so another local user cannot plant records that uncap exec sessions or
// binaries that run in containers.
func TestOpenRefusesRunDir(t *testing.T) {
	tests := []struct {
		description string
		setup       func(t *testing.T, dir string) error
		wantErr     string
	}{
		{description: "writable by others", wantErr: "writable by others", setup: func(t *testing.T, dir string) error {
			if err := os.Mkdir(dir, 0o700); err != nil {
				return err
			}
			return os.Chmod(dir, 0o777)
		}},
		{description: "a symlink", wantErr: "not a directory", setup: func(t *testing.T, dir string) error {
			return os.Symlink(t.TempDir(), dir)
		}},
		{description: "another user's", wantErr: "another user", setup: func(t *testing.T, dir string) error {
			if err := os.Mkdir(dir, 0o700); err != nil {
				return err
			}
			// As root this gives the directory away; the tests run as root (make test).
			return os.Chown(dir, 65534, 65534)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.description, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "run")
			if err := tc.setup(t, dir); err != nil {
				t.Fatal(err)
			}
			_, err := Open(dir)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("Open error = %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
}

func TestOpenCreatesAPrivateDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "run")
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(s.Dir)
	if err != nil || st.Mode().Perm() != 0o700 {
		t.Fatalf("run directory %v, %v: want mode 0700", st.Mode(), err)
	}
	if _, err := Open(dir); err != nil {
		t.Fatalf("Open of an existing own directory: %v", err)
	}
}

// TestRootSpellings: one runtime root reached through a symlink is one root.
func TestRootSpellings(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "run", "crun")
	if err := os.MkdirAll(real, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "run"), filepath.Join(dir, "varrun")); err != nil {
		t.Fatal(err)
	}
	s := Store{Dir: filepath.Join(dir, "oshim")}
	if err := s.Save(&Container{ID: "c1", Root: filepath.Join(dir, "varrun", "crun")}); err != nil {
		t.Fatal(err)
	}
	for _, root := range []string{real, real + "/", filepath.Join(dir, "varrun", "crun")} {
		if _, found, err := s.Load(root, "c1"); err != nil || !found {
			t.Errorf("record under root %s: found %t, %v", root, found, err)
		}
	}
	// delete removes the record by whichever spelling of the root the engine passes.
	if err := s.Remove(filepath.Join(dir, "varrun", "crun")+"/", "c1"); err != nil {
		t.Fatalf("Remove: %v", err)
	}
	if _, found, err := s.Load(real, "c1"); err != nil || found {
		t.Errorf("record after Remove: found %t, %v", found, err)
	}
	if err := s.Remove(real, "c2"); err != nil {
		t.Errorf("Remove of a container without a record: %v", err)
	}
	if err := s.Remove(real, "../c1"); err == nil {
		t.Error("Remove accepted an id that is not a container id")
	}
}

// TestRootKeyBeforeTheRootExists: the runtime makes its root on its first create, after
// oshim recorded the container under the root's key; a root reached through a
// symlink must keep that key once it exists.
func TestRootKeyBeforeTheRootExists(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "run"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "run"), filepath.Join(dir, "varrun")); err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(dir, "varrun", "crun", "state")
	before := resolveRootKey(root)
	if err := os.MkdirAll(filepath.Join(dir, "run", "crun", "state"), 0o700); err != nil {
		t.Fatal(err)
	}
	after := resolveRootKey(root)
	direct := resolveRootKey(filepath.Join(dir, "run", "crun", "state"))
	if before != after || after != direct {
		t.Fatalf("keys: %s before the root exists, %s after, %s by its real path; want one key", before, after, direct)
	}
	if got, want := resolveRoot("/no/such/root/"), "/no/such/root"; got != want {
		t.Fatalf("resolveRoot of a missing root = %s, want %s", got, want)
	}
}

// TestRootKeyIsStable: a record's directory is named by the first 8 bytes of the
// SHA-256 of its resolved root, as every earlier version named it, so the records of
// containers created before an upgrade are found after it.
func TestRootKeyIsStable(t *testing.T) {
	if got, want := resolveRootKey("/nonexistent-oshim-test/crun"), "695826d4d3b4cbe2"; got != want {
		t.Fatalf("key = %s, want %s", got, want)
	}
}
