// Package atomicfile writes files so that a crash leaves the old content or the new,
// never a mix: a temp file in the same directory, fsync, rename, fsync the directory
// (callers may skip the fsyncs where durability buys nothing, and the rename then
// swaps the two names so that no file system flushes on its own).
package atomicfile

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"

	"golang.org/x/sys/unix"
)

// Option adjusts how Write writes.
type Option func(*settings)

type settings struct {
	// prepare adjusts the new file before its content is written.
	prepare []func(*os.File) error
	// volatile skips both fsyncs.
	volatile bool
}

// Owner gives the new file this owner when it differs from the writer's, e.g. when root
// patches a file in a rootless user's bundle.
func Owner(uid, gid uint32) Option {
	return func(s *settings) {
		s.prepare = append(s.prepare, func(f *os.File) error {
			info, err := f.Stat()
			if err != nil {
				return err
			}
			if st, ok := info.Sys().(*syscall.Stat_t); ok && st.Uid == uid && st.Gid == gid {
				return nil
			}
			return f.Chown(int(uid), int(gid))
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
	tmp, err := os.CreateTemp(dir, "."+base+".oshim-*")
	if err != nil {
		return fmt.Errorf("create temp file for %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	// CreateTemp uses 0600; the umask must not decide the final mode either.
	if err = tmp.Chmod(mode); err != nil {
		return fmt.Errorf("chmod %s: %w", tmp.Name(), err)
	}
	for _, prepare := range set.prepare {
		if err = prepare(tmp); err != nil {
			return fmt.Errorf("prepare %s: %w", tmp.Name(), err)
		}
	}
	if _, err = tmp.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", tmp.Name(), err)
	}
	if !set.volatile {
		if err = tmp.Sync(); err != nil {
			return fmt.Errorf("sync %s: %w", tmp.Name(), err)
		}
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("close %s: %w", tmp.Name(), err)
	}
	if set.volatile {
		return replaceUnsynced(tmp.Name(), path)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("rename %s to %s: %w", tmp.Name(), path, err)
	}
	// The new content is in place; syncing the directory makes the rename durable.
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("open %s: %w", dir, err)
	}
	defer d.Close()
	if err = d.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
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
