package main

import (
	"fmt"
	"os"
	"os/exec"
	"syscall"
)

// envInside marks the re-executed bench, already inside its mount namespace.
const envInside = "OSHIM_BENCH_NAMESPACE"

// nsScript removes the cgroup2 mount of the hybrid layout in a private mount namespace
// (unshare's default propagation is private, so the host keeps its mounts): crun
// refuses hybrid cgroups, and every call for a container must see the same cgroups.
// It is the wrapper the e2e harness uses, applied once to the whole benchmark so that
// no measured call pays for an extra unshare and shell.
const nsScript = `if mountpoint -q /sys/fs/cgroup/unified; then umount /sys/fs/cgroup/unified || exit 125; fi; exec "$@"`

// enterNamespace re-executes the bench inside the namespace, once; it returns only in
// the re-executed process.
func enterNamespace() error {
	if os.Getenv(envInside) == "1" {
		return nil
	}
	self, err := os.Executable()
	if err != nil {
		return fmt.Errorf("find own binary: %w", err)
	}
	unshare, err := exec.LookPath("unshare")
	if err != nil {
		return fmt.Errorf("%w: apt-get install util-linux", err)
	}
	argv := append([]string{unshare, "-m", "sh", "-c", nsScript, "sh", self}, os.Args[1:]...)
	env := append(os.Environ(), envInside+"=1")
	if err := syscall.Exec(unshare, argv, env); err != nil {
		return fmt.Errorf("exec %s: %w", unshare, err)
	}
	return nil
}
