package e2e

// oshim-init under the container's seccomp filter, for crun and runc: a strict but
// sufficient profile for a static workload (no clone) is sufficient with the init
// injected too; the default profiles podman and containerd generate let it run; a
// profile that denies a call the init makes stops the container before the workload
// with exit 119 and one line naming the call; a rule on PR_CAPBSET_DROP is the
// probe's denial (122).

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/oshim/oshim/internal/initproc"
	"github.com/oshim/oshim/test/harness"
)

const (
	staticPath = "/usr/local/bin/static-workload"
	staticRan  = "static workload ran"
)

var staticBuild struct {
	once sync.Once
	path string
	err  error
}

// staticWorkload builds testdata/static-workload.c with gcc -static, once.
func staticWorkload(t *testing.T) string {
	t.Helper()
	staticBuild.once.Do(func() {
		dir, err := os.MkdirTemp("", "oshim-static-")
		if err != nil {
			staticBuild.err = err
			return
		}
		staticBuild.path = filepath.Join(dir, "static-workload")
		if out, err := exec.Command("gcc", "-static", "-O2", "-o", staticBuild.path, "testdata/static-workload.c").CombinedOutput(); err != nil {
			staticBuild.err = fmt.Errorf("gcc -static: %w\n%s", err, out)
		}
	})
	if staticBuild.err != nil {
		t.Fatal(staticBuild.err)
	}
	return staticBuild.path
}

// staticBundle runs the static workload under profile.
func staticBundle(t *testing.T, rt string, profile json.RawMessage) *harness.Bundle {
	t.Helper()
	b := harness.NewBundle(t, harness.Runtime(t, rt))
	b.Install(t, staticWorkload(t), staticPath)
	b.SetArgs(t, staticPath)
	b.Jq(t, `.linux.seccomp = $p`, "--argjson", "p", string(profile))
	return b
}

// staticClear is a contract that injects the init into the static workload's
// containers and clears their bounding sets.
const staticClear = "[[contract]]\nname = \"static\"\nbounding = \"clear\"\n[contract.match]\ncommands = ['^" + staticPath + "$']\n"

type profile struct {
	DefaultAction   string            `json:"defaultAction"`
	DefaultErrnoRet *int              `json:"defaultErrnoRet,omitempty"`
	Architectures   []string          `json:"architectures,omitempty"`
	Syscalls        []json.RawMessage `json:"syscalls"`
}

