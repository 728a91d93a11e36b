package harness

import (
	"errors"
	"os"
	"syscall"
	"testing"
	"time"
)

// shortTempDir makes a directory under the system's temporary directory and removes
// it when the test ends. It is not t.TempDir: unix socket paths under it are limited
// to 108 bytes, and other users (rootless engines) may need to reach it.
func shortTempDir(t testing.TB, prefix string) string {
	t.Helper()
	dir, err := os.MkdirTemp("", prefix)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := os.RemoveAll(dir); err != nil {
			t.Errorf("cleanup: %v", err)
		}
	})
	return dir
}

// stopDaemon sends SIGTERM to a daemon's pid and waits until done is closed (the
// daemon has exited); it kills the daemon after timeout and reports that.
func stopDaemon(t testing.TB, name string, pid int, done <-chan struct{}, timeout time.Duration) {
	t.Helper()
	if err := syscall.Kill(pid, syscall.SIGTERM); err != nil && !errors.Is(err, syscall.ESRCH) {
		t.Errorf("cleanup: stop %s %d: %v", name, pid, err)
	}
	select {
	case <-done:
	case <-time.After(timeout):
		t.Errorf("cleanup: %s %d ignored SIGTERM for %v; killing it", name, pid, timeout)
		syscall.Kill(pid, syscall.SIGKILL)
		<-done
	}
}
