package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/oshim/oshim/internal/initproc"
	"github.com/oshim/oshim/test/harness"
)

// workspace is the scratch directory of one benchmark run and what was prepared in it.
type workspace struct {
	Dir       string
	Oshim     string // the binary measured
	Init      string // the oshim-init beside Oshim, which Oshim injects
	Floor     string
	FloorLibs string // the floor linking oshim's libraries
	MaxRSS    string // test/bench/maxrss
	Rootfs    string // shared, read-only in every container
	Tmpfs     string // the tmpfs every run directory is on
	RunDir    string // oshim's run_dir: per-container records and init copies
	Bundles   string
	Configs   map[string]string // variant -> oshim config file
	Runtimes  []runtimeInfo
}

// runtimeInfo is one real runtime and its bundle template.
type runtimeInfo struct {
	Name     string
	Path     string
	Version  string
	State    string // --root, shared by every configuration over this runtime
	Template []byte // config.json: `RUNTIME spec` running /bin/true from Rootfs
}

// Variants are the configurations measured over each runtime, in table order.
var Variants = []string{"direct", "floor", "passthrough", "require", "clear"}

// contracts are the oshim configs of the three oshim variants. The require contract
// matches the workload, whose spec withholds CAP_SETPCAP, so the rewrite repairs it;
// clear is the same contract with the bounding set cleared by the injected init.
// Passthrough has a contract too (so the config is parsed and config.json read), which
// matches nothing.
var contracts = map[string]string{
	"passthrough": `[[contract]]
name = "bench-nomatch"
require = ["CAP_SETPCAP"]
[contract.match]
commands = ['^/opt/nothing/matches/this$']
`,
	"require": `[[contract]]
name = "bench-require"
require = ["CAP_SETPCAP"]
on_skew = "repair"
init = false
[contract.match]
commands = ['^/bin/(true|sleep)$']
`,
	"clear": `[[contract]]
name = "bench-clear"
require = ["CAP_SETPCAP"]
on_skew = "repair"
bounding = "clear"
[contract.match]
commands = ['^/bin/(true|sleep)$']
`,
}

// basePath is the only variable every measured call gets, so the calls do not depend
// on the caller's shell.
const basePath = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

func newWorkspace(o options) (*workspace, error) {
	dir := o.Work
	var err error
	if dir == "" {
		dir, err = os.MkdirTemp("", "oshim-bench-")
	} else {
		err = os.MkdirAll(dir, 0o755)
	}
	if err != nil {
		return nil, fmt.Errorf("create the scratch directory: %w", err)
	}
	ws := &workspace{Dir: dir, Tmpfs: filepath.Join(dir, "tmpfs"), RunDir: filepath.Join(dir, "tmpfs", "run"), Bundles: filepath.Join(dir, "bundles"), Configs: map[string]string{}}
	if err := ws.prepare(o); err != nil {
		ws.remove()
		return nil, err
	}
	return ws, nil
}

func (ws *workspace) prepare(o options) error {
	for _, d := range []string{ws.Tmpfs, ws.Bundles, filepath.Join(ws.Dir, "bin")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return fmt.Errorf("create %s: %w", d, err)
		}
	}
	// oshim's default run_dir is /run/oshim, a tmpfs on every distribution: measure
	// the records and init copies there, as production writes them, every run directory
	// alike. The bench runs in its own mount namespace, so the mount is invisible
	// outside.
	if err := unix.Mount("tmpfs", ws.Tmpfs, "tmpfs", 0, "size=256m,mode=0755"); err != nil {
		return fmt.Errorf("mount tmpfs on %s: %w", ws.Tmpfs, err)
	}
	if err := os.Mkdir(ws.RunDir, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", ws.RunDir, err)
	}
	var err error
	if ws.Oshim, err = ws.oshimBinary(o.Oshim); err != nil {
		return err
	}
	if ws.Init, err = ws.initBinary(); err != nil {
		return err
	}
	if ws.Floor, err = ws.binary("./test/bench/floor"); err != nil {
		return err
	}
	if ws.FloorLibs, err = ws.binary("./test/bench/floorlibs"); err != nil {
		return err
	}
	if ws.MaxRSS, err = ws.binary("./test/bench/maxrss"); err != nil {
		return err
	}
	ws.Rootfs = filepath.Join(ws.Dir, "rootfs")
	if err := harness.BuildRootfs(ws.Rootfs); err != nil {
		return err
	}
	for variant := range contracts {
		if ws.Configs[variant], err = ws.writeConfig(variant, variant, ws.RunDir); err != nil {
			return err
		}
	}
	for _, name := range strings.Split(o.Runtimes, ",") {
		rt, err := ws.runtime(strings.TrimSpace(name))
		if err != nil {
			return err
		}
		ws.Runtimes = append(ws.Runtimes, rt)
	}
	return nil
}

