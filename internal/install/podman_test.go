package install

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestPodman(t *testing.T) {
	const dropIn = "/etc/containers/containers.conf.d/50-oshim.conf"
	tests := []struct {
		description string
		tgt         Podman
		files       map[string]string
		path        string // the drop-in's host path
		key         string
		want        []string
		runtimes    map[string]any
		hooks       string // the hooks directory, in hooks mode
		env         []string
		notes       []string
	}{
		{
			description: "runtime mode lists podman's defaults and oshim",
			path:        dropIn,
			key:         "runtime_supports_json",
			want:        append(append([]string(nil), podmanJSONRuntimes...), "oshim"),
			runtimes:    map[string]any{"oshim": []any{testBinary}},
		},
		{
			description: "runtime mode keeps the admin's list",
			files:       map[string]string{etcContainersConf: testdata(t, "podman-etc-containers.conf")},
			path:        dropIn,
			key:         "runtime_supports_json",
			want:        []string{"crun", "runc", "myrt", "oshim"},
			runtimes:    map[string]any{"oshim": []any{testBinary}},
		},
		{
			description: "a newer podman's append syntax adds to the defaults",
			files:       map[string]string{"/usr/share/containers/containers.conf.d/10-x.conf": "[engine]\nruntime_supports_json = [\"wasm\", {append = true}]\n"},
			path:        dropIn,
			key:         "runtime_supports_json",
			want:        append(append(append([]string(nil), podmanJSONRuntimes...), "wasm"), "oshim"),
			runtimes:    map[string]any{"oshim": []any{testBinary}},
		},
		{
			description: "a drop-in read after oshim's is reported",
			files:       map[string]string{"/etc/containers/containers.conf.d/90-site.conf": "[engine]\nruntime_supports_json = [\"crun\"]\n"},
			path:        dropIn,
			key:         "runtime_supports_json",
			want:        append(append([]string(nil), podmanJSONRuntimes...), "oshim"),
			runtimes:    map[string]any{"oshim": []any{testBinary}},
			notes:       []string{"90-site.conf sets engine.runtime_supports_json too"},
		},
		{
			description: "hooks mode keeps podman's default hook directories",
			tgt:         Podman{Mode: ModeHooks},
			path:        dropIn,
			key:         "hooks_dir",
			want:        append(append([]string(nil), podmanHooksDirs...), "/etc/oshim/hooks.d/podman"),
			hooks:       "/etc/oshim/hooks.d/podman",
			notes:       []string{"not `podman exec` sessions"},
		},
		{
			description: "hooks mode keeps the admin's hook directories and passes a moved config",
			tgt:         Podman{Mode: ModeHooks, AdminConfig: "/srv/oshim.toml"},
			files:       map[string]string{etcContainersConf: testdata(t, "podman-etc-containers.conf")},
			path:        dropIn,
			key:         "hooks_dir",
			want:        []string{"/opt/hooks.d", "/etc/oshim/hooks.d/podman"},
			hooks:       "/etc/oshim/hooks.d/podman",
			env:         []string{"OSHIM_CONFIG=/srv/oshim.toml"},
		},
		{
			description: "rootless goes under the user's config home",
			tgt:         Podman{Rootless: true, ConfigHome: "/home/u/.config"},
			files:       map[string]string{"/home/u/.config/containers/containers.conf": "[engine]\nruntime_supports_json = [\"crun\"]\n"},
			path:        "/home/u/.config/containers/containers.conf.d/50-oshim.conf",
			key:         "runtime_supports_json",
			want:        []string{"crun", "oshim"},
			runtimes:    map[string]any{"oshim": []any{testBinary}},
			notes:       []string{"rootless install leaves it to root"},
		},
		{
			description: "a custom drop-in directory is read last",
			tgt:         Podman{ConfigDir: "/srv/podman.d"},
			path:        "/srv/podman.d/50-oshim.conf",
			key:         "runtime_supports_json",
			want:        append(append([]string(nil), podmanJSONRuntimes...), "oshim"),
			runtimes:    map[string]any{"oshim": []any{testBinary}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.description, func(t *testing.T) {
			root := newRoot(t, tc.files)
			tgt := tc.tgt
			tgt.Binary = testBinary
			if tgt.AdminConfig == "" && !tgt.Rootless {
				tgt.AdminConfig = "/etc/oshim/config.toml"
			}
			out := mustOp(t, Install, &tgt, root, true)
			for _, n := range tc.notes {
				if !strings.Contains(out, n) {
					t.Errorf("output lacks %q:\n%s", n, out)
				}
			}
			installed := checkLifecycle(t, &tgt, root)
			content, ok := installed[tc.path]
			if !ok {
				t.Fatalf("no drop-in at %s; files: %v", tc.path, keys(installed))
			}
			doc, err := decodeTOML([]byte(strings.TrimPrefix(content, "-rw-r--r--\n")))
			if err != nil {
				t.Fatalf("drop-in does not parse: %v\n%s", err, content)
			}
			engine := table(doc, "engine")
			if got, _ := stringList(engine[tc.key], tc.key); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("%s = %q, want %q", tc.key, got, tc.want)
			}
			if got := table(engine, "runtimes"); !reflect.DeepEqual(got, tc.runtimes) && (got != nil || tc.runtimes != nil) {
				t.Errorf("engine.runtimes = %v, want %v", got, tc.runtimes)
			}
			_, wroteConfig := installed[tgt.AdminConfig]
			if wroteConfig == tgt.Rootless {
				t.Errorf("admin config %q written: %v (rootless %v)", tgt.AdminConfig, wroteConfig, tgt.Rootless)
			}
			for _, stage := range HookStages {
				hook, ok := installed[filepath.Join(tc.hooks, hookFile(stage))]
				if ok != (tc.hooks != "") {
					t.Fatalf("hook %s written: %v", stage, ok)
				}
				if !ok {
					continue
				}
				var h ociHook
				if err := json.Unmarshal([]byte(strings.TrimPrefix(hook, "-rw-r--r--\n")), &h); err != nil {
					t.Fatal(err)
				}
				want := ociHook{Version: "1.0.0", Hook: hookEntry{Path: testBinary, Args: []string{"oshim", "hook", stage}, Env: tc.env}, When: hookWhen{Always: true}, Stages: []string{stage}}
				if !reflect.DeepEqual(h, want) {
					t.Errorf("hook %s = %+v, want %+v", stage, h, want)
				}
			}
		})
	}
}

