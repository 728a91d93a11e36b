package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Baseline is the name of the configuration every other one is compared with.
const Baseline = "runtime"

// contractNone matches no container: oshim parses its config, reads each config.json,
// finds no contract and hands the call on unchanged.
const contractNone = `[[contract]]
name = "conformance-none"
require = ["CAP_SETPCAP"]
[contract.match]
commands = ['^/nothing/matches/this$']
`

// contractInit matches every container, requires nothing and keeps the spec's bounding
// set: the rewrite changes no capability, and the injected init only verifies.
const contractInit = `[[contract]]
name = "conformance-init"
require = []
bounding = "spec"
init = true
[contract.match]
all = true
`

// makeConfigs builds what the oshim configurations need in dir and returns the
// configurations, the baseline first.
func makeConfigs(o options, dir, runtime string) ([]Config, error) {
	bin := filepath.Join(dir, "bin")
	oshim := o.Oshim
	var err error
	if oshim == "" {
		oshim = filepath.Join(bin, "oshim")
		err = buildHere("./cmd/oshim", oshim)
	} else {
		oshim, err = filepath.Abs(oshim)
	}
	if err != nil {
		return nil, err
	}
	restore := filepath.Join(bin, "restorespec")
	if err := buildHere("./test/conformance/restorespec", restore); err != nil {
		return nil, err
	}
	runDir := filepath.Join(dir, "run")
	files := map[string]string{}
	for name, body := range map[string]string{"none": contractNone, "init": contractInit} {
		p := filepath.Join(dir, name+".toml")
		head := fmt.Sprintf("run_dir = %q\nocsf_log = %q\n\n", runDir, filepath.Join(dir, "ocsf.jsonl"))
		if err := os.WriteFile(p, []byte(head+body), 0o644); err != nil {
			return nil, fmt.Errorf("write %s: %w", p, err)
		}
		files[name] = p
	}
	initCfg := Config{Name: "oshim-init", Runtime: restore,
		Env:   []string{"RESTORESPEC_RUNTIME=" + oshim, "OSHIM_RUNTIME=" + runtime, "OSHIM_CONFIG=" + files["init"]},
		About: "oshim over the runtime, a contract matching every container (require = [], bounding = \"spec\", init = true): the init is injected and only verifies; restorespec puts the engine's config.json back after create, so runtimetest checks the workload against the engine's spec"}
	if o.Raw {
		initCfg.Runtime, initCfg.Env = oshim, initCfg.Env[1:]
		initCfg.About = "as oshim-init, but runtimetest reads the config.json oshim rewrote for the runtime (-raw)"
	}
	return []Config{
		{Name: Baseline, Runtime: runtime, About: "the runtime called directly"},
		{Name: "oshim-none", Runtime: oshim, Env: []string{"OSHIM_RUNTIME=" + runtime, "OSHIM_CONFIG=" + files["none"]},
			About: "oshim over the runtime, a contract that matches no container: passthrough"},
		initCfg,
	}, nil
}

// buildHere builds a package of this repository the way `make build` builds oshim.
func buildHere(pkg, out string) error {
	out0, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out0))
	if gomod == "" || gomod == os.DevNull {
		return fmt.Errorf("run from the repository (no go.mod here)")
	}
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", out, pkg)
	cmd.Dir = filepath.Dir(gomod)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if msg, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s: %w\n%s", pkg, err, msg)
	}
	return nil
}
