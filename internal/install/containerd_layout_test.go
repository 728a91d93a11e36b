package install

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const (
	k3sDir  = "/var/lib/rancher/k3s/agent/etc/containerd"
	rke2Dir = "/var/lib/rancher/rke2/agent/etc/containerd"
)

func TestDetectLayout(t *testing.T) {
	tests := []struct {
		description string
		files       map[string]string
		want        Layout
		wantErr     []string
	}{
		{"plain 1.x", map[string]string{DefaultContainerdConfig: "version = 2\n"}, LayoutContainerd1, nil},
		{"plain 1.x without a version", map[string]string{DefaultContainerdConfig: "[plugins]\n"}, LayoutContainerd1, nil},
		{"plain 2.x", map[string]string{DefaultContainerdConfig: "version = 3\n"}, LayoutContainerd2, nil},
		{"k3s, generated config only", map[string]string{k3sDir + "/config.toml": "version = 2\n"}, LayoutK3s, nil},
		{"k3s, template only", map[string]string{k3sDir + "/config-v3.toml.tmpl": "{{ template \"base\" . }}\n"}, LayoutK3s, nil},
		{"rke2", map[string]string{rke2Dir + "/config.toml": "version = 2\n"}, LayoutRKE2, nil},
		{"k0s", map[string]string{"/etc/k0s/containerd.toml": "# k0s_managed=true\n"}, LayoutK0s, nil},
		{"k0s drop-in directory only", map[string]string{"/etc/k0s/containerd.d/other.toml": ""}, LayoutK0s, nil},
		{
			"nothing found names where it looked and the flag", nil, "",
			[]string{DefaultContainerdConfig, k3sDir, rke2Dir, "/etc/k0s/containerd.toml", "--layout containerd1, containerd2, k3s, rke2, k0s", "nothing was written"},
		},
		{
			"plain and k3s at once is ambiguous",
			map[string]string{DefaultContainerdConfig: "version = 2\n", k3sDir + "/config.toml": "version = 2\n"}, "",
			[]string{DefaultContainerdConfig + " (containerd1)", k3sDir + "/config.toml (k3s)", "--layout", "nothing was written"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.description, func(t *testing.T) {
			root := newRoot(t, tc.files)
			before := snapshot(t, root)
			tgt := &Containerd{Binary: testBinary, AdminConfig: "/etc/oshim/config.toml"}
			err := tgt.resolve(Host{Root: root})
			if tc.wantErr == nil {
				if err != nil || tgt.layout != tc.want {
					t.Fatalf("layout %q, err %v; want %q", tgt.layout, err, tc.want)
				}
				return
			}
			if err == nil {
				t.Fatalf("layout %q, want an error", tgt.layout)
			}
			for _, w := range tc.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			// Install itself stops at the same error, before anything is written.
			if _, err := runOp(t, Install, &Containerd{Binary: testBinary, AdminConfig: "/etc/oshim/config.toml"}, root, false); err == nil {
				t.Fatal("install went on")
			}
			if got := snapshot(t, root); !reflect.DeepEqual(got, before) {
				t.Errorf("a refused install changed files:\n%s", diffSnapshots(before, got))
			}
		})
	}
}

func TestContainerdLayouts(t *testing.T) {
	tests := []struct {
		description string
		layout      Layout // "" detects
		files       map[string]string
		path        string // where the handler goes
		version     int64
		wantText    []string // in the file at path
		keepPrefix  string   // the file at path starts with this (an admin's template)
	}{
		{
			description: "k3s without a template: one that renders k3s's own config, then the handler",
			files:       map[string]string{k3sDir + "/config.toml": testdata(t, "k3s-generated-v2.toml")},
			path:        k3sDir + "/config.toml.tmpl", version: 2,
			wantText: []string{k3sBase, `[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.oshim]`, "SystemdCgroup = true"},
		},
		{
			description: "k3s with an admin's template: the handler is appended",
			files: map[string]string{
				k3sDir + "/config.toml":      testdata(t, "k3s-generated-v2.toml"),
				k3sDir + "/config.toml.tmpl": k3sBase + "[plugins.\"io.containerd.grpc.v1.cri\".registry]\n  config_path = \"/etc/certs.d\"\n",
			},
			path: k3sDir + "/config.toml.tmpl", version: 2,
			keepPrefix: k3sBase + "[plugins.\"io.containerd.grpc.v1.cri\".registry]\n  config_path = \"/etc/certs.d\"\n",
			wantText:   []string{"runtimes.oshim]"},
		},
		{
			description: "k3s on containerd 2.x: config-v3.toml.tmpl with version 3 tables",
			files:       map[string]string{k3sDir + "/config.toml": testdata(t, "k3s-generated-v3.toml")},
			path:        k3sDir + "/config-v3.toml.tmpl", version: 3,
			wantText: []string{k3sBase, `[plugins."io.containerd.cri.v1.runtime".containerd.runtimes.oshim]`},
		},
		{
			description: "k3s on containerd 2.x with only the old template keeps using it",
			files: map[string]string{
				k3sDir + "/config.toml":      testdata(t, "k3s-generated-v3.toml"),
				k3sDir + "/config.toml.tmpl": k3sBase,
			},
			path: k3sDir + "/config.toml.tmpl", version: 3, keepPrefix: k3sBase,
			wantText: []string{`io.containerd.cri.v1.runtime`},
		},
		{
			description: "rke2, given as a flag",
			layout:      LayoutRKE2,
			files:       map[string]string{rke2Dir + "/config.toml": testdata(t, "k3s-generated-v2.toml")},
			path:        rke2Dir + "/config.toml.tmpl", version: 2,
			wantText: []string{k3sBase, "runtimes.oshim]"},
		},
		{
			description: "k0s: a drop-in in containerd.d, copying the runtime of the CRI config k0s imports",
			files: map[string]string{
				"/etc/k0s/containerd.toml":     testdata(t, "k0s-containerd.toml"),
				"/run/k0s/containerd-cri.toml": testdata(t, "k0s-containerd-cri.toml"),
			},
			path: "/etc/k0s/containerd.d/50-oshim.toml", version: 2,
			wantText: []string{"version = 2\n", "runtimes.oshim]", `BinaryName = "` + testBinary + `"`},
		},
		{
			description: "containerd 2.x without a config: one that imports the drop-in",
			layout:      LayoutContainerd2,
			path:        "/etc/containerd/conf.d/50-oshim.toml", version: 3,
			wantText: []string{`[plugins."io.containerd.cri.v1.runtime".containerd.runtimes.oshim]`},
		},
	}
	for _, tc := range tests {
		t.Run(tc.description, func(t *testing.T) {
			root := newRoot(t, tc.files)
			before := snapshot(t, root)
			tgt := &Containerd{Binary: testBinary, AdminConfig: "/etc/oshim/config.toml", Layout: tc.layout}
			out := mustOp(t, Install, tgt, root, true)
			if !strings.Contains(out, tc.path) || !strings.Contains(out, "runtimes.oshim]") {
				t.Errorf("the dry run does not show the handler going to %s:\n%s", tc.path, out)
			}
			installed := checkLifecycle(t, tgt, root)
			got, ok := installed[tc.path]
			if !ok {
				t.Fatalf("nothing at %s:\n%s", tc.path, diffSnapshots(before, installed))
			}
			_, text, _ := strings.Cut(got, "\n")
			if !strings.HasPrefix(text, tc.keepPrefix) {
				t.Errorf("%s does not keep the admin's text at its start:\n%s", tc.path, text)
			}
			for _, w := range tc.wantText {
				if !strings.Contains(text, w) {
					t.Errorf("%s lacks %q:\n%s", tc.path, w, text)
				}
			}
			// The result, with the template action taken away, is a containerd config of
			// the generated file's version with the handler in it.
			doc, err := decodeTOML([]byte(strings.ReplaceAll(text, k3sBase, "")))
			if err != nil {
				t.Fatalf("%s: %v", tc.path, err)
			}
			h := table(doc, append(criPlugin(tc.version), "runtimes", "oshim")...)
			if h == nil || h["runtime_type"] != runcShim || table(h, "options")["BinaryName"] != testBinary {
				t.Errorf("%s: handler %v", tc.path, h)
			}
		})
	}
}

// TestContainerdRegenerated reinstalls after the distribution put oshim's handler into
// the config it generates (k3s renders the template, k0s merges the drop-in into its CRI
// config): the handler found there is oshim's own, so install is a no-op, and uninstall
// takes oshim's file away.
func TestContainerdRegenerated(t *testing.T) {
	tests := []struct {
		description string
		files       map[string]string
		ours        string // the file install writes
		generated   string // the config the distribution generates from it
		render      func(ours string) string
	}{
		{
			description: "k3s",
			files:       map[string]string{k3sDir + "/config.toml": testdata(t, "k3s-generated-v2.toml")},
			ours:        k3sDir + "/config.toml.tmpl",
			generated:   k3sDir + "/config.toml",
			render: func(tmpl string) string {
				return testdata(t, "k3s-generated-v2.toml") + strings.TrimPrefix(tmpl, k3sBase)
			},
		},
		{
			description: "k0s",
			files: map[string]string{
				"/etc/k0s/containerd.toml":     testdata(t, "k0s-containerd.toml"),
				"/run/k0s/containerd-cri.toml": testdata(t, "k0s-containerd-cri.toml"),
			},
			ours:      "/etc/k0s/containerd.d/50-oshim.toml",
			generated: "/run/k0s/containerd-cri.toml",
			render: func(dropIn string) string {
				// What merging the drop-in's tables adds to the CRI config.
				return testdata(t, "k0s-containerd-cri.toml") + strings.TrimPrefix(dropIn, "version = 2\n")
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.description, func(t *testing.T) {
			root := newRoot(t, tc.files)
			mustOp(t, Install, &Containerd{Binary: testBinary}, root, false)
			ours, err := os.ReadFile(filepath.Join(root, tc.ours))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(root, tc.generated), []byte(tc.render(string(ours))), 0o644); err != nil {
				t.Fatal(err)
			}
			if _, err := decodeTOML([]byte(tc.render(string(ours)))); err != nil {
				t.Fatalf("the regenerated config does not decode: %v", err)
			}
			if out := mustOp(t, Install, &Containerd{Binary: testBinary}, root, false); !strings.Contains(out, "nothing changed") {
				t.Errorf("reinstall after the distribution regenerated its config:\n%s", out)
			}
			mustOp(t, Uninstall, &Containerd{Binary: testBinary}, root, false)
			if _, err := os.Stat(filepath.Join(root, tc.ours)); !os.IsNotExist(err) {
				t.Errorf("uninstall left %s: %v", tc.ours, err)
			}
		})
	}
}

func TestContainerdLayoutRefuses(t *testing.T) {
	tests := []struct {
		description string
		layout      Layout
		files       map[string]string
		want        string
		binary      string
	}{
		{"containerd1 on a version 3 config", LayoutContainerd1, map[string]string{DefaultContainerdConfig: "version = 3\n"}, "use --layout containerd2", ""},
		{"containerd2 on a version 2 config", LayoutContainerd2, map[string]string{DefaultContainerdConfig: "version = 2\n"}, "use --layout containerd1", ""},
		{"k3s that never started", LayoutK3s, nil, "start it once", ""},
		{"k0s whose config the admin took over", LayoutK0s, map[string]string{"/etc/k0s/containerd.toml": "version = 2\n"}, "does not start with \"# k0s_managed=true\"", ""},
		{"an unknown layout", Layout("microk8s"), nil, "use auto, containerd1", ""},
		{
			"a handler path k3s would read as a template", LayoutK3s,
			map[string]string{k3sDir + "/config.toml": "version = 2\n", "/opt/{{x}}/oshim": ""}, "template action", "/opt/{{x}}/oshim",
		},
	}
	for _, tc := range tests {
		t.Run(tc.description, func(t *testing.T) {
			root := newRoot(t, tc.files)
			before := snapshot(t, root)
			tgt := &Containerd{Binary: testBinary, Layout: tc.layout}
			if tc.binary != "" {
				tgt.Binary = tc.binary
			}
			out, err := runOp(t, Install, tgt, root, false)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want one containing %q\n%s", err, tc.want, out)
			}
			if got := snapshot(t, root); !reflect.DeepEqual(got, before) {
				t.Errorf("a refused install changed files:\n%s", diffSnapshots(before, got))
			}
		})
	}
}

