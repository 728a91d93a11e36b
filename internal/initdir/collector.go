package initdir

import (
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"

	"github.com/oshim/oshim/internal/caps"
	"github.com/oshim/oshim/internal/initproc"
	"github.com/oshim/oshim/internal/records"
)

// Collector reads the init's report from a container's result FIFO. It opens the FIFO
// read-write, so it never sees end-of-file and the init's non-blocking open finds a
// reader; once the collector is closed, nothing the workload writes there is heard.
type Collector struct {
	f *os.File
}

// OpenCollector opens the result FIFO of init directory dir. Open it before the init
// can run: the init does not wait for a reader.
func OpenCollector(dir string) (*Collector, error) {
	f, err := OpenResult(dir)
	if err != nil {
		return nil, err
	}
	return &Collector{f: f}, nil
}

// OpenResult opens the result FIFO of init directory dir read-write and non-blocking,
// for a Collector here or in a process it is handed to.
func OpenResult(dir string) (*os.File, error) {
	p := ResultPath(dir)
	f, err := os.OpenFile(p, os.O_RDWR|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", p, err)
	}
	return f, nil
}

// NewCollector wraps a result FIFO that OpenResult opened, possibly in another process.
// f must be in non-blocking mode, or Read cannot time out.
func NewCollector(f *os.File) *Collector { return &Collector{f: f} }

// Read waits until deadline for one message, then closes the FIFO.
func (c *Collector) Read(deadline time.Time) (*initproc.Result, error) {
	defer c.f.Close()
	if err := c.f.SetReadDeadline(deadline); err != nil {
		return nil, fmt.Errorf("result fifo: %w", err)
	}
	buf := make([]byte, initproc.MaxResult+1)
	n, err := c.f.Read(buf)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		// The deadline can wake the read after the report arrived but before the
		// poller told the reader: StopWaiting right after a short container exited.
		// What is in the FIFO still counts.
		n, err = c.readNow(buf)
		if n == 0 && err == nil {
			return nil, fmt.Errorf("oshim-init sent no result")
		}
	}
	if err != nil {
		return nil, fmt.Errorf("read result fifo: %w", err)
	}
	return initproc.DecodeResult(buf[:n])
}

// readNow reads what the FIFO holds without waiting: 0 bytes and no error when empty.
func (c *Collector) readNow(buf []byte) (int, error) {
	if err := c.f.SetReadDeadline(time.Time{}); err != nil {
		return 0, err
	}
	rc, err := c.f.SyscallConn()
	if err != nil {
		return 0, err
	}
	var n int
	var rerr error
	if err := rc.Read(func(fd uintptr) bool {
		n, rerr = syscall.Read(int(fd), buf)
		return true
	}); err != nil {
		return 0, err
	}
	if errors.Is(rerr, syscall.EAGAIN) {
		return 0, nil
	}
	if n < 0 {
		n = 0
	}
	return n, rerr
}

// StopWaiting makes a pending Read return what is already in the FIFO, or no result:
// for when the container has exited or never started.
func (c *Collector) StopWaiting() { _ = c.f.SetReadDeadline(time.Now()) }

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
