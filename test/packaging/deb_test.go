package packaging

import (
	"slices"
	"strings"
	"testing"

	"github.com/oshim/oshim/install/presets"
	"github.com/oshim/oshim/internal/install"
	"github.com/oshim/oshim/test/harness"
)

// The workload the package's preset contract matches (test/workload/supervisor), and
// what it prints when it could, or could not, clear its bounding set.
const (
	supervisorPath = "/opt/openshell/bin/openshell-sandbox"
	image          = "localhost/oshim-test/supervisor:1"
	clearedMsg     = "bounding set cleared"
	failedMsg      = "Failed to clear capability bounding set"
)

// packageFiles are the files the .deb and the .rpm install besides the binaries (zsh's
// directory differs).
var packageFiles = []string{
	"/usr/share/man/man8/oshim.8.gz",
	"/usr/share/man/man5/oshim-config.5.gz",
	"/usr/share/bash-completion/completions/oshim",
	"/usr/share/fish/vendor_completions.d/oshim.fish",
	"/usr/share/oshim/config.toml",
	"/usr/share/oshim/hooks.d/oshim-precreate.json",
	"/usr/share/oshim/hooks.d/oshim-poststop.json",
}

// notThePackages are where others leave changes: dpkg's database and man-db's index
// (any package changes them), podman's network lock, and oshim's OCSF events (a
// security audit trail, which outlives the package). Nothing else may differ from the
// host once the package is purged.
var notThePackages = []string{"/var/lib/dpkg/", "/var/cache/man/", "/etc/cni/", "/var/log/oshim/"}

// The .deb on this machine's dpkg: it installs its files and the preset config, changes
// no engine config, works with `oshim install podman` for the skewed supervisor, keeps
// an admin's config, and leaves nothing behind once purged.
func TestDeb(t *testing.T) {
	deb := packageFile(t, ".deb")
	ov := harness.NewOverlay(t, "/etc", "/usr", "/var")
	ov.Tmpfs = []string{"/run"} // oshim's run_dir
	if r := ov.Run(t, nil, "dpkg-query", "-W", "oshim"); r.Code == 0 {
		t.Fatalf("this machine has an oshim package installed already (%q): the test installs its own", r.Stdout)
	}
	dpkg := func(args ...string) harness.Result {
		t.Helper()
		return ov.RunOK(t, nil, append([]string{"dpkg", "--log=/dev/null"}, args...)...)
	}

	dpkg("-i", deb)
	ov.Shell(t, "test -x "+strings.Join(binaries(t), " && test -x "))
	ov.Shell(t, "test -f "+strings.Join(append(packageFiles, "/usr/share/zsh/vendor-completions/_oshim"), " && test -f "))
	wantVersion(t, ov.Shell(t, "oshim version").Stdout)
	if got := ov.Shell(t, "cat /etc/oshim/config.toml").Stdout; got != string(presets.Config) {
		t.Errorf("/etc/oshim/config.toml is not the preset:\n%s", got)
	}
	for _, stage := range install.HookStages {
		got := ov.Shell(t, "cat /usr/share/oshim/hooks.d/oshim-"+stage+".json").Stdout
		if want := string(install.HookJSON("/usr/bin/oshim", stage, nil)); got != want {
			t.Errorf("hook %s:\n%s\nwant:\n%s", stage, got, want)
		}
	}
	if out := ov.Shell(t, "LC_ALL=C MANWIDTH=100 man oshim-config 2>&1").Stdout; !strings.Contains(strings.Join(strings.Fields(out), " "), "oshim-config - the admin config of oshim") {
		t.Errorf("man oshim-config:\n%s", out)
	}
	if r := ov.RunOK(t, nil, "oshim", "doctor"); !strings.Contains(r.Stdout, "OK    config               /etc/oshim/config.toml: 2 contract(s)") {
		t.Errorf("oshim doctor does not see the package's config:\n%s", r.Stdout)
	}
	if changed := ov.Changes(t); slices.ContainsFunc(changed, func(c harness.Change) bool {
		return strings.HasPrefix(c.Path, "/etc/") && c.Path != "/etc/oshim" && c.Path != "/etc/oshim/config.toml"
	}) {
		t.Errorf("installing the package changed /etc beyond /etc/oshim/config.toml: %v", changed)
	}

	// The admin registers oshim with podman; podman then runs the older orchestrator's
	// container (CAP_SETPCAP dropped) through oshim, repaired by the preset contract.
	p := harness.NewPodman(t, false)
	p.Conf = "" // podman must read /etc/containers, where install writes
	p.Import(t, harness.Image{Ref: image, Files: map[string]string{supervisorPath: harness.Binary(t, "./test/workload/supervisor")}})
	ov.Shell(t, "oshim install podman")
	podman := func(runtime string) harness.Result {
		t.Helper()
		return ov.Run(t, nil, p.Argv("--cgroup-manager", "cgroupfs", "--events-backend", "none", "--runtime", runtime,
			"run", "--rm", "--network", "none", "--ulimit", "nofile=20000:20000", "--ulimit", "nproc=4096:4096",
			"--user", "0:0", "--cap-drop", "SETPCAP", "--security-opt", "no-new-privileges", image, supervisorPath)...)
	}
	if r := podman("crun"); r.Code == 0 || !strings.Contains(r.Stdout+r.Stderr, failedMsg) {
		t.Errorf("the skewed supervisor under plain crun: status %d, want a failure saying %q", r.Code, failedMsg)
	}
	if r := podman("oshim"); r.Code != 0 || !strings.Contains(r.Stdout, clearedMsg) {
		t.Errorf("the skewed supervisor through the packaged oshim: status %d, want %q", r.Code, clearedMsg)
	}
	ov.Shell(t, "test -s /var/log/oshim/ocsf.jsonl") // the repair's events
	ov.Shell(t, "oshim uninstall podman")

	// Remove keeps the config; purge takes it.
	dpkg("-r", "oshim")
	ov.Shell(t, "test ! -e "+strings.Join(binaries(t), " && test ! -e ")+" && test -f /etc/oshim/config.toml")
	dpkg("-P", "oshim")
	ov.Shell(t, "test ! -e /etc/oshim && test ! -e /var/lib/oshim")

	// An admin's own config is neither replaced nor purged. Removing the package while
	// an engine still runs oshim is allowed, with a warning.
	const mine = "# written by the admin\n"
	ov.Shell(t, `mkdir /etc/oshim && printf '# written by the admin\n' > /etc/oshim/config.toml`)
	dpkg("-i", deb)
	ov.Shell(t, "oshim install crio")
	if r := dpkg("-r", "oshim"); !strings.Contains(r.Stderr, "oshim: still registered with an engine") {
		t.Errorf("dpkg -r with oshim registered: no warning in %q", r.Stderr)
	}
	dpkg("-i", deb)
	ov.Shell(t, "oshim uninstall crio")
	dpkg("-P", "oshim")
	if got := ov.Shell(t, "cat /etc/oshim/config.toml").Stdout; got != mine {
		t.Errorf("the admin's config after install and purge: %q, want %q", got, mine)
	}
	ov.Shell(t, "rm -r /etc/oshim")

	for _, c := range ov.Changes(t) {
		if !slices.ContainsFunc(notThePackages, func(prefix string) bool { return strings.HasPrefix(c.Path, prefix) }) {
			t.Errorf("left behind after purge: %s (%s)", c.Path, c.Kind)
		}
	}
}
