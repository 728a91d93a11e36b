package initproc

// Behaviour of oshim-init, the C program, run as root on this machine: the state its
// workload starts with (read by the workload itself from /proc/self/status), the
// result it reports through a real FIFO, its exit statuses and its stderr line,
// also under seccomp filters that deny each system call it makes.

import (
	"bytes"
	"debug/elf"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/oshim/oshim/internal/caps"
	"github.com/oshim/oshim/test/harness"
	"github.com/oshim/oshim/test/procstatus"
)

// statusDump is the workload that shows the state it started with.
var statusDump = []string{"/bin/cat", "/proc/self/status"}

// initCase is one run of oshim-init.
type initCase struct {
	description string
	opts        []string // before "--result FIFO --"
	workload    []string // statusDump when nil
	env         []string // PATH=/usr/bin:/bin when nil
	uid         int      // non-zero: run as this uid with ambient caps
	ambient     []caps.Cap
	nnp         bool      // run under no_new_privs (setpriv --no-new-privs)
	deny        *denyRule // run under a seccomp filter
	noResult    bool      // no --result
	strace      string    // trace the run with strace into this file
	check       func(t *testing.T, o initOutcome)
}

// denyRule makes a seccomp filter deny one system call with errno, as a profile would;
// with arg0 >= 0 only calls whose first argument is arg0.
type denyRule struct {
	syscall string
	errno   syscall.Errno
	arg0    int
}

var syscallNumbers = map[string]int{
	"capget": unix.SYS_CAPGET, "capset": unix.SYS_CAPSET, "close": unix.SYS_CLOSE,
	"geteuid": unix.SYS_GETEUID, "newfstatat": unix.SYS_NEWFSTATAT, "openat": unix.SYS_OPENAT,
	"prctl": unix.SYS_PRCTL, "read": unix.SYS_READ, "write": unix.SYS_WRITE,
}

type initOutcome struct {
	code           int
	stdout, stderr string
	result         *Result            // nil: nothing reported
	status         *procstatus.Status // the workload's, when it ran statusDump
}

// hostState is this test process's state: what a root init starts from.
func hostState(t *testing.T) procstatus.Status {
	t.Helper()
	st, err := procstatus.Read("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func runInit(t *testing.T, c initCase) initOutcome {
	t.Helper()
	init := cProgram(t, "oshim-init")
	// A non-root init must reach its binary and its FIFO.
	dir := t.TempDir()
	for _, d := range []string{cDir, filepath.Dir(dir), dir} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	fifo := filepath.Join(dir, "result")
	readResult := harness.ResultFIFO(t, fifo)
	argv := append([]string{init}, c.opts...)
	if !c.noResult {
		argv = append(argv, "--result", fifo)
	}
	workload := c.workload
	if workload == nil {
		workload = statusDump
	}
	argv = append(append(argv, "--"), workload...)
	if c.nnp {
		argv = append([]string{"/usr/bin/setpriv", "--no-new-privs"}, argv...)
	}
	if c.strace != "" {
		argv = append([]string{"strace", "-qq", "-e", "signal=none", "-o", c.strace}, argv...)
	}
	if d := c.deny; d != nil {
		nr, ok := syscallNumbers[d.syscall]
		if !ok {
			t.Fatalf("no number for %s", d.syscall)
		}
		pre := []string{cProgram(t, "denysyscall"), strconv.Itoa(nr), strconv.Itoa(int(d.errno))}
		if d.arg0 >= 0 {
			pre = append(pre, strconv.Itoa(d.arg0))
		}
		argv = append(append(pre, "--"), argv...)
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = c.env
	if cmd.Env == nil {
		cmd.Env = []string{"PATH=/usr/bin:/bin"}
	}
	if c.uid != 0 {
		var amb []uintptr
		for _, a := range c.ambient {
			amb = append(amb, uintptr(a))
		}
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(c.uid), Gid: uint32(c.uid)}, AmbientCaps: amb}
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	var o initOutcome
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		o.code = ee.ExitCode()
	case err != nil:
		t.Fatalf("run %q: %v", argv, err)
	}
	o.stdout, o.stderr = stdout.String(), stderr.String()
	if msg := readResult(); msg != nil {
		if o.result, err = DecodeResult(msg); err != nil {
			t.Fatalf("the init's result %q: %v", msg, err)
		}
	}
	if strings.Contains(o.stdout, "CapInh:") {
		st, err := procstatus.Parse(strings.NewReader(o.stdout))
		if err != nil {
			t.Fatalf("the workload's status: %v\n%s", err, o.stdout)
		}
		o.status = &st
	}
	return o
}

