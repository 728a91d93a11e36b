package main

import (
	"errors"
	"fmt"
	"strings"

	"golang.org/x/sys/unix"
)

// maxCap bounds the drop loop: capability numbers index 64-bit masks, so a
// kernel (or a fake) that never answers EINVAL cannot make it spin forever.
const maxCap = 64

// kernel is the part of prctl(2) the supervisor uses; tests use a fake.
type kernel interface {
	drop(c int) error         // PR_CAPBSET_DROP
	read(c int) (bool, error) // PR_CAPBSET_READ: whether c is in the set
}

// capError is a failure on one capability number, printed like the Rust
// supervisor prints an io::Error: "CAP 5: Operation not permitted (os error 1)".
type capError struct {
	cap int
	err error
}

func (e *capError) Error() string {
	var errno unix.Errno
	if errors.As(e.err, &errno) {
		return fmt.Sprintf("CAP %d: %s (os error %d)", e.cap, strerror(errno), int(errno))
	}
	return fmt.Sprintf("CAP %d: %v", e.cap, e.err)
}

func (e *capError) Unwrap() error { return e.err }

// strerror gives libc's wording ("Operation not permitted"); Go's errno
// texts are the same words in lower case.
func strerror(errno unix.Errno) string {
	s := errno.Error()
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// clearBoundingSet drops capability 0, 1, 2, ... until the kernel answers
// EINVAL (past its last capability) and returns that last capability.
//
// EPERM is tolerated only when PR_CAPBSET_READ says the capability is not in
// the set. Past the last capability READ answers EINVAL, and that error is
// reported: without CAP_SETPCAP the loop therefore fails even on an empty
// set, with "Invalid argument (os error 22)", exactly like the real
// supervisor. With a capability still present it fails with the EPERM.
func clearBoundingSet(k kernel) (last int, err error) {
	for c := 0; c < maxCap; c++ {
		err := k.drop(c)
		switch {
		case err == nil:
		case errors.Is(err, unix.EINVAL):
			if c == 0 {
				return 0, &capError{cap: c, err: err}
			}
			return c - 1, nil
		case errors.Is(err, unix.EPERM):
			present, rerr := k.read(c)
			if rerr != nil {
				return 0, &capError{cap: c, err: rerr}
			}
			if present {
				return 0, &capError{cap: c, err: err}
			}
		default:
			return 0, &capError{cap: c, err: err}
		}
	}
	return 0, fmt.Errorf("no EINVAL for any capability below %d", maxCap)
}

// verifyCleared checks that no capability 0..last is left in the set.
func verifyCleared(k kernel, last int) error {
	var left []string
	for c := 0; c <= last; c++ {
		present, err := k.read(c)
		if err != nil {
			return fmt.Errorf("read bounding set: %w", &capError{cap: c, err: err})
		}
		if present {
			left = append(left, fmt.Sprintf("CAP %d", c))
		}
	}
	if len(left) > 0 {
		return fmt.Errorf("capabilities remain in bounding set: %s", strings.Join(left, ", "))
	}
	return nil
}