// writeConfig writes the oshim config of variant, named name, with its run directory
// and the OCSF log in the scratch directory, and returns its path.
func (ws *workspace) writeConfig(name, variant, runDir string) (string, error) {
	p := filepath.Join(ws.Dir, name+".toml")
	head := fmt.Sprintf("run_dir = %q\nocsf_log = %q\n\n", runDir, filepath.Join(ws.Dir, "ocsf.jsonl"))
	if err := os.WriteFile(p, []byte(head+contracts[variant]), 0o644); err != nil {
		return "", fmt.Errorf("write %s: %w", p, err)
	}
	return p, nil
}

// oshimBinary returns path made absolute, or builds oshim and oshim-init with `make
// build`, so that the bench measures oshim as it ships.
func (ws *workspace) oshimBinary(path string) (string, error) {
	if path != "" {
		abs, err := filepath.Abs(path)
		if err != nil {
			return "", fmt.Errorf("%s: %w", path, err)
		}
		if _, err := os.Stat(abs); err != nil {
			return "", fmt.Errorf("%w (run `make build` first)", err)
		}
		return abs, nil
	}
	root, err := moduleRoot()
	if err != nil {
		return "", err
	}
	bin := filepath.Join(ws.Dir, "bin")
	if err := makeBuild(root, "BINDIR="+bin); err != nil {
		return "", err
	}
	return filepath.Join(bin, "oshim"), nil
}

// makeBuild runs `make build` in dir with the variables vars.
func makeBuild(dir string, vars ...string) error {
	mk := exec.Command("make", append([]string{"build"}, vars...)...)
	mk.Dir = dir
	if msg, err := mk.CombinedOutput(); err != nil {
		return fmt.Errorf("make build in %s: %w\n%s", dir, err, msg)
	}
	return nil
}

// binary builds one of the bench's own programs, pkg.
func (ws *workspace) binary(pkg string) (string, error) {
	root, err := moduleRoot()
	if err != nil {
		return "", err
	}
	out := filepath.Join(ws.Dir, "bin", filepath.Base(pkg))
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", out, pkg)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if msg, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build %s: %w\n%s", pkg, err, msg)
	}
	return out, nil
}

// initBinary is the oshim-init beside oshim, which oshim uses.
func (ws *workspace) initBinary() (string, error) {
	path := filepath.Join(filepath.Dir(ws.Oshim), initproc.HostBinary)
	if _, err := os.Stat(path); err != nil {
		return "", fmt.Errorf("oshim's in-container init: %w (run `make build` first)", err)
	}
	return path, nil
}

// moduleRoot is the directory of the go.mod the bench is run from.
func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", fmt.Errorf("run the bench from the repository (no go.mod here)")
	}
	return filepath.Dir(gomod), nil
}

