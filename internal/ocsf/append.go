package ocsf

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"golang.org/x/sys/unix"
)

// ocsfAppend appends lines to path, one write each, rotating path to path+".1" before a
// line that would take it past limit. A line longer than limit still goes into a fresh
// file.
func ocsfAppend(path string, limit int64, lines [][]byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return fmt.Errorf("create directory of %s: %w", path, err)
	}
	f, err := ocsfOpenLocked(path)
	if err != nil {
		return err
	}
	defer func() { f.Close() }()
	for _, line := range lines {
		for {
			st, err := f.Stat()
			if err != nil {
				return fmt.Errorf("stat %s: %w", path, err)
			}
			if st.Size() == 0 || st.Size()+int64(len(line)) <= limit {
				break
			}
			// The lock is held on the file being renamed: writers that opened it and wait
			// for the lock see afterwards that it is no longer at path, and reopen.
			if err := os.Rename(path, path+".1"); err != nil {
				return fmt.Errorf("rotate %s: %w", path, err)
			}
			f.Close()
			if f, err = ocsfOpenLocked(path); err != nil {
				return err
			}
		}
		// O_APPEND makes each write land whole at the end, even past another process.
		if _, err := f.Write(line); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close %s: %w", path, err)
	}
	return nil
}

// ocsfOpenAttempts bounds the reopen loop of ocsfOpenLocked; each retry means another
// process rotated the file in between, which needs a full file of events each time.
const ocsfOpenAttempts = 100

// ocsfOpenLocked opens path for appending and takes an exclusive flock on it. Another
// process may rotate the file between the open and the lock, leaving the lock on the
// renamed file: it then reopens until the locked file is the one at path.
func ocsfOpenLocked(path string) (*os.File, error) {
	for range ocsfOpenAttempts {
		// O_NOFOLLOW: oshim runs as root, and the log directory must not redirect it.
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE|syscall.O_NOFOLLOW, 0o640)
		if err != nil {
			return nil, fmt.Errorf("open %s: %w", path, err)
		}
		if err := ocsfFlock(f); err != nil {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		held, err := f.Stat()
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("stat %s: %w", path, err)
		}
		cur, err := os.Lstat(path)
		if err == nil && os.SameFile(held, cur) {
			return f, nil
		}
		f.Close()
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("stat %s: %w", path, err)
		}
	}
	return nil, fmt.Errorf("open %s: rotated by other writers %d times in a row", path, ocsfOpenAttempts)
}

func ocsfFlock(f *os.File) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var lerr error
	if err := rc.Control(func(fd uintptr) {
		for {
			// A signal can interrupt the wait for the lock; the wait goes on.
			if lerr = unix.Flock(int(fd), unix.LOCK_EX); !errors.Is(lerr, unix.EINTR) {
				return
			}
		}
	}); err != nil {
		return err
	}
	return lerr
}
