package procfile

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/oshim/oshim/internal/runtimeargs"
	"github.com/oshim/oshim/internal/spec"
)

func TestRead(t *testing.T) {
	dir := t.TempDir()
	regular := filepath.Join(dir, "process.json")
	if err := os.WriteFile(regular, []byte(`{"args":["sh"]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := unix.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	go func() {
		f, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err == nil {
			f.Write([]byte(`{"args":["from","a","pipe"]}`))
			f.Close()
		}
	}()
	tests := []struct {
		path, want, wantErr string
	}{
		{path: regular, want: `{"args":["sh"]}`},
		{path: fifo, want: `{"args":["from","a","pipe"]}`},
		{path: dir, wantErr: "is a directory"},
		{path: "/dev/null", wantErr: "is a device"},
		{path: filepath.Join(dir, "absent"), wantErr: "no such file"},
	}
	for _, tc := range tests {
		o, err := Read(tc.path)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("Read(%s) error %v, want %q", tc.path, err, tc.wantErr)
			}
			continue
		}
		if err != nil {
			t.Fatalf("Read(%s): %v", tc.path, err)
		}
		if b, _ := o.Marshal(); compact(t, b) != tc.want {
			t.Errorf("Read(%s) = %s, want %s", tc.path, b, tc.want)
		}
	}
}

// TestHand: the process reaches the runtime through a sealed file at a descriptor
// above the ones it passes on, which nobody can change.
func TestHand(t *testing.T) {
	o, err := spec.ParseObject([]byte(`{"args":["sh"]}`))
	if err != nil {
		t.Fatal(err)
	}
	path, err := Hand(o, 40)
	if err != nil {
		t.Fatal(err)
	}
	var fd int
	if _, err := fmt.Sscanf(strings.TrimPrefix(path, "/proc/self/fd/"), "%d", &fd); err != nil || fd < 40 {
		t.Fatalf("Hand = %s, want a descriptor from 40", path)
	}
	defer unix.Close(fd)
	if flags, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0); err != nil || flags&unix.FD_CLOEXEC != 0 {
		t.Errorf("descriptor flags %d (%v): it must survive exec", flags, err)
	}
	got, err := os.ReadFile(path)
	if err != nil || compact(t, got) != `{"args":["sh"]}` {
		t.Fatalf("read back %q, %v", got, err)
	}
	if _, err := unix.Write(fd, []byte("x")); err == nil {
		t.Error("the handed file is writable")
	}
	if err := os.WriteFile(path, []byte("{}"), 0o600); err == nil {
		t.Error("the handed file can be rewritten through its path")
	}
}

func TestBuild(t *testing.T) {
	container := json.RawMessage(`{"args":["/init"],"cwd":"/srv","env":["PATH=/bin"],"user":{"uid":1000,"gid":1000,"additionalGids":[10]},"capabilities":{"bounding":["CAP_KILL"]},"rlimits":[{"type":"RLIMIT_NOFILE","hard":1,"soft":1}]}`)
	e := &runtimeargs.Exec{Command: []string{"sh", "-c", "id"}, Env: []string{"A=1"}, User: "0:5", AdditionalGids: []string{"7"}, Tty: true, NoNewPrivs: true}
	tests := []struct {
		dialect runtimeargs.Dialect
		want    string
	}{
		{runtimeargs.Runc, `{"args":["sh","-c","id"],"cwd":"/srv","env":["PATH=/bin","A=1"],"user":{"uid":0,"gid":5,"additionalGids":[10,7]},"capabilities":{"bounding":["CAP_KILL"]},"rlimits":[{"type":"RLIMIT_NOFILE","hard":1,"soft":1}],"terminal":true,"noNewPrivileges":true}`},
		{runtimeargs.Crun, `{"args":["sh","-c","id"],"terminal":true,"cwd":"/","noNewPrivileges":true,"env":["A=1"],"user":{"uid":0,"gid":5,"additionalGids":[7]}}`},
	}
	for _, tc := range tests {
		o, err := Build(e, tc.dialect, container)
		if err != nil {
			t.Fatalf("%s: %v", tc.dialect, err)
		}
		b, _ := o.Marshal()
		if got := compact(t, b); got != tc.want {
			t.Errorf("%s: Build =\n%s\nwant\n%s", tc.dialect, got, tc.want)
		}
	}
	if _, err := Build(&runtimeargs.Exec{Command: []string{"x"}, User: "root"}, runtimeargs.Runc, container); err == nil {
		t.Error("a user name was accepted; the runtimes take numbers")
	}
}

func FuzzBuild(f *testing.F) {
	f.Add(`{"args":["/init"],"user":{"uid":1}}`, "0:0", "5", "A=1", true)
	f.Add(`{}`, "x", "-1", "", false)
	f.Fuzz(func(t *testing.T, container, user, gid, env string, crun bool) {
		d := runtimeargs.Runc
		if crun {
			d = runtimeargs.Crun
		}
		e := &runtimeargs.Exec{Command: []string{"sh"}, User: user, AdditionalGids: []string{gid}, Env: []string{env}}
		o, err := Build(e, d, json.RawMessage(container))
		if err != nil {
			return
		}
		p, err := spec.ReadProcess(o)
		if err != nil || len(p.Args) != 1 || p.Args[0] != "sh" {
			t.Fatalf("built %+v, %v: want args [sh]", p, err)
		}
	})
}

func compact(t *testing.T, b []byte) string {
	t.Helper()
	var out bytes.Buffer
	if err := json.Compact(&out, b); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	return out.String()
}
