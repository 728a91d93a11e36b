package install

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/oshim/oshim/internal/annotation"
)

func TestContainerd(t *testing.T) {
	const cfg = DefaultContainerdConfig
	dropIn := "/etc/containerd/conf.d/50-oshim.toml"
	tests := []struct {
		description string
		files       map[string]string
		version     int64
		dropIn      bool // the handler is in the drop-in, not in the config
		importEdit  bool // the config gets an imports entry
		options     map[string]any
		podAnnots   []string
		runcAdded   bool
		notes       []string
		layout      Layout
	}{
		{
			description: "containerd 1.6 default config copies runc's options",
			files:       map[string]string{cfg: testdata(t, "containerd-1.6-default.toml")},
			version:     2,
			options:     map[string]any{"BinaryName": testBinary, "SystemdCgroup": false, "IoUid": int64(0)},
			podAnnots:   annotation.Requests,
		},
		{
			description: "debian's config names no runtime, so runc is written out",
			files:       map[string]string{cfg: testdata(t, "containerd-debian12-etc.toml")},
			version:     2,
			options:     map[string]any{"BinaryName": testBinary},
			podAnnots:   annotation.Requests,
			runcAdded:   true,
			notes:       []string{`default handler "runc"`},
		},
		{
			description: "version 2 with systemd cgroups and crun keeps both and the annotations",
			files:       map[string]string{cfg: testdata(t, "containerd-v2-systemd.toml"), "/etc/containerd/extra.toml": "version = 2\n"},
			version:     2,
			options:     map[string]any{"BinaryName": testBinary, "SystemdCgroup": true},
			podAnnots:   append([]string{"example.com/*"}, annotation.Requests...),
			notes:       []string{"the default handler runs /usr/bin/crun"},
		},
		{
			description: "version 1 uses the short plugin name",
			files:       map[string]string{cfg: testdata(t, "containerd-v1.toml")},
			version:     1,
			options:     map[string]any{"BinaryName": testBinary, "SystemdCgroup": true, "NoPivotRoot": false},
			podAnnots:   annotation.Requests,
		},
		{
			description: "version 1 with the legacy v1 linux default copies nothing",
			files:       map[string]string{cfg: testdata(t, "containerd-v1-legacy-default.toml")},
			version:     1,
			options:     map[string]any{"BinaryName": testBinary},
			podAnnots:   annotation.Requests,
			notes:       []string{"nothing of it is copied"},
		},
		{
			description: "version 3 gets a drop-in and a new imports key",
			files:       map[string]string{cfg: testdata(t, "containerd-v3.toml")},
			version:     3,
			dropIn:      true,
			importEdit:  true,
			options:     map[string]any{"BinaryName": testBinary, "SystemdCgroup": true},
			podAnnots:   annotation.Requests,
		},
		{
			description: "version 3 whose imports already cover the drop-in is not edited",
			files:       map[string]string{cfg: testdata(t, "containerd-v3-imports.toml")},
			version:     3,
			dropIn:      true,
			options:     map[string]any{"BinaryName": testBinary},
			podAnnots:   annotation.Requests,
			notes:       []string{"already imports"},
		},
		{
			description: "version 3 copies an imported default runtime",
			files: map[string]string{
				cfg: testdata(t, "containerd-v3-custom-default.toml"),
				"/etc/containerd/runtimes.toml": "version = 3\n[plugins.\"io.containerd.cri.v1.runtime\".containerd.runtimes.crun]\n" +
					"runtime_type = \"io.containerd.runc.v2\"\n[plugins.\"io.containerd.cri.v1.runtime\".containerd.runtimes.crun.options]\n" +
					"BinaryName = \"/usr/bin/crun\"\nSystemdCgroup = true\n",
			},
			version:    3,
			dropIn:     true,
			importEdit: true,
			options:    map[string]any{"BinaryName": testBinary, "SystemdCgroup": true},
			podAnnots:  annotation.Requests,
		},
		{
			description: "no config at all, layout containerd1: a version 2 config with runc spelled out",
			layout:      LayoutContainerd1,
			version:     2,
			options:     map[string]any{"BinaryName": testBinary},
			podAnnots:   annotation.Requests,
			runcAdded:   true,
		},
	}
	for _, tc := range tests {
		t.Run(tc.description, func(t *testing.T) {
			root := newRoot(t, tc.files)
			tgt := &Containerd{Binary: testBinary, AdminConfig: "/etc/oshim/config.toml", Layout: tc.layout}
			out := mustOp(t, Install, tgt, root, true)
			for _, n := range tc.notes {
				if !strings.Contains(out, n) {
					t.Errorf("output lacks %q:\n%s", n, out)
				}
			}
			installed := checkLifecycle(t, tgt, root)
			original, hadConfig := tc.files[cfg]
			got := strings.TrimPrefix(installed[cfg], "-rwxr-xr-x\n")
			if !hadConfig {
				got = strings.TrimPrefix(installed[cfg], "-rw-r--r--\n")
			}
			doc, err := decodeTOML([]byte(got))
			if err != nil {
				t.Fatalf("installed config does not parse: %v\n%s", err, got)
			}
			switch {
			case tc.dropIn:
				d, err := decodeTOML([]byte(strings.TrimPrefix(installed[dropIn], "-rw-r--r--\n")))
				if err != nil {
					t.Fatalf("drop-in does not parse: %v\n%s", err, installed[dropIn])
				}
				imports, _ := stringList(doc["imports"], "imports")
				if tc.importEdit != (len(imports) > 0 && imports[len(imports)-1] == dropIn) {
					t.Errorf("imports = %q; edit expected: %v", imports, tc.importEdit)
				}
				if !tc.importEdit && got != original {
					t.Errorf("config changed although its imports cover the drop-in:\n%s", got)
				}
				doc = d
			case hadConfig && !strings.HasPrefix(got, original):
				t.Errorf("the admin's text is not kept byte for byte at the start:\n%s", got)
			}
			runtimes := table(doc, append(criPlugin(tc.version), "runtimes")...)
			h := table(runtimes, "oshim")
			if h == nil {
				t.Fatalf("no oshim handler under %v:\n%s", criPlugin(tc.version), got)
			}
			if h["runtime_type"] != runcShim {
				t.Errorf("runtime_type = %v", h["runtime_type"])
			}
			for k, v := range tc.options {
				if opt := table(h, "options")[k]; !reflect.DeepEqual(opt, v) {
					t.Errorf("options.%s = %#v, want %#v", k, opt, v)
				}
			}
			if annots, _ := stringList(h["pod_annotations"], "pod_annotations"); !reflect.DeepEqual(annots, tc.podAnnots) {
				t.Errorf("pod_annotations = %q, want %q", annots, tc.podAnnots)
			}
			wantRunc := tc.runcAdded || !tc.dropIn && hasRunc(tc.files[cfg], tc.version)
			if _, ok := runtimes["runc"]; ok != wantRunc {
				t.Errorf("runc in the result: %v, want %v", ok, wantRunc)
			}
		})
	}
}

