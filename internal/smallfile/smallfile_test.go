package smallfile

import (
	"bytes"
	"errors"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

func TestRead(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o640); err != nil {
			t.Fatal(err)
		}
		return p
	}
	fifo := filepath.Join(dir, "fifo")
	if err := unix.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	link := func(name, target string) string {
		p := filepath.Join(dir, name)
		if err := os.Symlink(target, p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	big := bytes.Repeat([]byte("x"), 4096)
	tests := []struct {
		name    string
		path    string
		limit   int64
		want    []byte
		wantErr string
		is      error
	}{
		{"regular file", write("a", []byte("hello\n")), 100, []byte("hello\n"), "", nil},
		{"empty file", write("empty", nil), 100, []byte{}, "", nil},
		{"exactly the limit", write("big", big), 4096, big, "", nil},
		{"over the limit", filepath.Join(dir, "big"), 4095, nil, "file is 4096 bytes, larger than the limit of 4095", nil},
		{"symlink to a regular file", link("tofile", filepath.Join(dir, "a")), 100, []byte("hello\n"), "", nil},
		{"directory", dir, 100, nil, "is a directory, want a regular file", nil},
		{"named pipe, never opened", fifo, 100, nil, "is a named pipe, want a regular file", nil},
		{"symlink to a named pipe", link("tofifo", fifo), 100, nil, "is a named pipe, want a regular file", nil},
		{"socket", sock, 100, nil, "is a socket, want a regular file", nil},
		{"device", os.DevNull, 100, nil, "is a device, want a regular file", nil},
		{"missing", filepath.Join(dir, "nothing"), 100, nil, "no such file or directory", fs.ErrNotExist},
		{"dangling symlink", link("dangling", filepath.Join(dir, "nothing")), 100, nil, "no such file or directory", fs.ErrNotExist},
		{"a /proc file that says it is empty", "/proc/self/mountinfo", 1 << 20, nil, "", nil},
		{"a /proc file longer than its limit", "/proc/self/mountinfo", 10, nil, "file grew past the limit of 10 bytes while being read", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, st, err := Read(tt.path, tt.limit)
			if tt.wantErr != "" {
				want := "read " + tt.path + ": " + tt.wantErr
				if err == nil || err.Error() != want {
					t.Fatalf("Read = %q, %v; want error %q", data, err, want)
				}
				var pe *fs.PathError
				if !errors.As(err, &pe) {
					t.Errorf("error %v is a %T, want *fs.PathError", err, err)
				}
				if tt.is != nil && !errors.Is(err, tt.is) {
					t.Errorf("errors.Is(%v, %v) = false", err, tt.is)
				}
				return
			}
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			if st == nil || st.Mode&unix.S_IFMT != unix.S_IFREG {
				t.Fatalf("status %+v, want a regular file's", st)
			}
			if tt.want == nil {
				// A /proc file: compare with what os.ReadFile reads.
				tt.want, err = os.ReadFile(tt.path)
				if err != nil || !strings.Contains(string(tt.want), " / ") {
					t.Fatalf("os.ReadFile(%s) = %q, %v", tt.path, tt.want, err)
				}
			}
			if !bytes.Equal(data, tt.want) {
				t.Fatalf("Read = %q, want %q", data, tt.want)
			}
		})
	}
}

// Missing answers as errors.Is(err, fs.ErrNotExist) does for every error Read returns.
func TestMissing(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		path string
		want bool
	}{
		{filepath.Join(dir, "none"), true},
		{filepath.Join(dir, "none", "deeper"), true},
		{filepath.Join(file, "under-a-file"), false},
		{dir, false},
		{file, false},
	} {
		_, _, err := Read(tc.path, 1)
		if got := Missing(err); got != tc.want || got != errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Missing(%v) = %v, want %v, as errors.Is", err, got, tc.want)
		}
	}
	if Missing(nil) || Missing(unix.ENOENT) {
		t.Error("Missing said yes to an error Read does not return")
	}
}
