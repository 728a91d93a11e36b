package install_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"

	"github.com/oshim/oshim/install/presets"
	"github.com/oshim/oshim/test/harness"
)

// k3sBase is what a k3s template starts with to render k3s's own config first.
const k3sBase = "{{ template \"base\" . }}\n"

// layout is a distribution that generates the config containerd reads from files
// `oshim install` writes to. The test plays the distribution's part: it writes the
// generated config as the distribution would at its start, from its own defaults
// (containerd 1.6's default config, kept to the test's directories) and the files
// install left. Debian has containerd 1.6 only: the containerd 2.x layouts (version 3)
// are checked file by file in internal/install.
type layout struct {
	name string
	// setUp writes the distribution's files under root from the generated config it
	// starts from, and returns the file containerd reads and the --config to install
	// with.
	setUp func(t *testing.T, root, generated string) (config, installConfig string)
	// regenerate writes the config containerd reads again, as the distribution does at
	// every start.
	regenerate func(t *testing.T, root, generated string)
}

// k3sDir is where k3s keeps its containerd config, under the test's root.
func k3sDir(root string) string {
	return filepath.Join(root, "var/lib/rancher/k3s/agent/etc/containerd")
}

// k3s renders config.toml from config.toml.tmpl: "base" is its default config.
var k3s = layout{
	name: "k3s",
	setUp: func(t *testing.T, root, generated string) (string, string) {
		config := filepath.Join(k3sDir(root), "config.toml")
		writeFile(t, config, generated, 0o644)
		return config, config
	},
	regenerate: func(t *testing.T, root, generated string) {
		out := generated
		if tmpl, err := os.ReadFile(filepath.Join(k3sDir(root), "config.toml.tmpl")); err == nil {
			if !bytes.HasPrefix(tmpl, []byte(k3sBase)) {
				t.Fatalf("the template does not render k3s's own config first:\n%s", tmpl)
			}
			out = generated + string(tmpl[len(k3sBase):])
		}
		writeFile(t, filepath.Join(k3sDir(root), "config.toml"), out, 0o644)
	},
}

// k0s generates /run/k0s/containerd-cri.toml (its CRI config, which the k0s-managed
// containerd.toml imports) from its defaults, merging every containerd.d drop-in that
// has CRI settings into it as a merge patch.
var k0s = layout{
	name: "k0s",
	setUp: func(t *testing.T, root, generated string) (string, string) {
		main, cri := splitCRI(t, generated)
		config := filepath.Join(root, "etc/k0s/containerd.toml")
		imports := fmt.Sprintf("imports = [%q]\n", filepath.Join(root, "run/k0s/containerd-cri.toml"))
		if !strings.Contains(main, "\nimports = []\n") {
			t.Fatalf("containerd's default config has no empty imports:\n%s", main)
		}
		writeFile(t, config, "# k0s_managed=true\n"+strings.Replace(main, "\nimports = []\n", "\n"+imports, 1), 0o644)
		writeFile(t, filepath.Join(root, "run/k0s/containerd-cri.toml"), cri, 0o644)
		return config, config
	},
	regenerate: func(t *testing.T, root, generated string) {
		_, cri := splitCRI(t, generated)
		drops, _ := filepath.Glob(filepath.Join(root, "etc/k0s/containerd.d/*.toml"))
		if len(drops) == 0 {
			writeFile(t, filepath.Join(root, "run/k0s/containerd-cri.toml"), cri, 0o644)
			return
		}
		merged := map[string]any{}
		if _, err := toml.Decode(cri, &merged); err != nil {
			t.Fatal(err)
		}
		for _, d := range drops {
			patch := map[string]any{}
			if _, err := toml.DecodeFile(d, &patch); err != nil {
				t.Fatalf("%s: %v", d, err)
			}
			mergePatch(merged, patch)
		}
		var b bytes.Buffer
		if err := toml.NewEncoder(&b).Encode(merged); err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(root, "run/k0s/containerd-cri.toml"), b.String(), 0o644)
	},
}

