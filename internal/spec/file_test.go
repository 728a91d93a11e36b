package spec

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// writeConfig writes data as dir/config.json with mode and returns its path.
func writeConfig(tb testing.TB, dir string, data []byte, mode os.FileMode) string {
	tb.Helper()
	path := filepath.Join(dir, "config.json")
	if err := os.WriteFile(path, data, mode); err != nil {
		tb.Fatalf("write config: %v", err)
	}
	// WriteFile's mode is filtered by the umask.
	if err := os.Chmod(path, mode); err != nil {
		tb.Fatalf("chmod config: %v", err)
	}
	return path
}

// checkNoTemp fails if Save left a temporary file in dir.
func checkNoTemp(tb testing.TB, dir string) {
	tb.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		tb.Fatalf("read dir: %v", err)
	}
	for _, e := range entries {
		if strings.Contains(e.Name(), ".oshim-") {
			tb.Errorf("temporary file %s left in %s", e.Name(), dir)
		}
	}
}

func TestLoadSave(t *testing.T) {
	data := readTestdata(t, "podman.json")
	tests := []struct {
		name string
		mode os.FileMode
	}{
		{"private file", 0o600},
		{"world-readable file", 0o644},
		{"group-readable file", 0o640},
		{"executable file", 0o755},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := writeConfig(t, dir, data, tt.mode)
			f, err := Load(path)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if f.Mode != tt.mode || f.Path != path {
				t.Errorf("Load = path %s mode %v, want %s %v", f.Path, f.Mode, path, tt.mode)
			}
			if f.Changed() {
				t.Error("Changed after Load")
			}
			// A reader that opened the file before Save must keep seeing the old content:
			// Save never truncates or rewrites the file in place.
			old, err := os.Open(path)
			if err != nil {
				t.Fatalf("open: %v", err)
			}
			defer old.Close()
			if err := f.Object.Set(4242, "process", "user", "uid"); err != nil {
				t.Fatalf("Set: %v", err)
			}
			if !f.Changed() {
				t.Error("not Changed after Set")
			}
			if err := f.Save(); err != nil {
				t.Fatalf("Save: %v", err)
			}
			if f.Changed() {
				t.Error("Changed after Save")
			}
			info, err := os.Stat(path)
			if err != nil {
				t.Fatalf("stat: %v", err)
			}
			if info.Mode() != tt.mode {
				t.Errorf("mode after Save = %v, want %v", info.Mode(), tt.mode)
			}
			checkNoTemp(t, dir)
			var oldData bytes.Buffer
			if _, err := oldData.ReadFrom(old); err != nil {
				t.Fatalf("read old descriptor: %v", err)
			}
			if !bytes.Equal(oldData.Bytes(), data) {
				t.Error("the file was changed in place; an open descriptor sees new content")
			}
			saved, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("read saved: %v", err)
			}
			checkOnlySet(t, data, saved, []byte("4242"), []string{"process", "user", "uid"})
		})
	}
}

func TestSaveKeepsOwner(t *testing.T) {
	// As root, give the file another owner so Save has to restore it; otherwise the
	// caller's own ids are all a test can set.
	uid, gid := os.Getuid(), os.Getgid()
	if os.Geteuid() == 0 {
		uid, gid = 4321, 8765
	}
	dir := t.TempDir()
	path := writeConfig(t, dir, []byte(`{"a":1}`), 0o600)
	if err := os.Chown(path, uid, gid); err != nil {
		t.Fatalf("chown: %v", err)
	}
	f, err := Load(path)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if err := f.Object.Set(2, "a"); err != nil {
		t.Fatalf("Set: %v", err)
	}
	if err := f.Save(); err != nil {
		t.Fatalf("Save: %v", err)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatalf("stat: %v", err)
	}
	st := info.Sys().(*syscall.Stat_t)
	if int(st.Uid) != uid || int(st.Gid) != gid {
		t.Errorf("owner after Save = %d:%d, want %d:%d", st.Uid, st.Gid, uid, gid)
	}
}

