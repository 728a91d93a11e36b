package install_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// podmanArgs keeps a test's podman to its temp directory, on cgroupfs (systemd is not
// pid 1 here), with limits this machine allows.
func podmanArgs(dir string) []string {
	return []string{
		"--root", filepath.Join(dir, "storage"), "--runroot", filepath.Join(dir, "run"),
		"--tmpdir", filepath.Join(dir, "tmp"), "--storage-driver", "vfs",
		"--cgroup-manager", "cgroupfs", "--events-backend", "none",
	}
}

// busyboxRootfs makes a root file system with busybox and its applets.
func busyboxRootfs(t *testing.T, dir string) string {
	t.Helper()
	need(t, "busybox")
	root := filepath.Join(dir, "rootfs")
	bb, err := exec.LookPath("busybox")
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(bb)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(root, "bin", "busybox"), string(data), 0o755)
	for _, applet := range []string{"sh", "true", "cat"} {
		if err := os.Symlink("busybox", filepath.Join(root, "bin", applet)); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// podmanRun runs `podman run --rm --rootfs ROOTFS /bin/true` with the drop-in as the
// only containers.conf, plus extra global flags.
func podmanRun(t *testing.T, dir, dropIn, rootfs string, global ...string) (string, error) {
	t.Helper()
	args := append(podmanArgs(dir), global...)
	args = append(args, "run", "--rm", "--network", "none", "--ulimit", "nofile=20000:20000", "--ulimit", "nproc=4096:4096", "--rootfs", rootfs, "/bin/true")
	cmd := hybridFix("podman", args...)
	cmd.Env = append(os.Environ(), "CONTAINERS_CONF="+dropIn)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func TestPodmanRuntimeMode(t *testing.T) {
	need(t, "podman", "unshare")
	dir := t.TempDir()
	confDir := filepath.Join(dir, "containers.conf.d")
	args := []string{"podman", "--config-dir", confDir, "--binary", oshimBin, "--state-dir", filepath.Join(dir, "installed"), "--oshim-config", ""}
	oshim(t, append([]string{"install"}, args...)...)
	dropIn := filepath.Join(confDir, "50-oshim.conf")

	// CONTAINERS_CONF makes podman read this one file: the drop-in alone must register oshim.
	info := exec.Command("podman", append(podmanArgs(dir), "--runtime", "oshim", "info", "--format", "{{.Host.OCIRuntime.Name}} {{.Host.OCIRuntime.Path}}")...)
	info.Env = append(os.Environ(), "CONTAINERS_CONF="+dropIn)
	out, err := info.CombinedOutput()
	if err != nil {
		t.Fatalf("podman info: %v\n%s", err, out)
	}
	if got, want := strings.TrimSpace(lastLine(string(out))), "oshim "+oshimBin; got != want {
		t.Fatalf("podman --runtime oshim info: %q, want %q", got, want)
	}
	// A container through oshim: podman passes it --log FILE --log-format=json (oshim is
	// in runtime_supports_json) and oshim hands the calls to the real runtime.
	if out, err := podmanRun(t, dir, dropIn, busyboxRootfs(t, dir), "--runtime", "oshim"); err != nil {
		t.Fatalf("podman --runtime oshim run: %v\n%s", err, out)
	}
	oshim(t, append([]string{"uninstall"}, args...)...)
	if _, err := os.Stat(dropIn); !os.IsNotExist(err) {
		t.Fatalf("uninstall left the drop-in: %v", err)
	}
}

func TestPodmanHooksMode(t *testing.T) {
	need(t, "podman", "unshare")
	dir := t.TempDir()
	// A stand-in for `oshim hook`: it logs the stage and passes precreate's config through.
	// Hooks run with an empty environment, so it names programs by absolute path.
	hookLog := filepath.Join(dir, "hooks.log")
	cat, err := exec.LookPath("cat")
	if err != nil {
		t.Fatal(err)
	}
	stub := filepath.Join(dir, "oshim-stub")
	writeFile(t, stub, "#!/bin/sh\necho \"$1 $2\" >> "+hookLog+"\n[ \"$2\" = precreate ] && exec "+cat+"\nexit 0\n", 0o755)
	confDir := filepath.Join(dir, "containers.conf.d")
	args := []string{"podman", "--mode", "hooks", "--config-dir", confDir, "--hooks-dir", filepath.Join(dir, "hooks.d"),
		"--binary", stub, "--state-dir", filepath.Join(dir, "installed"), "--oshim-config", ""}
	oshim(t, append([]string{"install"}, args...)...)
	dropIn := filepath.Join(confDir, "50-oshim.conf")
	if out, err := podmanRun(t, dir, dropIn, busyboxRootfs(t, dir)); err != nil {
		t.Fatalf("podman run with oshim's hooks: %v\n%s", err, out)
	}
	if got, want := readFile(t, hookLog), "hook precreate\nhook poststop\n"; got != want {
		t.Fatalf("hooks podman ran:\n%s\nwant:\n%s", got, want)
	}
	oshim(t, append([]string{"uninstall"}, args...)...)
	entries, _ := os.ReadDir(filepath.Join(dir, "hooks.d"))
	if _, err := os.Stat(dropIn); !os.IsNotExist(err) || len(entries) > 0 {
		t.Fatalf("uninstall left files: drop-in %v, hooks %v", err, entries)
	}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}
