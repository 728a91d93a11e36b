// Package install_test runs `oshim install` against the real engines on this machine:
// a private containerd started from the installed config, and podman with the drop-in.
// Nothing outside the tests' temp directories is written (podman's and containerd's
// state go there too). A missing engine fails the tests: CI installs them.
package install_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oshim/oshim/test/harness"
)

// oshimBin is the oshim binary built for these tests.
var oshimBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "oshim-install-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	oshimBin, err = harness.MakeBuild(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := harness.Main(m)
	os.RemoveAll(dir)
	os.Exit(code)
}

// need fails the test when a program the test drives is missing.
func need(t *testing.T, names ...string) {
	t.Helper()
	for _, n := range names {
		if _, err := exec.LookPath(n); err != nil {
			t.Fatalf("%s is not installed (make deps installs it): %v", n, err)
		}
	}
}

// oshim runs the built oshim and returns its output; failure fails the test.
func oshim(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command(oshimBin, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("oshim %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// hybridFix runs a command in a private mount namespace without the cgroup2 mount:
// crun (and so podman) refuse this machine's hybrid cgroup layout otherwise.
func hybridFix(name string, args ...string) *exec.Cmd {
	return exec.Command("unshare", append([]string{"-m", "sh", "-c", `umount /sys/fs/cgroup/unified 2>/dev/null; exec "$@"`, "sh", name}, args...)...)
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func writeFile(t *testing.T, p, content string, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
}