func TestLoadFollowsSymlinkSaveReplacesIt(t *testing.T) {
	dir := t.TempDir()
	target := writeConfig(t, t.TempDir(), []byte(`{"a":1}`), 0o640)
	link := filepath.Join(dir, "config.json")
	if err := os.Symlink(target, link); err != nil {
		t.Fatalf("symlink: %v", err)
	}
	f, err := Load(link)
	if err != nil {
		t.Fatalf("Load through a symlink: %v", err)
	}
	if f.Mode != 0o640 {
		t.Errorf("Mode = %v, want the target's 0640", f.Mode)
	}
	if err := f.Object.Set(2, "a"); err != nil {
		t.Fatalf("Set: %v", err)
	}
	if err := f.Save(); err != nil {
		t.Fatalf("Save: %v", err)
	}
	info, err := os.Lstat(link)
	if err != nil {
		t.Fatalf("lstat: %v", err)
	}
	if !info.Mode().IsRegular() || info.Mode().Perm() != 0o640 {
		t.Errorf("after Save %s is %v, want a regular file with mode 0640", link, info.Mode())
	}
	if got, _ := os.ReadFile(target); string(got) != `{"a":1}` {
		t.Errorf("symlink target changed to %s", got)
	}
	if got, _ := os.ReadFile(link); compact(t, got) != `{"a":2}` {
		t.Errorf("saved content = %s, want {\"a\":2}", got)
	}
}

func TestLoadRejects(t *testing.T) {
	tests := []struct {
		name    string
		setup   func(t *testing.T, dir string) string
		wantErr string
		is      error
	}{
		{"missing file", func(t *testing.T, dir string) string {
			return filepath.Join(dir, "config.json")
		}, "read DIR/config.json: no such file or directory", fs.ErrNotExist},
		{"directory", func(t *testing.T, dir string) string {
			return dir
		}, "read DIR: is a directory, want a regular file", nil},
		{"named pipe", func(t *testing.T, dir string) string {
			return mkfifo(t, filepath.Join(dir, "config.json"))
		}, "read DIR/config.json: is a named pipe", nil},
		{"symlink to a named pipe", func(t *testing.T, dir string) string {
			fifo := mkfifo(t, filepath.Join(dir, "fifo"))
			return symlink(t, fifo, filepath.Join(dir, "config.json"))
		}, "read DIR/config.json: is a named pipe", nil},
		{"character device", func(t *testing.T, dir string) string {
			return symlink(t, os.DevNull, filepath.Join(dir, "config.json"))
		}, "read DIR/config.json: is a device", nil},
		{"dangling symlink", func(t *testing.T, dir string) string {
			return symlink(t, filepath.Join(dir, "nowhere"), filepath.Join(dir, "config.json"))
		}, "read DIR/config.json: no such file or directory", fs.ErrNotExist},
		{"larger than MaxSize", func(t *testing.T, dir string) string {
			path := writeConfig(t, dir, []byte(`{}`), 0o644)
			if err := os.Truncate(path, MaxSize+1); err != nil {
				t.Fatalf("truncate: %v", err)
			}
			return path
		}, "read DIR/config.json: file is " + strconv.Itoa(MaxSize+1) + " bytes, larger than the limit of " + strconv.Itoa(MaxSize), nil},
		{"array instead of an object", func(t *testing.T, dir string) string {
			return writeConfig(t, dir, []byte(`[{"ociVersion":"1.0.2"}]`), 0o644)
		}, "parse DIR/config.json: invalid JSON at byte offset 0: top-level value is an array, want a JSON object", nil},
		{"empty file", func(t *testing.T, dir string) string {
			return writeConfig(t, dir, nil, 0o644)
		}, "parse DIR/config.json: invalid JSON at byte offset 0: empty input", nil},
		{"duplicate keys", func(t *testing.T, dir string) string {
			return writeConfig(t, dir, []byte(`{"process":{"capabilities":{},"capabilities":{}}}`), 0o644)
		}, "parse DIR/config.json: duplicate key process.capabilities at byte offset 30", nil},
		{"invalid JSON", func(t *testing.T, dir string) string {
			return writeConfig(t, dir, []byte(`{"a":1,}`), 0o644)
		}, "parse DIR/config.json: invalid JSON at byte offset 7", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			f, err := Load(tt.setup(t, dir))
			want := strings.ReplaceAll(tt.wantErr, "DIR", dir)
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Fatalf("Load = %v, %v; want an error containing %q", f, err, want)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("errors.Is(%v, %v) = false", err, tt.is)
			}
		})
	}
}

