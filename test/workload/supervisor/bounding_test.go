package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// fakeKernel models the kernel's PR_CAPBSET_* checks in their real order:
// CAP_SETPCAP first, then the capability number.
type fakeKernel struct {
	last    int
	set     uint64
	setpcap bool          // CAP_SETPCAP effective
	deny    map[int]error // an LSM or seccomp answer for one capability
	sticky  bool          // drops succeed but change nothing
}

func (k *fakeKernel) drop(c int) error {
	if err := k.deny[c]; err != nil {
		return err
	}
	if !k.setpcap {
		return unix.EPERM
	}
	if c > k.last {
		return unix.EINVAL
	}
	if !k.sticky {
		k.set &^= 1 << c
	}
	return nil
}

func (k *fakeKernel) read(c int) (bool, error) {
	if c > k.last {
		return false, unix.EINVAL
	}
	return k.set&(1<<c) != 0, nil
}

func TestClearBoundingSet(t *testing.T) {
	const full = 1<<41 - 1
	// bits 5 CAP_KILL, 10 CAP_NET_BIND_SERVICE, 29 CAP_AUDIT_WRITE: runc's default
	const runcDefault = 1<<5 | 1<<10 | 1<<29
	tests := []struct {
		name     string
		kernel   *fakeKernel
		wantLast int
		wantErr  string
	}{
		{
			name:     "CAP_SETPCAP and a full set",
			kernel:   &fakeKernel{last: 40, set: full, setpcap: true},
			wantLast: 40,
		},
		{
			name:     "CAP_SETPCAP and an empty set",
			kernel:   &fakeKernel{last: 40, setpcap: true},
			wantLast: 40,
		},
		{
			name:    "no CAP_SETPCAP, runc's default set: EPERM on the first present cap",
			kernel:  &fakeKernel{last: 40, set: runcDefault},
			wantErr: "CAP 5: Operation not permitted (os error 1)",
		},
		{
			name:    "no CAP_SETPCAP, empty set: fails past the last cap",
			kernel:  &fakeKernel{last: 40},
			wantErr: "CAP 41: Invalid argument (os error 22)",
		},
		{
			name:    "LSM denies one drop although CAP_SETPCAP is effective",
			kernel:  &fakeKernel{last: 40, set: full, setpcap: true, deny: map[int]error{3: unix.EPERM}},
			wantErr: "CAP 3: Operation not permitted (os error 1)",
		},
		{
			name:     "LSM denial on an absent cap is tolerated",
			kernel:   &fakeKernel{last: 40, set: full &^ (1 << 3), setpcap: true, deny: map[int]error{3: unix.EPERM}},
			wantLast: 40,
		},
		{
			name:    "other errno is fatal",
			kernel:  &fakeKernel{last: 40, set: full, setpcap: true, deny: map[int]error{0: unix.EFAULT}},
			wantErr: "CAP 0: Bad address (os error 14)",
		},
		{
			name:    "EINVAL at cap 0 means no capabilities at all",
			kernel:  &fakeKernel{last: -1, setpcap: true},
			wantErr: "CAP 0: Invalid argument (os error 22)",
		},
		{
			name:    "kernel that never answers EINVAL",
			kernel:  &fakeKernel{last: 1000, setpcap: true},
			wantErr: "no EINVAL for any capability below 64",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			last, err := clearBoundingSet(tt.kernel)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("got error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if last != tt.wantLast {
				t.Errorf("last = %d, want %d", last, tt.wantLast)
			}
			if err := verifyCleared(tt.kernel, last); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestVerifyCleared(t *testing.T) {
	tests := []struct {
		name    string
		kernel  *fakeKernel
		last    int
		wantErr string
	}{
		{name: "empty", kernel: &fakeKernel{last: 40}, last: 40},
		{
			name:    "two caps left",
			kernel:  &fakeKernel{last: 40, set: 1<<7 | 1<<40},
			last:    40,
			wantErr: "capabilities remain in bounding set: CAP 7, CAP 40",
		},
		{
			name:    "read fails",
			kernel:  &fakeKernel{last: 3},
			last:    4,
			wantErr: "read bounding set: CAP 4: Invalid argument (os error 22)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := verifyCleared(tt.kernel, tt.last)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.wantErr {
				t.Errorf("got error %q, want %q", got, tt.wantErr)
			}
		})
	}
}

func TestStickyDropsAreCaught(t *testing.T) {
	k := &fakeKernel{last: 40, set: 1 << 12, setpcap: true, sticky: true}
	last, err := clearBoundingSet(k)
	if err != nil {
		t.Fatal(err)
	}
	err = verifyCleared(k, last)
	if err == nil || err.Error() != "capabilities remain in bounding set: CAP 12" {
		t.Errorf("got %v, want the remaining CAP 12 reported", err)
	}
}

// TestRealKernel runs the loop against the real kernel on a thread that is
// thrown away afterwards (the goroutine exits while locked), so the test
// process keeps its own capabilities. It needs CAP_SETPCAP: run as root.
// First it clears the thread's set; then, without CAP_SETPCAP, it proves the
// loop fails on that empty set past the last cap, as the kernel answers it (PR_CAPBSET_DROP checks CAP_SETPCAP before the cap number).
func TestRealKernel(t *testing.T) {
	lastCap := readLastCap(t)
	done := make(chan error)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread dies with the goroutine
		done <- clearThenFailWithoutSetpcap(lastCap)
	}()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func clearThenFailWithoutSetpcap(lastCap int) error {
	last, err := clearBoundingSet(prctl{})
	if err != nil {
		return fmt.Errorf("with CAP_SETPCAP: %w", err)
	}
	if last != lastCap {
		return fmt.Errorf("with CAP_SETPCAP: last = %d, want cap_last_cap %d", last, lastCap)
	}
	if err := verifyCleared(prctl{}, last); err != nil {
		return fmt.Errorf("with CAP_SETPCAP: %w", err)
	}
	if err := dropEffective(unix.CAP_SETPCAP); err != nil {
		return err
	}
	want := fmt.Sprintf("CAP %d: Invalid argument (os error 22)", lastCap+1)
	if _, err := clearBoundingSet(prctl{}); err == nil || err.Error() != want {
		return fmt.Errorf("without CAP_SETPCAP: got error %v, want %q", err, want)
	}
	return nil
}

func readLastCap(t *testing.T) int {
	t.Helper()
	data, err := os.ReadFile("/proc/sys/kernel/cap_last_cap")
	if err != nil {
		t.Fatal(err)
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil {
		t.Fatalf("cap_last_cap: %v", err)
	}
	return n
}

// dropEffective removes c from the calling thread's effective set.
func dropEffective(c int) error {
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	if err := unix.Capget(&hdr, &data[0]); err != nil {
		return fmt.Errorf("capget: %w", err)
	}
	data[c/32].Effective &^= 1 << (c % 32)
	if err := unix.Capset(&hdr, &data[0]); err != nil {
		return fmt.Errorf("capset: %w", err)
	}
	return nil
}