// FuzzContainerdTemplate plans the k3s layout for arbitrary generated-config and
// template text: either install refuses, or the handler it appends to the template (or
// writes after k3s's base) holds no template action, decodes as a config of the
// generated file's version with the handler in it, and undoing the edit gives back the
// template's exact bytes.
func FuzzContainerdTemplate(f *testing.F) {
	f.Add(testdata(f, "k3s-generated-v2.toml"), "")
	f.Add(testdata(f, "k3s-generated-v3.toml"), k3sBase+"[plugins]\n")
	f.Add("version = 2\n", "{{ .NodeConfig }}\n")
	root := newRoot(f, nil)
	h := Host{Root: root}
	gen, tmpl := k3sDir+"/config.toml", k3sDir+"/config.toml.tmpl"
	if err := os.MkdirAll(filepath.Join(root, k3sDir), 0o755); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, generated, template string) {
		os.Remove(filepath.Join(root, k3sDir, "config-v3.toml.tmpl"))
		if err := os.WriteFile(filepath.Join(root, gen), []byte(generated), 0o644); err != nil {
			t.Fatal(err)
		}
		os.Remove(filepath.Join(root, tmpl))
		if template != "" {
			if err := os.WriteFile(filepath.Join(root, tmpl), []byte(template), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		c := &Containerd{Binary: testBinary, Layout: LayoutK3s}
		if err := c.resolve(h); err != nil {
			t.Fatal(err)
		}
		p, err := c.plan(h, nil)
		if err != nil {
			return
		}
		doc, _ := decodeTOML([]byte(generated))
		version, _ := configVersion(doc)
		for _, w := range p.wants {
			if !strings.HasSuffix(w.path, ".tmpl") {
				continue
			}
			block := strings.TrimPrefix(string(w.data), k3sBase)
			if w.edit != nil {
				out, done, err := w.edit.apply([]byte(template))
				if err != nil {
					t.Fatal(err)
				}
				back, err := done.revert(out)
				if err != nil || string(back) != template {
					t.Fatalf("revert: %v\n%q", err, back)
				}
				block = done.Value
			}
			if strings.Contains(block, "{{") {
				t.Fatalf("the handler holds a template action:\n%s", block)
			}
			got, err := decodeTOML([]byte(fmt.Sprintf("version = %d\n%s", version, block)))
			if err != nil {
				t.Fatalf("the handler does not decode: %v\n%s", err, block)
			}
			if h := table(got, append(criPlugin(version), "runtimes", "oshim")...); h == nil || table(h, "options")["BinaryName"] != testBinary {
				t.Fatalf("no handler in:\n%s", block)
			}
		}
	})
}
