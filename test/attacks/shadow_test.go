package attacks

// Shadowing the init: a container whose mounts could put a file of its choosing where
// the runtime execs oshim's init would run that file with the capability lent to the
// init.

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oshim/oshim/test/harness"
	"github.com/oshim/oshim/test/procstatus"
)

// evilInit writes a host directory holding an "oshim" and an "init" that are capdump,
// a stand-in for an attacker's binary that would report what it holds.
func evilInit(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	capdump, err := os.ReadFile(harness.Binary(t, "./test/workload/capdump"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"oshim", "init", "result"} {
		if err := os.WriteFile(filepath.Join(dir, name), capdump, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestVolumeThroughImageSymlink: an image symlink into /dev/.oshim and a volume at the
// symlink would replace the init; oshim refuses the spec before the runtime runs.
func TestVolumeThroughImageSymlink(t *testing.T) {
	for _, rt := range runtimes {
		for _, dest := range []string{"/y", "/y/", "/./y", "y", "/z/../y"} {
			t.Run(rt+"/"+dest, func(t *testing.T) {
				t.Parallel()
				b := capdumpBundle(t, rt)
				if err := os.Symlink("/dev/.oshim", filepath.Join(b.RootfsDir(), "y")); err != nil {
					t.Fatal(err)
				}
				b.Jq(t, `.mounts += [{destination: $d, type: "bind", source: $s, options: ["bind"]}]`, "--arg", "d", dest, "--arg", "s", evilInit(t))
				env, _ := env(t, b, clearContract)
				r := harness.Run(t, env, b.Argv(harness.Oshim(t), "create", "--bundle", b.Dir, b.ID)...)
				if r.Code == 0 || !strings.Contains(r.Stderr, "where oshim mounts its init") {
					t.Fatalf("create: exit %d, stderr %q; want a refusal naming the mount", r.Code, r.Stderr)
				}
				if list := harness.RunOK(t, nil, b.Argv(b.Runtime, "list", "-q")...); strings.Contains(list.Stdout, b.ID) {
					t.Errorf("the runtime created the container")
				}
			})
		}
	}
}

// TestVolumeOnTheInit: volumes at the init's own paths, however spelled, are dropped:
// the container's first process is oshim's init, which clears the bounding set and
// drops the loan.
func TestVolumeOnTheInit(t *testing.T) {
	volumes := func(t *testing.T, b *harness.Bundle) {
		evil := evilInit(t)
		for _, dest := range []string{"/dev/.oshim", "/dev//.oshim/oshim", "/dev/./.oshim/init"} {
			b.Jq(t, `.mounts += [{destination: $d, type: "bind", source: $s, options: ["bind"]}]`, "--arg", "d", dest, "--arg", "s", evil)
		}
	}
	eachRuntime(t, clearContract, volumes, func(t *testing.T, s scene) {
		wantCleared(t, "main process", s.main, procstatus.Status{Eff: specCaps, Prm: specCaps, Inh: specCaps, Amb: specCaps})
	})
}

// TestHostDev: a spec that mounts the host's /dev would make the runtime create the
// init's mountpoints on the host; oshim refuses it.
func TestHostDev(t *testing.T) {
	for _, rt := range runtimes {
		t.Run(rt, func(t *testing.T) {
			t.Parallel()
			b := capdumpBundle(t, rt)
			b.Jq(t, `.mounts += [{destination: "/dev", type: "bind", source: "/dev", options: ["rbind"]}]`)
			env, _ := env(t, b, clearContract)
			r := harness.Run(t, env, b.Argv(harness.Oshim(t), "create", "--bundle", b.Dir, b.ID)...)
			if r.Code == 0 || !strings.Contains(r.Stderr, "must be the runtime's own tmpfs") {
				t.Fatalf("create: exit %d, stderr %q; want a refusal", r.Code, r.Stderr)
			}
			if _, err := os.Lstat("/dev/.oshim"); err == nil {
				t.Errorf("/dev/.oshim exists on the host")
			}
		})
	}
}

// unreportedLoan is a capdump container under the clear contract whose init, holding
// the loan, dies before it reports: a seccomp rule kills it at its first capset. With
// no_new_privs the runtimes load the filter last, right before they exec the init, so
// the runtime's own capset calls pass. It returns the bundle, the environment of
// oshim's calls and oshim's run directory.
// An unreported loan is a container whose contract lends the init a capability, and
// whose init never reports: seccomp kills it at its first capset, after the runtime
// applied everything, or denies the execve that would start it.
var unreportedLoans = map[string]string{
	"dies":        `{defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["capset"], action: "SCMP_ACT_KILL"}]}`,
	"never-execs": `{defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["execve"], action: "SCMP_ACT_ERRNO"}]}`,
}

func unreportedLoan(t *testing.T, rt, seccomp string) (*harness.Bundle, []string, string) {
	t.Helper()
	b := capdumpBundle(t, rt)
	b.Jq(t, `.process.noNewPrivileges = true | .linux.seccomp = `+seccomp)
	env, run := env(t, b, clearContract)
	return b, env, run
}

// TestWithoutReport: when the init that holds a loan does not report, the call that
// started it fails, the container is killed, and the missing report stays on record.
// No call waits out the report's 15 s deadline: a run sees the runtime exit, a start
// sees the init's end as the end of the result FIFO, and, for an init that never
// started, the end of the container's process named by the pid file the engine gave
// create (or a detached run).
func TestWithoutReport(t *testing.T) {
	calls := map[string]struct {
		do func(t *testing.T, env []string, oshim string, b *harness.Bundle) harness.Result
		// wantStderr is what the call must say: a start whose runtime succeeded fails
		// on oshim's word alone, a run with the runtime's status.
		wantStderr string
	}{
		"start": {do: func(t *testing.T, env []string, oshim string, b *harness.Bundle) harness.Result {
			harness.RunOK(t, env, b.Argv(oshim, "create", "--bundle", b.Dir, b.ID)...)
			return harness.Run(t, env, b.Argv(oshim, "start", b.ID)...)
		}, wantStderr: "the container was killed"},
		"start-pid-file": {do: func(t *testing.T, env []string, oshim string, b *harness.Bundle) harness.Result {
			harness.RunOK(t, env, b.Argv(oshim, "create", "--bundle", b.Dir, "--pid-file", filepath.Join(t.TempDir(), "pid"), b.ID)...)
			return harness.Run(t, env, b.Argv(oshim, "start", b.ID)...)
		}, wantStderr: "the container was killed"},
		"run-detach-pid-file": {do: func(t *testing.T, env []string, oshim string, b *harness.Bundle) harness.Result {
			return harness.Run(t, env, b.Argv(oshim, "run", "--bundle", b.Dir, "--pid-file", filepath.Join(t.TempDir(), "pid"), "--detach", b.ID)...)
		}, wantStderr: "the container was killed"},
		"run": {do: func(t *testing.T, env []string, oshim string, b *harness.Bundle) harness.Result {
			return harness.Run(t, env, b.Argv(oshim, "run", "--bundle", b.Dir, b.ID)...)
		}},
	}
	for loan, seccomp := range unreportedLoans {
		for name, c := range calls {
			if loan == "never-execs" && name == "start" {
				// Nothing ever opens the FIFO: without the pid file only the deadline
				// ends that wait.
				continue
			}
			for _, rt := range runtimes {
				t.Run(loan+"/"+name+"/"+rt, func(t *testing.T) {
					t.Parallel()
					b, env, run := unreportedLoan(t, rt, seccomp)
					began := time.Now()
					r := c.do(t, env, harness.Oshim(t), b)
					if r.Code == 0 || !strings.Contains(r.Stderr, c.wantStderr) {
						t.Fatalf("%s: exit %d, stderr %q; want the failure of an init that did not report, saying %q", name, r.Code, r.Stderr, c.wantStderr)
					}
					if took := time.Since(began); took >= 15*time.Second {
						t.Errorf("%s returned after %s: it waited for the report's deadline, not for the init's end", name, took)
					}
					st := harness.Run(t, nil, b.Argv(b.Runtime, "state", b.ID)...)
					if strings.Contains(st.Stdout, `"running"`) {
						t.Errorf("the container still runs: %s", st.Stdout)
					}
					entries, _ := filepath.Glob(filepath.Join(run, "*", b.ID, "container.json"))
					if len(entries) != 1 {
						t.Fatalf("record %v: the failure must stay on record", entries)
					}
					rec, err := os.ReadFile(entries[0])
					if err != nil {
						t.Fatal(err)
					}
					if !strings.Contains(string(rec), "oshim-init sent no result") {
						t.Errorf("the record does not say the init sent no result: %s", rec)
					}
				})
			}
		}
	}
}
