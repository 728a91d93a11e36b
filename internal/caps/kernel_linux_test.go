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
	boundingHas := func(c Cap) (int, error) { return unix.PrctlRetInt(unix.PR_CAPBSET_READ, uintptr(c), 0, 0, 0) }
	if _, err := boundingHas(last); err != nil {
		t.Errorf("PR_CAPBSET_READ(%d) = %v; LastCap is beyond the kernel's caps", int(last), err)
	}
	if _, err := boundingHas(last + 1); !errors.Is(err, unix.EINVAL) {
		t.Errorf("PR_CAPBSET_READ(%d) = %v, want EINVAL; LastCap is below the kernel's last cap", int(last+1), err)
	}
}
