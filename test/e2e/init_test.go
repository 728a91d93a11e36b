package e2e

// Tests of oshim's in-container init (bounding = "clear", verification and
// --report-only), for crun and runc. Capability state is read from the real processes'
// /proc on the host.

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oshim/oshim/internal/initproc"
	"github.com/oshim/oshim/test/harness"
	"github.com/oshim/oshim/test/procstatus"
)

// initEnv writes an admin config with the given contract tables and a private run
// directory, and returns the environment that points oshim at it.
func initEnv(t *testing.T, b *harness.Bundle, contracts string) []string {
	t.Helper()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.toml")
	body := fmt.Sprintf("run_dir = %q\n\n%s", filepath.Join(dir, "run"), contracts)
	if err := os.WriteFile(cfg, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return []string{"OSHIM_RUNTIME=" + b.Runtime, "OSHIM_CONFIG=" + cfg}
}

// clearContract clears the bounding set of capdump containers and requires the listed caps.
func clearContract(require ...string) string {
	quoted := make([]string, len(require))
	for i, r := range require {
		quoted[i] = fmt.Sprintf("%q", r)
	}
	return fmt.Sprintf(`[[contract]]
name = "clear"
bounding = "clear"
require = [%s]
[contract.match]
commands = ['^%s$', '^%s$']
`, strings.Join(quoted, ", "), capdumpPath, supervisorPath)
}

// capdumpBundle runs capdump -hold as the main process.
func capdumpBundle(t *testing.T, rt string) *harness.Bundle {
	t.Helper()
	b := harness.NewBundle(t, harness.Runtime(t, rt))
	b.Install(t, harness.Binary(t, "./test/workload/capdump"), capdumpPath)
	b.SetArgs(t, capdumpPath, "-hold")
	return b
}

// wantCleared fails unless st has an empty bounding set, CAP_SETPCAP in no set, and
// every cap in keep in its effective and permitted sets.
func wantCleared(t *testing.T, who string, st procstatus.Status, keep procstatus.Mask) {
	t.Helper()
	if st.Bnd != 0 {
		t.Errorf("%s: CapBnd = %v, want 0", who, st.Bnd)
	}
	// 0x100: CAP_SETPCAP, lent to the init only.
	for name, m := range map[string]procstatus.Mask{"CapInh": st.Inh, "CapPrm": st.Prm, "CapEff": st.Eff, "CapAmb": st.Amb} {
		if m.Has(capSetpcap) {
			t.Errorf("%s: %s = %v holds CAP_SETPCAP (bit 8)", who, name, m)
		}
	}
	if st.Eff&keep != keep || st.Prm&keep != keep {
		t.Errorf("%s: lost caps the spec granted: eff %v prm %v, want at least %v", who, st.Eff, st.Prm, keep)
	}
}

// TestInitClearsBounding: root and uid 1000 (ambient caps), no_new_privileges on and
// off: the workload starts with an empty bounding set, without CAP_SETPCAP, and with
// every other cap the spec granted.
func TestInitClearsBounding(t *testing.T) {
	// KILL (0x20) and NET_BIND_SERVICE (0x400) are in every list of the spec.
	granted := []int{capKill, capNetBindService}
	for _, rt := range runtimes {
		for _, user := range []struct {
			name string
			uid  int
		}{{"root", 0}, {"uid1000", 1000}} {
			for _, nnp := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s/%s/nnp=%t", rt, user.name, nnp), func(t *testing.T) {
					t.Parallel()
					oshim := harness.Oshim(t)
					b := capdumpBundle(t, rt)
					b.Jq(t, `.process.user = {"uid": $uid, "gid": $uid} | .process.noNewPrivileges = $nnp`,
						"--argjson", "uid", fmt.Sprint(user.uid), "--argjson", "nnp", fmt.Sprint(nnp))
					setCaps(t, b, specCaps{Bounding: granted, Effective: granted, Permitted: granted, Inheritable: granted, Ambient: granted})
					env := initEnv(t, b, clearContract())

					c := harness.Start(t, env, oshim, b)
					c.WaitOutput(t, "\n")
					st := harness.ProcStatus(t, c.Pid)
					wantCleared(t, "main process", st, mask(granted...))
					if st.NoNewPrivs != nnp {
						t.Errorf("NoNewPrivs = %t, want %t", st.NoNewPrivs, nnp)
					}
					// The init's measured result reached the host.
					r := harness.RunOK(t, env, b.Argv(oshim, "state", b.ID)...)
					if !strings.Contains(r.Stdout, `"io.oshim.result": "ok: bnd=none`) {
						t.Errorf("oshim state lacks the init's ok result:\n%s", r.Stdout)
					}
				})
			}
		}
	}
}

