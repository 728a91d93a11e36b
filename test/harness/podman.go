package harness

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// PodmanUser is the account rootless podman runs as; NewPodman creates it with
// `useradd -m`, which gives it subordinate ids on Debian.
const PodmanUser = "oshim-podman"

// podmanConf is every test podman's containers.conf: the
// machine's hard RLIMIT_NOFILE is below podman's default; no network (rootless has
// no /dev/net/tun for slirp4netns, and the tests need none); cgroupfs, as systemd
// is not PID 1; oshim listed in runtime_supports_json, so that podman passes a
// runtime whose basename is oshim --log and shows the errors it writes there.
const podmanConf = `[containers]
default_ulimits = ["nofile=20000:20000", "nproc=4096:4096"]
netns = "none"

[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
runtime_supports_json = ["crun", "runc", "oshim"]
`

// Podman runs podman for one test, as root or rootless, with storage, run root,
// containers.conf and (rootless) home and XDG_RUNTIME_DIR of its own, all in Dir:
// neither the host's podman settings and images nor other tests are seen or
// changed. Every call goes through Run, so it runs in the mount namespace without
// the cgroup2 mount. When the test ends, its containers are removed and, rootless,
// the user namespace's pause process is killed.
type Podman struct {
	// User is PodmanUser for a rootless podman, "" for root.
	User string
	UID  int
	// Dir holds everything of this podman, owned by User.
	Dir string
	// Conf is the containers.conf podman reads (env CONTAINERS_CONF), instead of its
	// usual files; a test that sets it to "" gets the usual ones (containers.conf(5)).
	Conf string
	bin  string
}

var podmanUser struct {
	mu  sync.Mutex
	uid int
}

// NewPodman returns a podman for the test, rootless (as PodmanUser, created if
// missing) or as root. A missing podman or conmon fails the test.
func NewPodman(t testing.TB, rootless bool) *Podman {
	t.Helper()
	p := &Podman{bin: lookPath(t, "podman", "podman")}
	lookPath(t, "conmon", "conmon")
	if rootless {
		p.User, p.UID = PodmanUser, podmanUID(t)
	}
	// Not t.TempDir: the user must be able to reach it, and conmon's socket
	// paths under it must stay short.
	dir, err := os.MkdirTemp("", "oshim-podman-")
	if err != nil {
		t.Fatal(err)
	}
	p.Dir = dir
	p.chown(t, dir)
	for _, d := range []string{"home", "xdg", "tmp"} {
		p.Mkdir(t, d)
	}
	p.Conf = p.WriteFile(t, "containers.conf", []byte(podmanConf), 0o644)
	t.Cleanup(func() { p.cleanup(t) })
	return p
}

// podmanUID returns PodmanUser's uid, creating the user once.
func podmanUID(t testing.TB) int {
	t.Helper()
	podmanUser.mu.Lock()
	defer podmanUser.mu.Unlock()
	if podmanUser.uid > 0 {
		return podmanUser.uid
	}
	uid := func() int {
		out, err := exec.Command("id", "-u", PodmanUser).Output()
		if err != nil {
			return -1
		}
		n, err := strconv.Atoi(strings.TrimSpace(string(out)))
		if err != nil {
			return -1
		}
		return n
	}
	if uid() < 0 {
		// Another test process may create it at the same time: check again on failure.
		if out, err := exec.Command("useradd", "-m", "-s", "/bin/sh", PodmanUser).CombinedOutput(); err != nil && uid() < 0 {
			t.Fatalf("useradd -m %s: %v\n%s", PodmanUser, err, out)
		}
	}
	n := uid()
	if n <= 0 {
		t.Fatalf("user %s: no uid after useradd", PodmanUser)
	}
	subuid, err := os.ReadFile("/etc/subuid")
	if err != nil || !strings.Contains(string(subuid), PodmanUser+":") {
		t.Fatalf("%s has no subordinate uids in /etc/subuid (%v): usermod --add-subuids 100000-165535 --add-subgids 100000-165535 %s", PodmanUser, err, PodmanUser)
	}
	podmanUser.uid = n
	return n
}

// Path returns the path of rel in Dir.
func (p *Podman) Path(rel string) string { return filepath.Join(p.Dir, rel) }

// chown gives path to the podman's user (a no-op for root).
func (p *Podman) chown(t testing.TB, path string) {
	t.Helper()
	if p.User == "" {
		return
	}
	if err := os.Chown(path, p.UID, p.UID); err != nil {
		t.Fatal(err)
	}
}

// Mkdir creates rel and its parents in Dir (mode 0700) for the user.
func (p *Podman) Mkdir(t testing.TB, rel string) string {
	t.Helper()
	path := p.Path(rel)
	if err := os.MkdirAll(path, 0o700); err != nil {
		t.Fatal(err)
	}
	for dir := path; dir != p.Dir && strings.HasPrefix(dir, p.Dir); dir = filepath.Dir(dir) {
		p.chown(t, dir)
	}
	return path
}

