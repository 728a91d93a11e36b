// Package initdir prepares and reads a container's init directory: the host directory
// holding the container's own copy of oshim-init and the FIFO it reports through,
// mounted at initproc.MountDir. Runtime mode and hook mode share it.
package initdir

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"

	"github.com/oshim/oshim/internal/initproc"
	"github.com/oshim/oshim/internal/records"
	"github.com/oshim/oshim/internal/smallfile"
)

// Prepare makes a fresh init directory for container id in runtime root of store s,
// and returns its path: a copy of the oshim-init at init (see Source) and an empty
// result FIFO. The copy is
// never the host's binary and never shared: a container that remounts it read-write
// and overwrites it changes only its own copy.
func Prepare(s records.Store, root, id, init string) (string, error) {
	dir, err := s.InitDir(root, id)
	if err != nil {
		return "", err
	}
	// A leftover from an earlier container with the same id must not be reused.
	if err := os.RemoveAll(dir); err != nil {
		return "", fmt.Errorf("remove stale %s: %w", dir, err)
	}
	// The container's directory is the caller's alone: the FIFO below it must be
	// reachable only through the container's bind mount, so that no other local user
	// can write a verdict into it.
	if err := os.MkdirAll(filepath.Dir(dir), 0o700); err != nil {
		return "", fmt.Errorf("create %s: %w", filepath.Dir(dir), err)
	}
	if err := os.Chmod(filepath.Dir(dir), 0o700); err != nil {
		return "", fmt.Errorf("chmod %s: %w", filepath.Dir(dir), err)
	}
	if err := os.Mkdir(dir, 0o755); err != nil {
		return "", fmt.Errorf("create %s: %w", dir, err)
	}
	if err := copyInit(init, BinaryPath(dir)); err != nil {
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

// Source is the oshim-init to give Prepare: the file initproc.HostBinary beside the
// running oshim, as `make build` and the install instructions place it. The running
// binary's path is read from /proc/self/exe, which the kernel gives with every symlink
// resolved: a symlink to oshim (in /usr/local/bin, say) finds the init beside the real
// file.
func Source() (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("find the oshim executable: %w", err)
	}
	return filepath.Join(filepath.Dir(exe), initproc.HostBinary), nil
}

// copyInit copies the init at path to dst, through plain descriptors: an os.File would
// set up Go's network poller for two files on disk.
func copyInit(path, dst string) error {
	src, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC|unix.O_NONBLOCK, 0)
	if err != nil {
		return fmt.Errorf("open the in-container init: %w: build it with oshim (make build) and install it beside oshim as %s", &fs.PathError{Op: "open", Path: path, Err: err}, initproc.HostBinary)
	}
	defer unix.Close(src)
	size, err := requireStatic(src, path)
	if err != nil {
		return err
	}
	out, err := unix.Open(dst, unix.O_CREAT|unix.O_EXCL|unix.O_WRONLY|unix.O_CLOEXEC, 0o555)
	if err != nil {
		return fmt.Errorf("create %s: %w", dst, err)
	}
	if err := copyData(out, src, size, path); err != nil {
		unix.Close(out)
		return fmt.Errorf("copy %s to %s: %w", path, dst, err)
	}
	if err := unix.Close(out); err != nil {
		return fmt.Errorf("close %s: %w", dst, err)
	}
	return nil
}

// copyData copies the size bytes of src (named name) to out with sendfile(2), so the
// kernel moves them from the page cache. Reading them into a fresh 32 KiB buffer first
// faulted in that buffer's pages, most of what the copy cost a contracted create. A
// file system that cannot sendfile between the two files gets read and write.
func copyData(out, src int, size int64, name string) error {
	var off int64
	for off < size {
		n, err := unix.Sendfile(out, src, &off, int(size-off))
		if off == 0 && (errors.Is(err, unix.EINVAL) || errors.Is(err, unix.ENOSYS)) {
			return readWrite(out, src, size, name)
		}
		if err == unix.EINTR || err == unix.EAGAIN {
			continue
		}
		if err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("%s ended at byte %d of %d", name, off, size)
		}
	}
	return nil
}

// readWrite is copyData without sendfile.
func readWrite(out, src int, size int64, name string) error {
	buf := make([]byte, 32<<10)
	var off int64
	for off < size {
		n, err := unix.Pread(src, buf[:min(int64(len(buf)), size-off)], off)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("%s ended at byte %d of %d", name, off, size)
		}
		if err := smallfile.WriteAll(out, buf[:n]); err != nil {
			return err
		}
		off += int64(n)
	}
	return nil
}

// fdReader reads a file at offsets through its descriptor, for hasInterp.
type fdReader int

func (fd fdReader) ReadAt(p []byte, off int64) (int, error) {
	n, err := unix.Pread(int(fd), p, off)
	switch {
	case err != nil:
		return 0, err
	case n < len(p):
		return n, io.ErrUnexpectedEOF
	}
	return n, nil
}

// requireStatic refuses an init that is not a static executable: inside a container a
// loader and libc are not there, and every contracted container would fail to start.
// It returns the file's size.
func requireStatic(fd int, name string) (int64, error) {
	fix := "rebuild it with oshim (make build) and install it beside oshim as " + initproc.HostBinary
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return 0, fmt.Errorf("stat the in-container init %s: %w", name, err)
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG || st.Mode&0o111 == 0 {
		return 0, fmt.Errorf("the in-container init %s is not an executable file (mode %#o): %s", name, st.Mode, fix)
	}
	dynamic, err := hasInterp(fdReader(fd))
	if err != nil {
		return 0, fmt.Errorf("the in-container init %s is not a static executable: %w: %s", name, err, fix)
	}
	if dynamic {
		return 0, fmt.Errorf("the in-container init %s is dynamically linked, so it cannot run inside a container: %s", name, fix)
	}
	return st.Size, nil
}