// TestInitRequiredSetpcap: the supervisor, which must clear bounding sets itself, gets
// CAP_SETPCAP, passes the init's probe, and succeeds, with clear and with spec.
func TestInitRequiredSetpcap(t *testing.T) {
	for _, rt := range runtimes {
		for _, bounding := range []string{"clear", "spec"} {
			t.Run(rt+"/"+bounding, func(t *testing.T) {
				t.Parallel()
				oshim := harness.Oshim(t)
				b := supervisorBundle(t, rt)
				contract := strings.Replace(clearContract("CAP_SETPCAP"), `"clear"`, fmt.Sprintf("%q", bounding), 1)
				r := harness.Run(t, initEnv(t, b, contract), runArgv(oshim, b, b.ID)...)
				if r.Code != 0 || !strings.Contains(r.Stdout, clearedMsg) {
					t.Fatalf("oshim run: exit %d, stdout %q, stderr %q; want exit 0 with %q", r.Code, r.Stdout, r.Stderr, clearedMsg)
				}
			})
		}
	}
}

// TestInitSeccompDenial: a seccomp rule that makes prctl(PR_CAPBSET_DROP) fail with
// EPERM is caught by the init's probe before the workload runs.
func TestInitSeccompDenial(t *testing.T) {
	const profile = `{"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_X86_64"],
		"syscalls":[{"names":["prctl"],"action":"SCMP_ACT_ERRNO","errnoRet":1,
		"args":[{"index":0,"value":24,"op":"SCMP_CMP_EQ"}]}]}`
	for _, rt := range runtimes {
		t.Run(rt, func(t *testing.T) {
			t.Parallel()
			oshim := harness.Oshim(t)
			b := supervisorBundle(t, rt)
			// With no_new_privileges the runtimes load the filter after applying caps,
			// so it is the container's processes that meet it.
			b.Jq(t, `.process.noNewPrivileges = true | .linux.seccomp = $p`, "--argjson", "p", profile)
			r := harness.Run(t, initEnv(t, b, clearContract("CAP_SETPCAP")), runArgv(oshim, b, b.ID)...)
			if r.Code != 122 {
				t.Errorf("exit status %d, want 122 (probe denied)", r.Code)
			}
			if !strings.Contains(r.Stderr, "oshim-init: ") || !strings.Contains(r.Stderr, "seccomp") || !strings.Contains(r.Stderr, "EPERM") {
				t.Errorf("stderr does not name the seccomp denial:\n%s", r.Stderr)
			}
			if strings.Contains(r.Stdout, clearedMsg) {
				t.Errorf("the workload ran: %q", r.Stdout)
			}
		})
	}
}

// clearedScene is a capdump container of one runtime started through oshim under
// clearContract, with what an exec session into it needs.
type clearedScene struct {
	oshim   string
	b       *harness.Bundle
	env     []string
	process string
	// main is the container's main process, read from the host's /proc.
	main procstatus.Status
}

func startCleared(t *testing.T, rt string) clearedScene {
	t.Helper()
	s := clearedScene{oshim: harness.Oshim(t), b: capdumpBundle(t, rt)}
	s.env = initEnv(t, s.b, clearContract())
	s.process = execProcess(t, s.b)
	c := harness.Start(t, s.env, s.oshim, s.b)
	c.WaitOutput(t, "\n")
	s.main = harness.ProcStatus(t, c.Pid)
	return s
}

// exec runs an exec session through oshim and checks it is as capped as a cleared
// container's must be: an empty bounding set, no CAP_SETPCAP, nothing beyond the main
// process.
func (s clearedScene) exec(t *testing.T) procstatus.Status {
	t.Helper()
	r := harness.RunOK(t, s.env, s.b.Argv(s.oshim, "exec", "--process", s.process, s.b.ID)...)
	exec := parseCapdump(t, r.Stdout)
	wantCleared(t, "exec session", exec, 0)
	if extra := outside(exec, s.main); len(extra) > 0 {
		t.Errorf("exec session holds %v beyond the main process", extra)
	}
	return exec
}

