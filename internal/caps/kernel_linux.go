package caps

import (
	"errors"
	"fmt"

	"golang.org/x/sys/unix"
)

// Current returns the calling thread's capability state: E, P and I from
// capget, B from PR_CAPBSET_READ and A from PR_CAP_AMBIENT_IS_SET over
// 0..LastCap. Capabilities are per thread, so callers that act on the result
// must hold runtime.LockOSThread.
func Current() (State, error) {
	last, err := LastCap()
	if err != nil {
		return State{}, err
	}
	var s State
	if s.Effective, s.Permitted, s.Inheritable, err = capget(); err != nil {
		return State{}, err
	}
	for c := Cap(0); c <= last; c++ {
		in, err := boundingHas(c)
		if err != nil {
			return State{}, fmt.Errorf("read bounding %s: %w", c, err)
		}
		if in {
			s.Bounding = s.Bounding.Add(c)
		}
		in, err = ambientHas(c)
		if err != nil {
			return State{}, fmt.Errorf("read ambient %s: %w", c, err)
		}
		if in {
			s.Ambient = s.Ambient.Add(c)
		}
	}
	return s, nil
}

// ProbeBoundingDrop asks the kernel whether the calling thread may drop
// bounding caps, without dropping any: it drops cap_last_cap+1. The kernel
// checks CAP_SETPCAP (where an LSM may also refuse) before the number, so
// EINVAL means a real drop would be allowed and nil is returned. Otherwise the
// error wraps the kernel's answer, unix.EPERM when CAP_SETPCAP is not
// effective or an LSM or seccomp filter denies the call; callers tell those
// apart by whether SETPCAP is in Current().Effective.
func ProbeBoundingDrop() error {
	last, err := LastCap()
	if err != nil {
		return err
	}
	probe := last + 1
	err = unix.Prctl(unix.PR_CAPBSET_DROP, uintptr(probe), 0, 0, 0)
	switch {
	case errors.Is(err, unix.EINVAL):
		return nil
	case err == nil:
		return fmt.Errorf("probe bounding drop of %s: kernel accepted a capability past cap_last_cap", probe)
	}
	return fmt.Errorf("probe bounding drop of %s: %w", probe, err)
}

func capHeader() *unix.CapUserHeader {
	// Pid 0 is the calling thread.
	return &unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
}

func capget() (eff, prm, inh Set, err error) {
	var data [2]unix.CapUserData
	if err := unix.Capget(capHeader(), &data[0]); err != nil {
		return 0, 0, 0, fmt.Errorf("capget: %w", err)
	}
	join := func(lo, hi uint32) Set { return Set(hi)<<32 | Set(lo) }
	return join(data[0].Effective, data[1].Effective),
		join(data[0].Permitted, data[1].Permitted),
		join(data[0].Inheritable, data[1].Inheritable), nil
}

// capset returns the bare errno so that StepError.Err stays one.
func capset(eff, prm, inh Set) error {
	data := [2]unix.CapUserData{
		{Effective: uint32(eff), Permitted: uint32(prm), Inheritable: uint32(inh)},
		{Effective: uint32(eff >> 32), Permitted: uint32(prm >> 32), Inheritable: uint32(inh >> 32)},
	}
	return unix.Capset(capHeader(), &data[0])
}

func boundingHas(c Cap) (bool, error) {
	r, err := unix.PrctlRetInt(unix.PR_CAPBSET_READ, uintptr(c), 0, 0, 0)
	return r == 1, err
}

func boundingDrop(c Cap) error {
	return unix.Prctl(unix.PR_CAPBSET_DROP, uintptr(c), 0, 0, 0)
}

func ambientHas(c Cap) (bool, error) {
	r, err := unix.PrctlRetInt(unix.PR_CAP_AMBIENT, unix.PR_CAP_AMBIENT_IS_SET, uintptr(c), 0, 0)
	return r == 1, err
}

// ambient runs PR_CAP_AMBIENT_RAISE or PR_CAP_AMBIENT_LOWER for c.
func ambient(op int, c Cap) error {
	return unix.Prctl(unix.PR_CAP_AMBIENT, uintptr(op), uintptr(c), 0, 0)
}
