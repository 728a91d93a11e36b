package initdir

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/oshim/oshim/internal/records"
	"golang.org/x/sys/unix"
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

func TestCopyData(t *testing.T) {
	content := bytes.Repeat([]byte("oshim-init\x00"), 10000) // 110 kB: several pages
	dirs := map[string]string{"same file system": t.TempDir()}
	if st, err := os.Stat("/dev/shm"); err == nil && st.IsDir() {
		shm, err := os.MkdirTemp("/dev/shm", "initdir-test-")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.RemoveAll(shm) })
		dirs["from tmpfs"] = shm
	}
	tests := []struct {
		description string
		content     []byte
		size        int64 // what the caller believes the size is
		appendMode  bool  // sendfile refuses an O_APPEND target: read and write take over
		wantErr     bool
	}{
		{description: "empty", content: nil, size: 0},
		{description: "one byte", content: []byte{1}, size: 1},
		{description: "many pages", content: content, size: int64(len(content))},
		{description: "sendfile refused", content: content, size: int64(len(content)), appendMode: true},
		{description: "the file shrank", content: content[:100], size: 200, wantErr: true},
	}
	for dirName, srcDir := range dirs {
		for _, tc := range tests {
			t.Run(dirName+"/"+tc.description, func(t *testing.T) {
				srcPath := filepath.Join(srcDir, "src")
				if err := os.WriteFile(srcPath, tc.content, 0o644); err != nil {
					t.Fatal(err)
				}
				src, err := unix.Open(srcPath, unix.O_RDONLY|unix.O_CLOEXEC, 0)
				if err != nil {
					t.Fatal(err)
				}
				defer unix.Close(src)
				dstPath := filepath.Join(t.TempDir(), "dst")
				flags := unix.O_CREAT | unix.O_EXCL | unix.O_WRONLY | unix.O_CLOEXEC
				if tc.appendMode {
					flags |= unix.O_APPEND
				}
				out, err := unix.Open(dstPath, flags, 0o644)
				if err != nil {
					t.Fatal(err)
				}
				err = copyData(out, src, tc.size, srcPath)
				unix.Close(out)
				if tc.wantErr {
					if err == nil {
						t.Fatal("copyData of a file shorter than its size succeeded")
					}
					return
				}
				if err != nil {
					t.Fatalf("copyData: %v", err)
				}
				if got, err := os.ReadFile(dstPath); err != nil || !bytes.Equal(got, tc.content) {
					t.Fatalf("the copy differs: %d bytes, want %d (err %v)", len(got), len(tc.content), err)
				}
			})
		}
	}
}