// TestInitExecSession: an exec session into a cleared container gets an empty bounding
// set and no CAP_SETPCAP, whatever its process.json asks for. With the bounding set
// empty before the runtime sets the inheritable one, it keeps no caps at all.
func TestInitExecSession(t *testing.T) {
	for _, rt := range runtimes {
		t.Run(rt, func(t *testing.T) {
			t.Parallel()
			exec := startCleared(t, rt).exec(t)
			if exec.Eff != 0 || exec.Prm != 0 || exec.Inh != 0 || exec.Amb != 0 {
				t.Errorf("exec session holds caps: %v", exec)
			}
		})
	}
}

// TestBrokenContractFailsCreatesOnly: the admin breaks a contract in the config while a
// contracted container runs. Creates fail before the runtime sees them, so no container
// starts unchecked; the running container's exec sessions stay capped by its record, and
// the engine can still stop and delete it.
func TestBrokenContractFailsCreatesOnly(t *testing.T) {
	for _, rt := range runtimes {
		t.Run(rt, func(t *testing.T) {
			t.Parallel()
			s := startCleared(t, rt)
			oshim, b, env := s.oshim, s.b, s.env
			cfg := strings.TrimPrefix(env[1], "OSHIM_CONFIG=")
			text, err := os.ReadFile(cfg)
			if err != nil {
				t.Fatal(err)
			}
			broken := strings.Replace(string(text), `bounding = "clear"`, `bounding = "clear"`+"\nrequire_all = true", 1)
			if err := os.WriteFile(cfg, []byte(broken), 0o644); err != nil {
				t.Fatal(err)
			}

			other := capdumpBundle(t, rt)
			r := harness.Run(t, env, other.Argv(oshim, "create", "--bundle", other.Dir, other.ID)...)
			if r.Code == 0 || !strings.Contains(r.Stderr, "require_all") || !strings.Contains(r.Stderr, cfg) {
				t.Errorf("create under a broken contract: exit %d, stderr %q; want a refusal naming the file and the key", r.Code, r.Stderr)
			}
			if r := harness.Run(t, nil, other.Argv(other.Runtime, "state", other.ID)...); r.Code == 0 {
				t.Errorf("the runtime created %s although the config is broken: %s", other.ID, r.Stdout)
			}

			s.exec(t)
			harness.RunOK(t, env, b.Argv(oshim, "kill", b.ID, "KILL")...)
			harness.RunOK(t, env, b.Argv(oshim, "delete", "--force", b.ID)...)
		})
	}
}

// treeDigest hashes a directory's names, modes, link targets and contents.
func treeDigest(t *testing.T, root string) string {
	t.Helper()
	h := sha256.New()
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		fmt.Fprintf(h, "%s %v %d\n", rel, info.Mode(), info.Size())
		switch {
		case info.Mode()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			fmt.Fprintln(h, target)
		case info.Mode().IsRegular():
			f, err := os.Open(p)
			if err != nil {
				return err
			}
			defer f.Close()
			if _, err := io.Copy(h, f); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// TestInitLeavesRootfsAlone: the init's mountpoint is created in the runtime's /dev
// tmpfs, so a user-provided rootfs is byte-identical after a run, read-only or not.
func TestInitLeavesRootfsAlone(t *testing.T) {
	for _, rt := range runtimes {
		for _, readonly := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/readonly=%t", rt, readonly), func(t *testing.T) {
				t.Parallel()
				oshim := harness.Oshim(t)
				b := capdumpBundle(t, rt)
				b.SetArgs(t, capdumpPath)
				b.Jq(t, `.root.readonly = $ro`, "--argjson", "ro", fmt.Sprint(readonly))
				before := treeDigest(t, b.RootfsDir())
				r := harness.Run(t, initEnv(t, b, clearContract()), runArgv(oshim, b, b.ID)...)
				if r.Code != 0 {
					t.Fatalf("oshim run: exit %d, stderr %q", r.Code, r.Stderr)
				}
				if st := parseCapdump(t, r.Stdout); st.Bnd != 0 {
					t.Errorf("CapBnd = %v, want 0", st.Bnd)
				}
				if after := treeDigest(t, b.RootfsDir()); after != before {
					t.Errorf("rootfs changed by the run")
				}
			})
		}
	}
}

