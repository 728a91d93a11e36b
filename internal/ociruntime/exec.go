package ociruntime

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/oshim/oshim/internal/atomicfile"
	"github.com/oshim/oshim/internal/jsonread"
	"github.com/oshim/oshim/internal/smallfile"
	"github.com/oshim/oshim/internal/spec"
)

// Runtime is the real runtime one oshim call hands its work to.
type Runtime struct {
	// Path is the runtime's absolute path, as Resolve found it.
	Path string
}

// Exec replaces oshim with the runtime: same pid, stdio, fds and exit status, which is
// what engines that track the runtime's pid or read its stdout rely on.
func (r Runtime) Exec(args []string) error {
	argv := append([]string{r.Path}, args...)
	if err := syscall.Exec(r.Path, argv, os.Environ()); err != nil {
		return fmt.Errorf("exec %s: %w", r.Path, err)
	}
	return nil
}

// Stop says what becomes of the stop signals an engine sends oshim (SIGINT, SIGTERM,
// SIGHUP, SIGQUIT) while the runtime runs as its child.
type Stop int

const (
	// Relay passes them to the runtime and goes on waiting for it: for a call that lasts
	// as long as its container (run without --detach), whose exit status the engine
	// waits for.
	Relay Stop = iota
	// Finish ignores them from the fork to the end of the process, so the call does
	// what it must after the runtime (collect the init's report, and kill a container
	// that holds a loan without an ok report) however the engine signals: for a call
	// that ends once its container has started (start, run --detach), a few
	// milliseconds. Only SIGKILL ends it early, and the kernel then kills the runtime
	// with it (PR_SET_PDEATHSIG), as it would have ended the runtime called directly.
	// Catching the signals instead would cost such a call about a millisecond: os/signal
	// starts a thread of its own and hands it each signal in turn; ignoring them costs
	// a system call each.
	Finish
)

// Run runs the runtime as a child, for the few calls after which oshim has work to do,
// and returns its exit status; stop says what the engine's stop signals do meanwhile.
func (r Runtime) Run(args []string, stop Stop) (int, error) {
	c, err := r.Start(args, stop)
	if err != nil {
		return -1, err
	}
	return c.Wait()
}

// Child is a runtime that Start started; Wait must be called, from the goroutine that
// called Start.
type Child struct {
	path   string
	pid    int
	stop   Stop
	relay  *relay
	exited int // see Exited
	// exitedFallback is set where exited is not a pidfd but an eventfd that a goroutine
	// signals once the child has exited.
	exitedFallback bool
}

// pidfdOpen is unix.PidfdOpen; a test replaces it to run the fallback of a kernel
// older than 5.3.
var pidfdOpen = unix.PidfdOpen

// Start starts the runtime as a child; stop says what the engine's stop signals do
// until Wait returns. The child inherits oshim's stdio and every descriptor the engine
// passed without close-on-exec (--preserve-fds), as Exec would. It is started by
// syscall.ForkExec: os.StartProcess first probes pidfd support with a throwaway child,
// which costs a container start more than the fork itself.
func (r Runtime) Start(args []string, stop Stop) (*Child, error) {
	attr := &syscall.ProcAttr{Env: os.Environ(), Files: []uintptr{0, 1, 2}}
	if stop == Finish {
		// The kernel sends the parent-death signal when the thread that forked the
		// child ends, not the process: this goroutine keeps its thread until Wait.
		runtime.LockOSThread()
		attr.Sys = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	}
	pid, err := syscall.ForkExec(r.Path, append([]string{r.Path}, args...), attr)
	if err != nil {
		if stop == Finish {
			runtime.UnlockOSThread()
		}
		return nil, fmt.Errorf("start %s: %w", r.Path, err)
	}
	c := &Child{path: r.Path, pid: pid, stop: stop, exited: -1}
	if stop == Finish {
		// After the fork: an ignored signal stays ignored across execve, and the
		// runtime must keep the default actions.
		signal.Ignore(stopSignals...)
	}
	if stop == Relay {
		c.relay = startRelay(pid)
	}
	return c, nil
}

// Exited returns a descriptor that polls readable once the child has exited, for a
// caller that waits for something else meanwhile (the init's report) in the same
// poll(2): a pidfd, which the child holds until Wait reaps it, or on a kernel without
// pidfds an eventfd that a goroutine waiting for the child signals. It stays open
// until Wait, which closes it; -1 if neither could be made.
func (c *Child) Exited() int {
	if c.exited >= 0 {
		return c.exited
	}
	fd, err := pidfdOpen(c.pid, 0)
	if err == nil {
		c.exited = fd
		return fd
	}
	ev, err := unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
	if err != nil {
		return -1
	}
	c.exited, c.exitedFallback = ev, true
	go func() {
		var info unix.Siginfo
		// WNOWAIT leaves the child for Wait to reap, so its pid names nothing else
		// until then and this goroutine never reads another process's exit.
		_ = retryEINTR(func() error { return unix.Waitid(unix.P_PID, c.pid, &info, unix.WEXITED|unix.WNOWAIT, nil) })
		_, _ = unix.Write(ev, []byte{1, 0, 0, 0, 0, 0, 0, 0})
	}()
	return ev
}