func (ws *workspace) runtime(name string) (runtimeInfo, error) {
	path, err := exec.LookPath(name)
	if err != nil {
		return runtimeInfo{}, fmt.Errorf("%w: apt-get install %s", err, name)
	}
	rt := runtimeInfo{Name: name, Path: path, State: filepath.Join(ws.Dir, "state", name)}
	if out, err := exec.Command(path, "--version").Output(); err == nil {
		rt.Version, _, _ = strings.Cut(strings.TrimSpace(string(out)), "\n")
	}
	if err := os.MkdirAll(rt.State, 0o700); err != nil {
		return rt, fmt.Errorf("create %s: %w", rt.State, err)
	}
	rt.Template, err = template(path, ws.Rootfs, filepath.Join(ws.Dir, "spec-"+name))
	return rt, err
}

// template is the runtime's own default spec, changed to run /bin/true, without a
// terminal, from the shared read-only rootfs.
func template(runtime, rootfs, dir string) ([]byte, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create %s: %w", dir, err)
	}
	if msg, err := exec.Command(runtime, "spec", "--bundle", dir).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("%s spec: %w\n%s", runtime, err, msg)
	}
	data, err := os.ReadFile(filepath.Join(dir, "config.json"))
	if err != nil {
		return nil, fmt.Errorf("read %s spec: %w", runtime, err)
	}
	var spec map[string]any
	if err := json.Unmarshal(data, &spec); err != nil {
		return nil, fmt.Errorf("decode %s spec: %w", runtime, err)
	}
	process, _ := spec["process"].(map[string]any)
	if process == nil {
		return nil, fmt.Errorf("%s spec has no process", runtime)
	}
	process["args"] = []string{"/bin/true"}
	process["terminal"] = false
	spec["root"] = map[string]any{"path": rootfs, "readonly": true}
	return json.MarshalIndent(spec, "", "\t")
}

// setups lists every configuration, runtime by runtime, in Variants order.
func (ws *workspace) setups() ([]setup, error) {
	var out []setup
	for _, rt := range ws.Runtimes {
		for _, v := range Variants {
			s := setup{Runtime: rt.Name, Variant: v, State: rt.State, Template: rt.Template, Env: []string{basePath}}
			switch v {
			case "direct":
				s.Bin = rt.Path
			case "floor":
				s.Bin = ws.Floor
				s.Env = append(s.Env, "FLOOR_RUNTIME="+rt.Path)
			default:
				s.Bin = ws.Oshim
				s.Env = append(s.Env, "OSHIM_RUNTIME="+rt.Path, "OSHIM_CONFIG="+ws.Configs[v])
			}
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no runtime to measure")
	}
	return out, nil
}

func (ws *workspace) remove() {
	_ = unix.Unmount(ws.Tmpfs, unix.MNT_DETACH)
	if err := os.RemoveAll(ws.Dir); err != nil {
		fmt.Fprintf(os.Stderr, "bench: remove %s: %v\n", ws.Dir, err)
	}
}

// trueRuntime is /bin/true standing in for the runtime, so that what is measured is
// oshim's own part, and the state directory its calls name with --root.
func (ws *workspace) trueRuntime() (truePath, state string, err error) {
	if truePath, err = exec.LookPath("true"); err != nil {
		return "", "", fmt.Errorf("find true: %w", err)
	}
	state = filepath.Join(ws.Dir, "state", "true")
	if err := os.MkdirAll(state, 0o700); err != nil {
		return "", "", fmt.Errorf("create %s: %w", state, err)
	}
	return truePath, state, nil
}

// freshConfig writes config.json at path as an engine writes a new container's: a new
// file, not the last call's rewritten one truncated in place. ext4 starts writing out
// at once a file that is truncated and written again (its auto_da_alloc), and the
// rewrite's removal of the content it replaces then waits for that: in place, a
// `require` run with /bin/true as the runtime measured 0.6 ms more, which no bundle an
// engine makes costs.
func freshConfig(path string, template []byte) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove %s: %w", path, err)
	}
	if err := os.WriteFile(path, template, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