// wantExit checks the exit status and that stderr is one "oshim-init:" line holding
// every part of want, or empty for status 0.
func wantExit(t *testing.T, o initOutcome, code int, want ...string) {
	t.Helper()
	if o.code != code {
		t.Fatalf("exit status %d, want %d; stderr %q", o.code, code, o.stderr)
	}
	if code == 0 && len(want) == 0 {
		if o.stderr != "" {
			t.Fatalf("stderr %q, want none", o.stderr)
		}
		return
	}
	if !strings.HasPrefix(o.stderr, "oshim-init: ") || strings.Count(o.stderr, "\n") != 1 || !strings.HasSuffix(o.stderr, "\n") {
		t.Fatalf("stderr %q, want one line starting with oshim-init:", o.stderr)
	}
	for _, c := range strings.TrimSuffix(o.stderr, "\n") {
		if c < 0x20 || c > 0x7e {
			t.Fatalf("stderr %q holds %q", o.stderr, c)
		}
	}
	for _, w := range want {
		if !strings.Contains(o.stderr, w) {
			t.Fatalf("stderr %q lacks %q", o.stderr, w)
		}
	}
}

// wantResult checks the reported result: ok, and for a failure its step.
func wantResult(t *testing.T, o initOutcome, ok bool, step string) *Result {
	t.Helper()
	r := o.result
	if r == nil {
		t.Fatalf("no result reported; stderr %q", o.stderr)
	}
	if r.OK != ok || r.Step != step {
		t.Fatalf("result ok=%t step %q (%s), want ok=%t step %q", r.OK, r.Step, r.Message, ok, step)
	}
	return r
}

// wantPrediction checks that the workload holds what the init's reported state
// predicts after execve (caps.AfterExec), as the init itself checked.
func wantPrediction(t *testing.T, o initOutcome, root bool) {
	t.Helper()
	if o.status == nil {
		t.Fatalf("the workload did not run: %q", o.stdout)
	}
	st := *o.status
	got := caps.State{Effective: caps.Set(st.Eff), Permitted: caps.Set(st.Prm), Inheritable: caps.Set(st.Inh), Bounding: caps.Set(st.Bnd), Ambient: caps.Set(st.Amb)}
	if want := caps.AfterExec(o.result.CapState(), root, o.result.NoNewPrivs); !got.Equal(want) {
		t.Fatalf("the workload holds %s, AfterExec of the reported state predicts %s", got, want)
	}
}

