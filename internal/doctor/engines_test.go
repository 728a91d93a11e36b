package doctor

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// engineRoot writes files (host path -> content) under a temporary root; a content of
// "#!" makes an executable.
func engineRoot(t testing.TB, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for p, content := range files {
		full := filepath.Join(root, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		mode := os.FileMode(0o644)
		if strings.HasPrefix(content, "#!") {
			mode = 0o755
		}
		if err := os.WriteFile(full, []byte(content), mode); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

const (
	oshimBin     = "/usr/local/bin/oshim"
	podmanDropIn = "[engine]\nruntime_supports_json = [\"crun\", \"oshim\"]\n[engine.runtimes]\noshim = [\"/usr/local/bin/oshim\"]\n"
	containerdV2 = `version = 2
[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.oshim]
  runtime_type = "io.containerd.runc.v2"
  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.oshim.options]
    BinaryName = "/usr/local/bin/oshim"
`
	crioDropIn = "[crio.runtime.runtimes.oshim]\nruntime_path = \"/usr/local/bin/oshim\"\nruntime_type = \"oci\"\n"
)

func TestCheckEngines(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  []string
		fails int
	}{
		{
			name:  "nothing installed",
			files: map[string]string{},
			want:  []string{"ok engine podman: not configured", "ok engine containerd: not configured", "warn engines: no engine config found runs oshim"},
		},
		{
			name:  "podman drop-in",
			files: map[string]string{"/etc/containers/containers.conf.d/50-oshim.conf": podmanDropIn, oshimBin: "#!/bin/sh\n"},
			want:  []string{"ok engine podman: oshim registered: /etc/containers/containers.conf.d/50-oshim.conf: engine.runtime_supports_json = crun, oshim; /etc/containers/containers.conf.d/50-oshim.conf: engine.runtimes.oshim = /usr/local/bin/oshim"},
		},
		{
			name:  "podman drop-in naming a missing binary",
			files: map[string]string{"/etc/containers/containers.conf.d/50-oshim.conf": podmanDropIn},
			want:  []string{"fail engine podman: /etc/containers/containers.conf.d/50-oshim.conf: engine.runtimes.oshim = /usr/local/bin/oshim, but no such executable exists", "fix: install oshim at that path, or run oshim install podman again"},
			fails: 1,
		},
		{
			name:  "containerd config",
			files: map[string]string{"/etc/containerd/config.toml": containerdV2, oshimBin: "#!/bin/sh\n"},
			want:  []string{"ok engine containerd: oshim registered: /etc/containerd/config.toml: plugins.io.containerd.grpc.v1.cri.containerd.runtimes.oshim.options.BinaryName = /usr/local/bin/oshim"},
		},
		{
			name: "containerd imports a drop-in",
			files: map[string]string{
				"/etc/containerd/config.toml":          "version = 3\nimports = [\"conf.d/*.toml\"]\n",
				"/etc/containerd/conf.d/50-oshim.toml": strings.Replace(containerdV2, "version = 2\n", "", 1),
			},
			want:  []string{"fail engine containerd: /etc/containerd/conf.d/50-oshim.toml: plugins.io.containerd.grpc.v1.cri.containerd.runtimes.oshim.options.BinaryName = /usr/local/bin/oshim, but no such executable"},
			fails: 1,
		},
		{
			name:  "containerd without oshim",
			files: map[string]string{"/etc/containerd/config.toml": "version = 2\n"},
			want:  []string{"ok engine containerd: configured (/etc/containerd/config.toml), oshim not registered", "warn engines"},
		},
		{
			name:  "k3s: the config it generated from oshim's template",
			files: map[string]string{"/var/lib/rancher/k3s/agent/etc/containerd/config.toml": containerdV2, oshimBin: "#!/bin/sh\n"},
			want: []string{
				"ok engine containerd: not configured",
				"ok engine containerd (k3s): oshim registered: /var/lib/rancher/k3s/agent/etc/containerd/config.toml: plugins.io.containerd.grpc.v1.cri.containerd.runtimes.oshim.options.BinaryName = /usr/local/bin/oshim",
			},
		},
		{
			name:  "rke2 without oshim yet (the template not regenerated)",
			files: map[string]string{"/var/lib/rancher/rke2/agent/etc/containerd/config.toml": "version = 2\n"},
			want:  []string{"ok engine containerd (rke2): configured (/var/lib/rancher/rke2/agent/etc/containerd/config.toml), oshim not registered", "warn engines"},
		},
		{
			name: "k0s: the CRI config it merges its drop-ins into, imported",
			files: map[string]string{
				"/etc/k0s/containerd.toml":         "# k0s_managed=true\nversion = 2\nimports = [\"/run/k0s/containerd-cri.toml\"]\n",
				"/run/k0s/containerd-cri.toml":     strings.Replace(containerdV2, "version = 2\n", "", 1),
				"/etc/k0s/containerd.d/oshim.toml": strings.Replace(containerdV2, "version = 2\n", "", 1),
			},
			want:  []string{"fail engine containerd (k0s): /run/k0s/containerd-cri.toml: plugins.io.containerd.grpc.v1.cri.containerd.runtimes.oshim.options.BinaryName = /usr/local/bin/oshim, but no such executable exists", "oshim install containerd --layout k0s again"},
			fails: 1,
		},
		{
			name:  "CRI-O drop-in",
			files: map[string]string{"/etc/crio/crio.conf.d/50-oshim.conf": crioDropIn, oshimBin: "#!/bin/sh\n"},
			want:  []string{"ok engine CRI-O: oshim registered: /etc/crio/crio.conf.d/50-oshim.conf: crio.runtime.runtimes.oshim.runtime_path = /usr/local/bin/oshim"},
		},
		{
			name:  "Docker daemon.json",
			files: map[string]string{"/etc/docker/daemon.json": dockerDaemonJSON, oshimBin: "#!/bin/sh\n"},
			want:  []string{"ok engine Docker: oshim registered: /etc/docker/daemon.json: runtimes.oshim.path = /usr/local/bin/oshim"},
		},
		{
			name:  "Docker daemon.json naming a missing binary",
			files: map[string]string{"/etc/docker/daemon.json": dockerDaemonJSON},
			want:  []string{"fail engine Docker: /etc/docker/daemon.json: runtimes.oshim.path = /usr/local/bin/oshim, but no such executable exists", "oshim install docker again"},
			fails: 1,
		},
		{
			name:  "unparsable daemon.json",
			files: map[string]string{"/etc/docker/daemon.json": "{\"runtimes\": "},
			want:  []string{"warn engine Docker: /etc/docker/daemon.json:", "fix: correct the file"},
		},
		{
			name:  "unparsable config",
			files: map[string]string{"/etc/crio/crio.conf": "[crio\n"},
			want:  []string{"warn engine CRI-O: /etc/crio/crio.conf:", "fix: correct the file"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs := checkEngines(engineRoot(t, tt.files))
			s := summary(cs)
			// A distribution's containerd shows only where its config is.
			for _, d := range []string{"k3s", "rke2", "k0s"} {
				if strings.Contains(s, "containerd ("+d+")") && !strings.Contains(tt.name, d) {
					t.Errorf("checks name %s's containerd, whose config is not there:\n%s", d, s)
				}
			}
			for _, w := range tt.want {
				if !strings.Contains(s, w) {
					t.Errorf("checks lack %q:\n%s", w, s)
				}
			}
			fails := 0
			for _, c := range cs {
				if c.Status == Fail {
					fails++
				}
			}
			if fails != tt.fails {
				t.Errorf("%d failures, want %d:\n%s", fails, tt.fails, s)
			}
		})
	}
}

const dockerDaemonJSON = `{
  "log-level": "warn",
  "runtimes": {
    "oshim": {
      "path": "/usr/local/bin/oshim"
    }
  }
}
`

// FuzzEngineConfig: an engine config is whatever the admin wrote; the doctor reads it
// without panicking and without claiming a registration that names no oshim.
func FuzzEngineConfig(f *testing.F) {
	f.Add(containerdV2)
	f.Add(podmanDropIn)
	f.Add("imports = [\"/etc/containerd/*.toml\", 3]\n[[a]]\nb = [\"oshim\", {c = \"oshim\"}]\n")
	f.Fuzz(func(t *testing.T, text string) {
		root := engineRoot(t, map[string]string{"/etc/containerd/config.toml": text})
		for _, c := range checkEngines(root) {
			if c.Status == OK && strings.HasPrefix(c.Detail, "oshim registered") && !strings.Contains(c.Detail, "oshim") {
				t.Fatalf("registration without oshim: %+v", c)
			}
			if c.Status != OK && c.Fix == "" {
				t.Fatalf("%+v has no fix", c)
			}
		}
	})
}
