package podman

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oshim/oshim/internal/annotation"
	"github.com/oshim/oshim/internal/hook"
	"github.com/oshim/oshim/internal/records"
	"github.com/oshim/oshim/test/harness"
	"github.com/oshim/oshim/test/procstatus"
)

// Where the workloads live in the image. The preset contract matches the supervisor.
const (
	supervisorPath = "/opt/openshell/bin/openshell-sandbox"
	capdumpPath    = "/usr/local/bin/capdump"
	image          = "localhost/oshim-test/supervisor:1"
)

// What the supervisor prints (test/workload/supervisor).
const (
	clearedMsg = "bounding set cleared"
	failedMsg  = "Failed to clear capability bounding set"
)

// capSetpcap is CAP_SETPCAP's bit in a /proc/<pid>/status mask (0x100).
const capSetpcap = 8

// olderFlags create a container the way the older orchestrator did: CAP_SETPCAP is in
// the cap-drop list. newerFlags are the newer orchestrator's, which adds it instead.
var (
	olderFlags = []string{
		"--user", "0:0",
		"--cap-drop", "DAC_OVERRIDE,FSETID,KILL,NET_BIND_SERVICE,NET_RAW,SETFCAP,SYS_CHROOT,SETPCAP",
		"--cap-add", "SYS_ADMIN,NET_ADMIN,SYS_PTRACE,SYSLOG,DAC_READ_SEARCH",
		"--security-opt", "no-new-privileges", "--security-opt", "seccomp=unconfined",
	}
	newerFlags = []string{
		"--user", "0:0",
		"--cap-drop", "DAC_OVERRIDE,FSETID,KILL,NET_BIND_SERVICE,NET_RAW,SETFCAP,SYS_CHROOT",
		"--cap-add", "SYS_ADMIN,NET_ADMIN,SYS_PTRACE,SYSLOG,DAC_READ_SEARCH,SETPCAP",
		"--security-opt", "no-new-privileges", "--security-opt", "seccomp=unconfined",
	}
)

// waitFor bounds the polls below: a slow two-core machine runs several podmans at once.
const waitFor = 60 * time.Second

// setup is one podman (rootful or rootless) with the test image and a copy of oshim
// its user can run, for one real runtime.
type setup struct {
	*harness.Podman
	// Runtime is the real runtime's absolute path (crun or runc).
	Runtime string
	// Oshim is oshim's path for this podman.
	Oshim string
}

// forEach runs f, in parallel, for rootful and rootless podman with crun and runc.
func forEach(t *testing.T, f func(t *testing.T, s *setup)) {
	t.Helper()
	for _, rootless := range []bool{false, true} {
		for _, rt := range []string{"crun", "runc"} {
			name := "root/" + rt
			if rootless {
				name = "rootless/" + rt
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				f(t, newSetup(t, rootless, rt))
			})
		}
	}
}

func newSetup(t *testing.T, rootless bool, rt string) *setup {
	t.Helper()
	p := harness.NewPodman(t, rootless)
	s := &setup{Podman: p, Runtime: harness.Runtime(t, rt), Oshim: p.CopyOshim(t)}
	p.Import(t, harness.Image{Ref: image, Files: map[string]string{
		supervisorPath: harness.Binary(t, "./test/workload/supervisor"),
		capdumpPath:    harness.Binary(t, "./test/workload/capdump"),
	}})
	return s
}

// config writes an admin config holding contracts. A rootful podman's gets a run_dir
// of its own; a rootless one's keeps oshim's default, which is what is under test there.
func (s *setup) config(t *testing.T, name string, contracts []byte) string {
	t.Helper()
	text := string(contracts)
	if s.User == "" {
		text = fmt.Sprintf("run_dir = %q\n", s.Path("oshim-run")) + text
	}
	return s.WriteFile(t, filepath.Join("oshim", name+".toml"), []byte(text), 0o644)
}

// mode is how podman is given oshim: global podman flags, and where oshim keeps its
// records of the containers.
type mode struct {
	name  string
	flags []string
	// store holds the records; hooks says whether they are hook mode's.
	store records.Store
	hooks bool
}

// plain is the real runtime alone.
func (s *setup) plain() mode {
	return mode{name: "plain", flags: []string{"--runtime", s.Runtime}}
}

// runtimeMode is oshim as podman's runtime. Podman passes a runtime no environment, so
// oshim gets its config and real runtime from a wrapper script; it is named oshim
// because podman decides by the runtime's basename whether it supports --log
// (runtime_supports_json in the test's containers.conf).
func (s *setup) runtimeMode(t *testing.T, config string) mode {
	t.Helper()
	script := fmt.Sprintf("#!/bin/sh\nOSHIM_CONFIG=%s OSHIM_RUNTIME=%s exec %s \"$@\"\n", config, s.Runtime, s.Oshim)
	dir := "runtime-" + strings.TrimSuffix(filepath.Base(config), ".toml")
	path := s.WriteFile(t, filepath.Join(dir, "oshim"), []byte(script), 0o755)
	runDir := s.Path("xdg/oshim") // rootless default: $XDG_RUNTIME_DIR/oshim
	if s.User == "" {
		runDir = s.Path("oshim-run")
	}
	return mode{name: "runtime", flags: []string{"--runtime", path}, store: records.Store{Dir: runDir}}
}

