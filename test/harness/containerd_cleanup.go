package harness

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// shimSocketDir is where containerd 1.6's shims put their sockets, whatever
// the daemon's state directory (runtime/v2/shim: socketRoot "/run/containerd"
// plus "s").
const shimSocketDir = "/run/containerd/s"

// shim is a running containerd shim, from its command line.
type shim struct {
	pid       int
	namespace string
	id        string
	address   string // the daemon's gRPC socket
}

// parseShimArgs reads the flags containerd starts a v2 shim with
// (`containerd-shim-runc-v2 -namespace NS -id ID -address SOCK ...`) from a
// NUL-separated /proc/PID/cmdline. ok is false for any other program.
func parseShimArgs(cmdline []byte) (s shim, ok bool) {
	argv := strings.Split(strings.TrimSuffix(string(cmdline), "\x00"), "\x00")
	if !strings.HasPrefix(filepath.Base(argv[0]), "containerd-shim") {
		return shim{}, false
	}
	for i := 1; i+1 < len(argv); i++ {
		switch argv[i] {
		case "-namespace", "--namespace":
			s.namespace = argv[i+1]
		case "-id", "--id":
			s.id = argv[i+1]
		case "-address", "--address":
			s.address = argv[i+1]
		default:
			continue
		}
		i++
	}
	return s, s.namespace != "" && s.id != "" && s.address != ""
}

// shimSocket is the socket a shim of containerd 1.6 listens on:
// /run/containerd/s/ + hex(sha256(ADDRESS/NAMESPACE/ID)) (runtime/v2/shim
// SocketAddress; measured here).
func shimSocket(address, namespace, id string) string {
	sum := sha256.Sum256([]byte(filepath.Join(address, namespace, id)))
	return filepath.Join(shimSocketDir, hex.EncodeToString(sum[:]))
}

// reapShims kills, by pid, every shim still serving the daemon at address
// (the test removed its containers before, so each is an error) and removes
// its socket.
func reapShims(t testing.TB, address string) {
	t.Helper()
	pids, err := filepath.Glob("/proc/[0-9]*/cmdline")
	if err != nil {
		t.Errorf("cleanup: %v", err)
		return
	}
	for _, p := range pids {
		cmdline, err := os.ReadFile(p)
		if err != nil {
			continue // exited meanwhile
		}
		s, ok := parseShimArgs(cmdline)
		if !ok || s.address != address {
			continue
		}
		s.pid, _ = strconv.Atoi(filepath.Base(filepath.Dir(p)))
		t.Errorf("cleanup: shim %d (namespace %s, id %s) outlived its containers; killing it", s.pid, s.namespace, s.id)
		if err := syscall.Kill(s.pid, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
			t.Errorf("cleanup: kill shim %d: %v", s.pid, err)
		}
		removeSocket(t, shimSocket(s.address, s.namespace, s.id))
	}
}

// removeShimSockets removes the sockets named by the "address" files that
// shims write into their bundles under taskDir: a shim that was killed
// leaves its socket behind in /run/containerd/s.
func removeShimSockets(t testing.TB, taskDir string) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(taskDir, "*", "*", "address"))
	if err != nil {
		t.Errorf("cleanup: %v", err)
		return
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Errorf("cleanup: %v", err)
			continue
		}
		sock := strings.TrimPrefix(strings.TrimSpace(string(data)), "unix://")
		if filepath.Dir(sock) == shimSocketDir {
			removeSocket(t, sock)
		}
	}
}

func removeSocket(t testing.TB, path string) {
	t.Helper()
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("cleanup: %v", err)
	}
}

// cgroupWait bounds how long removeCgroup waits for killed processes to
// leave a cgroup.
const cgroupWait = 10 * time.Second

// removeCgroup removes the cgroup rel (a path relative to each hierarchy)
// from every cgroup v1 hierarchy under /sys/fs/cgroup, deepest first. The
// runtime deletes a container's own cgroup; its parent (a ctr namespace, a
// pod's cgroup_parent) stays. A process still inside is an error: it is
// killed by pid first.
func removeCgroup(t testing.TB, rel string) {
	t.Helper()
	hierarchies, err := filepath.Glob("/sys/fs/cgroup/*")
	if err != nil {
		t.Errorf("cleanup: %v", err)
		return
	}
	for _, h := range hierarchies {
		root := filepath.Join(h, rel)
		var dirs []string
		filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err == nil && d.IsDir() {
				dirs = append(dirs, path)
			}
			return nil
		})
		// Longest first: children before parents.
		sort.Slice(dirs, func(i, j int) bool { return len(dirs[i]) > len(dirs[j]) })
		for _, d := range dirs {
			killCgroupProcs(t, d)
			removeCgroupDir(t, d)
		}
	}
}

func killCgroupProcs(t testing.TB, dir string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "cgroup.procs"))
	if err != nil {
		return
	}
	for _, f := range bytes.Fields(data) {
		pid, err := strconv.Atoi(string(f))
		if err != nil {
			continue
		}
		t.Errorf("cleanup: process %d is still in %s; killing it", pid, dir)
		syscall.Kill(pid, syscall.SIGKILL)
	}
}

// removeCgroupDir retries rmdir while killed processes are leaving.
func removeCgroupDir(t testing.TB, dir string) {
	t.Helper()
	deadline := time.Now().Add(cgroupWait)
	for {
		err := syscall.Rmdir(dir)
		if err == nil || errors.Is(err, syscall.ENOENT) {
			return
		}
		if !errors.Is(err, syscall.EBUSY) || time.Now().After(deadline) {
			t.Errorf("cleanup: rmdir %s: %v", dir, err)
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}
