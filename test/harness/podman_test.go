package harness

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestPodman(t *testing.T) {
	for _, rootless := range []bool{false, true} {
		name := map[bool]string{false: "root", true: "rootless"}[rootless]
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			p := NewPodman(t, rootless)
			file := p.WriteFile(t, "a/b/c", []byte("x"), 0o640)
			for _, path := range []string{p.Dir, p.Path("a"), p.Path("a/b"), file} {
				st, err := os.Stat(path)
				if err != nil {
					t.Fatal(err)
				}
				if uid := int(st.Sys().(*syscall.Stat_t).Uid); uid != p.UID {
					t.Errorf("%s belongs to uid %d, want %d", path, uid, p.UID)
				}
			}
			if st, _ := os.Stat(file); st.Mode().Perm() != 0o640 {
				t.Errorf("%s: mode %v, want 0640", file, st.Mode().Perm())
			}
			// podman itself agrees on who it runs as, and reads the test's containers.conf.
			r := p.RunOK(t, "info", "--format", "{{.Host.Security.Rootless}} {{.Host.CgroupManager}}")
			want := map[bool]string{false: "false cgroupfs", true: "true cgroupfs"}[rootless]
			if got := strings.TrimSpace(r.Stdout); got != want {
				t.Errorf("podman info: %q, want %q", got, want)
			}
			// A command line with quotes and spaces reaches podman's container intact.
			p.Import(t, Image{Ref: "localhost/oshim-test/busybox:1"})
			r = p.RunOK(t, "run", "--rm", "localhost/oshim-test/busybox:1", "echo", "a 'b' \"c\"")
			if r.Stdout != "a 'b' \"c\"\n" {
				t.Errorf("echo through podman: %q", r.Stdout)
			}
			if _, err := os.Stat(filepath.Join(p.Dir, "storage")); err != nil {
				t.Errorf("the storage is not in the test's directory: %v", err)
			}
		})
	}
}
