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
	dir := t.TempDir()
	// A directory in place of the target makes the rename fail after the temp file exists.
	target := filepath.Join(dir, "target")
	if err := os.Mkdir(target, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(target, "x"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Write(target, []byte("x"), 0o644); err == nil {
		t.Fatal("Write over a non-empty directory succeeded")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("directory holds %d entries after a failed write, want 1", len(entries))
	}
}
