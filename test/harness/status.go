package harness

import (
	"strconv"
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

func itoa(n int) string { return strconv.Itoa(n) }
