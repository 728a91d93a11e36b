package doctor

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/oshim/oshim/internal/initproc"
	"github.com/oshim/oshim/internal/ociruntime"
	"github.com/oshim/oshim/internal/records"
)

// hybridCgroups is what crun says on a host with cgroup v1 controllers and a cgroup2
// mount beside them.
const hybridCgroups = "cgroups in hybrid mode not supported"

// probeSpecVersion is the spec version the probe's config.json claims: crun 1.8
// refuses versions newer than it knows.
const probeSpecVersion = "1.0.2"

// probeConfig is the admin config of the probe: every container gets the init, which
// clears the bounding set with a lent CAP_SETPCAP and probes PR_CAPBSET_DROP first.
const probeConfig = `run_dir = %q
ocsf_log = ""

[[contract]]
name = "doctor-probe"
bounding = "clear"
[contract.match]
all = true
`

// probe runs one throw-away container through oshim (self, in runtime mode) with
// runtime: a bundle whose rootfs is empty, whose workload is the container's own copy
// of oshim-init printing its version (so the workload's execve from /dev/.oshim is
// tested too), under a contract that injects the init. It goes through the same
// rewrite, init copy and result collection as a real container.
func probe(self, runtime string, timeout time.Duration) Check {
	name := "probe " + filepath.Base(runtime)
	if os.Geteuid() != 0 {
		return Check{Name: name, Status: Warn, Detail: "skipped: the probe container needs root", Fix: "run oshim doctor as root"}
	}
	dir, err := os.MkdirTemp("", "oshim-doctor-")
	if err != nil {
		return Check{Name: name, Status: Fail, Detail: fmt.Sprintf("create a temporary directory: %v", err), Fix: "make " + os.TempDir() + " writable"}
	}
	defer os.RemoveAll(dir)
	id := "oshim-doctor-" + randomHex()
	p := probeRun{self: self, runtime: runtime, dir: dir, id: id, state: filepath.Join(dir, "state")}
	if err := p.prepare(); err != nil {
		return Check{Name: name, Status: Fail, Detail: fmt.Sprintf("prepare the probe bundle: %v", err), Fix: "make " + os.TempDir() + " writable"}
	}
	defer p.cleanup()
	res := p.run(timeout)
	c := classify(runtime, res)
	c.Name = name
	return c
}

type probeRun struct {
	self, runtime, dir, id, state string
}

// probeResult is what the probe's `oshim run` left behind.
type probeResult struct {
	code           int
	err            error
	stdout, stderr string
	record         *records.Container
}

func (p probeRun) bundle() string { return filepath.Join(p.dir, "bundle") }
func (p probeRun) runDir() string { return filepath.Join(p.dir, "run") }
func (p probeRun) config() string { return filepath.Join(p.dir, "config.toml") }

func (p probeRun) prepare() error {
	for _, d := range []string{"rootfs/proc", "rootfs/dev"} {
		if err := os.MkdirAll(filepath.Join(p.bundle(), d), 0o755); err != nil {
			return err
		}
	}
	spec, err := json.MarshalIndent(probeSpec(), "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(p.bundle(), "config.json"), spec, 0o644); err != nil {
		return err
	}
	return os.WriteFile(p.config(), fmt.Appendf(nil, probeConfig, p.runDir()), 0o644)
}

// probeSpec is a minimal root container whose spec withholds CAP_SETPCAP, as the
// orchestrators that motivated oshim write it: the init gets it lent.
func probeSpec() *specs.Spec {
	defaults := []string{"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"}
	return &specs.Spec{
		Version: probeSpecVersion,
		Process: &specs.Process{
			Args: []string{initproc.Binary, "--version"},
			Env:  []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin"},
			Cwd:  "/",
			Capabilities: &specs.LinuxCapabilities{
				Bounding: defaults, Effective: defaults, Permitted: defaults,
			},
			NoNewPrivileges: true,
		},
		Root:     &specs.Root{Path: "rootfs", Readonly: true},
		Hostname: "oshim-doctor",
		Mounts: []specs.Mount{
			{Destination: "/proc", Type: "proc", Source: "proc"},
			{Destination: "/dev", Type: "tmpfs", Source: "tmpfs", Options: []string{"nosuid", "strictatime", "mode=755", "size=65536k"}},
		},
		Linux: &specs.Linux{Namespaces: []specs.LinuxNamespace{
			{Type: specs.PIDNamespace}, {Type: specs.IPCNamespace}, {Type: specs.UTSNamespace},
			{Type: specs.MountNamespace}, {Type: specs.NetworkNamespace},
		}},
	}
}

