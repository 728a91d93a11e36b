// Package initdir prepares and reads a container's init directory: the host directory
// holding the container's own copy of oshim-init and the FIFO it reports through,
// mounted at initproc.MountDir. Runtime mode and hook mode share it.
package initdir

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/oshim/oshim/internal/initproc"
	"github.com/oshim/oshim/internal/report"
)

// Prepare makes a fresh init directory for container id in runtime root of store s,
// and returns its path: a copy of oshim-init and an empty result FIFO. The copy is
// never the host's binary and never shared: a container that remounts it read-write
// and overwrites it changes only its own copy.
func Prepare(s report.Store, root, id string) (string, error) {
	dir, err := s.InitDir(root, id)
	if err != nil {
		return "", err
	}
	if err := checkRunDir(s.Dir); err != nil {
		return "", err
	}
	// A leftover from an earlier container with the same id must not be reused.
	if err := os.RemoveAll(dir); err != nil {
		return "", fmt.Errorf("remove stale %s: %w", dir, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("create %s: %w", dir, err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		return "", fmt.Errorf("chmod %s: %w", dir, err)
	}
	if err := copyInit(BinaryPath(dir)); err != nil {
		return "", err
	}
	fifo := ResultPath(dir)
	if err := unix.Mkfifo(fifo, 0o600); err != nil {
		return "", fmt.Errorf("create %s: %w", fifo, err)
	}
	// The workload may run as any uid (or a user-namespaced one); it only ever writes.
	if err := os.Chmod(fifo, 0o622); err != nil {
		return "", fmt.Errorf("chmod %s: %w", fifo, err)
	}
	return dir, nil
}

// checkRunDir creates the run directory if needed and refuses one that someone else
// could write into: the binaries below it run in containers. This matters for the
// default /tmp/oshim-UID, which another user could have created first.
func checkRunDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create run directory %s: %w", dir, err)
	}
	st, err := os.Lstat(dir)
	if err != nil {
		return fmt.Errorf("run directory: %w", err)
	}
	sys, ok := st.Sys().(*syscall.Stat_t)
	switch {
	case !st.IsDir():
		return fmt.Errorf("run directory %s is not a directory (a symlink?): give run_dir as a real directory", dir)
	case !ok || int(sys.Uid) != os.Geteuid():
		return fmt.Errorf("run directory %s belongs to another user: remove it, or set run_dir to a directory of your own", dir)
	case st.Mode().Perm()&0o022 != 0:
		return fmt.Errorf("run directory %s is writable by others (mode %v): chmod go-w it", dir, st.Mode().Perm())
	}
	return nil
}

// BinaryPath is the host path of the container's copy of oshim-init in dir.
func BinaryPath(dir string) string { return filepath.Join(dir, filepath.Base(initproc.Binary)) }

// ResultPath is the host path of the result FIFO in dir.
func ResultPath(dir string) string { return filepath.Join(dir, filepath.Base(initproc.ResultPipe)) }

// DropCopy removes the container's copy of oshim-init once it has run: a
// crash-looping container must not fill the run directory with binaries. The running
// container keeps its mount of the file; the host needs the copy no longer.
func DropCopy(dir string) error {
	if err := os.Remove(BinaryPath(dir)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("remove the container's init copy: %w", err)
	}
	return nil
}

// source overrides where the init is copied from; empty means beside oshim.
var source string

// UseSource makes Prepare copy path instead of the installed oshim-init until restore
// is called. It is for tests of packages that call Prepare, whose test binary has no
// oshim-init beside it.
func UseSource(path string) (restore func()) {
	old := source
	source = path
	return func() { source = old }
}

// Source is the oshim-init that Prepare copies: the file initproc.HostBinary beside the
// running oshim, symlinks resolved, as `make build` and the install instructions place
// it.
func Source() (string, error) {
	if source != "" {
		return source, nil
	}
	exe, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("find the oshim executable: %w", err)
	}
	if resolved, err := filepath.EvalSymlinks(exe); err == nil {
		exe = resolved
	}
	return filepath.Join(filepath.Dir(exe), initproc.HostBinary), nil
}

func copyInit(dst string) error {
	path, err := Source()
	if err != nil {
		return err
	}
	src, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("open the in-container init: %w: build it with oshim (make build) and install it beside oshim as %s", err, initproc.HostBinary)
	}
	defer src.Close()
	if err := requireStatic(src); err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o555)
	if err != nil {
		return fmt.Errorf("create %s: %w", dst, err)
	}
	if _, err := io.Copy(out, src); err != nil {
		out.Close()
		return fmt.Errorf("copy %s to %s: %w", path, dst, err)
	}
	if err := out.Close(); err != nil {
		return fmt.Errorf("close %s: %w", dst, err)
	}
	return nil
}

// requireStatic refuses an init that is not a static executable: inside a container a
// loader and libc are not there, and every contracted container would fail to start.
func requireStatic(f *os.File) error {
	fix := "rebuild it with oshim (make build) and install it beside oshim as " + initproc.HostBinary
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("stat the in-container init %s: %w", f.Name(), err)
	}
	if !st.Mode().IsRegular() || st.Mode().Perm()&0o111 == 0 {
		return fmt.Errorf("the in-container init %s is not an executable file (mode %v): %s", f.Name(), st.Mode(), fix)
	}
	dynamic, err := hasInterp(f)
	if err != nil {
		return fmt.Errorf("the in-container init %s is not a static executable: %w: %s", f.Name(), err, fix)
	}
	if dynamic {
		return fmt.Errorf("the in-container init %s is dynamically linked, so it cannot run inside a container: %s", f.Name(), fix)
	}
	return nil
}