// Wait waits for the child's exit and returns its status, 128+N for a death by signal
// N. Until it has reaped the child, the child's pid cannot name another process, so
// no relayed signal can reach one.
func (c *Child) Wait() (int, error) {
	if c.stop == Finish {
		defer runtime.UnlockOSThread()
	}
	var info unix.Siginfo
	err := retryEINTR(func() error { return unix.Waitid(unix.P_PID, c.pid, &info, unix.WEXITED|unix.WNOWAIT, nil) })
	if c.relay != nil {
		c.relay.childGone()
	}
	if c.exitedFallback {
		// The goroutine that signals it has returned, or returns at once: the child
		// has exited.
		var n [8]byte
		for errors.Is(retryEINTR(func() error { _, err := unix.Read(c.exited, n[:]); return err }), unix.EAGAIN) {
			_, _ = unix.Poll([]unix.PollFd{{Fd: int32(c.exited), Events: unix.POLLIN}}, -1)
		}
	}
	if c.exited >= 0 {
		unix.Close(c.exited)
		c.exited = -1
	}
	var ws syscall.WaitStatus
	if werr := retryEINTR(func() error { _, err := syscall.Wait4(c.pid, &ws, 0, nil); return err }); err == nil {
		err = werr
	}
	switch {
	case err != nil:
		return -1, fmt.Errorf("wait for %s: %w", c.path, err)
	case ws.Signaled():
		return 128 + int(ws.Signal()), nil
	}
	return ws.ExitStatus(), nil
}

// retryEINTR calls f until it is not interrupted by a signal.
func retryEINTR(f func() error) error {
	for {
		if err := f(); !errors.Is(err, syscall.EINTR) {
			return err
		}
	}
}

// stopSignals are the signals an engine, or a terminal, sends to stop a runtime call.
var stopSignals = []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT}

// relay passes the stop signals oshim receives to its runtime child while the child
// runs; once the child is gone, such a signal ends oshim as it would without a relay.
type relay struct {
	mu   sync.Mutex
	pid  int // 0 once the child has been waited for
	sigs chan os.Signal
}

// startRelay relays to the child pid from now on. os/signal takes a few hundred
// microseconds to start catching (it hands every signal to a thread of its own), so the
// relay starts catching in its own goroutine, while the runtime runs, rather than
// delaying the runtime's start. A signal in that moment ends oshim, as it does before
// the fork, and as SIGKILL from an engine's timeout does at any point.
func startRelay(pid int) *relay {
	rl := &relay{pid: pid, sigs: make(chan os.Signal, len(stopSignals))}
	go rl.loop()
	return rl
}

func (rl *relay) loop() {
	signal.Notify(rl.sigs, stopSignals...)
	for s := range rl.sigs {
		sig := s.(syscall.Signal)
		rl.mu.Lock()
		pid := rl.pid
		if pid != 0 {
			_ = syscall.Kill(pid, sig)
		}
		rl.mu.Unlock()
		if pid == 0 {
			// Stopping the relay as the child exits would cost the call as much as
			// starting it did: it stops here instead, in the rare case that needs it,
			// and the signal is raised again for whatever else handles it.
			signal.Stop(rl.sigs)
			_ = syscall.Kill(os.Getpid(), sig)
			return
		}
	}
}

// childGone stops the relay: the child has been waited for, so its pid may name
// another process.
func (rl *relay) childGone() {
	rl.mu.Lock()
	rl.pid = 0
	rl.mu.Unlock()
}

// Output runs the runtime and returns its stdout; its stderr is in the error.
func (r Runtime) Output(args ...string) ([]byte, error) {
	stderr, err := memfd("stderr")
	if err != nil {
		return nil, err
	}
	defer unix.Close(stderr)
	out, status, err := r.capture(args, stderr)
	if err != nil {
		return nil, err
	}
	if status != 0 {
		msg, _ := readMemfd(stderr)
		return out, fmt.Errorf("%s %s: %s: %s", r.Path, strings.Join(args, " "), exitText(status), strings.TrimSpace(string(msg)))
	}
	return out, nil
}

// Stdout runs the runtime with oshim's stderr and returns its stdout and exit status
// (128+N for a signal N), for a call whose output oshim passes on changed.
func (r Runtime) Stdout(args ...string) ([]byte, int, error) { return r.capture(args, 2) }

// maxOutput bounds what oshim reads of a runtime's stdout or stderr: a `list` of
// ten thousand containers is under a megabyte.
const maxOutput = 64 << 20

