package ociruntime

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/oshim/oshim/internal/smallfile"
	"golang.org/x/sys/unix"
)

// PidfdOf opens a pidfd of the process whose pid the runtime wrote to pidFile (the
// --pid-file of create or run): the container's first process, which is the
// runtime's child and not the caller's, so that a poll(2) can wait for its end. An
// error that wraps unix.ESRCH means the process has already ended.
func PidfdOf(pidFile string) (int, error) {
	b, _, err := smallfile.Read(pidFile, 32)
	if err != nil {
		return -1, err
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		return -1, fmt.Errorf("pid file %s: not a pid: %q", pidFile, b)
	}
	fd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		return -1, fmt.Errorf("pidfd_open %d (from %s): %w", pid, pidFile, err)
	}
	return fd, nil
}