func fileDigest(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// TestInitTamper: a container holding CAP_SYS_ADMIN remounts its init read-write and
// overwrites it; neither the host's oshim-init nor another running container's init
// changes.
func TestInitTamper(t *testing.T) {
	for _, rt := range runtimes {
		t.Run(rt, func(t *testing.T) {
			t.Parallel()
			oshim := harness.Oshim(t)
			hostInit := harness.Init(t)
			hostBefore := fileDigest(t, hostInit)

			other := capdumpBundle(t, rt)
			oc := harness.Start(t, initEnv(t, other, clearContract()), oshim, other)
			oc.WaitOutput(t, "\n")
			otherInit := fmt.Sprintf("/proc/%d/root/dev/.oshim/init", oc.Pid)
			otherBefore := fileDigest(t, otherInit)

			b := capdumpBundle(t, rt)
			b.Install(t, harness.Binary(t, "./test/workload/capdump"), supervisorPath)
			b.SetArgs(t, "/bin/sh", "-c", "mount -o remount,bind,rw /dev/.oshim/init && chmod u+w /dev/.oshim/init && echo tampered > /dev/.oshim/init && echo written && sleep 600")
			// The shell is not the contract's command: select the contract by rule on
			// the annotation instead, and give the container CAP_SYS_ADMIN.
			b.Jq(t, `.process.capabilities |= with_entries(.value += ["CAP_SYS_ADMIN"]) | .annotations["tamper"] = "yes"`)
			contract := clearContract() + "\n[[contract]]\nname = \"tamper\"\nbounding = \"clear\"\n[contract.match]\nannotations = { '^tamper$' = '^yes$' }\n"
			c := harness.Start(t, initEnv(t, b, contract), oshim, b)
			c.WaitOutput(t, "written")
			if got := fileDigest(t, fmt.Sprintf("/proc/%d/root/dev/.oshim/init", c.Pid)); got == otherBefore {
				t.Fatalf("the tampering container's init is unchanged: the test did not tamper")
			}
			if got := fileDigest(t, hostInit); got != hostBefore {
				t.Errorf("the host's oshim-init changed")
			}
			if got := fileDigest(t, otherInit); got != otherBefore {
				t.Errorf("another container's init changed")
			}
		})
	}
}

// TestInitReportOnly runs oshim-init with --report-only as its own first process
// under the runtimes directly: it reports how the state differs from the contract
// and runs the workload with the state unchanged.
func TestInitReportOnly(t *testing.T) {
	for _, rt := range runtimes {
		for _, opts := range [][]string{{"--require", "CAP_SETPCAP"}, {"--clear-bounding", "--drop", "CAP_KILL"}} {
			t.Run(rt+"/"+strings.Join(opts, " "), func(t *testing.T) {
				t.Parallel()
				b := capdumpBundle(t, rt)
				dir := t.TempDir()
				init := filepath.Join(dir, "init")
				data, err := os.ReadFile(harness.Init(t))
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(init, data, 0o555); err != nil {
					t.Fatal(err)
				}
				fifo := filepath.Join(dir, "result")
				readResult := harness.ResultFIFO(t, fifo)
				mounts, err := json.Marshal([]map[string]any{
					{"destination": initproc.Binary, "type": "bind", "source": init, "options": []string{"bind", "ro", "nosuid", "nodev"}},
					{"destination": initproc.ResultPipe, "type": "bind", "source": fifo, "options": []string{"bind", "ro", "nosuid", "nodev"}},
				})
				if err != nil {
					t.Fatal(err)
				}
				args := append([]string{initproc.Binary, "--report-only"}, opts...)
				b.SetArgs(t, append(args, "--result", initproc.ResultPipe, "--", capdumpPath)...)
				b.Jq(t, `.mounts = [.mounts[] | ., (select(.destination == "/dev") | $m[])]`, "--argjson", "m", string(mounts))
				r := harness.Run(t, nil, b.Argv(b.Runtime, "run", "--bundle", b.Dir, b.ID)...)
				if r.Code != 0 {
					t.Fatalf("exit %d, stderr %q", r.Code, r.Stderr)
				}
				st := parseCapdump(t, r.Stdout)
				if st.Bnd == 0 || !st.Eff.Has(capKill) {
					t.Errorf("the workload's state changed: %v", st)
				}
				msg := readResult()
				if msg == nil {
					t.Fatalf("no result; stderr %q", r.Stderr)
				}
				res, err := initproc.DecodeResult(msg)
				if err != nil {
					t.Fatal(err)
				}
				if res.OK || !res.ReportOnly || res.Step != "verify" || !strings.Contains(r.Stderr, "oshim-init: verify: ") {
					t.Errorf("result %+v, stderr %q: want a report-only verify failure", res, r.Stderr)
				}
			})
		}
	}
}