func (p probeRun) run(timeout time.Duration) probeResult {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, p.self, "--root", p.state, "run", "--bundle", p.bundle(), p.id)
	cmd.Env = append(withoutOshimEnv(), "OSHIM_CONFIG="+p.config(), ociruntime.EnvRuntime+"="+p.runtime)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	res := probeResult{stdout: stdout.String(), stderr: stderr.String()}
	var ee *exec.ExitError
	switch {
	case ctx.Err() != nil:
		res.err = fmt.Errorf("oshim run did not finish within %v", timeout)
	case errors.As(err, &ee):
		res.code = ee.ExitCode()
	case err != nil:
		res.err = err
	}
	if rec, found, err := (records.Store{Dir: p.runDir()}).Load(p.state, p.id); err == nil && found {
		res.record = rec
	}
	return res
}

// cleanup removes the container if the run left it behind (a timeout, a runtime that
// failed half-way); the temporary directory goes with the caller's defer.
func (p probeRun) cleanup() {
	ctx, cancel := context.WithTimeout(context.Background(), versionTimeout)
	defer cancel()
	_ = exec.CommandContext(ctx, p.runtime, "--root", p.state, "delete", "--force", p.id).Run()
}

// classify turns what the probe's run left behind into a verdict.
func classify(runtime string, r probeResult) Check {
	rt := filepath.Base(runtime)
	var m *records.Measured
	if r.record != nil {
		m = r.record.Result
	}
	switch {
	case strings.Contains(r.stderr, hybridCgroups):
		return Check{Status: Fail,
			Detail: fmt.Sprintf("%s refuses this host's hybrid cgroup layout (cgroup v1 controllers and a cgroup2 mount beside them): it starts no container here, with or without oshim, so the probe could not run", runtime),
			Fix:    fmt.Sprintf("boot with cgroup v2 only (systemd.unified_cgroup_hierarchy=1) or drop all controllers from the cgroup2 hierarchy, or use runc; to run %s on this host anyway, start it in a mount namespace without the cgroup2 mount: unshare -m sh -c 'umount /sys/fs/cgroup/unified; exec \"$@\"' sh %s ...", rt, rt)}
	case r.err != nil:
		return Check{Status: Fail, Detail: fmt.Sprintf("could not run the probe container: %v", r.err), Fix: "run oshim doctor again; if it persists, run the runtime by hand: " + runtime + " run"}
	case m != nil && m.Denied():
		return Check{Status: Fail,
			Detail: fmt.Sprintf("PR_CAPBSET_DROP was denied although CAP_SETPCAP was effective, in a container without a seccomp profile: %s", m.Message),
			Fix:    "the host's LSM policy refuses the call: allow prctl(PR_CAPBSET_DROP) (the setpcap capability) for containers; until then workloads that clear bounding sets fail closed and oshim's init stops them with exit 122"}
	case m != nil && !m.OK && m.Step != "":
		return Check{Status: Fail,
			Detail: fmt.Sprintf("oshim's init stopped the probe container (exit %d): %s: %s", r.code, m.Step, m.Message),
			Fix:    "see `oshim-init --help` for what the exit status means; the same would stop every contracted container"}
	case r.code == 0 && m != nil && m.OK && strings.Contains(r.stdout, "oshim-init "):
		return Check{Status: OK, Detail: fmt.Sprintf("%s: a container through oshim cleared its bounding set with a lent CAP_SETPCAP and ran its workload; init measured: %s", runtime, m.Summary)}
	case r.code == 0 && m != nil && m.OK:
		return Check{Status: Fail, Detail: fmt.Sprintf("the init reported ok but the workload printed %q", tail(r.stdout)), Fix: "check that the container can execute " + initproc.Binary + " (a noexec /dev?)"}
	case r.code == 0:
		return Check{Status: Fail, Detail: "the container ran but oshim's init reported nothing", Fix: "check that the runtime honours the bind mounts under /dev/.oshim"}
	}
	return Check{Status: Fail,
		Detail: fmt.Sprintf("oshim run with %s exited %d: %s", runtime, r.code, tail(r.stderr)),
		Fix:    fmt.Sprintf("every contracted container would fail the same way: run a container with %s alone to tell whether the runtime or oshim fails", rt)}
}

// tail is the end of a command's output, enough to name the error.
func tail(s string) string {
	s = strings.TrimSpace(s)
	if lines := strings.Split(s, "\n"); len(lines) > 3 {
		s = strings.Join(lines[len(lines)-3:], "\n")
	}
	if len(s) > 600 {
		s = "..." + s[len(s)-600:]
	}
	return s
}

// withoutOshimEnv is the environment without OSHIM_* settings, which would redirect
// the probe's oshim.
func withoutOshimEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "OSHIM_") {
			env = append(env, kv)
		}
	}
	return env
}

func randomHex() string {
	var b [6]byte
	_, _ = unix.Getrandom(b[:], 0)
	return hex.EncodeToString(b[:])
}
