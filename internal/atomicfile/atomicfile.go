// Package atomicfile writes files so that a crash leaves the old content or the new,
// never a mix: a temp file in the same directory, fsync, rename, fsync the directory
// (callers may skip the fsyncs where durability buys nothing, and the rename then
// swaps the two names so that no file system flushes on its own).
//
// It works on plain file descriptors, not os.File: a contracted create writes three
// files, and os.File sets up Go's network poller on its first use and registers every
// file it opens with it, which a file on disk never needs.
package atomicfile

import (
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"

	"golang.org/x/sys/unix"

	"github.com/oshim/oshim/internal/smallfile"
)

// Option adjusts how Write writes.
type Option func(*settings)

type settings struct {
	// prepare adjusts the new file, open as fd, before its content is written.
	prepare []func(fd int) error
	// volatile skips both fsyncs.
	volatile bool
}

// Owner gives the new file this owner when it differs from the writer's, e.g. when root
// patches a file in a rootless user's bundle.
func Owner(uid, gid uint32) Option {
	return func(s *settings) {
		s.prepare = append(s.prepare, func(fd int) error {
			var st unix.Stat_t
			if err := unix.Fstat(fd, &st); err != nil {
				return fmt.Errorf("fstat: %w", err)
			}
			if st.Uid == uid && st.Gid == gid {
				return nil
			}
			if err := unix.Fchown(fd, int(uid), int(gid)); err != nil {
				return fmt.Errorf("fchown: %w", err)
			}
			return nil
		})
	}
}

// Volatile skips every fsync, for a file that describes processes a crash of the
// machine ends anyway, such as a container's record in the run directory: other
// processes still never see it torn (the rename is atomic in the page cache), and
// after a power loss nothing reads it. On a run directory that is not a tmpfs, the two
// fsyncs cost more than the rest of the rewrite.
func Volatile() Option {
	return func(s *settings) { s.volatile = true }
}

// tempAttempts bounds the search for an unused temp name: a collision of two random
// names is rare, a hundred in a row means something else is wrong.
const tempAttempts = 100

// Write replaces path with data, with the given mode. Mode and options are applied
// through the open descriptor before the data is written, so the content is never
// reachable with looser permissions.
func Write(path string, data []byte, mode os.FileMode, opts ...Option) (err error) {
	var set settings
	for _, o := range opts {
		o(&set)
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	fd, tmp, err := createTemp(dir, "."+base+".oshim-")
	if err != nil {
		return fmt.Errorf("create temp file for %s: %w", path, err)
	}
	closed := false
	defer func() {
		if err != nil {
			if !closed {
				unix.Close(fd)
			}
			unix.Unlink(tmp)
		}
	}()
	if err = unix.Fchmod(fd, uint32(mode.Perm())); err != nil {
		return &fs.PathError{Op: "chmod", Path: tmp, Err: err}
	}
	for _, prepare := range set.prepare {
		if err = prepare(fd); err != nil {
			return fmt.Errorf("prepare %s: %w", tmp, err)
		}
	}
	if err = smallfile.WriteAll(fd, data); err != nil {
		return &fs.PathError{Op: "write", Path: tmp, Err: err}
	}
	if !set.volatile {
		if err = fsync(fd); err != nil {
			return &fs.PathError{Op: "sync", Path: tmp, Err: err}
		}
	}
	closed = true
	if err = unix.Close(fd); err != nil {
		return &fs.PathError{Op: "close", Path: tmp, Err: err}
	}
	if set.volatile {
		return replaceUnsynced(tmp, path)
	}
	if err = os.Rename(tmp, path); err != nil {
		return fmt.Errorf("rename %s to %s: %w", tmp, path, err)
	}
	d, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return &fs.PathError{Op: "open", Path: dir, Err: err}
	}
	defer unix.Close(d)
	if err = fsync(d); err != nil {
		return &fs.PathError{Op: "sync", Path: dir, Err: err}
	}
	return nil
}

// createTemp creates a new file dir/prefixNNN, readable and writable by its owner
// only, as os.CreateTemp does.
func createTemp(dir, prefix string) (int, string, error) {
	for range tempAttempts {
		name := filepath.Join(dir, prefix+strconv.FormatUint(uint64(rand.Uint32()), 10))
		fd, err := unix.Open(name, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_CLOEXEC, 0o600)
		if err == unix.EINTR || err == unix.EEXIST {
			continue
		}
		if err != nil {
			return -1, "", &fs.PathError{Op: "open", Path: name, Err: err}
		}
		return fd, name, nil
	}
	return -1, "", fmt.Errorf("no unused temp name in %s after %d attempts", dir, tempAttempts)
}

func fsync(fd int) error {
	for {
		if err := unix.Fsync(fd); err != unix.EINTR {
			return err
		}
	}
}

// replaceUnsynced puts tmp in place of the regular file at path by swapping the two
// names (renameat2 with RENAME_EXCHANGE) and removing the old content under tmp's
// name. ext4 takes a rename over an existing file as a request to write the new file's
// data out at once (its auto_da_alloc), a flush a volatile file does not want: on a
// bundle on ext4 it cost a contracted create more than writing config.json did.
// Readers see the old content or the new, as with a rename. A path that is not a
// regular file, or a file system that cannot swap, gets the plain rename.
func replaceUnsynced(tmp, path string) error {
	if st, err := os.Lstat(path); err == nil && st.Mode().IsRegular() {
		if unix.Renameat2(unix.AT_FDCWD, tmp, unix.AT_FDCWD, path, unix.RENAME_EXCHANGE) == nil {
			if err := os.Remove(tmp); err != nil {
				return fmt.Errorf("remove the old content of %s: %w", path, err)
			}
			return nil
		}
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("rename %s to %s: %w", tmp, path, err)
	}
	return nil
}
