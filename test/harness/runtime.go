package harness

import (
	"os/exec"
	"path/filepath"
	"testing"
)

// sbinDirs are searched after PATH: runc lives in /usr/sbin on Debian, which
// an ordinary user's PATH (or a CI job's) may lack.
var sbinDirs = []string{"/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"}

// Runtime returns the absolute path of an installed program such as "crun"
// or "runc". A missing runtime fails the test (it never skips): the host
// must provide what the suite tests.
func Runtime(t testing.TB, name string) string {
	t.Helper()
	return lookPath(t, name, name)
}

// lookPath finds name in PATH or sbinDirs, or fails with an install hint.
func lookPath(t testing.TB, name, pkg string) string {
	t.Helper()
	if p, err := exec.LookPath(name); err == nil {
		if abs, err := filepath.Abs(p); err == nil {
			return abs
		}
	}
	for _, dir := range sbinDirs {
		p := filepath.Join(dir, name)
		if _, err := exec.LookPath(p); err == nil {
			return p
		}
	}
	t.Fatalf("%s not found in PATH or %v: apt-get install %s", name, sbinDirs, pkg)
	return ""
}
