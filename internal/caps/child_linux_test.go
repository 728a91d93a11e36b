package caps

import (
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/oshim/oshim/test/procstatus"
)

// childEnv carries, to a re-executed test binary, the name of the test whose
// body it runs for real (the moby/sys "testInChild" pattern).
const childEnv = "OSHIM_CAPS_TEST_CHILD"

// childTag starts every line a child reports to its parent.
const childTag = "caps-child:"

// childDone is the last report of a child whose body passed; without it a
// child that matched no test would look like a success.
const childDone = "done"

// inChild runs body in a fresh copy of the test binary on a locked OS thread,
// so capability changes never reach this process or its other tests. The
// parent requires exit status 0 and every line of want among the child's
// reports (see report), in any order. In the child, inChild runs body and
// returns; tests must do nothing after calling it.
func inChild(t *testing.T, body func(t *testing.T), want ...string) {
	t.Helper()
	if name, isChild := os.LookupEnv(childEnv); isChild {
		// A child never re-executes: a name mismatch would otherwise
		// chain test binaries without end.
		if name != t.Name() {
			t.Fatalf("child for %q reached %q", name, t.Name())
		}
		// Never unlocked: the thread and its changed capabilities exit with
		// the test goroutine instead of returning to the scheduler's pool.
		runtime.LockOSThread()
		body(t)
		if !t.Failed() {
			report(childDone)
		}
		return
	}
	var parts []string
	for _, p := range strings.Split(t.Name(), "/") {
		parts = append(parts, "^"+regexp.QuoteMeta(p)+"$")
	}
	cmd := exec.Command(os.Args[0], "-test.run="+strings.Join(parts, "/"), "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), childEnv+"="+t.Name())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child %s: %v\n%s", t.Name(), err, out)
	}
	got := map[string]bool{}
	for _, line := range strings.Split(string(out), "\n") {
		if msg, ok := strings.CutPrefix(line, childTag+" "); ok {
			got[msg] = true
		}
	}
	for _, w := range append(want, childDone) {
		if !got[w] {
			t.Errorf("child %s did not report %q; output:\n%s", t.Name(), w, out)
		}
	}
}

// report sends one line from a child to its parent.
func report(format string, args ...any) {
	fmt.Printf("%s %s\n", childTag, fmt.Sprintf(format, args...))
}

// mustCurrent returns the calling thread's state, as /proc/thread-self/status
// shows it, or stops the test.
func mustCurrent(t *testing.T) procState {
	t.Helper()
	st, err := procstatus.Read("/proc/thread-self/status")
	if err != nil {
		t.Fatal(err)
	}
	return procState{
		State:      State{Effective: Set(st.Eff), Permitted: Set(st.Prm), Inheritable: Set(st.Inh), Bounding: Set(st.Bnd), Ambient: Set(st.Amb)},
		NoNewPrivs: st.NoNewPrivs,
	}
}

// procState is a thread's state and its no_new_privs flag.
type procState struct {
	State
	NoNewPrivs bool
}

// mustTransition moves the calling thread to target in the order the kernel
// accepts (oshim-init's transition does the same in C), and checks the result.
func mustTransition(t *testing.T, target State) {
	t.Helper()
	cur := mustCurrent(t).State
	capset := func(e, p, i Set) error {
		data := [2]unix.CapUserData{
			{Effective: uint32(e), Permitted: uint32(p), Inheritable: uint32(i)},
			{Effective: uint32(e >> 32), Permitted: uint32(p >> 32), Inheritable: uint32(i >> 32)},
		}
		return unix.Capset(&unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}, &data[0])
	}
	if err := capset(cur.Effective, cur.Permitted, target.Inheritable); err != nil {
		t.Fatalf("raise inheritable to %s: %v", target.Inheritable, err)
	}
	for _, c := range cur.Bounding.Minus(target.Bounding).Caps() {
		if err := unix.Prctl(unix.PR_CAPBSET_DROP, uintptr(c), 0, 0, 0); err != nil {
			t.Fatalf("drop bounding %s: %v", c, err)
		}
	}
	if err := capset(target.Effective, target.Permitted, target.Inheritable); err != nil {
		t.Fatalf("capset %s: %v", target, err)
	}
	for _, c := range cur.Ambient.Minus(target.Ambient).Caps() {
		if err := unix.Prctl(unix.PR_CAP_AMBIENT, unix.PR_CAP_AMBIENT_LOWER, uintptr(c), 0, 0); err != nil {
			t.Fatalf("lower ambient %s: %v", c, err)
		}
	}
	for _, c := range target.Ambient.Caps() {
		if err := unix.Prctl(unix.PR_CAP_AMBIENT, unix.PR_CAP_AMBIENT_RAISE, uintptr(c), 0, 0); err != nil {
			t.Fatalf("raise ambient %s: %v", c, err)
		}
	}
	if got := mustCurrent(t).State; !got.Equal(target) {
		t.Fatalf("after the transition\n got %v\nwant %v", got, target)
	}
}

// requireCaps stops the test unless the thread's permitted set holds cs; these
// tests need root with those caps and must fail, not skip, without them.
func requireCaps(t *testing.T, cur procState, cs ...Cap) {
	t.Helper()
	if missing := NewSet(cs...).Minus(cur.Permitted.Intersect(cur.Effective).Intersect(cur.Bounding)); !missing.IsEmpty() {
		t.Fatalf("test needs %s in E, P and B; thread has %v", missing, cur)
	}
}
