package atomicfile

import (
	"os"
	"path/filepath"
	"testing"
)

func TestWrite(t *testing.T) {
	tests := []struct {
		description string
		existing    []byte
		mode        os.FileMode
		opts        []Option
	}{
		{description: "new file gets the mode", mode: 0o640},
		{description: "replaces an existing file", existing: []byte("old"), mode: 0o600},
		{description: "mode is not subject to the umask", mode: 0o666},
		{description: "replaces without syncing", existing: []byte("old"), mode: 0o644, opts: []Option{Volatile()}},
		{description: "volatile: no sync at all", existing: []byte("old"), mode: 0o600, opts: []Option{Volatile()}},
		{description: "owner and no sync together", mode: 0o644, opts: []Option{Owner(uint32(os.Getuid()), uint32(os.Getgid())), Volatile()}},
	}
	for _, tc := range tests {
		t.Run(tc.description, func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, "f.json")
			if tc.existing != nil {
				if err := os.WriteFile(p, tc.existing, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if err := Write(p, []byte("new"), tc.mode, tc.opts...); err != nil {
				t.Fatalf("Write: %v", err)
			}
			got, err := os.ReadFile(p)
			if err != nil || string(got) != "new" {
				t.Fatalf("content = %q, %v; want \"new\"", got, err)
			}
			st, _ := os.Stat(p)
			if st.Mode().Perm() != tc.mode {
				t.Fatalf("mode = %v, want %v", st.Mode().Perm(), tc.mode)
			}
			entries, _ := os.ReadDir(dir)
			if len(entries) != 1 {
				t.Fatalf("directory holds %d entries, want 1 (temp file left behind?)", len(entries))
			}
		})
	}
}

func TestWriteFailureLeavesNoTempFile(t *testing.T) {
	for _, tc := range []struct {
		description string
		opts        []Option
	}{
		{description: "synced"},
		// The swap of a volatile write must not put the file in a directory's place.
		{description: "volatile", opts: []Option{Volatile()}},
	} {
		t.Run(tc.description, func(t *testing.T) {
			dir := t.TempDir()
			// A directory in place of the target makes the rename fail after the temp file exists.
			target := filepath.Join(dir, "target")
			if err := os.Mkdir(target, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(target, "x"), nil, 0o644); err != nil {
				t.Fatal(err)
			}
			if err := Write(target, []byte("x"), 0o644, tc.opts...); err == nil {
				t.Fatal("Write over a non-empty directory succeeded")
			}
			if st, err := os.Lstat(target); err != nil || !st.IsDir() {
				t.Fatalf("the directory was replaced: %v, %v", st, err)
			}
			entries, _ := os.ReadDir(dir)
			if len(entries) != 1 {
				t.Fatalf("directory holds %d entries after a failed write, want 1", len(entries))
			}
		})
	}
}

// TestVolatileWriteReplacesSymlink keeps what a rename did: the link itself is
// replaced by the new file, and what it pointed to is left alone.
func TestVolatileWriteReplacesSymlink(t *testing.T) {
	dir := t.TempDir()
	pointee := filepath.Join(dir, "pointee")
	if err := os.WriteFile(pointee, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(pointee, link); err != nil {
		t.Fatal(err)
	}
	if err := Write(link, []byte("new"), 0o644, Volatile()); err != nil {
		t.Fatalf("Write: %v", err)
	}
	if st, err := os.Lstat(link); err != nil || !st.Mode().IsRegular() {
		t.Fatalf("link is not a regular file now: %v, %v", st, err)
	}
	if got, _ := os.ReadFile(pointee); string(got) != "old" {
		t.Fatalf("the link's target changed: %q", got)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Fatalf("directory holds %d entries, want 2 (temp file left behind?)", len(entries))
	}
}
