package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/oshim/oshim/internal/caps"
	"github.com/oshim/oshim/test/harness"
	"github.com/oshim/oshim/test/procstatus"
)

// TestSupervisorBaseline runs the supervisor workload as uid 0 with the plain
// runtimes: it needs CAP_SETPCAP effective, which a root process only keeps
// across exec when it is in the bounding set too.
func TestSupervisorBaseline(t *testing.T) {
	lastCap, err := caps.LastCap()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		args       []string
		filter     string // jq, applied after CAP_SETPCAP was removed everywhere
		wantCode   int
		wantStdout string
		wantStderr string
	}{
		{
			// Bits 5, 10, 29 are left in the bounding set (the runtimes'
			// default spec); 5, CAP_KILL, is the first the loop cannot drop.
			name:       "spec withholds CAP_SETPCAP",
			filter:     ".",
			wantCode:   1,
			wantStderr: "Failed to clear capability bounding set: CAP 5: Operation not permitted (os error 1)\n",
		},
		{
			name: "CAP_SETPCAP in bounding, permitted and effective",
			filter: `.process.capabilities |= (.bounding += ["CAP_SETPCAP"] | .permitted += ["CAP_SETPCAP"]
				| .effective += ["CAP_SETPCAP"])`,
			wantStdout: "bounding set cleared\n",
		},
		{
			// Bits 5, 8, 10, 29: CAP_KILL, CAP_SETPCAP, CAP_NET_BIND_SERVICE,
			// CAP_AUDIT_WRITE. The spec's ambient list is dropped: a cap
			// must be inheritable to be ambient, and the runtimes ignore
			// that failure.
			name: "-status prints the state it starts with",
			args: []string{"-status"},
			filter: `.process.capabilities |= (.bounding += ["CAP_SETPCAP"] | .permitted += ["CAP_SETPCAP"]
				| .effective += ["CAP_SETPCAP"])`,
			wantStdout: "CapInh:\t0000000000000000\n" +
				"CapPrm:\t0000000020000520\n" +
				"CapEff:\t0000000020000520\n" +
				"CapBnd:\t0000000020000520\n" +
				"CapAmb:\t0000000000000000\n" +
				"bounding set cleared\n",
		},
		{
			// The runtime grants it, but execve as root computes
			// P' = (I | B) & P (no_new_privs is set), so it is gone.
			name:       "CAP_SETPCAP in permitted and effective only is lost at exec",
			filter:     `.process.capabilities |= (.permitted += ["CAP_SETPCAP"] | .effective += ["CAP_SETPCAP"])`,
			wantCode:   1,
			wantStderr: "Failed to clear capability bounding set: CAP 5: Operation not permitted (os error 1)\n",
		},
		{
			// Without CAP_SETPCAP every drop answers EPERM; past the last
			// cap PR_CAPBSET_READ answers EINVAL, so even an empty set fails.
			name:       "empty bounding set without CAP_SETPCAP still fails",
			filter:     `.process.capabilities.bounding = []`,
			wantCode:   1,
			wantStderr: fmt.Sprintf("Failed to clear capability bounding set: CAP %d: Invalid argument (os error 22)\n", lastCap+1),
		},
	}
	for _, rt := range runtimes {
		for _, tt := range tests {
			t.Run(rt+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				b := supervisorBundle(t, rt, tt.args...)
				b.Jq(t, tt.filter)
				r := harness.Run(t, nil, b.Argv(b.Runtime, "run", "--bundle", b.Dir, b.ID)...)
				want := harness.Result{Stdout: tt.wantStdout, Stderr: tt.wantStderr, Code: tt.wantCode}
				if r != want {
					t.Errorf("got  %+v\nwant %+v", r, want)
				}
			})
		}
	}
}

