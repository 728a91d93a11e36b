package caps

import (
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"strings"
	"testing"
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

// mustCurrent returns the calling thread's state or stops the test.
func mustCurrent(t *testing.T) State {
	t.Helper()
	s, err := Current()
	if err != nil {
		t.Fatalf("Current: %v", err)
	}
	return s
}

// verifyThread checks that the kernel, asked through capget/prctl and through
// /proc/thread-self/status, reports want for the calling thread.
func verifyThread(t *testing.T, want State) {
	t.Helper()
	if got := mustCurrent(t); !got.Equal(want) {
		t.Errorf("Current()\n got %v\nwant %v", got, want)
	}
	ps, err := ReadProcStatus("/proc/thread-self/status")
	if err != nil {
		t.Fatalf("ReadProcStatus: %v", err)
	}
	if !ps.State.Equal(want) {
		t.Errorf("/proc/thread-self/status\n got %v\nwant %v", ps.State, want)
	}
}

// mustTransition applies target and verifies it from the kernel.
func mustTransition(t *testing.T, target State) {
	t.Helper()
	if err := Transition(target); err != nil {
		t.Fatalf("Transition(%v): %v", target, err)
	}
	verifyThread(t, target)
}

// requireCaps stops the test unless the thread's permitted set holds cs; these
// tests need root with those caps and must fail, not skip, without them.
func requireCaps(t *testing.T, cur State, cs ...Cap) {
	t.Helper()
	if missing := NewSet(cs...).Minus(cur.Permitted.Intersect(cur.Effective).Intersect(cur.Bounding)); !missing.IsEmpty() {
		t.Fatalf("test needs %s in E, P and B; thread has %v", missing, cur)
	}
}
