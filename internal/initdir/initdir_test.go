package initdir

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/oshim/oshim/internal/records"
)

func TestPrepare(t *testing.T) {
	s := records.Store{Dir: filepath.Join(t.TempDir(), "run")}
	dir, err := Prepare(s, "", "c1", testInit)
	if err != nil {
		t.Fatalf("Prepare: %v", err)
	}
	want, _ := s.InitDir("", "c1")
	if dir != want {
		t.Fatalf("Prepare = %s, want %s", dir, want)
	}
	tests := []struct {
		description string
		path        string
		wantMode    os.FileMode
	}{
		{description: "the directory is readable by the container's user", path: dir, wantMode: os.ModeDir | 0o755},
		{description: "the copy is read-only and executable", path: BinaryPath(dir), wantMode: 0o555},
		{description: "the FIFO only takes writes from others", path: ResultPath(dir), wantMode: os.ModeNamedPipe | 0o622},
		{description: "the run directory is private", path: s.Dir, wantMode: os.ModeDir | 0o700},
	}
	for _, tc := range tests {
		t.Run(tc.description, func(t *testing.T) {
			st, err := os.Lstat(tc.path)
			if err != nil {
				t.Fatal(err)
			}
			if st.Mode() != tc.wantMode {
				t.Fatalf("%s: mode %v, want %v", tc.path, st.Mode(), tc.wantMode)
			}
		})
	}

	if got, err := os.ReadFile(BinaryPath(dir)); err != nil || !bytes.Equal(got, fakeELF(false)) {
		t.Fatalf("the copy differs from the running binary (err %v)", err)
	}

	// A second Prepare for the same id starts over.
	if err := os.WriteFile(filepath.Join(dir, "stale"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Prepare(s, "", "c1", testInit); err != nil {
		t.Fatalf("Prepare again: %v", err)
	}
	if _, err := os.Lstat(filepath.Join(dir, "stale")); !os.IsNotExist(err) {
		t.Fatalf("a stale file survived: %v", err)
	}

	if err := DropCopy(dir); err != nil {
		t.Fatalf("DropCopy: %v", err)
	}
	if _, err := os.Lstat(BinaryPath(dir)); !os.IsNotExist(err) {
		t.Fatalf("the copy survived DropCopy: %v", err)
	}
	if err := DropCopy(dir); err != nil {
		t.Fatalf("DropCopy of a dropped copy: %v", err)
	}
}
