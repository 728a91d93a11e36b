package harness

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"
)

func TestRootfs(t *testing.T) {
	a, b := Rootfs(t), Rootfs(t)
	if a == b {
		t.Fatal("two calls returned the same directory")
	}
	tests := []struct {
		name  string
		check func(dir string) error
	}{
		{name: "busybox is a regular executable", check: func(dir string) error {
			return wantMode(filepath.Join(dir, "bin/busybox"), 0o755)
		}},
		{name: "sh links to busybox", check: func(dir string) error {
			return wantLink(filepath.Join(dir, "bin/sh"), "busybox")
		}},
		{name: "tmp is sticky", check: func(dir string) error {
			return wantMode(filepath.Join(dir, "tmp"), 0o777|os.ModeSticky|os.ModeDir)
		}},
		{name: "passwd has root and user 1000", check: func(dir string) error {
			return wantFile(filepath.Join(dir, "etc/passwd"), passwd)
		}},
		{name: "group has root and user 1000", check: func(dir string) error {
			return wantFile(filepath.Join(dir, "etc/group"), group)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.check(a); err != nil {
				t.Error(err)
			}
		})
	}
	if err := os.Remove(filepath.Join(a, "bin/sh")); err != nil {
		t.Fatal(err)
	}
	if err := wantLink(filepath.Join(b, "bin/sh"), "busybox"); err != nil {
		t.Errorf("a change to one copy reached the other: %v", err)
	}
}

func TestNewBundle(t *testing.T) {
	for _, name := range []string{"crun", "runc"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := NewBundle(t, Runtime(t, name))
			if !regexp.MustCompile(`^e2e-[0-9a-f]{10}$`).MatchString(b.ID) {
				t.Errorf("id %q", b.ID)
			}
			if got := b.Query(t, ".process.terminal"); got != "false" {
				t.Errorf("process.terminal = %s, want false", got)
			}
			b.SetArgs(t, "/bin/echo", "a b", "$X", "-h")
			if got := b.Query(t, ".process.args"); got != `["/bin/echo","a b","$X","-h"]` {
				t.Errorf("process.args = %s", got)
			}
			r := RunOK(t, nil, b.Argv(b.Runtime, "run", "--bundle", b.Dir, b.ID)...)
			if r.Stdout != "a b $X -h\n" {
				t.Errorf("stdout %q", r.Stdout)
			}
		})
	}
}

// TestBundleCleanup checks that a container left running is killed when
// its test ends.
func TestBundleCleanup(t *testing.T) {
	var pid int
	t.Run("leave a container", func(t *testing.T) {
		b := NewBundle(t, Runtime(t, "crun"))
		b.SetArgs(t, "sleep", "60")
		pid = Start(t, nil, b.Runtime, b).Pid
	})
	// The killed process may linger a moment until its reaper waits for it.
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, err := os.Stat(fmt.Sprintf("/proc/%d", pid)); os.IsNotExist(err) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("container process %d still exists after its test ended", pid)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestInstall(t *testing.T) {
	b := &Bundle{Dir: t.TempDir()}
	copyRootfs(t, b.RootfsDir())
	src := filepath.Join(t.TempDir(), "prog")
	if err := os.WriteFile(src, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name          string
		containerPath string
		wantHostPath  string
	}{
		{name: "new directories", containerPath: "/opt/openshell/bin/openshell-sandbox", wantHostPath: "opt/openshell/bin/openshell-sandbox"},
		{name: "dot-dot stays in the rootfs", containerPath: "/../../escape", wantHostPath: "escape"},
		{name: "replaces a symlink, not its target", containerPath: "/bin/sh", wantHostPath: "bin/sh"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b.Install(t, src, tt.containerPath)
			if err := wantFile(filepath.Join(b.RootfsDir(), tt.wantHostPath), "#!/bin/sh\n"); err != nil {
				t.Error(err)
			}
		})
	}
	busybox, err := os.ReadFile(filepath.Join(b.RootfsDir(), "bin/busybox"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.HasPrefix(busybox, []byte("#!")) {
		t.Error("installing over /bin/sh overwrote busybox")
	}
}

func wantMode(path string, want os.FileMode) error {
	info, err := os.Lstat(path)
	if err != nil {
		return err
	}
	if info.Mode() != want {
		return fmt.Errorf("%s: mode %v, want %v", path, info.Mode(), want)
	}
	return nil
}

func wantLink(path, want string) error {
	got, err := os.Readlink(path)
	if err != nil {
		return err
	}
	if got != want {
		return fmt.Errorf("%s: links to %q, want %q", path, got, want)
	}
	return nil
}

func wantFile(path, want string) error {
	info, err := os.Lstat(path)
	if err != nil {
		return err
	}
	if !info.Mode().IsRegular() {
		return fmt.Errorf("%s: mode %v, want a regular file", path, info.Mode())
	}
	got, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if string(got) != want {
		return fmt.Errorf("%s: content %q, want %q", path, got, want)
	}
	return nil
}
