package harness

import (
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/oshim/oshim/test/procstatus"
)

// ProcStatus reads the capability state of process pid from the host's
// /proc/<pid>/status; a missing process fails the test.
func ProcStatus(t testing.TB, pid int) procstatus.Status {
	t.Helper()
	s, err := procstatus.Read("/proc/" + itoa(pid) + "/status")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Running says whether process pid exists and has not exited: a zombie has.
func Running(pid int) bool {
	b, err := os.ReadFile("/proc/" + itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	// The state follows the command, whose parentheses may enclose anything.
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	return len(f) > 0 && f[0] != "Z"
}

// SignalIgnored says whether process pid ignores sig, from the SigIgn mask of its
// status; a missing process fails the test.
func SignalIgnored(t testing.TB, pid int, sig syscall.Signal) bool {
	t.Helper()
	b, err := os.ReadFile("/proc/" + itoa(pid) + "/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if mask, ok := strings.CutPrefix(line, "SigIgn:"); ok {
			m, err := strconv.ParseUint(strings.TrimSpace(mask), 16, 64)
			if err != nil {
				t.Fatalf("SigIgn %q: %v", mask, err)
			}
			return m&(1<<(uint(sig)-1)) != 0
		}
	}
	t.Fatalf("no SigIgn in the status of %d", pid)
	return false
}

func itoa(n int) string { return strconv.Itoa(n) }
