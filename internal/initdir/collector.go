package initdir

import (
	"errors"
	"fmt"
	"time"

	"golang.org/x/sys/unix"

	"github.com/oshim/oshim/internal/caps"
	"github.com/oshim/oshim/internal/initproc"
	"github.com/oshim/oshim/internal/records"
)

// Collector reads the init's report from a container's result FIFO. It is the FIFO's
// only reader, so the init's non-blocking open finds one, and once it is closed nothing
// the workload writes there is heard. The init opens the FIFO for writing before any
// step that can fail and holds it until its workload's execve, so the end of the FIFO
// (the kernel reports none before a first writer) is the init's end: an init that dies
// unreported ends the wait at once, whatever killed it.
//
// It waits with poll(2) on plain descriptors rather than through os.File: a deadline on
// an os.File sets up Go's network poller (an epoll instance, an eventfd, a timer) and
// hands the wake-up between threads, which cost every start of a container with an init
// more than the wait itself.
type Collector struct {
	fifo int
}

// OpenCollector opens the result FIFO of init directory dir. Open it before the init
// can run: the init does not wait for a reader.
func OpenCollector(dir string) (*Collector, error) {
	fd, err := OpenResult(dir)
	if err != nil {
		return nil, err
	}
	c, err := NewCollector(fd)
	if err != nil {
		unix.Close(fd)
		return nil, err
	}
	return c, nil
}

// OpenResult opens the result FIFO of init directory dir for reading, without waiting
// for a writer, for a Collector here or in a process it is handed to.
func OpenResult(dir string) (int, error) {
	p := ResultPath(dir)
	fd, err := unix.Open(p, unix.O_RDONLY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, fmt.Errorf("open %s: %w", p, err)
	}
	return fd, nil
}

// NewCollector takes over fd, a result FIFO that OpenResult opened, possibly in another
// process. It puts fd in non-blocking mode: a wait that ends without a report while the
// init still holds the FIFO must find it empty, not block on it.
func NewCollector(fd int) (*Collector, error) {
	if err := unix.SetNonblock(fd, true); err != nil {
		return nil, fmt.Errorf("result fifo: %w", err)
	}
	return &Collector{fifo: fd}, nil
}

// Read waits for one message until deadline, or, when exited is a descriptor and not
// -1, until exited polls readable (a pidfd of a process whose end means no report can
// come any more: the runtime of a run that lasts as long as its container, or the
// container's first process), then closes the collector. exited stays the caller's. A report that is in the FIFO when the wait ends counts, however it ended;
// an end of the FIFO without one (the init exited or died) ends the wait as no report.
func (c *Collector) Read(deadline time.Time, exited int) (*initproc.Result, error) {
	defer unix.Close(c.fifo)
	if err := c.wait(deadline, exited); err != nil {
		return nil, fmt.Errorf("wait for the result fifo: %w", err)
	}
	buf := make([]byte, initproc.MaxResult+1)
	n, err := retryRead(c.fifo, buf)
	switch {
	case err == nil && n == 0, errors.Is(err, unix.EAGAIN):
		return nil, fmt.Errorf("oshim-init sent no result")
	case err != nil:
		return nil, fmt.Errorf("read result fifo: %w", err)
	}
	return initproc.DecodeResult(buf[:n])
}

// wait returns once the FIFO holds data or has ended, exited polls readable or deadline
// has passed.
func (c *Collector) wait(deadline time.Time, exited int) error {
	fds := []unix.PollFd{{Fd: int32(c.fifo), Events: unix.POLLIN}}
	if exited >= 0 {
		fds = append(fds, unix.PollFd{Fd: int32(exited), Events: unix.POLLIN})
	}
	for {
		left := time.Until(deadline)
		if left < 0 {
			left = 0
		}
		// Rounded up, so that the wait never ends before the deadline.
		ms := int((left + time.Millisecond - 1) / time.Millisecond)
		n, err := unix.Poll(fds, ms)
		switch {
		case errors.Is(err, unix.EINTR):
			continue
		case err != nil:
			return err
		case n > 0 || ms == 0 || !time.Now().Before(deadline):
			return nil
		}
	}
}

// retryRead reads fd once, again if a signal interrupted it.
func retryRead(fd int, buf []byte) (int, error) {
	for {
		n, err := unix.Read(fd, buf)
		if !errors.Is(err, unix.EINTR) {
			return n, err
		}
	}
}

// Measured turns what Read returned into the record's form, received now.
func Measured(res *initproc.Result, readErr error) *records.Measured {
	m := &records.Measured{Received: time.Now().UTC()}
	if readErr != nil {
		m.Summary = "unknown: " + readErr.Error()
		return m
	}
	m.OK, m.Summary, m.Step, m.Errno, m.Message, m.Probe = res.OK, res.Summary(), res.Step, res.Errno, res.Message, res.Probe
	m.ReportOnly = res.ReportOnly
	m.NoNewPrivs, m.Seccomp, m.LSM = res.NoNewPrivs, res.Seccomp, res.LSM
	m.State = stateNames(res.CapState())
	return m
}

func stateNames(s caps.State) map[string][]string {
	return map[string][]string{
		"bounding":    s.Bounding.Names(),
		"effective":   s.Effective.Names(),
		"permitted":   s.Permitted.Names(),
		"inheritable": s.Inheritable.Names(),
		"ambient":     s.Ambient.Names(),
	}
}