func hasRunc(cfg string, version int64) bool {
	doc, err := decodeTOML([]byte(cfg))
	return err == nil && table(doc, append(criPlugin(version), "runtimes", "runc")...) != nil
}

func TestContainerdRefuses(t *testing.T) {
	tests := []struct {
		description string
		config      string
		tgt         Containerd
		want        string
	}{
		{
			description: "a handler of that name exists",
			config:      "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.oshim]\nruntime_type = \"io.containerd.runc.v2\"\n",
			want:        `handler "oshim" is already configured`,
		},
		{
			description: "the handler would replace the default runtime",
			config:      "version = 2\n",
			tgt:         Containerd{Handler: "runc"},
			want:        `default runtime is named "runc"`,
		},
		{
			description: "an unknown config version",
			config:      "version = 4\n",
			want:        "versions 1, 2 and 3",
		},
		{
			description: "a default runtime that is not configured",
			config:      "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".containerd]\ndefault_runtime_name = \"kata\"\n",
			want:        `default runtime "kata" is not configured`,
		},
		{
			description: "imports that is not an array",
			config:      "version = 3\nimports = \"/etc/containerd/conf.d\"\n",
			want:        "imports is not an array",
		},
		{
			description: "a relative binary path",
			config:      "version = 2\n",
			tgt:         Containerd{Binary: "oshim"},
			want:        "must be absolute",
		},
		{
			description: "a broken config",
			config:      "version = 2\n[plugins\n",
			want:        "config.toml",
		},
	}
	for _, tc := range tests {
		t.Run(tc.description, func(t *testing.T) {
			root := newRoot(t, map[string]string{DefaultContainerdConfig: tc.config})
			before := snapshot(t, root)
			tgt := tc.tgt
			if tgt.Binary == "" {
				tgt.Binary = testBinary
			}
			out, err := runOp(t, Install, &tgt, root, false)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want one containing %q\n%s", err, tc.want, out)
			}
			if got := snapshot(t, root); !reflect.DeepEqual(got, before) {
				t.Errorf("a refused install changed files:\n%s", diffSnapshots(before, got))
			}
		})
	}
}

