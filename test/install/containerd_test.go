package install_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// daemonConfig is the part of a containerd config that keeps a test's containerd to
// itself: its own root, state, socket and opt directory.
func daemonConfig(dir string) string {
	return `version = 2
root = "` + dir + `/root"
state = "` + dir + `/state"
[grpc]
  address = "` + dir + `/containerd.sock"
[plugins."io.containerd.internal.v1.opt"]
  path = "` + dir + `/opt"
`
}

// startContainerd starts a private containerd with config and returns the CRI config
// it logs at start ("Start cri plugin with config {...}") and whether `ctr plugins ls`
// shows the CRI plugin ok. It stops containerd by its pid before returning.
func startContainerd(t *testing.T, dir, config string) (criConfig string, criOK bool) {
	t.Helper()
	var log bytes.Buffer
	cmd := hybridFix("containerd", "--config", config)
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	}()
	sock := filepath.Join(dir, "containerd.sock")
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if _, err := os.Stat(sock); err == nil {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			out, err := exec.CommandContext(ctx, "ctr", "-a", sock, "plugins", "ls").CombinedOutput()
			cancel()
			if err == nil {
				criOK = regexp.MustCompile(`(?m)^io\.containerd\.grpc\.v1\s+cri\s+\S+\s+ok\s*$`).Match(out)
				break
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	if m := regexp.MustCompile(`Start cri plugin with config (\{.*\})`).FindString(log.String()); m != "" {
		criConfig = m
	}
	if criConfig == "" {
		t.Logf("containerd log:\n%s", log.String())
	}
	return criConfig, criOK
}

func TestContainerdInstall(t *testing.T) {
	need(t, "containerd", "ctr", "unshare")
	tests := []struct {
		description string
		admin       string // the admin's settings after the private daemon's
		want        []string
	}{
		{
			description: "a config that names no runtimes (Debian's) keeps runc",
			admin: `[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "localhost/admins-pause:1"
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
`,
			want: []string{"oshim:{Type:io.containerd.runc.v2", "runc:{Type:io.containerd.runc.v2", "SandboxImage:localhost/admins-pause:1", "RestrictOOMScoreAdj:true"},
		},
		{
			description: "the default handler's options are copied",
			admin: `[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
  runtime_type = "io.containerd.runc.v2"
  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
    NoPivotRoot = true
    SystemdCgroup = false
`,
			want: []string{"NoPivotRoot:true", "runc:{Type:io.containerd.runc.v2"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.description, func(t *testing.T) {
			dir := t.TempDir()
			config := filepath.Join(dir, "config.toml")
			original := daemonConfig(dir) + tc.admin
			writeFile(t, config, original, 0o644)
			args := []string{"containerd", "--config", config, "--binary", oshimBin, "--state-dir", filepath.Join(dir, "installed"), "--oshim-config", filepath.Join(dir, "oshim.toml")}
			out := oshim(t, append([]string{"install"}, args...)...)
			cri, ok := startContainerd(t, dir, config)
			if !ok {
				t.Errorf("the CRI plugin did not load with the installed config\ninstall said:\n%s\nconfig:\n%s", out, readFile(t, config))
			}
			want := append([]string{"BinaryName:" + oshimBin}, tc.want...)
			for _, w := range want {
				if !strings.Contains(cri, w) {
					t.Errorf("containerd's CRI config lacks %q:\n%s", w, cri)
				}
			}
			oshim(t, append([]string{"uninstall"}, args...)...)
			if got := readFile(t, config); got != original {
				t.Fatalf("uninstall did not restore the config:\n%s", got)
			}
		})
	}
}

// TestContainerd1xImportsReplacePluginSections pins down why install appends the handler
// to a version 2 config instead of importing a drop-in: containerd 1.x replaces a whole
// plugin section with an imported file's (containerd issue 5837), which would drop the
// admin's CRI settings. If this fails, containerd merges imports and install may use them.
func TestContainerd1xImportsReplacePluginSections(t *testing.T) {
	need(t, "containerd", "ctr", "unshare")
	dir := t.TempDir()
	dropIn := filepath.Join(dir, "oshim.toml")
	writeFile(t, dropIn, `version = 2
[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.oshim]
  runtime_type = "io.containerd.runc.v2"
[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
  runtime_type = "io.containerd.runc.v2"
`, 0o644)
	config := filepath.Join(dir, "config.toml")
	writeFile(t, config, strings.Replace(daemonConfig(dir), "version = 2\n", "version = 2\nimports = [\""+dropIn+"\"]\n", 1)+`[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "localhost/admins-pause:1"
`, 0o644)
	cri, _ := startContainerd(t, dir, config)
	if !strings.Contains(cri, "oshim:{Type:io.containerd.runc.v2") {
		t.Fatalf("the imported handler is missing:\n%s", cri)
	}
	if strings.Contains(cri, "SandboxImage:localhost/admins-pause:1") {
		t.Fatalf("containerd kept the admin's CRI setting next to an imported CRI section: imports merge now\n%s", cri)
	}
}
