package harness

import (
	"debug/elf"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// busybox must be the static build (Debian's busybox-static): the rootfs
// holds no libc.
const busybox = "/bin/busybox"

const passwd = `root:x:0:0:root:/root:/bin/sh
user:x:1000:1000:user:/home/user:/bin/sh
`

const group = `root:x:0:
user:x:1000:
`

var template struct {
	once sync.Once
	dir  string
	err  error
}

// Rootfs returns a fresh busybox root filesystem in a temporary directory of
// t: /bin/busybox with a symlink per applet, /etc/passwd and /etc/group with
// root and "user" (uid and gid 1000, home /home/user), and empty /proc, /sys,
// /dev, /tmp. Each call copies a template built once per test process, so a
// test may change its copy freely.
func Rootfs(t testing.TB) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "rootfs")
	copyRootfs(t, dst)
	return dst
}

func copyRootfs(t testing.TB, dst string) {
	t.Helper()
	dir := cacheDir(t)
	template.once.Do(func() {
		template.dir = filepath.Join(dir, "rootfs")
		template.err = BuildRootfs(template.dir)
	})
	if template.err != nil {
		t.Fatal(template.err)
	}
	if err := copyTree(template.dir, dst); err != nil {
		t.Fatalf("copy the rootfs template: %v", err)
	}
}

// BuildRootfs builds the busybox root filesystem Rootfs copies into dir, for
// programs that are not tests (the benchmark).
func BuildRootfs(dir string) error {
	if err := checkStatic(busybox); err != nil {
		return err
	}
	for _, d := range []struct {
		path string
		mode os.FileMode
	}{
		{"bin", 0o755}, {"etc", 0o755}, {"proc", 0o555}, {"sys", 0o555}, {"dev", 0o755},
		{"tmp", 0o777 | os.ModeSticky}, {"root", 0o700}, {"home/user", 0o755},
	} {
		p := filepath.Join(dir, d.path)
		if err := os.MkdirAll(p, 0o755); err != nil {
			return fmt.Errorf("build rootfs: %w", err)
		}
		if err := os.Chmod(p, d.mode); err != nil {
			return fmt.Errorf("build rootfs: %w", err)
		}
	}
	if err := os.Chown(filepath.Join(dir, "home/user"), 1000, 1000); err != nil {
		return fmt.Errorf("build rootfs: %w", err)
	}
	if err := copyFile(busybox, filepath.Join(dir, "bin/busybox"), 0o755); err != nil {
		return fmt.Errorf("build rootfs: %w", err)
	}
	list, err := exec.Command(busybox, "--list").Output()
	if err != nil {
		return fmt.Errorf("build rootfs: %s --list: %w", busybox, err)
	}
	for _, applet := range strings.Fields(string(list)) {
		// The list names busybox itself; a link would replace the binary.
		if applet == "busybox" || strings.Contains(applet, "/") {
			continue
		}
		if err := os.Symlink("busybox", filepath.Join(dir, "bin", applet)); err != nil {
			return fmt.Errorf("build rootfs: %w", err)
		}
	}
	for name, content := range map[string]string{"etc/passwd": passwd, "etc/group": group} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			return fmt.Errorf("build rootfs: %w", err)
		}
	}
	return nil
}

// checkStatic fails for a missing or dynamically linked binary.
func checkStatic(path string) error {
	f, err := elf.Open(path)
	if err != nil {
		return fmt.Errorf("%w: apt-get install busybox-static", err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			return fmt.Errorf("%s is dynamically linked, the rootfs has no libc: apt-get install busybox-static", path)
		}
	}
	return nil
}

// copyTree copies directories, regular files and symlinks with their modes
// and owners.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch mode := info.Mode(); {
		case mode.IsDir():
			if err := os.Mkdir(target, 0o700); err != nil {
				return err
			}
			if err := os.Chmod(target, mode&(fs.ModePerm|fs.ModeSticky)); err != nil {
				return err
			}
		case mode&fs.ModeSymlink != 0:
			link, err := os.Readlink(path)
			if err != nil {
				return err
			}
			if err := os.Symlink(link, target); err != nil {
				return err
			}
		case mode.IsRegular():
			if err := copyFile(path, target, mode.Perm()); err != nil {
				return err
			}
		default:
			return fmt.Errorf("%s: unsupported file type %v", path, mode.Type())
		}
		if st, ok := info.Sys().(*syscall.Stat_t); ok {
			return os.Lchown(target, int(st.Uid), int(st.Gid))
		}
		return nil
	})
}

// copyFile writes a new file at dst (it must not exist) with mode perm.
func copyFile(src, dst string, perm os.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return fmt.Errorf("copy %s to %s: %w", src, dst, err)
	}
	if err := out.Chmod(perm); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