func TestContainerdChangedSinceInstall(t *testing.T) {
	root := newRoot(t, map[string]string{DefaultContainerdConfig: testdata(t, "containerd-v2-systemd.toml")})
	tgt := &Containerd{Binary: testBinary}
	mustOp(t, Install, tgt, root, false)
	cfg := filepath.Join(root, DefaultContainerdConfig)
	data, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	// The admin adds a setting after install: uninstall must keep it and drop only oshim's.
	edited := strings.Replace(string(data), "restrict_oom_score_adj = true\n", "restrict_oom_score_adj = true\n  enable_cdi = true\n", 1)
	if err := os.WriteFile(cfg, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	// A reinstall with another binary path replaces oshim's block and keeps the admin's line.
	other := "/opt/oshim/bin/oshim"
	if err := os.MkdirAll(filepath.Join(root, "/opt/oshim/bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, other), nil, 0o755); err != nil {
		t.Fatal(err)
	}
	mustOp(t, Install, &Containerd{Binary: other}, root, false)
	data, _ = os.ReadFile(cfg)
	if strings.Count(string(data), "oshim: the CRI runtime handler") != 1 || !strings.Contains(string(data), other) || !strings.Contains(string(data), "enable_cdi") {
		t.Fatalf("reinstall did not replace the block cleanly:\n%s", data)
	}
	mustOp(t, Uninstall, tgt, root, false)
	data, _ = os.ReadFile(cfg)
	want := strings.Replace(testdata(t, "containerd-v2-systemd.toml"), "restrict_oom_score_adj = true\n", "restrict_oom_score_adj = true\n  enable_cdi = true\n", 1)
	if string(data) != want {
		t.Fatalf("uninstall after an admin's edit:\n%s\nwant:\n%s", data, want)
	}
	if _, err := os.Stat(cfg + backupSuffix); !os.IsNotExist(err) {
		t.Errorf("uninstall left the backup install wrote: %v", err)
	}
}

// FuzzContainerdInstall builds the handler for arbitrary config text: either that is
// refused, or the config with the handler appended (or, for version 3, the imports entry
// added) passes install's own check, and undoing the edit gives back the exact bytes.
func FuzzContainerdInstall(f *testing.F) {
	for _, name := range []string{"containerd-1.6-default.toml", "containerd-v1.toml", "containerd-v2-systemd.toml", "containerd-v3.toml", "containerd-debian12-etc.toml"} {
		f.Add(testdata(f, name))
	}
	h := Host{Root: newRoot(f, nil)}
	f.Fuzz(func(t *testing.T, cfg string) {
		doc, err := decodeTOML([]byte(cfg))
		if err != nil {
			return
		}
		version, err := configVersion(doc)
		if err != nil {
			return
		}
		c := &Containerd{Binary: testBinary}
		var notes []string
		block, added, err := c.block(h, DefaultContainerdConfig, version, doc, &notes)
		if err != nil {
			return
		}
		e := Edit{Kind: EditAppend, Value: block}
		var imports []string
		if version == 3 {
			e, added, imports = Edit{Kind: EditImports, Value: c.dropIn()}, nil, []string{c.dropIn()}
		}
		out, done, err := e.apply([]byte(cfg))
		if err != nil || done == nil {
			return
		}
		if err := c.checkEdit([]byte(cfg), out, version, added, imports); err != nil {
			// Only text TOML decoders disagree on may fail the check; say which.
			t.Logf("check refused: %v", err)
			return
		}
		back, err := done.revert(out)
		if err != nil || string(back) != cfg {
			t.Fatalf("revert: %v\n%q\n->\n%q", err, out, back)
		}
	})
}
