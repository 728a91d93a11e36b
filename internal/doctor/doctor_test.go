package doctor

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oshim/oshim/internal/config"
)

// fakeRuntimes puts scripts named like runtimes in a directory and makes it PATH.
func fakeRuntimes(t *testing.T, names ...string) string {
	t.Helper()
	dir := t.TempDir()
	for _, n := range names {
		script := "#!/bin/sh\necho \"" + n + " version 9.9\"\necho spec: 1.0\n"
		if err := os.WriteFile(filepath.Join(dir, n), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("PATH", dir)
	t.Setenv("OSHIM_RUNTIME", "")
	return dir
}

func TestFindRuntimes(t *testing.T) {
	tests := []struct {
		name     string
		onPath   []string
		config   string
		wantRTs  []string
		want     []string
		wantFail bool
	}{
		{
			name: "both", onPath: []string{"crun", "runc"}, wantRTs: []string{"crun", "runc"},
			want: []string{"ok runtime crun: DIR/crun: crun version 9.9", "ok runtime runc: DIR/runc: runc version 9.9", "ok runtime for oshim: DIR/crun (the first of crun, runc on PATH)"},
		},
		{
			name: "runc only", onPath: []string{"runc"}, wantRTs: []string{"runc"},
			want: []string{"ok runtime crun: not on PATH", "ok runtime for oshim: DIR/runc"},
		},
		{
			name: "none", wantFail: true,
			want: []string{"fail runtime for oshim: no OCI runtime found", "fix: install crun or runc"},
		},
		{
			name: "a configured third runtime", onPath: []string{"crun", "youki"}, config: "runtime = \"youki\"\n", wantRTs: []string{"crun", "youki"},
			want: []string{`ok runtime for oshim: DIR/youki (runtime = "youki" in the admin config): youki version 9.9`},
		},
		{
			name: "a configured runtime that is missing", onPath: []string{"crun"}, config: "runtime = \"youki\"\n", wantRTs: []string{"crun"}, wantFail: true,
			want: []string{`fail runtime for oshim: config runtime = "youki"`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := fakeRuntimes(t, tt.onPath...)
			cfgPath := filepath.Join(t.TempDir(), "config.toml")
			if err := os.WriteFile(cfgPath, []byte(tt.config), 0o644); err != nil {
				t.Fatal(err)
			}
			cfg, _ := checkConfig(config.Source{Path: cfgPath})
			rts, cs := findRuntimes(cfg)
			s := strings.ReplaceAll(summary(cs), dir, "DIR")
			for _, w := range tt.want {
				if !strings.Contains(s, w) {
					t.Errorf("checks lack %q:\n%s", w, s)
				}
			}
			var got []string
			for _, rt := range rts {
				got = append(got, filepath.Base(rt))
			}
			if strings.Join(got, " ") != strings.Join(tt.wantRTs, " ") {
				t.Errorf("runtimes to probe %v, want %v", got, tt.wantRTs)
			}
			if strings.Contains(s, "fail ") != tt.wantFail {
				t.Errorf("failure %t, want %t:\n%s", strings.Contains(s, "fail "), tt.wantFail, s)
			}
		})
	}
}

func TestRunAndWriteText(t *testing.T) {
	fakeRuntimes(t, "crun")
	root := engineRoot(t, map[string]string{})
	broken := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(broken, []byte("runtime = crun\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		config config.Source
		failed int
		want   []string
	}{
		{name: "ready with a warning", config: config.Source{Path: filepath.Join(t.TempDir(), "absent.toml")}, want: []string{"OK    config", "WARN  engines", "fix: oshim install", "ready, with 1 warning(s)"}},
		{name: "named config missing", config: config.Source{Path: filepath.Join(t.TempDir(), "absent.toml"), Origin: config.EnvPath}, failed: 1, want: []string{"FAIL  config", "OSHIM_CONFIG=", "fix: create"}},
		{name: "broken config", config: config.Source{Path: broken, Origin: "--config"}, failed: 1, want: []string{"FAIL  config", "line 1", "1 problem(s) would break contracts or containers"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Run(Options{Config: tt.config, EngineRoot: root, Host: hostFiles(t, map[string]string{"cap_last_cap": "40", "max_user_namespaces": "5"})})
			if r.Failed != tt.failed {
				t.Errorf("%d failed, want %d", r.Failed, tt.failed)
			}
			var b strings.Builder
			if err := r.WriteText(&b); err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(b.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, b.String())
				}
			}
		})
	}
}