func TestInitBehaviour(t *testing.T) {
	setpcap := caps.NewSet(caps.SETPCAP)
	kill := caps.NewSet(caps.KILL)
	tests := []initCase{
		{
			description: "verify only changes nothing",
			check: func(t *testing.T, o initOutcome) {
				wantExit(t, o, 0)
				r := wantResult(t, o, true, "")
				host := hostState(t)
				if r.Probe != "ok" || r.ReportOnly || caps.Set(host.Bnd) != r.CapState().Bounding || o.status.Bnd != host.Bnd {
					t.Fatalf("result %+v, workload %v, host %v", r, o.status, host)
				}
				wantPrediction(t, o, true)
			},
		},
		{
			description: "root, clear with a loan: bounding empty, loan gone, caps kept through the inheritable set",
			opts:        []string{"--clear-bounding", "--drop", "CAP_SETPCAP"},
			check: func(t *testing.T, o initOutcome) {
				wantExit(t, o, 0)
				wantResult(t, o, true, "")
				st, host := o.status, hostState(t)
				keep := host.Prm &^ procstatus.Mask(setpcap)
				if st.Bnd != 0 || st.Eff != keep || st.Prm != keep || st.Inh != keep {
					t.Fatalf("workload %v, want bnd 0 and %v everywhere else", st, keep)
				}
				wantPrediction(t, o, true)
			},
		},
		{
			description: "root, clear, CAP_SETPCAP required: it stays",
			opts:        []string{"--clear-bounding", "--require", "CAP_SETPCAP"},
			check: func(t *testing.T, o initOutcome) {
				wantExit(t, o, 0)
				wantResult(t, o, true, "")
				if o.status.Bnd != 0 || !o.status.Eff.Has(int(caps.SETPCAP)) {
					t.Fatalf("workload %v", o.status)
				}
				wantPrediction(t, o, true)
			},
		},
		{
			description: "root under no_new_privs, clear",
			opts:        []string{"--clear-bounding", "--drop", "CAP_SETPCAP"},
			nnp:         true,
			check: func(t *testing.T, o initOutcome) {
				wantExit(t, o, 0)
				r := wantResult(t, o, true, "")
				if !r.NoNewPrivs || !o.status.NoNewPrivs || o.status.Bnd != 0 || o.status.Eff.Has(int(caps.SETPCAP)) || !o.status.Eff.Has(int(caps.KILL)) {
					t.Fatalf("result %+v, workload %v", r, o.status)
				}
				wantPrediction(t, o, true)
			},
		},
		{
			description: "uid 1000 with ambient caps, clear: the ambient set carries them",
			opts:        []string{"--clear-bounding", "--drop", "CAP_SETPCAP"},
			uid:         1000,
			ambient:     []caps.Cap{caps.KILL, caps.NET_BIND_SERVICE, caps.SETPCAP},
			check: func(t *testing.T, o initOutcome) {
				wantExit(t, o, 0)
				wantResult(t, o, true, "")
				want := procstatus.Mask(caps.NewSet(caps.KILL, caps.NET_BIND_SERVICE))
				if st := o.status; st.Bnd != 0 || st.Eff != want || st.Prm != want || st.Amb != want || st.UID != 1000 {
					t.Fatalf("workload %v, want bnd 0 and %v", st, want)
				}
				wantPrediction(t, o, false)
			},
		},
		{
			description: "uid 1000 without CAP_SETPCAP: no probe, and clearing fails at the first drop",
			opts:        []string{"--clear-bounding"},
			uid:         1000,
			ambient:     []caps.Cap{caps.KILL},
			check: func(t *testing.T, o initOutcome) {
				wantExit(t, o, ExitTransition, "oshim-init: apply: drop-bounding CAP_CHOWN: operation not permitted (errno 1, EPERM): clearing the bounding set needs CAP_SETPCAP effective")
				if r := wantResult(t, o, false, "apply"); r.Probe != "skipped" || r.Errno != 1 {
					t.Fatalf("result %+v", r)
				}
				if o.status != nil {
					t.Fatal("the workload ran")
				}
			},
		},
		{
			description: "a required cap that was only lent: refused before the workload",
			opts:        []string{"--drop", "CAP_KILL", "--require", "CAP_KILL"},
			check: func(t *testing.T, o initOutcome) {
				wantExit(t, o, ExitVerify, "oshim-init: verify: the workload would start without CAP_KILL, which the contract requires (after execve: eff=")
				r := wantResult(t, o, false, "verify")
				if r.CapState().Effective.Intersect(kill) != 0 || o.status != nil {
					t.Fatalf("result %+v, workload %v", r, o.status)
				}
			},
		},
		{
			description: "report only, the state differs: reported, nothing changed, the workload runs",
			opts:        []string{"--report-only", "--clear-bounding", "--drop", "CAP_SETPCAP"},
			check: func(t *testing.T, o initOutcome) {
				wantExit(t, o, 0, "oshim-init: verify: kernel reports eff=")
				r := wantResult(t, o, false, "verify")
				host := hostState(t)
				if !r.ReportOnly || o.status == nil || o.status.Bnd != host.Bnd || o.status.Eff != host.Eff {
					t.Fatalf("result %+v, workload %v, host %v", r, o.status, host)
				}
			},
		},
		{
			description: "report only, a required cap missing: reported, the workload runs",
			opts:        []string{"--report-only", "--require", "CAP_SETPCAP"},
			uid:         1000,
			ambient:     []caps.Cap{caps.KILL},
			check: func(t *testing.T, o initOutcome) {
				wantExit(t, o, 0, "the workload would start without CAP_SETPCAP")
				if r := wantResult(t, o, false, "verify"); !r.ReportOnly || o.status == nil || o.status.Eff != procstatus.Mask(kill) {
					t.Fatalf("result %+v, workload %v", r, o.status)
				}
			},
		},
		{
			description: "report only, the state matches: ok",
			opts:        []string{"--report-only", "--require", "CAP_KILL"},
			check: func(t *testing.T, o initOutcome) {
				wantExit(t, o, 0)
				if r := wantResult(t, o, true, ""); !r.ReportOnly {
					t.Fatalf("result %+v", r)
				}
				wantPrediction(t, o, true)
			},
		},
		{
			description: "the probe denied by a seccomp rule on PR_CAPBSET_DROP",
			opts:        []string{"--clear-bounding", "--drop", "CAP_SETPCAP"},
			deny:        &denyRule{syscall: "prctl", errno: unix.EPERM, arg0: PrCapbsetDrop},
			check: func(t *testing.T, o initOutcome) {
				wantExit(t, o, ExitProbe, "oshim-init: probe PR_CAPBSET_DROP: probe bounding drop of CAP_", "(errno 1, EPERM): denied by the seccomp filter although CAP_SETPCAP is effective (Seccomp: 2, NoNewPrivs: 0, LSM label: ")
				if r := wantResult(t, o, false, "probe PR_CAPBSET_DROP"); r.Probe != "denied" || r.Seccomp != 2 || r.Errno != 1 || r.LSM == "" {
					t.Fatalf("result %+v", r)
				}
				if o.status != nil {
					t.Fatal("the workload ran")
				}
			},
		},
		{
			description: "report only, the probe denied: reported, the workload runs unchanged",
			opts:        []string{"--report-only", "--clear-bounding"},
			deny:        &denyRule{syscall: "prctl", errno: unix.EPERM, arg0: PrCapbsetDrop},
			check: func(t *testing.T, o initOutcome) {
				wantExit(t, o, 0, "oshim-init: probe PR_CAPBSET_DROP:")
				if r := wantResult(t, o, false, "probe PR_CAPBSET_DROP"); r.Probe != "denied" || !r.ReportOnly || o.status == nil || o.status.Bnd != hostState(t).Bnd {
					t.Fatalf("result %+v, workload %v", r, o.status)
				}
			},
		},
		{
			description: "bad arguments: the versions disagree",
			opts:        []string{"--widen"},
			check: func(t *testing.T, o initOutcome) {
				wantExit(t, o, ExitUsage, `oshim-init: arguments: unknown argument "--widen": the container's oshim-init and the host's oshim disagree; recreate the container`)
				if o.result != nil {
					t.Fatalf("reported %+v before knowing where to", o.result)
				}
			},
		},
		{
			description: "a workload not in PATH",
			workload:    []string{"no-such-command"},
			env:         []string{"PATH=/nonexistent:/also-not"},
			check: func(t *testing.T, o initOutcome) {
				wantExit(t, o, ExitNotFound, "oshim-init: resolve no-such-command: no-such-command: executable file not found in PATH /nonexistent:/also-not")
				wantResult(t, o, false, "resolve no-such-command")
			},
		},
		{
			description: "no PATH: the runtime's default one",
			workload:    []string{"cat", "/proc/self/status"},
			env:         []string{},
			check: func(t *testing.T, o initOutcome) {
				wantExit(t, o, 0)
				wantResult(t, o, true, "")
			},
		},
		{
			description: "PATH finds the first executable, skipping plain files and directories",
			workload:    []string{"tool"},
			env:         []string{"PATH=" + toolPath(t)},
			check: func(t *testing.T, o initOutcome) {
				wantExit(t, o, 0)
				wantResult(t, o, true, "")
				if o.stdout != "from c\n" {
					t.Fatalf("stdout %q, want c/tool's", o.stdout)
				}
			},
		},
		{
			description: "a path that does not exist",
			workload:    []string{"/no/such/file"},
			check: func(t *testing.T, o initOutcome) {
				wantExit(t, o, ExitNotFound, "oshim-init: resolve /no/such/file: /no/such/file: executable file not found")
			},
		},
		{
			description: "an executable file the kernel cannot run",
			workload:    []string{filepath.Join(toolDir(t), "garbage")},
			check: func(t *testing.T, o initOutcome) {
				wantExit(t, o, ExitCannotExec, "oshim-init: exec "+filepath.Join(toolDir(t), "garbage")+": exec format error (errno 8, ENOEXEC)")
				// The init had reported ok: it execs only after reporting.
				wantResult(t, o, true, "")
			},
		},
		{
			description: "a path that is not executable",
			workload:    []string{"/etc/passwd"},
			check: func(t *testing.T, o initOutcome) {
				wantExit(t, o, ExitCannotExec, "oshim-init: resolve /etc/passwd: /etc/passwd: not an executable file")
			},
		},
		{
			description: "a hostile workload name reaches neither stderr nor the result raw",
			workload:    []string{"/x\x1b]0;owned\x07\n\x9b2J\\"},
			check: func(t *testing.T, o initOutcome) {
				wantExit(t, o, ExitNotFound, `resolve /x\x1b]0;owned\x07\x0a\x9b2J\\: `)
				r := wantResult(t, o, false, `resolve /x\x1b]0;owned\x07\x0a\x9b2J\\`)
				for _, c := range r.Step + r.Message {
					if c < 0x20 || c > 0x7e {
						t.Fatalf("result %q holds %q", r.Message, c)
					}
				}
			},
		},
		{
			description: "a huge workload name is cut",
			workload:    []string{"/" + strings.Repeat("a", 3000)},
			check: func(t *testing.T, o initOutcome) {
				wantExit(t, o, ExitCannotExec, "...: file name too long (errno 36, ENAMETOOLONG)")
				if len(o.stderr) > 1000 {
					t.Fatalf("stderr of %d bytes", len(o.stderr))
				}
				wantResult(t, o, false, "resolve /"+strings.Repeat("a", 63)+"...")
			},
		},
		{
			description: "no result FIFO: nothing to report, the workload runs",
			noResult:    true,
			check: func(t *testing.T, o initOutcome) {
				wantExit(t, o, 0)
				if o.result != nil || o.status == nil {
					t.Fatalf("result %+v, workload %v", o.result, o.status)
				}
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.description, func(t *testing.T) {
			tc.check(t, runInit(t, tc))
		})
	}
}

// toolPath returns a PATH of three directories holding "tool": a plain file, a
// directory and a script printing "from c".
func toolPath(t *testing.T) string {
	root := toolDir(t)
	return root + "/a:" + root + "/b:" + root + "/c"
}

// toolDir makes the directories of toolPath, and "garbage", an executable file of no
// known format.
func toolDir(t *testing.T) string {
	root := filepath.Join(cDir, "toolpath")
	if _, err := os.Stat(root); err == nil {
		return root
	}
	if err := os.MkdirAll(root, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "garbage"), []byte("\x00\x01 not a program\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"a", "b/tool", "c"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(root, "a/tool"), []byte("#!/bin/sh\necho from a\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "c/tool"), []byte("#!/bin/sh\necho from c\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return root
}

// TestInitSyscallDenied: a seccomp filter that denies any system call the init makes
// stops it before the workload with ExitSyscallDenied and one line naming the call and
// the fix, whatever errno the profile returns; the host hears of it where the
// result's own calls are allowed. execve and exit_group are left out: a filter cannot
// deny the first without also denying the runtime's execve of the init, and the
// second is only made to exit.
func TestInitSyscallDenied(t *testing.T) {
	for _, name := range Syscalls {
		if name == "execve" || name == "exit_group" {
			continue
		}
		for _, errno := range []syscall.Errno{unix.ENXIO, unix.EPERM, unix.ENOSYS} {
			t.Run(fmt.Sprintf("%s/%s", name, unix.ErrnoName(errno)), func(t *testing.T) {
				// Clearing makes the init call capset; the workload, the init's
				// --version, needs nothing but write.
				o := runInit(t, initCase{opts: []string{"--clear-bounding", "--drop", "CAP_SETPCAP"}, workload: []string{cProgram(t, "oshim-init"), "--version"},
					deny: &denyRule{syscall: name, errno: errno, arg0: -1}})
				if name == "close" {
					// The init ignores what close says: nothing is lost.
					wantExit(t, o, 0)
					wantResult(t, o, true, "")
					return
				}
				if name == "write" {
					// Nothing can be said, but the workload does not run.
					if o.code != ExitSyscallDenied || o.result != nil || o.stderr != "" {
						t.Fatalf("exit %d, stderr %q, result %+v", o.code, o.stderr, o.result)
					}
					return
				}
				wantExit(t, o, ExitSyscallDenied, fmt.Sprintf("oshim-init: seccomp: %s denied by the container's seccomp profile (errno %d, %s): allow %s in the spec's linux.seccomp (oshim-init needs: %s;",
					name, int(errno), unix.ErrnoName(errno), name, strings.Join(Syscalls, " ")))
				if name != "openat" {
					if r := wantResult(t, o, false, "seccomp"); r.Errno != int(errno) {
						t.Fatalf("result %+v", r)
					}
				}
			})
		}
	}
}

// TestInitSyscallSet: strace shows oshim-init making exactly the system calls of
// Syscalls, across the contract kinds, users and failures.
func TestInitSyscallSet(t *testing.T) {
	cases := []initCase{
		{description: "verify only"},
		{description: "root, clear with a loan", opts: []string{"--clear-bounding", "--drop", "CAP_SETPCAP"}},
		{description: "root, no_new_privs, clear, require", opts: []string{"--clear-bounding", "--require", "CAP_SETPCAP"}, nnp: true},
		{description: "uid 1000, ambient, clear", opts: []string{"--clear-bounding", "--drop", "CAP_SETPCAP"}, uid: 1000, ambient: []caps.Cap{caps.KILL, caps.SETPCAP}},
		{description: "report only, differing", opts: []string{"--report-only", "--clear-bounding"}},
		{description: "refused", opts: []string{"--drop", "CAP_KILL", "--require", "CAP_KILL"}},
		{description: "not found, PATH searched", workload: []string{"nope"}},
	}
	all := map[string]bool{}
	for _, c := range cases {
		t.Run(c.description, func(t *testing.T) {
			// Where a non-root strace can write too.
			dir, err := os.MkdirTemp(cDir, "trace-")
			if err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(dir, 0o777); err != nil {
				t.Fatal(err)
			}
			c.strace = filepath.Join(dir, "trace")
			o := runInit(t, c)
			if o.result == nil {
				t.Fatalf("no result; stderr %q", o.stderr)
			}
			calls := initCalls(t, c.strace)
			for name := range calls {
				if !slices.Contains(Syscalls, name) {
					t.Errorf("oshim-init called %s, which initproc.Syscalls does not list", name)
				}
				all[name] = true
			}
			t.Logf("%s: %v", c.description, slices.Sorted(maps.Keys(calls)))
		})
	}
	for _, name := range Syscalls {
		if !all[name] {
			t.Errorf("initproc.Syscalls lists %s, which oshim-init never called", name)
		}
	}
}

// TestInitHoldsResultFIFO: oshim-init opens the result FIFO before anything else and
// holds it until the workload's execve, so that the host reads the FIFO's end as the
// init's, whatever kills it before it reports: here its first call opens the FIFO,
// and no later call closes that descriptor.
func TestInitHoldsResultFIFO(t *testing.T) {
	dir, err := os.MkdirTemp(cDir, "trace-")
	if err != nil {
		t.Fatal(err)
	}
	c := initCase{opts: []string{"--clear-bounding", "--drop", "CAP_SETPCAP"}, strace: filepath.Join(dir, "trace")}
	if o := runInit(t, c); o.result == nil || !o.result.OK {
		t.Fatalf("result %+v, stderr %q", o.result, o.stderr)
	}
	calls := initTrace(t, c.strace)
	if len(calls) == 0 {
		t.Fatal("no calls traced")
	}
	first := calls[0]
	open, fd, ok := strings.Cut(first, ") = ")
	if !ok || !strings.HasPrefix(open, "openat(") || !strings.Contains(open, `/result", O_WRONLY|O_NONBLOCK|O_CLOEXEC`) {
		t.Fatalf("first call %q, want the result FIFO's open", first)
	}
	for _, line := range calls[1:] {
		if strings.HasPrefix(line, "close("+fd+")") {
			t.Fatalf("oshim-init closed the result FIFO before its workload's execve: %q", line)
		}
	}
}

// initCalls reads an strace log: the calls made from oshim-init's execve to the
// workload's (or its exit).
func initCalls(t *testing.T, log string) map[string]bool {
	t.Helper()
	calls := map[string]bool{}
	for _, line := range initTrace(t, log) {
		name, _, _ := strings.Cut(line, "(")
		calls[name] = true
	}
	return calls
}

// initTrace reads an strace log: the lines of the calls made from oshim-init's execve
// to the workload's (or its exit), in order.
func initTrace(t *testing.T, log string) []string {
	t.Helper()
	data, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	var calls []string
	in := false
	for _, line := range strings.Split(string(data), "\n") {
		name, _, ok := strings.Cut(line, "(")
		if !ok || strings.ContainsAny(name, " +-") {
			continue
		}
		if path, _, _ := strings.Cut(strings.TrimPrefix(line, `execve("`), `"`); name == "execve" && strings.HasSuffix(path, "/oshim-init") && !in {
			in = true
			continue
		}
		if in {
			calls = append(calls, line)
			if name == "execve" {
				break
			}
		}
	}
	if !in {
		t.Fatalf("no execve of oshim-init in %s:\n%s", log, data)
	}
	return calls
}

// TestInitAarch64 builds oshim-init for aarch64 and runs it under qemu's user-mode
// emulation, which passes its system calls to this kernel: the other architecture's
// syscall numbers and struct stat layout do the same work.
func TestInitAarch64(t *testing.T) {
	dir := filepath.Join(cDir, "aarch64")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	init, err := harness.BuildInit(dir, "oshim-init", "CC=aarch64-linux-gnu-gcc")
	if err != nil {
		t.Fatal(err)
	}
	f, err := elf.Open(init)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.Machine != elf.EM_AARCH64 || f.Type != elf.ET_EXEC || slices.ContainsFunc(f.Progs, func(p *elf.Prog) bool { return p.Type == elf.PT_INTERP }) {
		t.Fatalf("%s is a %v %v, want a static aarch64 executable", init, f.Machine, f.Type)
	}
	run := func(args ...string) (int, string, string) {
		// The workload is a host program: qemu hands execve to the kernel.
		cmd := exec.Command("qemu-aarch64", append([]string{init}, args...)...)
		cmd.Env = []string{"PATH=/usr/bin:/bin"}
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		var ee *exec.ExitError
		if err != nil && !errors.As(err, &ee) {
			t.Fatalf("qemu-aarch64: %v", err)
		}
		return cmd.ProcessState.ExitCode(), stdout.String(), stderr.String()
	}
	code, stdout, stderr := run("--clear-bounding", "--drop", "CAP_SETPCAP", "--", "cat", "/proc/self/status")
	st, err := procstatus.Parse(strings.NewReader(stdout))
	if code != 0 || err != nil || st.Bnd != 0 || st.Eff.Has(int(caps.SETPCAP)) || !st.Eff.Has(int(caps.KILL)) {
		t.Fatalf("clear: exit %d, stderr %q, workload %v (%v)", code, stderr, st, err)
	}
	code, _, stderr = run("--drop", "CAP_KILL", "--require", "CAP_KILL", "--", "/bin/true")
	if code != ExitVerify || !strings.HasPrefix(stderr, "oshim-init: verify: the workload would start without CAP_KILL") {
		t.Fatalf("refused: exit %d, stderr %q", code, stderr)
	}
	code, _, stderr = run("--", "/etc/passwd")
	if code != ExitCannotExec || !strings.Contains(stderr, "/etc/passwd: not an executable file") {
		t.Fatalf("not executable: exit %d, stderr %q", code, stderr)
	}
}

func TestInitHarmlessModes(t *testing.T) {
	init := cProgram(t, "oshim-init")
	for arg, want := range map[string]string{"--version": "oshim-init dev\n", "--help": "119  the container's seccomp profile denies"} {
		out, err := exec.Command(init, arg).Output()
		if err != nil || !strings.Contains(string(out), want) {
			t.Errorf("oshim-init %s: %q, %v; want %q", arg, out, err, want)
		}
	}
	if out, err := exec.Command(init, "--help").Output(); err != nil || !strings.Contains(string(out), strings.Join(Syscalls, " ")) {
		t.Errorf("oshim-init --help does not list the system calls %v: %q", Syscalls, out)
	}
}
