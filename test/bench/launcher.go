package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/oshim/oshim/internal/ociruntime"
	"golang.org/x/sys/unix"
)

// callTimeout bounds one runtime call; a hung call fails the benchmark.
const callTimeout = 30 * time.Second

// launcher starts measured calls. Each goroutine has its own: the stderr file is
// reused from call to call, so that a failure can say what the runtime said.
type launcher struct {
	null   *os.File
	stderr *os.File
}

// callResult is one finished call.
type callResult struct {
	Wall time.Duration
	CPU  time.Duration // user + system time of the process and its waited-for children
	// Faults are the page faults of the process and its waited-for children. Each
	// costs about 10 us on the machines the targets were set on, more than anything
	// else a fresh process does, and unlike time a count the machine's noise barely
	// moves: a change of a few faults reads where its time cannot.
	Faults int64
}

func newLauncher(dir string) (*launcher, error) {
	null, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", os.DevNull, err)
	}
	stderr, err := os.CreateTemp(dir, "stderr-")
	if err != nil {
		null.Close()
		return nil, fmt.Errorf("create stderr file: %w", err)
	}
	return &launcher{null: null, stderr: stderr}, nil
}

func (l *launcher) close() {
	l.null.Close()
	l.stderr.Close()
	os.Remove(l.stderr.Name())
}

// call runs argv with env and stdio on /dev/null (stderr kept), and fails unless it
// exits 0. Files, not pipes: a detached container inherits them and keeps them open.
func (l *launcher) call(argv, env []string) (callResult, error) {
	if err := l.stderr.Truncate(0); err != nil {
		return callResult{}, fmt.Errorf("truncate stderr file: %w", err)
	}
	if _, err := l.stderr.Seek(0, io.SeekStart); err != nil {
		return callResult{}, fmt.Errorf("rewind stderr file: %w", err)
	}
	start := time.Now()
	p, err := os.StartProcess(argv[0], argv, &os.ProcAttr{Env: env, Files: []*os.File{l.null, l.null, l.stderr}})
	if err != nil {
		return callResult{}, fmt.Errorf("start %s: %w", argv[0], err)
	}
	timer := time.AfterFunc(callTimeout, func() { _ = p.Kill() })
	st, err := p.Wait()
	wall := time.Since(start)
	timer.Stop()
	if err != nil {
		return callResult{}, fmt.Errorf("wait for %s: %w", argv[0], err)
	}
	r := callResult{Wall: wall, CPU: st.UserTime() + st.SystemTime()}
	if ru, ok := st.SysUsage().(*syscall.Rusage); ok {
		r.Faults = ru.Minflt + ru.Majflt
	}
	if !st.Success() {
		msg, _ := os.ReadFile(l.stderr.Name())
		return r, fmt.Errorf("%s: %v: %s", strings.Join(argv, " "), st, strings.TrimSpace(string(msg)))
	}
	return r, nil
}

// waitExit waits until the process whose pid is in pidFile has exited. A pidfd works
// for a process that is not our child (the container's is the runtime's).
func waitExit(pidFile string) error {
	fd, err := ociruntime.PidfdOf(pidFile)
	if errors.Is(err, unix.ESRCH) {
		return nil
	}
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
	for {
		n, err := unix.Poll(fds, int(callTimeout/time.Millisecond))
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return fmt.Errorf("poll the pidfd of the process in %s: %w", pidFile, err)
		}
		if n == 0 {
			return fmt.Errorf("the container process in %s still runs after %v", pidFile, callTimeout)
		}
		return nil
	}
}
