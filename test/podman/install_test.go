package podman

import (
	"fmt"
	"strings"
	"testing"

	"github.com/oshim/oshim/test/harness"
)

// podmanSettings are the admin's own containers.conf settings this machine needs
// (see test/README.md). Install must leave the file as it is.
const podmanSettings = `[containers]
default_ulimits = ["nofile=20000:20000", "nproc=4096:4096"]
netns = "none"

[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
`

// snapshot lists the files under paths, with each one's mode and digest: what install
// may touch and uninstall must restore. Directories are left out: install creates the
// ones it needs and uninstall leaves them, empty.
func snapshot(paths ...string) string {
	return fmt.Sprintf(`find %s ! -type d 2>/dev/null | LC_ALL=C sort | while read -r f; do
  echo "$f $(stat -c %%F:%%a "$f") $(sha256sum < "$f" | cut -c1-64)"
done`, strings.Join(paths, " "))
}

// `oshim install podman` then `podman --runtime oshim`, with no other oshim setting:
// podman reads the drop-in from its usual directories, and oshim (given no environment
// by podman) its admin config from /etc/oshim/config.toml, which install wrote from the
// preset. The skewed supervisor of the older orchestrator runs. `oshim uninstall
// podman` then restores the files exactly.
//
// The real /etc is never written: every command runs in a mount namespace of its own
// with an overlay on /etc whose upper directory belongs to the test, and which hides
// the host's /etc/oshim so the preset is what install writes. The container storage
// is the test's own too, set in the overlay's storage.conf.
func TestInstallRootful(t *testing.T) {
	p := harness.NewPodman(t, false)
	p.Conf = "" // podman must read /etc/containers, where install writes
	oshim := p.CopyOshim(t)
	upper, work := p.Mkdir(t, "etc-upper"), p.Mkdir(t, "etc-work")
	inEtcOverlay := func(t *testing.T, cmd string) harness.Result {
		t.Helper()
		mount := fmt.Sprintf("mount -t overlay overlay -o lowerdir=/etc,upperdir=%s,workdir=%s /etc && exec \"$@\"", upper, work)
		return harness.Run(t, nil, append([]string{"sh", "-c", mount, "sh"}, p.Shell(cmd)...)...)
	}
	ok := func(t *testing.T, cmd string) harness.Result {
		t.Helper()
		r := inEtcOverlay(t, cmd)
		if r.Code != 0 {
			t.Fatalf("%s: exit status %d", cmd, r.Code)
		}
		return r
	}
	storage := fmt.Sprintf("[storage]\ndriver = \"vfs\"\ngraphroot = %q\nrunroot = %q\n", p.Path("storage"), p.Path("run"))
	ok(t, fmt.Sprintf("rm -rf /etc/oshim && mkdir -p /etc/containers && printf %%s %s > /etc/containers/containers.conf && printf %%s %s > /etc/containers/storage.conf",
		shellWord(podmanSettings), shellWord(storage)))
	files := snapshot("/etc/containers/containers.conf", "/etc/containers/containers.conf.d", "/etc/containers/storage.conf", "/etc/oshim")
	before := ok(t, files).Stdout
	state := p.Path("install-state")

	ok(t, fmt.Sprintf("%s install podman --state-dir %s", oshim, state))
	if got := ok(t, "cat /etc/oshim/config.toml").Stdout; !strings.Contains(got, "sandbox-supervisor") {
		t.Fatalf("install wrote no preset contract: %q", got)
	}
	p.Import(t, harness.Image{Ref: image, Files: map[string]string{supervisorPath: harness.Binary(t, "./test/workload/supervisor")}})

	r := ok(t, "podman --runtime oshim run --rm "+strings.Join(olderFlags, " ")+" "+image+" "+supervisorPath)
	if !strings.Contains(r.Stdout, clearedMsg) {
		t.Errorf("podman --runtime oshim run: stdout %q, want %q", r.Stdout, clearedMsg)
	}
	r = ok(t, "podman --runtime oshim run -d --name installed "+image+" sleep 600 && podman inspect --format '{{.OCIRuntime}}' installed && podman rm --force --time 0 installed")
	if !strings.Contains(r.Stdout, "\noshim\n") {
		t.Errorf("podman inspect: OCIRuntime not oshim: %q", r.Stdout)
	}

	ok(t, fmt.Sprintf("%s uninstall podman --state-dir %s", oshim, state))
	if after := ok(t, files).Stdout; after != before {
		t.Errorf("uninstall left the files changed:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

// `oshim install podman --rootless` for a user's own podman: the drop-in goes to the
// user's ~/.config, podman then runs oshim, and uninstall restores ~/.config exactly.
// The admin config stays root's business: this machine has none, so oshim passes every
// call through.
func TestInstallRootless(t *testing.T) {
	p := harness.NewPodman(t, true)
	p.Conf = "" // podman must read the user's ~/.config/containers, where install writes
	oshim := p.CopyOshim(t)
	p.WriteFile(t, "home/.config/containers/containers.conf", []byte(podmanSettings), 0o644)
	p.WriteFile(t, "home/.config/containers/storage.conf",
		[]byte(fmt.Sprintf("[storage]\ndriver = \"vfs\"\ngraphroot = %q\nrunroot = %q\n", p.Path("storage"), p.Path("run"))), 0o644)
	ok := func(t *testing.T, cmd string) harness.Result {
		t.Helper()
		r := harness.Run(t, nil, p.Shell(cmd)...)
		if r.Code != 0 {
			t.Fatalf("%s: exit status %d", cmd, r.Code)
		}
		return r
	}
	// Not all of ~/.config: podman keeps a lock file of its own there.
	files := snapshot(p.Path("home/.config/containers"), p.Path("home/.config/oshim"))
	before := ok(t, files).Stdout

	ok(t, oshim+" install podman --rootless")
	p.Import(t, harness.Image{Ref: image, Files: map[string]string{supervisorPath: harness.Binary(t, "./test/workload/supervisor")}})
	r := ok(t, "podman --runtime oshim run --rm "+strings.Join(newerFlags, " ")+" "+image+" "+supervisorPath)
	if !strings.Contains(r.Stdout, clearedMsg) {
		t.Errorf("podman --runtime oshim run: stdout %q, want %q", r.Stdout, clearedMsg)
	}
	r = ok(t, "podman --runtime oshim run -d --name installed "+image+" sleep 600 && podman inspect --format '{{.OCIRuntime}}' installed && podman rm --force --time 0 installed")
	if !strings.Contains(r.Stdout, "\noshim\n") {
		t.Errorf("podman inspect: OCIRuntime not oshim: %q", r.Stdout)
	}

	ok(t, oshim+" uninstall podman --rootless")
	if after := ok(t, files).Stdout; after != before {
		t.Errorf("uninstall left the files changed:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

// shellWord quotes s as one sh word.
func shellWord(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }
