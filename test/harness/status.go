package harness

import (
	"os"
	"strconv"
	"strings"
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

func itoa(n int) string { return strconv.Itoa(n) }