// hookMode is oshim's OCI hooks with the real runtime, from the hooks directory that
// `oshim install podman --mode hooks` writes (into the test's directories, never /etc).
func (s *setup) hookMode(t *testing.T, config string) mode {
	t.Helper()
	dir := s.Path("hooks-" + strings.TrimSuffix(filepath.Base(config), ".toml"))
	harness.RunOK(t, nil, harness.Oshim(t), "install", "podman", "--mode", "hooks",
		"--binary", s.Oshim, "--oshim-config", config, "--hooks-dir", dir,
		"--config-dir", dir+".conf.d", "--state-dir", dir+".state")
	return mode{name: "hooks", flags: []string{"--runtime", s.Runtime, "--hooks-dir", dir}, store: s.hookStore(), hooks: true}
}

// hookStore is where hooks keep their records. Hooks run with an empty environment, so
// a rootless podman's fall back to /tmp/oshim-UID (there is no XDG_RUNTIME_DIR).
func (s *setup) hookStore() records.Store {
	if s.User == "" {
		return records.Store{Dir: s.Path("oshim-run")}
	}
	return records.Store{Dir: fmt.Sprintf("/tmp/oshim-%d", s.UID)}
}

// podman returns the podman arguments for a subcommand in this mode.
func (m mode) podman(args ...string) []string {
	return append(append([]string{}, m.flags...), args...)
}

// inspected is what the tests read from `podman inspect`.
type inspected struct {
	ID    string `json:"Id"`
	State struct {
		Status   string `json:"Status"`
		Running  bool   `json:"Running"`
		Pid      int    `json:"Pid"`
		ExitCode int    `json:"ExitCode"`
	} `json:"State"`
	Config struct {
		Annotations map[string]string `json:"Annotations"`
	} `json:"Config"`
}

func (s *setup) inspect(t *testing.T, m mode, name string) inspected {
	t.Helper()
	r := s.RunOK(t, m.podman("inspect", "--format", "json", name)...)
	var out []inspected
	if err := json.Unmarshal([]byte(r.Stdout), &out); err != nil || len(out) != 1 {
		t.Fatalf("podman inspect %s: %v\n%s", name, err, r.Stdout)
	}
	return out[0]
}

// wantAnnotations fails unless the container's annotations hold want.
func wantAnnotations(t *testing.T, in inspected, want map[string]string) {
	t.Helper()
	for k, v := range want {
		if got, ok := in.Config.Annotations[k]; !ok || got != v {
			t.Errorf("annotation %s = %q (present %t), want %q", k, got, ok, v)
		}
	}
}

// recordKey is where oshim keeps the container's record in this mode: runtime mode
// under the runtime's root (podman passes none) and the container's id; hook mode
// under hook.StoreRoot and the name precreate put in the io.oshim.record annotation.
func (m mode) recordKey(t *testing.T, in inspected) (root, id string) {
	t.Helper()
	if !m.hooks {
		return "", in.ID
	}
	id, ok := in.Config.Annotations[annotation.Record]
	if !ok {
		t.Fatalf("container %s has no %s annotation", in.ID, annotation.Record)
	}
	return hook.StoreRoot, id
}

// record returns the container's record, waiting until it holds the init's result
// when wantResult is set (hook mode's collector stores it in the background).
func (m mode) record(t *testing.T, in inspected, wantResult bool) *records.Container {
	t.Helper()
	root, id := m.recordKey(t, in)
	deadline := time.Now().Add(waitFor)
	for {
		rec, found, err := m.store.Load(root, id)
		if err != nil {
			t.Fatal(err)
		}
		if found && (!wantResult || rec.Result != nil) {
			return rec
		}
		if time.Now().After(deadline) {
			t.Fatalf("no record of %s in %s (found %t) with a result after %v", id, m.store.Dir, found, waitFor)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// wantNoRecord fails if the container's record is still there.
func (m mode) wantNoRecord(t *testing.T, in inspected) {
	t.Helper()
	root, id := m.recordKey(t, in)
	if _, found, err := m.store.Load(root, id); err != nil || found {
		t.Errorf("record of %s still in %s (err %v)", id, m.store.Dir, err)
	}
	dir, err := m.store.ContainerDir(root, id)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(dir); !os.IsNotExist(err) {
		t.Errorf("directory %s left behind (%v)", dir, err)
	}
}

// waitLogs waits until the container's logs contain want and returns them.
func (s *setup) waitLogs(t *testing.T, m mode, name, want string) string {
	t.Helper()
	deadline := time.Now().Add(waitFor)
	for {
		r := s.Run(t, m.podman("logs", name)...)
		if out := r.Stdout + r.Stderr; strings.Contains(out, want) {
			return out
		}
		if time.Now().After(deadline) {
			t.Fatalf("container %s: no %q in its logs after %v", name, want, waitFor)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// capdump decodes capdump's one line of JSON.
func capdump(t *testing.T, stdout string) procstatus.Status {
	t.Helper()
	var st procstatus.Status
	if err := json.Unmarshal([]byte(strings.TrimSpace(stdout)), &st); err != nil {
		t.Fatalf("capdump output %q: %v", stdout, err)
	}
	return st
}

// setsWith names the capability sets of st that hold bit c.
func setsWith(st procstatus.Status, c int) []string {
	var out []string
	for _, set := range []struct {
		name string
		m    procstatus.Mask
	}{{"CapInh", st.Inh}, {"CapPrm", st.Prm}, {"CapEff", st.Eff}, {"CapBnd", st.Bnd}, {"CapAmb", st.Amb}} {
		if set.m.Has(c) {
			out = append(out, set.name)
		}
	}
	return out
}

// args joins argument lists.
func args(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}
