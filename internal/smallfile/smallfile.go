// Package smallfile reads the few small files every oshim call needs (the admin
// config, a bundle's config.json, a record) with plain system calls, and gives the
// writers of the others (internal/atomicfile, the OCSF log, the counters, the log
// file) the loops plain descriptors need. An os.File registers each file it opens
// with Go's network poller, and the first open sets the poller up: for a regular file
// that is five wasted system calls per open, plus the poller's code and memory
// faulted in by a process that lives for milliseconds.
package smallfile

import (
	"fmt"
	"io/fs"

	"golang.org/x/sys/unix"
)

// Read reads the regular file at path, following symlinks, and returns its content
// and its status. It refuses anything else (directories, FIFOs, devices, sockets)
// without opening it, since opening a device can have effects: it stats the path
// first, opens with O_NONBLOCK so that a FIFO swapped in meanwhile cannot block the
// open, and checks the opened file again. A file over limit bytes, or one that grows
// past limit while it is read, is an error. Every error is an *fs.PathError
// ("read PATH: REASON"), so errors.Is(err, fs.ErrNotExist) tells a missing file, and
// Missing tells it cheaper.
func Read(path string, limit int64) ([]byte, *unix.Stat_t, error) {
	fail := func(err error) ([]byte, *unix.Stat_t, error) {
		return nil, nil, &fs.PathError{Op: "read", Path: path, Err: err}
	}
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		return fail(err)
	}
	if err := CheckRegular(st.Mode); err != nil {
		return fail(err)
	}
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC|unix.O_NONBLOCK|unix.O_NOCTTY, 0)
	if err != nil {
		return fail(err)
	}
	defer unix.Close(fd)
	if err := unix.Fstat(fd, &st); err != nil {
		return fail(err)
	}
	if err := CheckRegular(st.Mode); err != nil {
		return fail(err)
	}
	if st.Size > limit {
		return fail(fmt.Errorf("file is %d bytes, larger than the limit of %d", st.Size, limit))
	}
	// One byte more than the size, so that the read that finds the end fills nothing;
	// a file that grows meanwhile is read on, up to the limit. Files in /proc say
	// they are empty: 512 bytes reads theirs in one call.
	buf := make([]byte, 0, max(st.Size+1, 512))
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := unix.Read(fd, buf[len(buf):cap(buf)])
		switch {
		case err == unix.EINTR:
			continue
		case err != nil:
			return fail(err)
		case n == 0:
			return buf, &st, nil
		}
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > limit {
			return fail(fmt.Errorf("file grew past the limit of %d bytes while being read", limit))
		}
	}
}

// Missing says that err, from Read, is for a path that does not exist. errors.Is
// answers the same, but looks its target's type up by reflection first, and a fresh
// process pays that code's pages (about 0.1 ms) where Read's caller asks on every
// start, state or exec of a container that has no record.
func Missing(err error) bool {
	pe, ok := err.(*fs.PathError)
	return ok && pe.Err == unix.ENOENT
}

// CheckRegular says what a file of mode (a stat(2) st_mode) is when it is not a
// regular file: "is a directory, want a regular file".
func CheckRegular(mode uint32) error {
	var kind string
	switch mode & unix.S_IFMT {
	case unix.S_IFREG:
		return nil
	case unix.S_IFDIR:
		kind = "a directory"
	case unix.S_IFIFO:
		kind = "a named pipe"
	case unix.S_IFSOCK:
		kind = "a socket"
	case unix.S_IFCHR, unix.S_IFBLK:
		kind = "a device"
	default:
		kind = "not a regular file"
	}
	return fmt.Errorf("is %s, want a regular file", kind)
}

// WriteAll writes data to fd, going on after a signal or a short write.
func WriteAll(fd int, data []byte) error {
	for len(data) > 0 {
		n, err := unix.Write(fd, data)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return err
		}
		data = data[n:]
	}
	return nil
}

// Lock takes an exclusive flock on fd, waiting for it through signals.
func Lock(fd int) error {
	for {
		if err := unix.Flock(fd, unix.LOCK_EX); err != unix.EINTR {
			return err
		}
	}
}
