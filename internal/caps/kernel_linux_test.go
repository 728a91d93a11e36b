package caps

import (
	"errors"
	"testing"

	"golang.org/x/sys/unix"
)

// TestLastCap compares LastCap with what PR_CAPBSET_READ accepts, which
// answers EINVAL only past the kernel's last capability. Reading changes
// nothing, so it runs in this process.
func TestLastCap(t *testing.T) {
	last, err := LastCap()
	if err != nil {
		t.Fatalf("LastCap: %v", err)
	}
	if _, err := boundingHas(last); err != nil {
		t.Errorf("PR_CAPBSET_READ(%d) = %v; LastCap is beyond the kernel's caps", int(last), err)
	}
	if _, err := boundingHas(last + 1); !errors.Is(err, unix.EINVAL) {
		t.Errorf("PR_CAPBSET_READ(%d) = %v, want EINVAL; LastCap is below the kernel's last cap", int(last+1), err)
	}
}

func TestCurrent(t *testing.T) {
	inChild(t, func(t *testing.T) {
		cur := mustCurrent(t)
		ps, err := ReadProcStatus("/proc/thread-self/status")
		if err != nil {
			t.Fatal(err)
		}
		if !cur.Equal(ps.State) {
			t.Fatalf("Current() = %v\n/proc/thread-self/status = %v", cur, ps.State)
		}
		last, err := LastCap()
		if err != nil {
			t.Fatal(err)
		}
		if extra := cur.Bounding.Minus(FullSet(last)); !extra.IsEmpty() {
			t.Errorf("bounding set holds %s past cap_last_cap %d", extra, int(last))
		}
		if cur.Bounding.IsEmpty() {
			t.Error("bounding set is empty; the tests need a root thread")
		}
		report("current matches status")
	}, "current matches status")
}

func TestProbeBoundingDrop(t *testing.T) {
	inChild(t, func(t *testing.T) {
		cur := mustCurrent(t)
		requireCaps(t, cur, SETPCAP)
		if err := ProbeBoundingDrop(); err != nil {
			t.Fatalf("ProbeBoundingDrop with SETPCAP effective: %v", err)
		}
		verifyThread(t, cur)
		report("probe with SETPCAP: nil")

		noSetpcap := cur
		noSetpcap.Effective = cur.Effective.Remove(SETPCAP)
		mustTransition(t, noSetpcap)
		err := ProbeBoundingDrop()
		var errno unix.Errno
		if !errors.As(err, &errno) {
			t.Fatalf("ProbeBoundingDrop without SETPCAP effective = %v, want an errno", err)
		}
		verifyThread(t, noSetpcap)
		report("probe without SETPCAP: %s", unix.ErrnoName(errno))
	}, "probe with SETPCAP: nil", "probe without SETPCAP: EPERM")
}
