package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"github.com/oshim/oshim/test/harness"
)

func TestTemplate(t *testing.T) {
	for _, name := range []string{"crun", "runc"} {
		t.Run(name, func(t *testing.T) {
			rt, err := exec.LookPath(name)
			if err != nil {
				t.Fatalf("%v: apt-get install %s", err, name)
			}
			data, err := template(rt, "/abs/rootfs", t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			var spec struct {
				Process struct {
					Args     []string `json:"args"`
					Terminal bool     `json:"terminal"`
				} `json:"process"`
				Root struct {
					Path     string `json:"path"`
					Readonly bool   `json:"readonly"`
				} `json:"root"`
				Mounts []json.RawMessage `json:"mounts"`
			}
			if err := json.Unmarshal(data, &spec); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(spec.Process.Args, []string{"/bin/true"}) || spec.Process.Terminal || spec.Root.Path != "/abs/rootfs" || !spec.Root.Readonly || len(spec.Mounts) == 0 {
				t.Errorf("template = %s", data)
			}
		})
	}
}

func TestBuildRootfs(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "rootfs")
	if err := harness.BuildRootfs(dir); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"bin/busybox", "bin/true", "bin/sh", "etc/passwd", "proc", "sys", "dev", "tmp"} {
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			t.Errorf("rootfs lacks %s: %v", p, err)
		}
	}
	if link, err := os.Readlink(filepath.Join(dir, "bin/true")); err != nil || link != "busybox" {
		t.Errorf("bin/true -> %q (%v), want busybox", link, err)
	}
}

func TestSetups(t *testing.T) {
	ws := &workspace{Oshim: "/o", Floor: "/f", Configs: map[string]string{"passthrough": "/p.toml", "require": "/r.toml", "clear": "/c.toml"},
		Runtimes: []runtimeInfo{{Name: "crun", Path: "/usr/bin/crun", State: "/s"}}}
	got, err := ws.setups()
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(Variants) {
		t.Fatalf("%d setups, want %d", len(got), len(Variants))
	}
	want := map[string]struct {
		bin string
		env []string
	}{
		"direct":      {"/usr/bin/crun", []string{basePath}},
		"floor":       {"/f", []string{basePath, "FLOOR_RUNTIME=/usr/bin/crun"}},
		"passthrough": {"/o", []string{basePath, "OSHIM_RUNTIME=/usr/bin/crun", "OSHIM_CONFIG=/p.toml"}},
		"clear":       {"/o", []string{basePath, "OSHIM_RUNTIME=/usr/bin/crun", "OSHIM_CONFIG=/c.toml"}},
	}
	for _, s := range got {
		w, ok := want[s.Variant]
		if !ok {
			continue
		}
		if s.Bin != w.bin || !slices.Equal(s.Env, w.env) || s.State != "/s" {
			t.Errorf("%s: %+v, want bin %s env %q", s.Name(), s, w.bin, w.env)
		}
	}
	if argv := got[0].argv("run", "x"); !slices.Equal(argv, []string{"/usr/bin/crun", "--root", "/s", "run", "x"}) {
		t.Errorf("argv = %q", argv)
	}
	if _, err := (&workspace{}).setups(); err == nil {
		t.Error("setups() without runtimes: no error")
	}
}