func TestLoadAcceptsMaxSize(t *testing.T) {
	data := []byte(`{"a":"` + strings.Repeat("x", MaxSize-8) + `"}`)
	if len(data) != MaxSize {
		t.Fatalf("test data is %d bytes, want %d", len(data), MaxSize)
	}
	f, err := Load(writeConfig(t, t.TempDir(), data, 0o644))
	if err != nil {
		t.Fatalf("Load of exactly MaxSize bytes: %v", err)
	}
	if raw, _ := f.Object.Get("a"); len(raw) != MaxSize-6 {
		t.Errorf("Get(a) is %d bytes, want %d", len(raw), MaxSize-6)
	}
}

func TestSaveFailureRemovesTemp(t *testing.T) {
	tests := []struct {
		name string
		// breakIt makes the Save of path fail and returns a function that undoes it.
		breakIt func(t *testing.T, path string) (undo func())
		wantErr string
	}{
		{"path became a non-empty directory", func(t *testing.T, path string) func() {
			if err := os.Remove(path); err != nil {
				t.Fatalf("remove: %v", err)
			}
			if err := os.MkdirAll(filepath.Join(path, "sub"), 0o755); err != nil {
				t.Fatalf("mkdir: %v", err)
			}
			return func() {}
		}, "save DIR/config.json: rename"},
		{"write fails at the file size limit", func(t *testing.T, path string) func() {
			// RLIMIT_FSIZE is process-wide: it is lowered only around the Save. Go
			// ignores SIGXFSZ, so the write fails with EFBIG instead of killing the test.
			var old syscall.Rlimit
			if err := syscall.Getrlimit(syscall.RLIMIT_FSIZE, &old); err != nil {
				t.Fatalf("getrlimit: %v", err)
			}
			low := old
			low.Cur = 16
			if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &low); err != nil {
				t.Fatalf("setrlimit: %v", err)
			}
			return func() {
				if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &old); err != nil {
					t.Fatalf("restore RLIMIT_FSIZE: %v", err)
				}
			}
		}, "save DIR/config.json: write DIR/.config.json.oshim-"},
		{"directory removed", func(t *testing.T, path string) func() {
			if err := os.RemoveAll(filepath.Dir(path)); err != nil {
				t.Fatalf("remove dir: %v", err)
			}
			return func() {}
		}, "save DIR/config.json: create temp file for DIR/config.json: open DIR/.config.json.oshim-"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "bundle")
			if err := os.Mkdir(dir, 0o755); err != nil {
				t.Fatalf("mkdir: %v", err)
			}
			path := writeConfig(t, dir, readTestdata(t, "runc.json"), 0o644)
			f, err := Load(path)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			undo := tt.breakIt(t, path)
			err = f.Save()
			undo()
			want := strings.ReplaceAll(tt.wantErr, "DIR", dir)
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Fatalf("Save error = %v, want one containing %q", err, want)
			}
			if _, statErr := os.Stat(dir); statErr == nil {
				checkNoTemp(t, dir)
			}
		})
	}
}

func TestSaveWithoutObject(t *testing.T) {
	f := &File{Path: filepath.Join(t.TempDir(), "config.json"), Mode: 0o644}
	if err := f.Save(); err == nil || !strings.Contains(err.Error(), "no object") {
		t.Errorf("Save without an Object = %v, want a \"no object\" error", err)
	}
}

func TestChangedAfterReplacingObject(t *testing.T) {
	f, err := Load(writeConfig(t, t.TempDir(), []byte(`{}`), 0o644))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	f.Object = mustParse(t, `{}`)
	if !f.Changed() {
		t.Error("Changed = false after the Object was replaced")
	}
}

func mkfifo(t *testing.T, path string) string {
	t.Helper()
	if err := syscall.Mkfifo(path, 0o644); err != nil {
		t.Fatalf("mkfifo: %v", err)
	}
	return path
}

func symlink(t *testing.T, target, path string) string {
	t.Helper()
	if err := os.Symlink(target, path); err != nil {
		t.Fatalf("symlink: %v", err)
	}
	return path
}
