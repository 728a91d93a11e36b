package initdir

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"github.com/oshim/oshim/internal/caps"
	"github.com/oshim/oshim/internal/initproc"
	"github.com/oshim/oshim/internal/records"
)

// Collector reads the init's report from a container's result FIFO. It holds the FIFO
// open read-write, so it never sees end-of-file and the init's non-blocking open finds a
// reader; once the collector is closed, nothing the workload writes there is heard.
//
// It waits with poll(2) on plain descriptors rather than through os.File: a deadline on
// an os.File sets up Go's network poller (an epoll instance, an eventfd, a timer) and
// hands the wake-up between threads, which cost every start of a container with an init
// more than the wait itself.
type Collector struct {
	fifo int
	// stop is an eventfd that StopWaiting signals, to end a wait in another goroutine.
	stop int
	// mu keeps StopWaiting from writing to the eventfd's number once Read has closed
	// it: by then the number may name a file another goroutine opened.
	mu     sync.Mutex
	closed bool
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

// OpenResult opens the result FIFO of init directory dir read-write, for a Collector
// here or in a process it is handed to.
func OpenResult(dir string) (int, error) {
	p := ResultPath(dir)
	fd, err := unix.Open(p, unix.O_RDWR|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, fmt.Errorf("open %s: %w", p, err)
	}
	return fd, nil
}

// NewCollector takes over fd, a result FIFO that OpenResult opened, possibly in another
// process. It puts fd in non-blocking mode: a wait that ends without a report must find
// the FIFO empty, not block on it.
func NewCollector(fd int) (*Collector, error) {
	if err := unix.SetNonblock(fd, true); err != nil {
		return nil, fmt.Errorf("result fifo: %w", err)
	}
	stop, err := unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
	if err != nil {
		return nil, fmt.Errorf("result fifo: eventfd: %w", err)
	}
	return &Collector{fifo: fd, stop: stop}, nil
}

// Read waits until deadline, or until StopWaiting, for one message, then closes the
// collector. A report that is in the FIFO when the wait ends counts, however it ended.
func (c *Collector) Read(deadline time.Time) (*initproc.Result, error) {
	defer c.close()
	if err := c.wait(deadline); err != nil {
		return nil, fmt.Errorf("wait for the result fifo: %w", err)
	}
	buf := make([]byte, initproc.MaxResult+1)
	n, err := retryRead(c.fifo, buf)
	switch {
	case errors.Is(err, unix.EAGAIN):
		return nil, fmt.Errorf("oshim-init sent no result")
	case err != nil:
		return nil, fmt.Errorf("read result fifo: %w", err)
	}
	return initproc.DecodeResult(buf[:n])
}

// wait returns once the FIFO holds data, StopWaiting was called or deadline has passed.
func (c *Collector) wait(deadline time.Time) error {
	fds := []unix.PollFd{{Fd: int32(c.fifo), Events: unix.POLLIN}, {Fd: int32(c.stop), Events: unix.POLLIN}}
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

// StopWaiting makes a pending Read return what is already in the FIFO, or no result:
// for when the container has exited or never started. It may be called from another
// goroutine than Read's, before or during it.
func (c *Collector) StopWaiting() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.closed {
		_, _ = unix.Write(c.stop, []byte{1, 0, 0, 0, 0, 0, 0, 0})
	}
}

func (c *Collector) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	unix.Close(c.fifo)
	unix.Close(c.stop)
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
