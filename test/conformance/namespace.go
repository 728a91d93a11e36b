package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"

	"golang.org/x/sys/unix"
)

// envInside marks the re-executed process, already in its own mount namespace.
const envInside = "OSHIM_CONFORMANCE_NAMESPACE"

// reexec runs this program again in a new mount namespace (Go makes its mounts
// private, so nothing reaches the host) and returns its exit status; inside reports
// whether this process already is that one.
func reexec() (code int, inside bool, err error) {
	if os.Getenv(envInside) == "1" {
		return 0, true, nil
	}
	self, err := os.Executable()
	if err != nil {
		return 0, false, fmt.Errorf("find own binary: %w", err)
	}
	cmd := exec.Command(self, os.Args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(), envInside+"=1")
	cmd.SysProcAttr = &syscall.SysProcAttr{Unshareflags: syscall.CLONE_NEWNS}
	err = cmd.Run()
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		return exitErr.ExitCode(), false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("re-execute in a mount namespace: %w", err)
	}
	return 0, false, nil
}

// prepareNamespace makes the namespace fit for the suite:
//   - no cgroup2 mount of the hybrid layout: crun refuses hybrid cgroups;
//   - a private /dev/null: the programs' stdin is /dev/null, containers inherit it, and
//     linux_uid_mappings makes the runtime chown the container's stdin, which would be
//     the host's /dev/null. The node is made in dir and bound over /dev/null.
func prepareNamespace(dir string) error {
	const unified = "/sys/fs/cgroup/unified"
	var st unix.Statfs_t
	if err := unix.Statfs(unified, &st); err == nil && st.Type == unix.CGROUP2_SUPER_MAGIC {
		if err := unix.Unmount(unified, unix.MNT_DETACH); err != nil {
			return fmt.Errorf("unmount %s: %w", unified, err)
		}
	}
	null := filepath.Join(dir, "null")
	if err := unix.Mknod(null, unix.S_IFCHR|0o666, int(unix.Mkdev(1, 3))); err != nil {
		return fmt.Errorf("make a private /dev/null: %w", err)
	}
	// mknod applies the umask.
	if err := os.Chmod(null, 0o666); err != nil {
		return fmt.Errorf("make a private /dev/null: %w", err)
	}
	if err := unix.Mount(null, os.DevNull, "", unix.MS_BIND, ""); err != nil {
		return fmt.Errorf("bind a private /dev/null: %w", err)
	}
	return nil
}
