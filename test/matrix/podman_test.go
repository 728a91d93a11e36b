package matrix

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/oshim/oshim/test/harness"
)

// newPodman is one podman, rootful or rootless, running oshim as its runtime or, in
// hook mode, as OCI hooks next to the real runtime.
func newPodman(t *testing.T, rootless, hooks bool) engine {
	p := harness.NewPodman(t, rootless)
	p.Import(t, workloadImage(t))
	oshim := copyOshim(t, p)
	write := func(t testing.TB, path string, data []byte, mode os.FileMode) {
		t.Helper()
		rel, err := filepath.Rel(p.Dir, path)
		if err != nil {
			t.Fatal(err)
		}
		p.WriteFile(t, rel, data, mode)
	}
	regs := registrations(t, write, p.Path("oshim"), oshim)
	// Hooks do not depend on the runtime: one hooks directory per contract, written by
	// `oshim install podman --mode hooks`, reading the crun registration's config.
	hookDirs := map[kind]string{}
	for _, k := range contractKinds {
		if !hooks {
			break
		}
		dir := p.Path("hooks-" + k.contractName())
		harness.RunOK(t, nil, oshim, "install", "podman", "--mode", "hooks", "--binary", oshim,
			"--oshim-config", regs["crun"][k].config, "--hooks-dir", dir, "--config-dir", dir+".conf.d", "--state-dir", dir+".state")
		hookDirs[k] = dir
	}
	userdata := func(id, file string) string {
		return p.Path(filepath.Join("storage", "vfs-containers", id, "userdata", file))
	}
	return &cliEngine{
		client: func(t *testing.T, c cell, args ...string) harness.Result {
			real := harness.Runtime(t, c.runtime)
			flags := []string{"--runtime", regs[c.runtime][c.kind].script}
			switch {
			case c.kind == none:
				flags = []string{"--runtime", real}
			case hooks:
				flags = []string{"--runtime", real, "--hooks-dir", hookDirs[c.kind]}
			}
			return p.Run(t, append(flags, args...)...)
		},
		runFlags:   func(cell) []string { return nil },
		logFile:    func(id string) string { return userdata(id, "ctr.log") },
		configFile: func(id string) string { return userdata(id, "config.json") },
		reg: func(c cell) registration {
			if hooks {
				return regs["crun"][c.kind]
			}
			return regs[c.runtime][c.kind]
		},
		hooks: hooks,
	}
}

// workloadImage holds the supervisor and capdump at their paths.
func workloadImage(t *testing.T) harness.Image {
	t.Helper()
	return harness.Image{Ref: image, Files: map[string]string{
		supervisorPath: harness.Binary(t, "./test/workload/supervisor"),
		capdumpPath:    harness.Binary(t, "./test/workload/capdump"),
	}}
}

// copyOshim copies the directory oshim was built into (with whatever oshim needs
// beside it) where the podman's user can run it, and returns oshim's path there.
func copyOshim(t *testing.T, p *harness.Podman) string {
	t.Helper()
	built := harness.Oshim(t)
	entries, err := os.ReadDir(filepath.Dir(built))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Type().IsRegular() {
			p.CopyFile(t, filepath.Join(filepath.Dir(built), e.Name()), filepath.Join("bin", e.Name()))
		}
	}
	return p.Path(filepath.Join("bin", filepath.Base(built)))
}