// capture runs the runtime with stdin on /dev/null, stdout into a memory file and
// stderr on fd stderr, and returns what it printed once it has exited. Memory files
// rather than pipes: nothing has to read while the runtime runs, so oshim needs no
// goroutines and no poller, and the child is started by syscall.ForkExec (os/exec
// probes pidfd support with a throwaway child first).
func (r Runtime) capture(args []string, stderr int) ([]byte, int, error) {
	stdout, err := memfd("stdout")
	if err != nil {
		return nil, 0, err
	}
	defer unix.Close(stdout)
	null, err := unix.Open(os.DevNull, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, 0, &fs.PathError{Op: "open", Path: os.DevNull, Err: err}
	}
	defer unix.Close(null)
	attr := &syscall.ProcAttr{Env: os.Environ(), Files: []uintptr{uintptr(null), uintptr(stdout), uintptr(stderr)}}
	pid, err := syscall.ForkExec(r.Path, append([]string{r.Path}, args...), attr)
	if err != nil {
		return nil, 0, fmt.Errorf("start %s: %w", r.Path, err)
	}
	var ws syscall.WaitStatus
	if err := retryEINTR(func() error { _, err := syscall.Wait4(pid, &ws, 0, nil); return err }); err != nil {
		return nil, 0, fmt.Errorf("wait for %s: %w", r.Path, err)
	}
	out, err := readMemfd(stdout)
	if err != nil {
		return nil, 0, fmt.Errorf("%s %s: stdout: %w", r.Path, strings.Join(args, " "), err)
	}
	if ws.Signaled() {
		return out, 128 + int(ws.Signal()), nil
	}
	return out, ws.ExitStatus(), nil
}

func memfd(name string) (int, error) {
	fd, err := unix.MemfdCreate("oshim-runtime-"+name, unix.MFD_CLOEXEC)
	if err != nil {
		return -1, fmt.Errorf("memfd_create for the runtime's %s: %w", name, err)
	}
	return fd, nil
}

// readMemfd reads a memory file the runtime wrote.
func readMemfd(fd int) ([]byte, error) {
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return nil, err
	}
	if st.Size > maxOutput {
		return nil, fmt.Errorf("%d bytes, more than %d", st.Size, maxOutput)
	}
	b := make([]byte, st.Size)
	for off := 0; off < len(b); {
		n, err := unix.Pread(fd, b[off:], int64(off))
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, err
		}
		if n == 0 {
			return b[:off], nil
		}
		off += n
	}
	return b, nil
}

// exitText says how a child with exit status (128+N for signal N) ended, as
// os/exec's errors say it.
func exitText(status int) string {
	if status > 128 {
		return "signal: " + unix.SignalName(syscall.Signal(status-128))
	}
	return fmt.Sprintf("exit status %d", status)
}

// rootArgs are the global flags that select a state root ("" is the runtime's default).
func rootArgs(root string, args ...string) []string {
	if root == "" {
		return args
	}
	return append([]string{"--root", root}, args...)
}

// List returns the ids of the containers the runtime knows in root.
func (r Runtime) List(root string) (map[string]bool, error) {
	out, err := r.Output(rootArgs(root, "list", "-q")...)
	if err != nil {
		return nil, fmt.Errorf("list the containers: %w", err)
	}
	ids := map[string]bool{}
	for _, id := range strings.Fields(string(out)) {
		ids[id] = true
	}
	return ids, nil
}

// Annotations asks the runtime for the state of container id and returns the
// annotations the container was created with; global are the call's global flags
// (--root, --rootless, ...), so the runtime looks where the call would. ran is false
// when the runtime's state call failed (no such container, say), and then the runtime
// will say what is wrong to the call that follows; a state that ran but does not read
// is an error.
func (r Runtime) Annotations(global []string, id string) (ann map[string]string, ran bool, err error) {
	out, err := r.Output(append(append([]string{}, global...), "state", id)...)
	if err != nil {
		return nil, false, err
	}
	o, err := spec.ParseObject(out)
	if err == nil {
		_, err = o.Lookup(&ann, "annotations")
	}
	if err != nil {
		return nil, true, fmt.Errorf("%s state %s: %w", r.Path, id, err)
	}
	return ann, true, nil
}

// maxVersionCache bounds the runtime version cache read on every create: 17 entries at
// most, of a path and a version line each.
const maxVersionCache = 64 << 10

// Version is the first line of `RUNTIME --version`, or "" when the runtime does not
// say. It is cached in cacheDir by the binary's path, size and mtime: running the
// runtime once more on every create would cost more than the rewrite.
func (r Runtime) Version(cacheDir string) string {
	st, err := os.Stat(r.Path)
	if err != nil {
		return ""
	}
	key := fmt.Sprintf("%s %d %d", r.Path, st.Size(), st.ModTime().UnixNano())
	cache := filepath.Join(cacheDir, "runtime-versions.json")
	versions := map[string]string{}
	if b, _, err := smallfile.Read(cache, maxVersionCache); err == nil {
		// oshim's own file; what does not read is rebuilt below.
		r := jsonread.New(b)
		r.Object(func(k string) { versions[k] = r.String() })
	}
	if v, ok := versions[key]; ok {
		return v
	}
	out, err := r.Output("--version")
	if err != nil {
		return ""
	}
	first, _, _ := strings.Cut(string(out), "\n")
	v := strings.TrimSpace(first)
	if len(versions) > 16 {
		// Upgrades leave stale keys; a small cache is rebuilt rather than pruned.
		versions = map[string]string{}
	}
	versions[key] = v
	if b, err := json.Marshal(versions); err == nil {
		_ = atomicfile.Write(cache, b, 0o600)
	}
	return v
}
