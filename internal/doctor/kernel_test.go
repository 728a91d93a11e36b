package doctor

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oshim/oshim/internal/config"
)

// hostFiles writes the named kernel files into a temporary directory and returns
// HostPaths pointing there; a file not given does not exist.
func hostFiles(t *testing.T, files map[string]string) HostPaths {
	t.Helper()
	dir := t.TempDir()
	p := func(name string) string {
		path := filepath.Join(dir, name)
		if v, ok := files[name]; ok {
			if err := os.WriteFile(path, []byte(v), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return path
	}
	return HostPaths{
		CapLastCap: p("cap_last_cap"), LSM: p("lsm"), AppArmor: p("apparmor"), SELinux: p("selinux"),
		MaxUserNS: p("max_user_namespaces"), UnprivUserNS: p("unprivileged_userns_clone"),
	}
}

// summary renders checks as "status name: detail" lines, fixes included.
func summary(cs []Check) string {
	var b strings.Builder
	for _, c := range cs {
		b.WriteString(string(c.Status) + " " + c.Name + ": " + c.Detail + " | fix: " + c.Fix + "\n")
	}
	return b.String()
}

func TestCheckKernel(t *testing.T) {
	base := map[string]string{"cap_last_cap": "40\n", "max_user_namespaces": "1000\n"}
	with := func(kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i+1 < len(kv); i += 2 {
			if kv[i+1] == "-" {
				delete(m, kv[i])
			} else {
				m[kv[i]] = kv[i+1]
			}
		}
		return m
	}
	tests := []struct {
		name   string
		files  map[string]string
		config string
		want   []string // substrings of summary()
		fails  int
	}{
		{name: "a plain host", files: base, want: []string{"ok kernel cap_last_cap: 40 (CAP_CHECKPOINT_RESTORE)", "securityfs is not mounted", "ok user namespaces: user.max_user_namespaces = 1000"}},
		{name: "no cap_last_cap", files: with("cap_last_cap", "-"), want: []string{"fail kernel cap_last_cap", "does not exist", "fix: mount /proc"}, fails: 1},
		{name: "garbage in cap_last_cap", files: with("cap_last_cap", "many"), want: []string{`holds "many"`}, fails: 1},
		{name: "a kernel newer than oshim", files: with("cap_last_cap", "45"), want: []string{"warn kernel cap_last_cap: 45: the kernel has capabilities 41..45"}},
		{
			name: "a contract requires a cap the kernel lacks", files: with("cap_last_cap", "37"),
			config: "[[contract]]\nname = \"x\"\nmatch.all = true\nrequire = [\"CAP_BPF\"]\n",
			want:   []string{`contract "x" requires CAP_BPF (number 39), which this kernel (cap_last_cap 37)`}, fails: 1,
		},
		{
			name: "AppArmor and SELinux", files: with("lsm", "capability,yama,apparmor,selinux\n", "apparmor", "Y\n", "selinux", "1\n"),
			want: []string{"ok LSM: active: capability,yama,apparmor,selinux; AppArmor enabled; SELinux enforcing; engines confine containers"},
		},
		{name: "SELinux permissive", files: with("selinux", "0\n"), want: []string{"SELinux permissive"}},
		{name: "user namespaces off", files: with("max_user_namespaces", "0\n"), want: []string{"warn user namespaces: user.max_user_namespaces = 0", "fix: sysctl -w user.max_user_namespaces"}},
		{name: "no user namespaces", files: with("max_user_namespaces", "-"), want: []string{"warn user namespaces: the kernel has no user namespaces"}},
		{name: "Debian's unprivileged switch off", files: with("unprivileged_userns_clone", "0\n"), want: []string{"warn user namespaces: kernel.unprivileged_userns_clone = 0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := config.Parse([]byte(tt.config))
			if err != nil {
				t.Fatal(err)
			}
			cs := checkKernel(hostFiles(t, tt.files), cfg)
			s := summary(cs)
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
				if c.Status != OK && c.Fix == "" {
					t.Errorf("%s %s has no fix", c.Status, c.Name)
				}
			}
			if fails != tt.fails {
				t.Errorf("%d failures, want %d:\n%s", fails, tt.fails, s)
			}
		})
	}
}

func TestCheckConfig(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name  string
		path  string
		named bool // by OSHIM_CONFIG
		want  []string
		fails int
	}{
		{name: "missing default file", path: filepath.Join(dir, "absent.toml"), want: []string{"ok config", "does not exist: no contracts"}},
		{name: "missing named file", path: filepath.Join(dir, "absent.toml"), named: true, want: []string{"fail config", "OSHIM_CONFIG=", "fix: create"}, fails: 1},
		{name: "valid", path: write("ok.toml", "[[contract]]\nname = \"a\"\nmatch.all = true\n"), want: []string{"ok config", "1 contract(s)"}},
		{name: "warning", path: write("warn.toml", "[[contract]]\nname = \"a\"\nmatch.commands = ['sandbox']\n"), want: []string{"warn config", "fix: anchor"}},
		{name: "broken", path: write("bad.toml", "[[contract]]\nname = \"a\"\nmatch.all = true\non_skew = \"fix\"\n"), want: []string{"fail config", "line 4", "fix: correct"}, fails: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := config.Source{Path: tt.path}
			if tt.named {
				src.Origin = config.EnvPath
			}
			cfg, cs := checkConfig(src)
			s := summary(cs)
			for _, w := range append(tt.want, tt.path) {
				if !strings.Contains(s, w) {
					t.Errorf("checks lack %q:\n%s", w, s)
				}
			}
			if (cfg == nil) != (tt.fails > 0) {
				t.Errorf("config %v with %d failures", cfg, tt.fails)
			}
		})
	}
}
