package install

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oshim/oshim/install/presets"
	"github.com/oshim/oshim/internal/caps"
	"github.com/oshim/oshim/internal/config"
)

func TestOwnership(t *testing.T) {
	const dropIn = "/etc/crio/crio.conf.d/50-oshim.conf"
	tests := []struct {
		description string
		files       map[string]string
		// between runs after install and before uninstall.
		between   func(t *testing.T, root string)
		installEr string
		kept      []string // files uninstall must leave
		notes     []string
	}{
		{
			description: "a file of the same name that is not oshim's is never replaced",
			files:       map[string]string{dropIn: "# the admin's\n"},
			installEr:   "was not written by oshim install",
		},
		{
			description: "an existing admin config is kept as it is",
			files:       map[string]string{config.DefaultPath: "# mine\n"},
			kept:        []string{config.DefaultPath},
			notes:       []string{"kept the existing oshim admin config"},
		},
		{
			description: "a created file changed since install stays at uninstall",
			between: func(t *testing.T, root string) {
				writeFile(t, root, config.DefaultPath, "# edited by the admin\n")
			},
			kept:  []string{config.DefaultPath},
			notes: []string{"it was changed since oshim wrote it"},
		},
		{
			description: "a config another install recorded stays at uninstall",
			between: func(t *testing.T, root string) {
				// A second engine's install finds the config there and also records it.
				writeFile(t, root, "/etc/oshim/installed/podman-000000000000.json",
					`{"engine":"podman","target":"/x","binary":"/b","files":[{"path":"/etc/oshim/config.toml","action":"create","sha256":"00"}]}`+"\n")
			},
			kept:  []string{config.DefaultPath, "/etc/oshim/installed/podman-000000000000.json"},
			notes: []string{"another oshim install uses it"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.description, func(t *testing.T) {
			root := newRoot(t, tc.files)
			tgt := &Crio{Binary: testBinary, AdminConfig: config.DefaultPath}
			out, err := runOp(t, Install, tgt, root, false)
			if tc.installEr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.installEr) {
					t.Fatalf("err = %v, want %q\n%s", err, tc.installEr, out)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.between != nil {
				tc.between(t, root)
			}
			out += mustOp(t, Uninstall, tgt, root, false)
			for _, n := range tc.notes {
				if !strings.Contains(out, n) {
					t.Errorf("output lacks %q:\n%s", n, out)
				}
			}
			files := snapshot(t, root)
			want := map[string]bool{testBinary: true}
			for _, k := range tc.kept {
				want[k] = true
			}
			for p := range files {
				if !want[p] {
					t.Errorf("uninstall left %s", p)
				}
			}
			for p := range want {
				if _, ok := files[p]; !ok {
					t.Errorf("uninstall removed %s", p)
				}
			}
		})
	}
}

func TestUninstallKeepsManifestOnFailure(t *testing.T) {
	root := newRoot(t, map[string]string{DefaultContainerdConfig: "version = 2\n"})
	tgt := &Containerd{Binary: testBinary}
	mustOp(t, Install, tgt, root, false)
	// The admin rewrites oshim's block: uninstall cannot tell what to take away.
	writeFile(t, root, DefaultContainerdConfig, "version = 2\n# oshim's block, rewritten\n")
	out, err := runOp(t, Uninstall, tgt, root, false)
	if err == nil || !strings.Contains(err.Error(), "remove it by hand") {
		t.Fatalf("err = %v\n%s", err, out)
	}
	m, err := loadManifest(Host{Root: root}, manifestPath(DefaultStateDir, "containerd", DefaultContainerdConfig))
	if err != nil || m == nil || len(m.Files) != 1 || m.Files[0].Path != DefaultContainerdConfig {
		t.Fatalf("manifest after a failed uninstall = %+v, %v; want the config's record only", m, err)
	}
}

func TestPresetConfigLoads(t *testing.T) {
	c, err := config.Parse(presets.Config)
	if err != nil {
		t.Fatalf("install/presets/config.toml: %v", err)
	}
	if len(c.Contracts) != 2 || c.Contracts[0].Name != "sandbox-supervisor" || c.Contracts[1].Name != "clear-on-request" {
		t.Fatalf("contracts = %+v, want sandbox-supervisor and clear-on-request", c.Contracts)
	}
	// The node installer's probe asks for a cleared bounding set and nothing else.
	if p := c.Contracts[1]; string(p.Bounding) != "clear" || len(p.Require) != 0 || !p.NoNewPrivs ||
		!p.Match.Matches("/usr/local/bin/oshim", map[string]string{"io.oshim.bounding": "clear"}) || p.Match.Matches("/bin/sh", nil) {
		t.Errorf("clear-on-request = %+v", p)
	}
	k := c.Contracts[0]
	if string(k.OnSkew) != "repair" || string(k.Bounding) != "spec" || len(k.Require) != 1 || caps.Cap(k.Require[0]).String() != "CAP_SETPCAP" ||
		len(k.Match.Commands) != 1 || k.Match.Commands[0].String() != "^/opt/openshell/bin/openshell-sandbox$" {
		t.Errorf("contract = %+v", k)
	}
	if len(c.Warnings) > 0 {
		t.Errorf("warnings: %q", c.Warnings)
	}
	// The commented second example must be valid too once uncommented.
	var second []string
	on := false
	for _, line := range strings.Split(string(presets.Config), "\n") {
		if on && line == "" {
			break
		}
		on = on || strings.HasPrefix(line, "# [[contract]]")
		if on && strings.HasPrefix(line, "# ") {
			second = append(second, strings.TrimPrefix(line, "# "))
		}
	}
	c2, err := config.Parse([]byte(strings.Join(second, "\n")))
	if err != nil || len(c2.Contracts) != 1 || c2.Contracts[0].Name != "openshell-managed" {
		t.Fatalf("the commented example: %+v, %v\n%s", c2, err, strings.Join(second, "\n"))
	}
}

func writeFile(t *testing.T, root, p, content string) {
	t.Helper()
	full := filepath.Join(root, p)
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestManifestIsPrivate: a manifest holds the original bytes of the configs install
// edited, which may carry secrets, so only root may read it.
func TestManifestIsPrivate(t *testing.T) {
	root := newRoot(t, nil)
	if _, err := runOp(t, Install, &Crio{Binary: testBinary, AdminConfig: config.DefaultPath}, root, false); err != nil {
		t.Fatal(err)
	}
	manifests, err := filepath.Glob(filepath.Join(root, DefaultStateDir, "*.json"))
	if err != nil || len(manifests) == 0 {
		t.Fatalf("no manifest: %v", err)
	}
	for _, m := range manifests {
		st, err := os.Stat(m)
		if err != nil || st.Mode().Perm() != 0o600 {
			t.Errorf("manifest %s has mode %v (%v), want 0600", m, st.Mode().Perm(), err)
		}
	}
}