// engineProfile is a seccomp profile taken from a real engine's spec.
func engineProfile(t *testing.T, name string) json.RawMessage {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "seccomp", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// strictProfile allows only what podman's default profile allows unconditionally,
// less clone and clone3 and the names in without; everything else fails with ENXIO.
// extra rules come first.
func strictProfile(t *testing.T, without []string, extra ...string) json.RawMessage {
	t.Helper()
	var podman struct {
		Architectures []string `json:"architectures"`
		Syscalls      []struct {
			Names  []string          `json:"names"`
			Action string            `json:"action"`
			Args   []json.RawMessage `json:"args"`
		} `json:"syscalls"`
	}
	if err := json.Unmarshal(engineProfile(t, "podman-4.3.1-default"), &podman); err != nil {
		t.Fatal(err)
	}
	var allow []string
	for _, r := range podman.Syscalls {
		if r.Action != "SCMP_ACT_ALLOW" || len(r.Args) > 0 {
			continue
		}
		for _, n := range r.Names {
			if !slices.Contains(append([]string{"clone", "clone3"}, without...), n) {
				allow = append(allow, n)
			}
		}
	}
	if len(allow) < 250 {
		t.Fatalf("podman's profile allows only %d calls unconditionally", len(allow))
	}
	enxio := int(unix.ENXIO)
	p := profile{DefaultAction: "SCMP_ACT_ERRNO", DefaultErrnoRet: &enxio, Architectures: podman.Architectures}
	for _, e := range extra {
		p.Syscalls = append(p.Syscalls, json.RawMessage(e))
	}
	rule, err := json.Marshal(map[string]any{"names": allow, "action": "SCMP_ACT_ALLOW"})
	if err != nil {
		t.Fatal(err)
	}
	p.Syscalls = append(p.Syscalls, rule)
	out, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// wantNoCrashDump fails on what a Go runtime prints when it dies.
func wantNoCrashDump(t *testing.T, stderr string) {
	t.Helper()
	for _, s := range []string{"fatal error", "goroutine ", "runtime stack", "newosproc"} {
		if strings.Contains(stderr, s) {
			t.Errorf("stderr holds a crash dump (%q):\n%s", s, stderr)
		}
	}
}

// TestInitStrictSeccomp: the static workload runs under a strict profile without
// clone, by the runtime alone and through oshim with the init injected, which
// clears its bounding set.
func TestInitStrictSeccomp(t *testing.T) {
	for _, rt := range runtimes {
		t.Run(rt, func(t *testing.T) {
			t.Parallel()
			oshim := harness.Oshim(t)
			b := staticBundle(t, rt, strictProfile(t, nil))
			direct := harness.Run(t, nil, b.Argv(b.Runtime, "run", "--bundle", b.Dir, b.ID+"-direct")...)
			if direct.Code != 0 || !strings.Contains(direct.Stdout, staticRan) {
				t.Fatalf("%s run alone: exit %d, stdout %q, stderr %q", rt, direct.Code, direct.Stdout, direct.Stderr)
			}
			r := harness.Run(t, initEnv(t, b, staticClear), runArgv(oshim, b, b.ID)...)
			wantNoCrashDump(t, r.Stderr)
			if r.Code != 0 || !strings.Contains(r.Stdout, staticRan) || !strings.Contains(r.Stdout, "CapBnd:\t0000000000000000") || !strings.Contains(r.Stdout, "Seccomp:\t2") {
				t.Fatalf("through oshim: exit %d, stdout %q, stderr %q; want the workload run with an empty bounding set under the filter", r.Code, r.Stdout, r.Stderr)
			}
		})
	}
}

// TestInitEngineSeccompProfiles: the init runs under the default profiles podman and
// containerd put into their specs.
func TestInitEngineSeccompProfiles(t *testing.T) {
	for _, rt := range runtimes {
		for _, name := range []string{"podman-4.3.1-default", "containerd-1.6.20-default"} {
			t.Run(rt+"/"+name, func(t *testing.T) {
				t.Parallel()
				oshim := harness.Oshim(t)
				b := staticBundle(t, rt, engineProfile(t, name))
				r := harness.Run(t, initEnv(t, b, staticClear), runArgv(oshim, b, b.ID)...)
				wantNoCrashDump(t, r.Stderr)
				if r.Code != 0 || !strings.Contains(r.Stdout, staticRan) || !strings.Contains(r.Stdout, "CapBnd:\t0000000000000000") {
					t.Fatalf("through oshim: exit %d, stdout %q, stderr %q", r.Code, r.Stdout, r.Stderr)
				}
			})
		}
	}
}

// TestInitSeccompDenies: profiles that deny what the init needs stop the container
// before the workload, with the init's line on stderr and its report reaching oshim.
func TestInitSeccompDenies(t *testing.T) {
	// An unconditional rule for a call overrides conditional ones: prctl is allowed
	// for every option but PR_CAPBSET_DROP instead.
	const prctlDrop = `{"names":["prctl"],"action":"SCMP_ACT_ERRNO","errnoRet":1,"args":[{"index":0,"value":24,"op":"SCMP_CMP_EQ"}]}`
	const prctlOthers = `{"names":["prctl"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":24,"op":"SCMP_CMP_NE"}]}`
	tests := []struct {
		description string
		without     []string
		extra       []string
		code        int
		stderr      string
		recorded    string
	}{
		{
			description: "capget",
			without:     []string{"capget"},
			code:        initproc.ExitSyscallDenied,
			stderr:      "oshim-init: seccomp: capget denied by the container's seccomp profile (errno 6, ENXIO): allow capget in the spec's linux.seccomp",
			recorded:    "oshim-init refused to start the workload: seccomp: capget denied",
		},
		{
			description: "prctl",
			without:     []string{"prctl"},
			code:        initproc.ExitSyscallDenied,
			stderr:      "oshim-init: seccomp: prctl denied by the container's seccomp profile (errno 6, ENXIO)",
			recorded:    "oshim-init refused to start the workload: seccomp: prctl denied",
		},
		{
			description: "prctl(PR_CAPBSET_DROP)",
			without:     []string{"prctl"},
			extra:       []string{prctlDrop, prctlOthers},
			code:        initproc.ExitProbe,
			stderr:      "oshim-init: probe PR_CAPBSET_DROP: probe bounding drop of CAP_",
			recorded:    "oshim-init refused to start the workload: probe PR_CAPBSET_DROP:",
		},
	}
	for _, rt := range runtimes {
		for _, tc := range tests {
			t.Run(rt+"/"+tc.description, func(t *testing.T) {
				t.Parallel()
				oshim := harness.Oshim(t)
				b := staticBundle(t, rt, strictProfile(t, tc.without, tc.extra...))
				// Where the spec withholds CAP_SETPCAP, the rewrite lends it to the init.
				lent := b.Query(t, `.process.capabilities.bounding | index("CAP_SETPCAP") == null`) == "true"
				r := harness.Run(t, initEnv(t, b, staticClear), runArgv(oshim, b, b.ID)...)
				wantNoCrashDump(t, r.Stderr)
				if !r.InitFailed(tc.code, lent) {
					t.Errorf("exit status %d, want %d (lent %t)", r.Code, tc.code, lent)
				}
				lines := 0
				for _, l := range strings.Split(r.Stderr, "\n") {
					if strings.HasPrefix(l, "oshim-init: ") {
						lines++
					}
				}
				if lines != 1 || !strings.Contains(r.Stderr, tc.stderr) || !strings.Contains(r.Stderr, tc.recorded) {
					t.Errorf("stderr, want one line with %q and oshim's record %q:\n%s", tc.stderr, tc.recorded, r.Stderr)
				}
				if strings.Contains(r.Stdout, staticRan) {
					t.Errorf("the workload ran: %q", r.Stdout)
				}
			})
		}
	}
}