// TestCapsFromSpec starts a held capdump with create+start and reads its
// capabilities from the host's /proc/<pid>/status. It also checks capdump
// against the host's view of the same process.
func TestCapsFromSpec(t *testing.T) {
	tests := []struct {
		name   string
		user   string // jq value for process.user
		nnp    bool
		caps   specCaps
		want   procstatus.Status
		reason string
	}{
		{
			name: "root with no_new_privs gets the spec's sets",
			user: `{"uid": 0, "gid": 0}`,
			nnp:  true,
			caps: specCaps{
				Bounding:  []int{capChown, capKill, capSetpcap, capNetBindService},
				Effective: []int{capKill, capNetBindService},
				Permitted: []int{capKill, capNetBindService},
			},
			want: procstatus.Status{
				Bnd:        mask(capChown, capKill, capSetpcap, capNetBindService), // 0x521
				Prm:        mask(capKill, capNetBindService),                       // 0x420
				Eff:        mask(capKill, capNetBindService),                       // 0x420
				NoNewPrivs: true,
			},
		},
		{
			// execve as root without no_new_privs: P' = I | B, E' = P'.
			// A spec's permitted list does not bound a root process. (The
			// inheritable list must lie within the bounding one: the kernel
			// refuses the runtime's capset otherwise.)
			name: "root without no_new_privs: permitted becomes inheritable|bounding",
			user: `{"uid": 0, "gid": 0}`,
			caps: specCaps{
				Bounding:    []int{capKill, capSetpcap, capNetBindService},
				Effective:   []int{capKill},
				Permitted:   []int{capKill},
				Inheritable: []int{capNetBindService},
			},
			want: procstatus.Status{
				Bnd: mask(capKill, capSetpcap, capNetBindService), // 0x520
				Prm: mask(capKill, capSetpcap, capNetBindService), // 0x520, not the spec's 0x20
				Eff: mask(capKill, capSetpcap, capNetBindService), // 0x520
				Inh: mask(capNetBindService),                      // 0x400
			},
		},
		{
			// execve as non-root: P' = E' = A.
			name: "uid 1000 keeps what is ambient",
			user: `{"uid": 1000, "gid": 1000}`,
			nnp:  true,
			caps: specCaps{
				Bounding:    []int{capKill, capSetpcap, capNetBindService},
				Effective:   []int{capKill, capSetpcap, capNetBindService},
				Permitted:   []int{capKill, capSetpcap, capNetBindService},
				Inheritable: []int{capSetpcap, capNetBindService},
				Ambient:     []int{capSetpcap, capNetBindService},
			},
			want: procstatus.Status{
				Bnd:        mask(capKill, capSetpcap, capNetBindService), // 0x520
				Prm:        mask(capSetpcap, capNetBindService),          // 0x500
				Eff:        mask(capSetpcap, capNetBindService),          // 0x500
				Inh:        mask(capSetpcap, capNetBindService),          // 0x500
				Amb:        mask(capSetpcap, capNetBindService),          // 0x500
				NoNewPrivs: true,
				UID:        1000,
			},
		},
	}
	for _, rt := range runtimes {
		for _, tt := range tests {
			t.Run(rt+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				b := harness.NewBundle(t, harness.Runtime(t, rt))
				b.Install(t, harness.Binary(t, "./test/workload/capdump"), capdumpPath)
				b.SetArgs(t, capdumpPath, "-hold")
				b.Jq(t, ".process.user = $user | .process.noNewPrivileges = $nnp",
					"--argjson", "user", tt.user, "--argjson", "nnp", strconv.FormatBool(tt.nnp))
				setCaps(t, b, tt.caps)

				c := harness.Start(t, nil, b.Runtime, b)
				inside := parseCapdump(t, c.WaitOutput(t, "\n"))
				host := harness.ProcStatus(t, c.Pid)
				if host != tt.want {
					t.Errorf("host /proc/%d/status:\ngot  %v\nwant %v", c.Pid, host, tt.want)
				}
				if inside != host {
					t.Errorf("capdump disagrees with the host:\ncapdump %v\nhost    %v", inside, host)
				}
			})
		}
	}
}

// TestExecWithoutOshim shows what oshim's exec rewrite guards against: the
// plain runtimes give an exec session the capabilities of its process.json,
// here CAP_SYS_ADMIN, which the container's main process does not hold.
func TestExecWithoutOshim(t *testing.T) {
	for _, rt := range runtimes {
		t.Run(rt, func(t *testing.T) {
			t.Parallel()
			b := harness.NewBundle(t, harness.Runtime(t, rt))
			b.Install(t, harness.Binary(t, "./test/workload/capdump"), capdumpPath)
			b.SetArgs(t, capdumpPath, "-hold")
			process := execProcess(t, b)

			c := harness.Start(t, nil, b.Runtime, b)
			c.WaitOutput(t, "\n")
			main := harness.ProcStatus(t, c.Pid)
			r := harness.RunOK(t, nil, b.Argv(b.Runtime, "exec", "--process", process, b.ID)...)
			exec := parseCapdump(t, r.Stdout)

			if main.Eff.Has(capSysAdmin) || main.Bnd.Has(capSysAdmin) {
				t.Fatalf("main process already holds CAP_SYS_ADMIN: %v", main)
			}
			// 0x200000: CAP_SYS_ADMIN
			if !exec.Eff.Has(capSysAdmin) || !exec.Bnd.Has(capSysAdmin) {
				t.Errorf("exec session lacks CAP_SYS_ADMIN: %v", exec)
			}
			if extra := outside(exec, main); len(extra) == 0 {
				t.Errorf("exec session within the main process's sets, want it outside: exec %v, main %v", exec, main)
			}
		})
	}
}

// execProcess writes a process.json for an exec session running capdump:
// the bundle's process, as an engine would send it, plus CAP_SYS_ADMIN in
// every capability list it has.
func execProcess(t *testing.T, b *harness.Bundle) string {
	t.Helper()
	process := b.Query(t, `.process | .args = [$capdump]
		| .capabilities |= with_entries(.value += ["CAP_SYS_ADMIN"])`, "--arg", "capdump", capdumpPath)
	path := filepath.Join(t.TempDir(), "process.json")
	if err := os.WriteFile(path, []byte(process), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