// WriteFile writes rel in Dir for the user, parents included, and returns its path.
func (p *Podman) WriteFile(t testing.TB, rel string, data []byte, mode os.FileMode) string {
	t.Helper()
	path := p.Path(rel)
	p.Mkdir(t, filepath.Dir(rel))
	if err := os.WriteFile(path, data, mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
	p.chown(t, path)
	return path
}

// CopyFile copies the host file src to rel in Dir for the user (the harness's
// build cache is private to root) and returns its path.
func (p *Podman) CopyFile(t testing.TB, src, rel string) string {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(src)
	if err != nil {
		t.Fatal(err)
	}
	return p.WriteFile(t, rel, data, info.Mode().Perm())
}

// env is the environment podman runs with: its containers.conf and, rootless, its
// own home and XDG_RUNTIME_DIR.
func (p *Podman) env() []string {
	env := []string{"TMPDIR=" + p.Path("tmp")}
	if p.Conf != "" {
		env = append(env, "CONTAINERS_CONF="+p.Conf)
	}
	if p.User != "" {
		env = append(env, "HOME="+p.Path("home"), "XDG_RUNTIME_DIR="+p.Path("xdg"), "PATH="+os.Getenv("PATH"))
	}
	return env
}

// global are podman's global flags for the private storage.
func (p *Podman) global() []string {
	return []string{
		"--root", p.Path("storage"), "--runroot", p.Path("run"), "--tmpdir", p.Path("tmp"),
		"--storage-driver", "vfs",
	}
}

// Argv returns the command line that runs `podman GLOBAL args...`, through `su`
// for a rootless podman.
func (p *Podman) Argv(args ...string) []string {
	return p.Shell(shellQuote(append(append([]string{p.bin}, p.global()...), args...)))
}

// Shell returns the command line that runs the shell command line cmd with the
// podman's environment, as its user.
func (p *Podman) Shell(cmd string) []string {
	line := shellQuote(append([]string{"env"}, p.env()...)) + " sh -c " + shellQuote([]string{cmd})
	if p.User == "" {
		return []string{"sh", "-c", line}
	}
	return []string{"su", p.User, "-s", "/bin/sh", "-c", line}
}

// Run runs `podman args...` through the harness's Run.
func (p *Podman) Run(t testing.TB, args ...string) Result {
	t.Helper()
	return Run(t, nil, p.Argv(args...)...)
}

// RunOK is Run that fails the test unless podman exits 0.
func (p *Podman) RunOK(t testing.TB, args ...string) Result {
	t.Helper()
	r := p.Run(t, args...)
	if r.Code != 0 {
		t.Fatalf("podman %s: exit status %d, want 0", strings.Join(args, " "), r.Code)
	}
	return r
}

// Import builds img from a fresh busybox rootfs (see Rootfs), as an admin without
// a registry does: a tar file the podman's user can read, then `podman import`.
func (p *Podman) Import(t testing.TB, img Image) {
	t.Helper()
	layer := p.Path("image.tar")
	RunOK(t, nil, "tar", "-C", img.rootfs(t), "-cf", layer, ".")
	p.chown(t, layer)
	args := []string{"import"}
	if len(img.Cmd) > 0 {
		cmd, err := json.Marshal(img.Cmd)
		if err != nil {
			t.Fatal(err)
		}
		args = append(args, "--change", "CMD="+string(cmd))
	}
	p.RunOK(t, append(args, layer, img.Ref)...)
}

// cleanup removes every container, stops the rootless pause process podman left
// (by its pid file) and removes Dir.
func (p *Podman) cleanup(t testing.TB) {
	t.Helper()
	if r := p.Run(t, "rm", "--all", "--force", "--time", "0"); r.Code != 0 {
		t.Errorf("cleanup: podman rm --all failed with status %d", r.Code)
	}
	if p.User != "" {
		// Podman writes it to its --tmpdir.
		if data, err := os.ReadFile(p.Path("tmp/pause.pid")); err == nil {
			if pid, err := strconv.Atoi(strings.TrimSpace(string(data))); err == nil && pid > 1 {
				_ = syscall.Kill(pid, syscall.SIGKILL)
			}
		}
	}
	if err := os.RemoveAll(p.Dir); err != nil {
		t.Errorf("cleanup: %v", err)
	}
}

// UnprivilegedUser returns the name and uid of an ordinary local account (PodmanUser,
// created if missing), for tests that run oshim as a user other than root.
func UnprivilegedUser(t testing.TB) (string, int) {
	t.Helper()
	return PodmanUser, podmanUID(t)
}
