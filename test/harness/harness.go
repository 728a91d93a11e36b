// Package harness runs real OCI runtimes (crun, runc) and oshim from `go
// test`, for the end-to-end tests of this repository (test/e2e).
//
// Every runtime invocation goes through Run, which wraps the command in a
// private mount namespace without the cgroup2 mount (crun refuses this
// machine's hybrid cgroup layout otherwise, see test/README.md) and captures its output in files, not
// pipes, because a detached container inherits them.
//
// Each bundle gets a private runtime state directory (--root), so parallel
// tests and a developer's own containers never see each other, and every
// container left in it is force-deleted when the test ends.
//
// Binaries (oshim, the test workloads) are built once per test process into
// a cache directory; call Main from TestMain to remove it afterwards.
package harness

import (
	"fmt"
	"os"
	"sync"
	"testing"
)

// cache is the per-process directory for built binaries and the rootfs
// template.
var cache struct {
	once sync.Once
	dir  string
	err  error
}

func cacheDir(t testing.TB) string {
	t.Helper()
	cache.once.Do(func() {
		cache.dir, cache.err = os.MkdirTemp("", "oshim-e2e-")
	})
	if cache.err != nil {
		t.Fatalf("create the harness cache: %v", cache.err)
	}
	return cache.dir
}

// Main runs the tests and then removes what the harness cached (built
// binaries, the rootfs template). Use it as
//
//	func TestMain(m *testing.M) { os.Exit(harness.Main(m)) }
func Main(m *testing.M) int {
	code := m.Run()
	if cache.dir != "" {
		if err := os.RemoveAll(cache.dir); err != nil {
			fmt.Fprintf(os.Stderr, "harness: remove %s: %v\n", cache.dir, err)
		}
	}
	return code
}