// splitCRI splits containerd's config into the CRI plugin's tables and the rest.
func splitCRI(t *testing.T, config string) (rest, cri string) {
	t.Helper()
	in := false
	var r, c strings.Builder
	for _, line := range strings.SplitAfter(config, "\n") {
		if h := strings.TrimSpace(line); strings.HasPrefix(h, "[") {
			in = strings.HasPrefix(h, `[plugins."io.containerd.grpc.v1.cri"`)
		}
		if in {
			c.WriteString(line)
		} else {
			r.WriteString(line)
		}
	}
	if c.Len() == 0 {
		t.Fatal("containerd's default config has no CRI plugin section")
	}
	return r.String(), "version = 2\n" + c.String()
}

// mergePatch merges patch into dst as RFC 7396 does for objects.
func mergePatch(dst, patch map[string]any) {
	for k, v := range patch {
		if pv, ok := v.(map[string]any); ok {
			if dv, ok := dst[k].(map[string]any); ok {
				mergePatch(dv, pv)
				continue
			}
		}
		dst[k] = v
	}
}

// TestContainerdLayouts installs into each distribution's layout, lets the distribution
// generate containerd's config from it, starts a real containerd (Debian's 1.6) on that,
// and runs the skewed supervisor through the CRI: it fails closed under runc and runs
// under oshim. Uninstall, and the distribution's next start, give back the original
// files.
func TestContainerdLayouts(t *testing.T) {
	t.Parallel()
	need(t, "containerd", "ctr", "podman", "unshare")
	oshim := harness.Oshim(t)
	archives := []string{
		harness.OCIArchive(t, harness.Image{Ref: supervisorImage, Cmd: []string{supervisorPath}, Files: map[string]string{supervisorPath: harness.Binary(t, "./test/workload/supervisor")}}),
		harness.OCIArchive(t, harness.Image{Ref: pauseImage, Cmd: []string{"/bin/sleep", "infinity"}}),
	}
	for _, l := range []layout{k3s, k0s} {
		t.Run(l.name, func(t *testing.T) {
			t.Parallel()
			root, dir := t.TempDir(), harness.NewContainerdDir(t)
			generated := harness.ContainerdConfig(t, dir, pauseImage)
			config, installConfig := l.setUp(t, root, generated)
			before := snapshotDir(t, root)
			args := []string{"containerd", "--layout", l.name, "--config", installConfig, "--binary", oshim,
				"--state-dir", filepath.Join(dir, "installed"), "--oshim-config", ""}
			out := harness.RunOK(t, nil, append([]string{oshim, "install"}, args...)...).Stdout
			if !strings.Contains(out, "containerd layout: "+l.name) {
				t.Errorf("install does not name the layout:\n%s", out)
			}
			l.regenerate(t, root, generated)

			oshimCfg := filepath.Join(dir, "oshim.toml")
			writeFile(t, oshimCfg, fmt.Sprintf("runtime = \"runc\"\nrun_dir = %q\nocsf_log = \"\"\n%s", filepath.Join(dir, "oshim-run"), presets.Config), 0o644)
			c := harness.StartContainerd(t, dir, config, []string{"OSHIM_CONFIG=" + oshimCfg})
			for _, a := range archives {
				c.Import(t, criNamespace, a)
			}
			cri := harness.NewCRI(t, c)
			cgroupParent := c.CgroupParent()
			for handler, want := range map[string]string{"runc": supervisorFailed, "oshim": supervisorCleared} {
				pod, ctr, out := skewedPod(t, cri, handler, cgroupParent)
				if !strings.Contains(out, want) {
					t.Errorf("the supervisor under %s: want %q in its log:\n%s", handler, want, out)
				}
				removePod(t, cri, pod, ctr)
			}

			harness.RunOK(t, nil, append([]string{oshim, "uninstall"}, args...)...)
			l.regenerate(t, root, generated)
			if after := snapshotDir(t, root); after != before {
				t.Errorf("the files after uninstall and a new start:\n%s\nwant:\n%s", after, before)
			}
		})
	}
}

// snapshotDir lists every file under root with its content.
func snapshotDir(t *testing.T, root string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		fmt.Fprintf(&b, "== %s\n%s", strings.TrimPrefix(p, root), data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}
