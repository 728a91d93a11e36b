package initproc

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"syscall"
	"unicode/utf8"

	"golang.org/x/sys/unix"

	"github.com/oshim/oshim/internal/caps"
)

// Exit statuses of the init, distinct so an engine's "exited with N" names the step.
const (
	ExitUsage      = 120 // the init's arguments are wrong: oshim versions disagree
	ExitReadState  = 121 // the capability state could not be read
	ExitProbe      = 122 // PR_CAPBSET_DROP is denied although CAP_SETPCAP is effective
	ExitTransition = 123 // a step of the capability change failed
	ExitVerify     = 124 // the state after the change differs from the target
	ExitCannotExec = 126 // the workload exists but could not be executed
	ExitNotFound   = 127 // the workload command was not found
)

// defaultPath is what crun searches when the spec's environment has no PATH.
const defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// Main runs the init with the arguments after "init" and returns only on failure.
func Main(args []string) int {
	// Capabilities are per thread: every change and the final execve must happen on
	// this one. It is never unlocked, so the Go runtime cannot reuse it elsewhere.
	runtime.LockOSThread()
	opts, workload, err := ParseArgs(args)
	if err != nil {
		return (&report{}).fail(ExitUsage, "arguments", err, "the container's oshim init and the host's oshim disagree; recreate the container")
	}
	rep := &report{path: opts.Result, r: Result{Probe: "skipped"}}
	r := &rep.r
	path, err := lookPath(workload[0])
	if err != nil {
		code := ExitNotFound
		if !errors.Is(err, exec.ErrNotFound) {
			code = ExitCannotExec
		}
		return rep.fail(code, "resolve "+workload[0], err, "")
	}
	start, err := caps.Current()
	if err != nil {
		return rep.fail(ExitReadState, "read-state", err, "")
	}
	root := os.Geteuid() == 0
	if start.Effective.Has(caps.SETPCAP) {
		if err := caps.ProbeBoundingDrop(); err != nil {
			r.Probe = "denied"
			return rep.fail(ExitProbe, "probe PR_CAPBSET_DROP", err, denialCause())
		}
		r.Probe = "ok"
	}
	want := Target(start, opts, root)
	if !opts.ReportOnly {
		if err := caps.Transition(want); err != nil {
			return rep.fail(ExitTransition, "apply", err, causeOf(err))
		}
	}
	status, err := verify(want, opts, root)
	r.State, r.NoNewPrivs, r.Seccomp = toWire(status.State), status.NoNewPrivs, status.Seccomp
	r.ReportOnly = opts.ReportOnly
	switch {
	case err != nil && !opts.ReportOnly:
		return rep.fail(ExitVerify, "verify", err, "")
	case err != nil:
		// Report mode observes: the difference is the host's to record, and the
		// workload runs as the spec made it.
		r.Step, r.Message = "verify", sanitize(err.Error())
		fmt.Fprintf(os.Stderr, "oshim-init: verify (reported, not enforced): %s\n", r.Message)
	default:
		r.OK = true
	}
	rep.send()
	err = syscall.Exec(path, workload, os.Environ())
	// The host already has an ok result; the engine sees this exit status.
	return (&report{}).fail(ExitCannotExec, "exec "+path, err, "")
}

// Target is the state the workload must start from: the start state without the dropped
// caps, and for a cleared bounding set an empty one. A root workload keeps its caps
// across execve only through the inheritable set once the bounding set is empty
// (P' = I | B), so its inheritable set is raised to its permitted one.
func Target(start caps.State, o Options, root bool) caps.State {
	t := caps.State{
		Effective:   start.Effective.Minus(o.Drop),
		Permitted:   start.Permitted.Minus(o.Drop),
		Inheritable: start.Inheritable.Minus(o.Drop),
		Bounding:    start.Bounding.Minus(o.Drop),
		Ambient:     start.Ambient.Minus(o.Drop),
	}
	if o.ClearBounding {
		t.Bounding = 0
		if root {
			t.Inheritable = start.Inheritable.Union(start.Permitted).Minus(o.Drop)
		}
	}
	return t
}

// verify reads the state back from the kernel twice over (capget and PR_CAPBSET_READ,
// then /proc/thread-self/status) and checks it against the target and against what the
// workload will hold after its execve.
func verify(want caps.State, o Options, root bool) (caps.ProcStatus, error) {
	got, err := caps.Current()
	if err != nil {
		return caps.ProcStatus{}, err
	}
	status, err := caps.ReadProcStatus("/proc/thread-self/status")
	if err != nil {
		return caps.ProcStatus{}, err
	}
	if !got.Equal(want) {
		return status, fmt.Errorf("kernel reports %s, want %s", got, want)
	}
	if !status.State.Equal(want) {
		return status, fmt.Errorf("/proc/thread-self/status reports %s, want %s", status.State, want)
	}
	after := caps.AfterExec(want, root, status.NoNewPrivs)
	if missing := o.Require.Minus(after.Effective); !missing.IsEmpty() {
		return status, fmt.Errorf("the workload would start without %s, which the contract requires (after execve: %s)", missing, after)
	}
	for _, s := range []caps.Set{after.Effective, after.Permitted, after.Inheritable, after.Bounding, after.Ambient} {
		if kept := s.Intersect(o.Drop); !kept.IsEmpty() {
			return status, fmt.Errorf("the workload would keep %s, which was only lent to the init (after execve: %s)", kept, after)
		}
	}
	if o.ClearBounding && !after.Bounding.IsEmpty() {
		return status, fmt.Errorf("the bounding set is not empty: %s", after.Bounding)
	}
	return status, nil
}

// report carries the result to the host through the result FIFO.
type report struct {
	path string
	r    Result
}

// send reports the result once, in one write. Without a reader (the container was
// started by something other than oshim) there is nobody to tell, which is no error.
func (rep *report) send() {
	if rep.path == "" {
		return
	}
	b, err := jsonMarshal(&rep.r)
	if err != nil || len(b) > MaxResult {
		return
	}
	fd, err := unix.Open(rep.path, unix.O_WRONLY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return
	}
	_, _ = unix.Write(fd, b)
	_ = unix.Close(fd)
}

// fail prints one line naming the step, the errno and the likely cause, reports the
// failure, and returns the exit status.
func (rep *report) fail(code int, step string, err error, cause string) int {
	var errno syscall.Errno
	msg := err.Error()
	if errors.As(err, &errno) {
		msg = fmt.Sprintf("%s (errno %d, %s)", msg, int(errno), unix.ErrnoName(errno))
	}
	if cause != "" {
		msg += ": " + cause
	}
	step, msg = sanitize(step), sanitize(msg)
	fmt.Fprintf(os.Stderr, "oshim-init: %s: %s\n", step, msg)
	if rep.path != "" {
		r := &rep.r
		r.OK, r.Step, r.Message = false, step, msg
		if errors.As(err, &errno) {
			r.Errno = int(errno)
		}
		if st, serr := caps.ReadProcStatus("/proc/thread-self/status"); serr == nil {
			r.State, r.NoNewPrivs, r.Seccomp = toWire(st.State), st.NoNewPrivs, st.Seccomp
		}
		r.LSM = lsmLabel()
		rep.send()
	}
	return code
}

// causeOf explains an EPERM from the bounding-set step.
func causeOf(err error) string {
	var se *caps.StepError
	if errors.As(err, &se) && errors.Is(err, unix.EPERM) && se.Step == "drop-bounding" {
		return denialCause()
	}
	return ""
}

// denialCause: EPERM from PR_CAPBSET_DROP while CAP_SETPCAP is effective is a denial by
// a seccomp filter or an LSM, not a missing capability.
func denialCause() string {
	st, err := caps.ReadProcStatus("/proc/thread-self/status")
	if err != nil {
		return "denied by a seccomp filter or an LSM although CAP_SETPCAP is effective"
	}
	who := "an LSM"
	if st.Seccomp == 2 {
		who = "the seccomp filter"
	}
	return fmt.Sprintf("denied by %s although CAP_SETPCAP is effective (Seccomp: %d, NoNewPrivs: %d, LSM label: %s); allow prctl(PR_CAPBSET_DROP) in the container's seccomp profile or LSM policy",
		who, st.Seccomp, b2i(st.NoNewPrivs), lsmLabel())
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// lsmLabel is the process's AppArmor or SELinux label, or "none".
func lsmLabel() string {
	for _, p := range []string{"/proc/thread-self/attr/apparmor/current", "/proc/thread-self/attr/current"} {
		if b, err := os.ReadFile(p); err == nil {
			if s := strings.TrimRight(string(b), "\x00\n"); s != "" {
				return s
			}
		}
	}
	return "none"
}

// lookPath resolves the workload as the runtime would: a name with a slash as it is,
// anything else through the spec's PATH.
func lookPath(name string) (string, error) {
	if strings.Contains(name, "/") {
		st, err := os.Stat(name)
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return "", fmt.Errorf("%s: %w", name, exec.ErrNotFound)
			}
			return "", err
		}
		if st.IsDir() || st.Mode()&0o111 == 0 {
			return "", fmt.Errorf("%s: not an executable file", name)
		}
		return name, nil
	}
	path := os.Getenv("PATH")
	if path == "" {
		path = defaultPath
	}
	for _, dir := range strings.Split(path, ":") {
		if dir == "" {
			continue
		}
		p := dir + "/" + name
		if st, err := os.Stat(p); err == nil && !st.IsDir() && st.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s: %w in PATH %s", name, exec.ErrNotFound, path)
}

// sanitize escapes what a terminal would interpret: the workload's name and paths come
// from the image and the pod's author, and this text reaches the engine's stderr and
// the host's records.
func sanitize(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == utf8.RuneError, r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0:
			fmt.Fprintf(&b, "\\x%02x", r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
