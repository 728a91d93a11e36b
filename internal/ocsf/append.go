package ocsf

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"

	"github.com/oshim/oshim/internal/smallfile"
)

// ocsfAppend appends lines to path, one write each, rotating path to path+".1" before a
// line that would take it past limit. A line longer than limit still goes into a fresh
// file. It uses plain descriptors, not os.File, whose first use sets up Go's network
// poller: a contracted create writes its findings here.
func ocsfAppend(path string, limit int64, lines [][]byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return fmt.Errorf("create directory of %s: %w", path, err)
	}
	fd, err := ocsfOpenLocked(path)
	if err != nil {
		return err
	}
	defer func() {
		if fd >= 0 {
			unix.Close(fd)
		}
	}()
	for _, line := range lines {
		for {
			var st unix.Stat_t
			if err := unix.Fstat(fd, &st); err != nil {
				return &fs.PathError{Op: "stat", Path: path, Err: err}
			}
			if st.Size == 0 || st.Size+int64(len(line)) <= limit {
				break
			}
			// The lock is held on the file being renamed: writers that opened it and wait
			// for the lock see afterwards that it is no longer at path, and reopen.
			if err := os.Rename(path, path+".1"); err != nil {
				return fmt.Errorf("rotate %s: %w", path, err)
			}
			unix.Close(fd)
			if fd, err = ocsfOpenLocked(path); err != nil {
				return err
			}
		}
		// O_APPEND makes each write land at the end, even past a writer that does not
		// lock.
		if err := smallfile.WriteAll(fd, line); err != nil {
			return &fs.PathError{Op: "write", Path: path, Err: err}
		}
	}
	err = unix.Close(fd)
	fd = -1
	if err != nil {
		return &fs.PathError{Op: "close", Path: path, Err: err}
	}
	return nil
}

// ocsfOpenAttempts bounds the reopen loop of ocsfOpenLocked; each retry means another
// process rotated the file in between, which needs a full file of events each time.
const ocsfOpenAttempts = 100

// ocsfOpenLocked opens path for appending and takes an exclusive flock on it. Another
// process may rotate the file between the open and the lock, leaving the lock on the
// renamed file: it then reopens until the locked file is the one at path.
func ocsfOpenLocked(path string) (int, error) {
	for range ocsfOpenAttempts {
		// O_NOFOLLOW: oshim runs as root, and the log directory must not redirect it.
		fd, err := unix.Open(path, unix.O_WRONLY|unix.O_APPEND|unix.O_CREAT|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o640)
		if err != nil {
			return -1, &fs.PathError{Op: "open", Path: path, Err: err}
		}
		if err := smallfile.Lock(fd); err != nil {
			unix.Close(fd)
			return -1, &fs.PathError{Op: "lock", Path: path, Err: err}
		}
		var held, cur unix.Stat_t
		if err := unix.Fstat(fd, &held); err != nil {
			unix.Close(fd)
			return -1, &fs.PathError{Op: "stat", Path: path, Err: err}
		}
		err = unix.Lstat(path, &cur)
		if err == nil && held.Dev == cur.Dev && held.Ino == cur.Ino {
			return fd, nil
		}
		unix.Close(fd)
		if err != nil && !errors.Is(err, unix.ENOENT) {
			return -1, &fs.PathError{Op: "stat", Path: path, Err: err}
		}
	}
	return -1, fmt.Errorf("open %s: rotated by other writers %d times in a row", path, ocsfOpenAttempts)
}
