package harness

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// dockerClient is Debian's docker client (package docker.io), which matches its dockerd;
// another client earlier on PATH may speak a newer API.
const dockerClient = "/usr/bin/docker"

// dockerdTimeout bounds the daemon's start-up and its shutdown.
const dockerdTimeout = 60 * time.Second

// dockerdWrapper runs dockerd where its writes outside its own directories stay
// private: an empty /run (containerd's shim sockets, /run/docker/plugins) and an
// empty /etc/docker (the key.json dockerd 20.10 creates), in the same mount namespace
// without the cgroup2 mount as every runtime call (see wrapper).
const dockerdWrapper = `if mountpoint -q /sys/fs/cgroup/unified; then umount /sys/fs/cgroup/unified || exit 125; fi; ` +
	`mount -t tmpfs tmpfs /run && mount -t tmpfs tmpfs /etc/docker && exec "$@"`

// Dockerd is a private dockerd started by StartDockerd, with its own config file, data
// root, exec root, socket and pid file, all under Dir, and its containers' cgroups
// under a parent of its own.
type Dockerd struct {
	Dir    string // made by NewDockerdDir; removed when the test ends
	Config string // the daemon.json it reads
	Socket string
	Pid    int
	// CgroupParent holds every container's cgroup (dockerd --cgroup-parent).
	CgroupParent string

	logPath string
	done    chan struct{} // closed when the daemon has exited
}

// NewDockerdDir makes the directory for one private dockerd and removes it when the
// test ends (after the daemon stopped: cleanups run last in, first out).
func NewDockerdDir(t testing.TB) string {
	t.Helper()
	return shortTempDir(t, "oshim-dockerd-")
}

// DockerdConfig returns the path of daemon.json in dir, for the test to write (or have
// `oshim install docker` write) before StartDockerd.
func DockerdConfig(dir string) string { return filepath.Join(dir, "daemon.json") }

// StartDockerd runs dockerd with DockerdConfig(dir) and waits until it answers.
// Networking is off (no bridge, no iptables): the tests' containers need none.
//
// When the test ends, every container is removed, the daemon is stopped by its pid
// (it stops its containerd), and shims that outlived it are killed by pid and reported
// as errors, as are processes left in its containers' cgroups, which are removed.
func StartDockerd(t testing.TB, dir string) *Dockerd {
	t.Helper()
	bin := lookPath(t, "dockerd", "docker.io")
	for _, p := range []string{dockerClient, "/etc/docker"} {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("%s: %v: apt-get install docker.io", p, err)
		}
	}
	d := &Dockerd{
		Dir:          dir,
		Config:       DockerdConfig(dir),
		Socket:       filepath.Join(dir, "docker.sock"),
		CgroupParent: "oshim-docker-" + newID(),
		logPath:      filepath.Join(dir, "dockerd.log"),
		done:         make(chan struct{}),
	}
	log, err := os.Create(d.logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close()
	cmd := exec.Command("unshare", "-m", "sh", "-c", dockerdWrapper, "sh", bin,
		"--config-file", d.Config, "--data-root", filepath.Join(dir, "data"), "--exec-root", filepath.Join(dir, "exec"),
		"-H", "unix://"+d.Socket, "--pidfile", filepath.Join(dir, "dockerd.pid"),
		"--iptables=false", "--bridge=none", "--cgroup-parent", "/"+d.CgroupParent)
	cmd.Env = environ()
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatalf("start dockerd: %v", err)
	}
	// unshare and sh exec, so the pid is dockerd's.
	d.Pid = cmd.Process.Pid
	go func() {
		cmd.Wait()
		close(d.done)
	}()
	t.Cleanup(func() { d.cleanup(t) })
	t.Logf("dockerd pid %d, config %s", d.Pid, d.Config)
	d.waitReady(t)
	return d
}

// containerdSocket is the socket of the containerd dockerd runs, which its shims name.
func (d *Dockerd) containerdSocket() string {
	return filepath.Join(d.Dir, "exec", "containerd", "containerd.sock")
}

func (d *Dockerd) waitReady(t testing.TB) {
	t.Helper()
	deadline := time.Now().Add(dockerdTimeout)
	for {
		select {
		case <-d.done:
			t.Fatalf("dockerd exited during start-up:\n%s", d.Log(t))
		default:
		}
		if _, err := os.Stat(d.Socket); err == nil {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			err := exec.CommandContext(ctx, dockerClient, "-H", "unix://"+d.Socket, "version").Run()
			cancel()
			if err == nil {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("dockerd did not answer on %s within %v:\n%s", d.Socket, dockerdTimeout, d.Log(t))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Log returns what the daemon logged so far.
func (d *Dockerd) Log(t testing.TB) string {
	t.Helper()
	return readOutput(t, d.logPath)
}

// Docker runs `docker -H SOCKET args...` with Run.
func (d *Dockerd) Docker(t testing.TB, args ...string) Result {
	t.Helper()
	return Run(t, nil, append([]string{dockerClient, "-H", "unix://" + d.Socket}, args...)...)
}

// DockerOK is Docker that fails the test unless docker exits 0.
func (d *Dockerd) DockerOK(t testing.TB, args ...string) Result {
	t.Helper()
	r := d.Docker(t, args...)
	if r.Code != 0 {
		t.Fatalf("docker %s: exit status %d, want 0", strings.Join(args, " "), r.Code)
	}
	return r
}

// Reload makes dockerd read its config again (SIGHUP): runtimes are reloadable.
func (d *Dockerd) Reload(t testing.TB) {
	t.Helper()
	if err := syscall.Kill(d.Pid, syscall.SIGHUP); err != nil {
		t.Fatalf("reload dockerd: %v", err)
	}
}

// Import builds img from a fresh busybox rootfs (see Rootfs), as an admin without a
// registry does: `tar -C ROOTFS -c . | docker import - REF`.
func (d *Dockerd) Import(t testing.TB, img Image) {
	t.Helper()
	layer := filepath.Join(t.TempDir(), "image.tar")
	RunOK(t, nil, "tar", "-C", img.rootfs(t), "-cf", layer, ".")
	d.DockerOK(t, "import", layer, img.Ref)
}

// ContainerPids returns the host pids of the processes in container name whose command
// line is args, as `docker top` shows them.
func (d *Dockerd) ContainerPids(t testing.TB, name, args string) []int {
	t.Helper()
	var pids []int
	for _, line := range strings.Split(d.DockerOK(t, "top", name, "-eo", "pid,args").Stdout, "\n")[1:] {
		pid, cmdline, ok := strings.Cut(strings.TrimSpace(line), " ")
		if !ok || strings.TrimSpace(cmdline) != args {
			continue
		}
		n, err := strconv.Atoi(pid)
		if err != nil {
			t.Fatalf("docker top %s: pid %q: %v", name, pid, err)
		}
		pids = append(pids, n)
	}
	return pids
}

func (d *Dockerd) cleanup(t testing.TB) {
	t.Helper()
	select {
	case <-d.done:
	default:
		if ids := strings.Fields(d.Docker(t, "ps", "--all", "--quiet").Stdout); len(ids) > 0 {
			if r := d.Docker(t, append([]string{"rm", "--force"}, ids...)...); r.Code != 0 {
				t.Errorf("cleanup: docker rm --force failed with status %d", r.Code)
			}
		}
		stopDaemon(t, "dockerd", d.Pid, d.done, dockerdTimeout)
	}
	if t.Failed() {
		t.Logf("dockerd log:\n%s", d.Log(t))
	}
	reapShims(t, d.containerdSocket())
	removeCgroup(t, d.CgroupParent)
}