func TestPodmanModeSwitch(t *testing.T) {
	root := newRoot(t, nil)
	hooksMode := &Podman{Mode: ModeHooks, Binary: testBinary}
	mustOp(t, Install, hooksMode, root, false)
	out := mustOp(t, Install, &Podman{Mode: ModeRuntime, Binary: testBinary}, root, false)
	for _, stage := range HookStages {
		p := filepath.Join(root, "/etc/oshim/hooks.d/podman", hookFile(stage))
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("switching to runtime mode left the %s hook: %v\n%s", stage, err, out)
		}
	}
	mustOp(t, Uninstall, hooksMode, root, false)
	if files := snapshot(t, root); len(files) != 1 {
		t.Errorf("uninstall left %v", keys(files))
	}
}

// TestCanonicalHooks keeps hooks/ in step with what install writes.
func TestCanonicalHooks(t *testing.T) {
	for _, stage := range HookStages {
		t.Run(stage, func(t *testing.T) {
			got, err := os.ReadFile(filepath.Join("..", "..", "hooks", hookFile(stage)))
			if err != nil {
				t.Fatal(err)
			}
			if want := HookJSON("/usr/local/bin/oshim", stage, nil); string(got) != string(want) {
				t.Errorf("hooks/%s differs from what install writes:\n%s\nwant:\n%s", hookFile(stage), got, want)
			}
		})
	}
}

func keys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// FuzzPodmanConf installs next to an arbitrary containers.conf: install either refuses,
// or writes a drop-in that decodes and lists oshim.
func FuzzPodmanConf(f *testing.F) {
	f.Add(testdata(f, "podman-etc-containers.conf"))
	f.Add("[engine]\nruntime_supports_json = [\"x\", {append = true}]\n")
	f.Fuzz(func(t *testing.T, conf string) {
		root := newRoot(t, map[string]string{etcContainersConf: conf})
		tgt := &Podman{Binary: testBinary}
		if _, err := runOp(t, Install, tgt, root, false); err != nil {
			return
		}
		data, err := os.ReadFile(filepath.Join(root, "/etc/containers/containers.conf.d/50-oshim.conf"))
		if err != nil {
			t.Fatal(err)
		}
		doc, err := decodeTOML(data)
		if err != nil {
			t.Fatalf("drop-in does not decode: %v\n%s", err, data)
		}
		list, _ := stringList(table(doc, "engine")["runtime_supports_json"], "")
		if len(list) == 0 || list[len(list)-1] != "oshim" {
			t.Fatalf("runtime_supports_json = %q", list)
		}
	})
}
