package harness

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// containerdTimeout bounds containerd's start-up and its shutdown: on a
// 2-core machine shared with other test packages either can take seconds.
const containerdTimeout = 60 * time.Second

// Containerd is a private containerd daemon started by StartContainerd: its
// own config, root, state, socket and runc state directory, all under Dir,
// in a private mount namespace without the cgroup2 mount (see Run).
type Containerd struct {
	Dir      string // made by NewContainerdDir; removed when the test ends
	Address  string // the gRPC socket, for ctr -a and crictl
	RuncRoot string // the runc shim's --root for containers: ctr run --runc-root, and the CRI handlers' options.Root
	FifoDir  string // for ctr run --fifo-dir, so ctr's FIFOs stay out of /run/containerd/fifo
	Pid      int

	logPath string
	done    chan struct{} // closed when the daemon has exited
	cgroups []string      // cgroup paths (below each v1 hierarchy) owned by the test's containers
}

// NewContainerdDir makes the directory for one private containerd and
// removes it when the test ends (after the daemon stopped: cleanups run last
// in, first out).
func NewContainerdDir(t testing.TB) string {
	t.Helper()
	return shortTempDir(t, "oshim-ctrd-")
}

func containerdSocket(dir string) string   { return filepath.Join(dir, "containerd.sock") }
func containerdRuncRoot(dir string) string { return filepath.Join(dir, "runc") }

// StartContainerd runs `containerd --config CONFIG` (config is a path; the
// file must come from ContainerdConfig for dir, possibly edited) with env
// ("KEY=value") added to the test's environment, and waits until it answers
// on its socket. containerd hands its environment to its shims, and the runc
// shim to the runtime binary it runs, so env reaches oshim.
//
// When the test ends, every task and container left in any namespace is
// killed and removed, the daemon is stopped by its pid, and shims or
// container processes that outlived it (found by their -address flag and by
// the cgroups registered with Namespace and CgroupParent) are killed by pid
// and reported as errors, their sockets in /run/containerd/s removed.
func StartContainerd(t testing.TB, dir, config string, env []string) *Containerd {
	t.Helper()
	bin := lookPath(t, "containerd", "containerd")
	lookPath(t, "ctr", "containerd")
	c := &Containerd{
		Dir:      dir,
		Address:  containerdSocket(dir),
		RuncRoot: containerdRuncRoot(dir),
		FifoDir:  filepath.Join(dir, "fifo"),
		logPath:  filepath.Join(dir, "containerd.log"),
		done:     make(chan struct{}),
	}
	for _, d := range []string{c.RuncRoot, c.FifoDir} {
		if err := os.MkdirAll(d, 0o711); err != nil {
			t.Fatal(err)
		}
	}
	log, err := os.Create(c.logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close()
	cmd := exec.Command("unshare", "-m", "sh", "-c", wrapper, "sh", bin, "--config", config)
	cmd.Env = append(environ(), env...)
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatalf("start containerd: %v", err)
	}
	// unshare and sh exec, so the pid is containerd's.
	c.Pid = cmd.Process.Pid
	go func() {
		cmd.Wait()
		close(c.done)
	}()
	t.Cleanup(func() { c.cleanup(t) })
	t.Logf("containerd pid %d, config %s, env %v", c.Pid, config, env)
	c.waitReady(t)
	return c
}

// waitReady waits until `ctr version` gets an answer from the daemon.
func (c *Containerd) waitReady(t testing.TB) {
	t.Helper()
	deadline := time.Now().Add(containerdTimeout)
	for {
		select {
		case <-c.done:
			t.Fatalf("containerd exited during start-up:\n%s", c.Log(t))
		default:
		}
		if _, err := os.Stat(c.Address); err == nil {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			err := exec.CommandContext(ctx, "ctr", "-a", c.Address, "version").Run()
			cancel()
			if err == nil {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("containerd did not answer on %s within %v:\n%s", c.Address, containerdTimeout, c.Log(t))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Log returns what the daemon logged so far.
func (c *Containerd) Log(t testing.TB) string {
	t.Helper()
	return readOutput(t, c.logPath)
}

// Ctr runs `ctr -a SOCKET -n NAMESPACE args...` with Run.
func (c *Containerd) Ctr(t testing.TB, namespace string, args ...string) Result {
	t.Helper()
	return Run(t, nil, append([]string{"ctr", "-a", c.Address, "-n", namespace}, args...)...)
}

// Import imports an image archive (see OCIArchive) into namespace with
// `ctr images import`; a failure fails the test.
func (c *Containerd) Import(t testing.TB, namespace, archive string) {
	t.Helper()
	if r := c.Ctr(t, namespace, "images", "import", archive); r.Code != 0 {
		t.Fatalf("ctr images import %s: exit status %d", archive, r.Code)
	}
}

// BundleDir returns the bundle directory the runc shim gets for container
// id: its config.json is what the runtime binary (oshim) was given, and
// rewrote.
func (c *Containerd) BundleDir(namespace, id string) string {
	return filepath.Join(c.Dir, "state", "io.containerd.runtime.v2.task", namespace, id)
}

// Namespace returns a fresh containerd namespace name for ctr. ctr's
// containers get the cgroup /NAMESPACE/ID, so the namespace's cgroup is
// registered for cleanup.
func (c *Containerd) Namespace() string {
	ns := "oshim-" + newID()
	c.cgroups = append(c.cgroups, ns)
	return ns
}

// CgroupParent returns a fresh cgroup path for a CRI pod's
// linux.cgroup_parent, registered for cleanup.
func (c *Containerd) CgroupParent() string {
	p := "oshim-" + newID()
	c.cgroups = append(c.cgroups, p)
	return "/" + p
}

func (c *Containerd) cleanup(t testing.TB) {
	t.Helper()
	c.removeContainers(t)
	stopDaemon(t, "containerd", c.Pid, c.done, containerdTimeout)
	if t.Failed() {
		t.Logf("containerd log:\n%s", c.Log(t))
	}
	reapShims(t, c.Address)
	removeShimSockets(t, filepath.Join(c.Dir, "state", "io.containerd.runtime.v2.task"))
	for _, cg := range c.cgroups {
		removeCgroup(t, cg)
	}
}

// removeContainers kills and deletes every task and container the daemon
// still knows, in every namespace.
func (c *Containerd) removeContainers(t testing.TB) {
	t.Helper()
	select {
	case <-c.done:
		return
	default:
	}
	namespaces := c.Ctr(t, "default", "namespaces", "ls", "-q")
	if namespaces.Code != 0 {
		t.Errorf("cleanup: ctr namespaces ls failed with status %d", namespaces.Code)
		return
	}
	for _, ns := range strings.Fields(namespaces.Stdout) {
		for _, id := range strings.Fields(c.Ctr(t, ns, "tasks", "ls", "-q").Stdout) {
			c.Ctr(t, ns, "tasks", "kill", "--all", "--signal", "SIGKILL", id)
			if r := c.Ctr(t, ns, "tasks", "delete", "--force", id); r.Code != 0 {
				t.Errorf("cleanup: ctr -n %s tasks delete --force %s failed with status %d", ns, id, r.Code)
			}
		}
		for _, id := range strings.Fields(c.Ctr(t, ns, "containers", "ls", "-q").Stdout) {
			if r := c.Ctr(t, ns, "containers", "rm", id); r.Code != 0 {
				t.Errorf("cleanup: ctr -n %s containers rm %s failed with status %d", ns, id, r.Code)
			}
		}
	}
}
