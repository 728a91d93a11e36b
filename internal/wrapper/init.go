package wrapper

import (
	"debug/elf"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/oshim/oshim/internal/caps"
	"github.com/oshim/oshim/internal/initproc"
	"github.com/oshim/oshim/internal/report"
)

// resultWait bounds how long start waits for the init's report.
const resultWait = 5 * time.Second

// prepareInit gives a container its own copy of oshim and a result FIFO. The copy is
// never the host's binary and never shared: a container that remounts it read-write
// and overwrites it changes only its own copy.
func (w *Wrapper) prepareInit() (string, error) {
	dir, err := w.Store.InitDir(w.Inv.Global.Root, w.Inv.ID)
	if err != nil {
		return "", err
	}
	// A leftover from an earlier container with the same id must not be reused.
	if err := os.RemoveAll(dir); err != nil {
		return "", fmt.Errorf("remove stale %s: %w", dir, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("create %s: %w", dir, err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		return "", fmt.Errorf("chmod %s: %w", dir, err)
	}
	if err := copySelf(filepath.Join(dir, filepath.Base(initproc.Binary))); err != nil {
		return "", err
	}
	fifo := filepath.Join(dir, filepath.Base(initproc.ResultPipe))
	if err := unix.Mkfifo(fifo, 0o600); err != nil {
		return "", fmt.Errorf("create %s: %w", fifo, err)
	}
	// The workload may run as any uid (or a user-namespaced one); it only ever writes.
	if err := os.Chmod(fifo, 0o622); err != nil {
		return "", fmt.Errorf("chmod %s: %w", fifo, err)
	}
	return dir, nil
}

func copySelf(dst string) error {
	src, err := os.Open("/proc/self/exe")
	if err != nil {
		return fmt.Errorf("open own binary: %w", err)
	}
	defer src.Close()
	if err := requireStatic(src); err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o555)
	if err != nil {
		return fmt.Errorf("create %s: %w", dst, err)
	}
	if _, err := io.Copy(out, src); err != nil {
		out.Close()
		return fmt.Errorf("copy oshim to %s: %w", dst, err)
	}
	if err := out.Close(); err != nil {
		return fmt.Errorf("close %s: %w", dst, err)
	}
	return nil
}

// collector reads the init's report from the container's result FIFO. It opens the
// FIFO read-write, so it never sees end-of-file and the init's non-blocking open finds
// a reader; once oshim stops reading, nothing the workload writes there is heard.
type collector struct {
	f *os.File
}

func (w *Wrapper) openCollector() (*collector, error) {
	dir, err := w.Store.InitDir(w.Inv.Global.Root, w.Inv.ID)
	if err != nil {
		return nil, err
	}
	p := filepath.Join(dir, filepath.Base(initproc.ResultPipe))
	f, err := os.OpenFile(p, os.O_RDWR|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", p, err)
	}
	return &collector{f: f}, nil
}

// read waits until deadline for one message.
func (c *collector) read(deadline time.Time) (*initproc.Result, error) {
	defer c.f.Close()
	if err := c.f.SetReadDeadline(deadline); err != nil {
		return nil, fmt.Errorf("result fifo: %w", err)
	}
	buf := make([]byte, initproc.MaxResult+1)
	n, err := c.f.Read(buf)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return nil, fmt.Errorf("oshim-init sent no result")
	}
	if err != nil {
		return nil, fmt.Errorf("read result fifo: %w", err)
	}
	return initproc.DecodeResult(buf[:n])
}

// recordResult stores what the init measured and reports a refusal where the engine
// shows runtime errors.
func (w *Wrapper) recordResult(res *initproc.Result, readErr error) {
	rec, found, err := w.Store.Load(w.Inv.Global.Root, w.Inv.ID)
	if err != nil || !found {
		w.Log.WithError(err).Warn("no record to store the init's result in")
		return
	}
	m := &report.Measured{Received: time.Now().UTC()}
	if readErr != nil {
		m.Summary = "unknown: " + readErr.Error()
		w.Log.WithField("id", w.Inv.ID).Warn(m.Summary)
	} else {
		st := res.CapState()
		m.OK, m.Summary, m.Step, m.Message, m.Probe = res.OK, res.Summary(), res.Step, res.Message, res.Probe
		m.NoNewPrivs, m.Seccomp, m.LSM = res.NoNewPrivs, res.Seccomp, res.LSM
		m.State = stateNames(st)
		if !res.OK {
			w.Log.WithField("id", w.Inv.ID).Errorf("oshim-init refused to start the workload: %s: %s", res.Step, res.Message)
		}
	}
	rec.Result = m
	if err := w.Store.Save(rec); err != nil {
		w.Log.WithError(err).Warn("could not store the init's result")
	}
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

// dropInitCopy removes the container's copy of oshim once its init has run: a
// crash-looping container must not fill the run directory with binaries. The running
// container keeps its mount of the file; the host needs the copy no longer.
func (w *Wrapper) dropInitCopy() {
	dir, err := w.Store.InitDir(w.Inv.Global.Root, w.Inv.ID)
	if err != nil {
		return
	}
	p := filepath.Join(dir, filepath.Base(initproc.Binary))
	if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
		w.Log.WithError(err).Warn("could not remove the container's init copy")
	}
}

// requireStatic refuses a dynamically linked oshim: inside a container its loader and
// libc are not there, and every contracted container would fail to start.
func requireStatic(f *os.File) error {
	e, err := elf.NewFile(f)
	if err != nil {
		return fmt.Errorf("read own binary: %w", err)
	}
	for _, p := range e.Progs {
		if p.Type == elf.PT_INTERP {
			return fmt.Errorf("this oshim binary is dynamically linked, so it cannot run as the in-container init: build it with CGO_ENABLED=0 (make build)")
		}
	}
	return nil
}
