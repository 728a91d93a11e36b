package main

import "golang.org/x/sys/unix"

// prctl is the real kernel, for the calling thread.
type prctl struct{}

func (prctl) drop(c int) error {
	return unix.Prctl(unix.PR_CAPBSET_DROP, uintptr(c), 0, 0, 0)
}

func (prctl) read(c int) (bool, error) {
	v, err := unix.PrctlRetInt(unix.PR_CAPBSET_READ, uintptr(c), 0, 0, 0)
	return v == 1, err
}
