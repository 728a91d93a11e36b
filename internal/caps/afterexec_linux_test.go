package caps

import (
	"bytes"
	"os/exec"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/oshim/oshim/test/procstatus"
)

// nobody is the non-root uid and gid the non-root rows switch to.
const nobody = 65534

// TestAfterExecMatchesKernel puts a thread into each state, executes
// /bin/cat /proc/self/status from it (no file caps, not set-ID), and compares
// the new process's state with AfterExec's prediction.
func TestAfterExecMatchesKernel(t *testing.T) {
	tests := []struct {
		name    string
		nonRoot bool // switch to uid nobody, keeping P through PR_SET_KEEPCAPS
		nnp     bool
		target  func(cur State) State
	}{
		{name: "root unchanged", target: func(cur State) State { return cur }},
		{name: "root regains bounding caps missing from P", target: func(cur State) State {
			cur.Effective = cur.Effective.Remove(KILL)
			cur.Permitted = cur.Permitted.Remove(KILL)
			return cur
		}},
		{name: "root with no_new_privs regains nothing", nnp: true, target: func(cur State) State {
			cur.Effective = cur.Effective.Remove(KILL)
			cur.Permitted = cur.Permitted.Remove(KILL)
			return cur
		}},
		{name: "root keeps caps through I with B cleared", target: func(cur State) State {
			kept := cur.Permitted.Remove(SETPCAP)
			return State{Effective: kept, Permitted: kept, Inheritable: kept}
		}},
		{name: "root loses everything with B and I cleared", target: func(cur State) State {
			return State{Effective: cur.Effective, Permitted: cur.Permitted}
		}},
		{name: "root keeps ambient", target: func(cur State) State {
			cur.Inheritable = NewSet(NET_RAW)
			cur.Ambient = NewSet(NET_RAW)
			return cur
		}},
		{name: "non-root without ambient", nonRoot: true, target: func(cur State) State {
			cur.Inheritable = NewSet(NET_RAW)
			return cur
		}},
		{name: "non-root keeps ambient only", nonRoot: true, target: func(cur State) State {
			cur.Effective = NewSet(KILL)
			cur.Inheritable = NewSet(NET_RAW, SETPCAP)
			cur.Ambient = NewSet(NET_RAW, SETPCAP)
			return cur
		}},
		{name: "non-root with no_new_privs keeps ambient", nonRoot: true, nnp: true, target: func(cur State) State {
			cur.Inheritable = NewSet(NET_RAW)
			cur.Ambient = NewSet(NET_RAW)
			return cur
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inChild(t, func(t *testing.T) {
				requireCaps(t, mustCurrent(t), SETPCAP, SETUID, SETGID, KILL, NET_RAW)
				if tt.nonRoot {
					becomeNobody(t)
				}
				if tt.nnp {
					if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
						t.Fatalf("PR_SET_NO_NEW_PRIVS: %v", err)
					}
				}
				mustTransition(t, tt.target(mustCurrent(t).State))
				before := mustCurrent(t)
				want := AfterExec(before.State, !tt.nonRoot, before.NoNewPrivs)

				// The child is forked from this locked thread and inherits its caps.
				out, err := exec.Command("/bin/cat", "/proc/self/status").Output()
				if err != nil {
					t.Fatalf("cat /proc/self/status: %v", err)
				}
				st, err := procstatus.Parse(bytes.NewReader(out))
				if err != nil {
					t.Fatal(err)
				}
				after := State{Effective: Set(st.Eff), Permitted: Set(st.Prm), Inheritable: Set(st.Inh), Bounding: Set(st.Bnd), Ambient: Set(st.Amb)}
				if !after.Equal(want) || st.NoNewPrivs != tt.nnp {
					t.Fatalf("before exec %v nnp=%v\nafter exec  %v nnp=%v\nAfterExec   %v",
						before.State, before.NoNewPrivs, after, st.NoNewPrivs, want)
				}
				report("exec matches AfterExec")
			}, "exec matches AfterExec")
		})
	}
}

// becomeNobody switches every thread to uid and gid nobody while the locked
// thread keeps its permitted set (E and A are cleared by the kernel).
func becomeNobody(t *testing.T) {
	t.Helper()
	if err := unix.Prctl(unix.PR_SET_KEEPCAPS, 1, 0, 0, 0); err != nil {
		t.Fatalf("PR_SET_KEEPCAPS: %v", err)
	}
	if err := syscall.Setresgid(nobody, nobody, nobody); err != nil {
		t.Fatalf("setresgid: %v", err)
	}
	if err := syscall.Setresuid(nobody, nobody, nobody); err != nil {
		t.Fatalf("setresuid: %v", err)
	}
}
