package attacks

// Exec sessions: a process started by `exec` goes straight from a process file (or the
// container's stored, rewritten spec) to the workload's namespaces, past oshim's init.

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/oshim/oshim/internal/records"
	"github.com/oshim/oshim/test/harness"
	"github.com/oshim/oshim/test/procstatus"
	"golang.org/x/sys/unix"
)

// processFile writes an exec process file for capdump with the given capabilities
// member ("" leaves it out) and noNewPrivileges false.
func processFile(t *testing.T, capabilities string) string {
	t.Helper()
	body := `{"args":["` + capdumpPath + `"],"cwd":"/","user":{"uid":0,"gid":0},"env":["PATH=/bin"],"noNewPrivileges":false`
	if capabilities != "" {
		body += `,"capabilities":` + capabilities
	}
	p := filepath.Join(t.TempDir(), "process.json")
	if err := os.WriteFile(p, []byte(body+"}"), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestExecGetsNothingLent: in a container whose bounding set the contract clears, no
// exec session gets the CAP_SETPCAP lent to the init, or a bounding set, however it
// asks: a process file without capabilities, with null ones, with every cap, or no
// process file at all (a command, which the runtimes would build from the rewritten
// spec).
func TestExecGetsNothingLent(t *testing.T) {
	for _, rt := range runtimes {
		for _, how := range []struct {
			name string
			argv func(t *testing.T) []string
		}{
			{"no capabilities", func(t *testing.T) []string { return []string{"--process", processFile(t, "")} }},
			{"null capabilities", func(t *testing.T) []string { return []string{"--process", processFile(t, "null")} }},
			{"every capability", func(t *testing.T) []string {
				all := `["CAP_SETPCAP","CAP_SYS_ADMIN","CAP_KILL"]`
				return []string{"--process", processFile(t, `{"bounding":`+all+`,"effective":`+all+`,"permitted":`+all+`,"inheritable":`+all+`,"ambient":`+all+`}`)}
			}},
			{"a command", func(t *testing.T) []string { return []string{"--env", "X=1", "ID", capdumpPath} }},
		} {
			t.Run(rt+"/"+how.name, func(t *testing.T) {
				t.Parallel()
				b := capdumpBundle(t, rt)
				env, _ := env(t, b, clearContract)
				c, main := started(t, env, b)
				wantCleared(t, "main process", main, procstatus.Status{Eff: specCaps, Prm: specCaps, Inh: specCaps, Amb: specCaps})
				args := how.argv(t)
				if args[len(args)-2] == "ID" {
					args[len(args)-2] = c.ID
				} else {
					args = append(args, c.ID)
				}
				r := harness.RunOK(t, env, b.Argv(harness.Oshim(t), "exec", args...)...)
				exec := status(t, r.Stdout)
				// The runtimes empty the bounding set before they set the inheritable one,
				// so a session of a cleared container can keep nothing across its execve.
				wantCleared(t, "exec session", exec, procstatus.Status{})
			})
		}
	}
}

// repairNNPContract repairs a missing CAP_SETPCAP without a loan and sets
// noNewPrivileges, so exec sessions are capped by the main process alone.
const repairNNPContract = `[[contract]]
name = "repair"
require = ["CAP_SETPCAP"]
no_new_privs = true
[contract.match]
commands = ['^/usr/local/bin/capdump$']
`

// TestExecWithinMainProcess: under a repair contract (no loan), an exec session that
// asks for more than the main process got keeps only what the main process has.
func TestExecWithinMainProcess(t *testing.T) {
	eachRuntime(t, repairNNPContract, nil, func(t *testing.T, s scene) {
		if s.main.Eff&setpcap == 0 {
			t.Fatalf("main process lacks the required CAP_SETPCAP: %v", s.main)
		}
		all := `["CAP_SETPCAP","CAP_SYS_ADMIN","CAP_KILL","CAP_NET_BIND_SERVICE"]`
		p := processFile(t, `{"bounding":`+all+`,"effective":`+all+`,"permitted":`+all+`,"inheritable":[],"ambient":[]}`)
		r := harness.RunOK(t, s.env, s.b.Argv(harness.Oshim(t), "exec", "--process", p, s.c.ID)...)
		exec := status(t, r.Stdout)
		if extra := exec.Beyond(s.main); len(extra) > 0 {
			t.Errorf("exec session holds %v beyond the main process (%v)", extra, s.main)
		}
		if !exec.NoNewPrivs {
			t.Errorf("exec session of a no_new_privs contract runs without NoNewPrivs: %v", exec)
		}
	})
}

// TestExecProcessFileSpellings: oshim reads an exec's process file by hand, keys
// ignoring case as runc's encoding/json does, while crun matches them exactly. A file
// that spells the capabilities so that the two runtimes, or oshim and a runtime, could
// read different lists is refused, or its session holds nothing beyond the main
// process, whichever runtime runs it.
func TestExecProcessFileSpellings(t *testing.T) {
	all := `["CAP_SETPCAP","CAP_SYS_ADMIN","CAP_KILL","CAP_NET_BIND_SERVICE"]`
	lists := `{"bounding":` + all + `,"effective":` + all + `,"permitted":` + all + `,"inheritable":[],"ambient":[]}`
	files := map[string]string{
		"capitalised capabilities":  `{"args":["` + capdumpPath + `"],"cwd":"/","user":{"uid":0},"Capabilities":` + lists + `}`,
		"both spellings":            `{"args":["` + capdumpPath + `"],"cwd":"/","user":{"uid":0},"capabilities":{"bounding":[],"effective":[],"permitted":[]},"CAPABILITIES":` + lists + `}`,
		"capitalised list":          `{"args":["` + capdumpPath + `"],"cwd":"/","user":{"uid":0},"capabilities":{"bounding":[],"Bounding":` + all + `,"effective":` + all + `,"permitted":` + all + `}}`,
		"spelled with a long s":     `{"args":["` + capdumpPath + `"],"cwd":"/","user":{"uid":0},"capabilitie\u017f":` + lists + `}`,
		"null after, with a long s": `{"args":["` + capdumpPath + `"],"cwd":"/","user":{"uid":0},"capabilities":` + lists + `,"capabilitie\u017f":null}`,
		"noNewPrivileges twice":     `{"args":["` + capdumpPath + `"],"cwd":"/","user":{"uid":0},"noNewPrivileges":true,"NoNewPrivileges":false,"capabilities":` + lists + `}`,
	}
	eachRuntime(t, repairNNPContract, nil, func(t *testing.T, s scene) {
		for name, body := range files {
			p := filepath.Join(t.TempDir(), "process.json")
			if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
				t.Fatal(err)
			}
			r := harness.Run(t, s.env, s.b.Argv(harness.Oshim(t), "exec", "--process", p, s.c.ID)...)
			if r.Code != 0 {
				// Refused, and for what it is: a key another one shadows.
				if !strings.Contains(r.Stderr, "is ambiguous") {
					t.Errorf("%s: exec refused without naming the ambiguous key: %q", name, r.Stderr)
				}
				continue
			}
			exec := status(t, r.Stdout)
			if extra := exec.Beyond(s.main); len(extra) > 0 {
				t.Errorf("%s: exec session holds %v beyond the main process (%v)", name, extra, s.main)
			}
			if !exec.NoNewPrivs {
				t.Errorf("%s: exec session of a no_new_privs contract runs without NoNewPrivs: %v", name, exec)
			}
		}
	})
}

// TestExecCapFlagRefused: `exec --cap` cannot add what the contract did not give, also
// when a global flag's value is where a parser that guesses would find the subcommand
// (both runtimes always take the argument after --rootless).
func TestExecCapFlagRefused(t *testing.T) {
	eachRuntime(t, clearContract, nil, func(t *testing.T, s scene) {
		oshim := harness.Oshim(t)
		for _, argv := range [][]string{
			s.b.Argv(oshim, "exec", "--cap", "CAP_SYS_ADMIN", s.c.ID, capdumpPath),
			{oshim, "--root", s.b.Root, "--rootless", "x", "exec", "--cap", "CAP_SYS_ADMIN", s.c.ID, capdumpPath},
		} {
			r := harness.Run(t, s.env, argv...)
			if r.Code == 0 || strings.Contains(r.Stdout, "CapEff") {
				t.Errorf("%q: exit %d, stdout %q: an exec with --cap ran", argv, r.Code, r.Stdout)
			}
		}
	})
}

// TestExecWithoutRecord: a contracted container whose record is gone (a cleanup of the
// run directory) gets no exec session, instead of an uncapped one.
func TestExecWithoutRecord(t *testing.T) {
	eachRuntime(t, clearContract, nil, func(t *testing.T, s scene) {
		if err := os.RemoveAll(s.run); err != nil {
			t.Fatal(err)
		}
		r := harness.Run(t, s.env, s.b.Argv(harness.Oshim(t), "exec", "--process", processFile(t, ""), s.c.ID)...)
		if r.Code == 0 || strings.Contains(r.Stdout, "CapEff") || !strings.Contains(r.Stderr, "record is missing") {
			t.Errorf("exec without a record: exit %d, stdout %q, stderr %q; want a refusal", r.Code, r.Stdout, r.Stderr)
		}
	})
}

// TestExecAfterRefusedDelete: delete removes the record before the runtime deletes the
// container, so a delete the runtime refuses (a running container, no --force) leaves
// a running contracted container without a record. Its exec sessions are refused, not
// let through uncapped, and a forced delete still removes it.
func TestExecAfterRefusedDelete(t *testing.T) {
	eachRuntime(t, clearContract, nil, func(t *testing.T, s scene) {
		oshim := harness.Oshim(t)
		if r := harness.Run(t, s.env, s.b.Argv(oshim, "delete", s.c.ID)...); r.Code == 0 {
			t.Fatalf("delete of a running container without --force succeeded: %s", r.Stderr)
		}
		if st := harness.ProcStatus(t, s.c.Pid); st.Eff != s.main.Eff || st.Bnd != s.main.Bnd {
			t.Errorf("the main process changed after the refused delete: %v, was %v", st, s.main)
		}
		r := harness.Run(t, s.env, s.b.Argv(oshim, "exec", "--process", processFile(t, ""), s.c.ID)...)
		if r.Code == 0 || strings.Contains(r.Stdout, "CapEff") || !strings.Contains(r.Stderr, "record is missing") {
			t.Errorf("exec after a refused delete: exit %d, stdout %q, stderr %q; want a refusal", r.Code, r.Stdout, r.Stderr)
		}
		harness.RunOK(t, s.env, s.b.Argv(oshim, "delete", "--force", s.c.ID)...)
		if r := harness.Run(t, s.env, s.b.Argv(oshim, "state", s.c.ID)...); r.Code == 0 {
			t.Errorf("the container outlived delete --force: %s", r.Stdout)
		}
	})
}

// TestExecFromPipe: a process file the engine hands over as a pipe (a shell's process
// substitution) is read, capped and handed to the runtime; --pid-file still works.
func TestExecFromPipe(t *testing.T) {
	eachRuntime(t, clearContract, nil, func(t *testing.T, s scene) {
		pidFile := filepath.Join(t.TempDir(), "exec.pid")
		script := fmt.Sprintf(`exec "$1" --root "$2" exec --pid-file %s -p <(cat %s) %s`, pidFile, processFile(t, ""), s.c.ID)
		r := harness.RunOK(t, s.env, "bash", "-c", script, "bash", harness.Oshim(t), s.b.Root)
		wantCleared(t, "exec session from a pipe", status(t, r.Stdout), procstatus.Status{})
		if pid, err := os.ReadFile(pidFile); err != nil || len(strings.TrimSpace(string(pid))) == 0 {
			t.Errorf("--pid-file: %q, %v", pid, err)
		}
		for _, bad := range []string{"/dev/null", t.TempDir()} {
			r := harness.Run(t, s.env, s.b.Argv(harness.Oshim(t), "exec", "--process", bad, s.c.ID)...)
			if r.Code == 0 || !strings.Contains(r.Stderr, "want a process file") {
				t.Errorf("exec --process %s: exit %d, stderr %q; want a refusal", bad, r.Code, r.Stderr)
			}
		}
	})
}

// TestExecTerminalFromPipe: a terminal exec whose process comes through a pipe (as in
// `runc exec -d -t --console-socket S -p <(...) ID`) gets its terminal, capped.
func TestExecTerminalFromPipe(t *testing.T) {
	eachRuntime(t, clearContract, nil, func(t *testing.T, s scene) {
		sock, output := consoleSocket(t)
		p := processFile(t, "")
		body, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(strings.Replace(string(body), `"cwd"`, `"terminal":true,"cwd"`, 1)), 0o600); err != nil {
			t.Fatal(err)
		}
		script := fmt.Sprintf(`exec "$1" --root "$2" exec -d -t --console-socket %s -p <(cat %s) %s`, sock, p, s.c.ID)
		harness.RunOK(t, s.env, "bash", "-c", script, "bash", harness.Oshim(t), s.b.Root)
		wantCleared(t, "terminal exec session", status(t, <-output), procstatus.Status{})
	})
}

// consoleSocket listens where a runtime sends the terminal's master end, and returns
// what is read from that terminal until it closes.
func consoleSocket(t *testing.T) (string, <-chan string) {
	t.Helper()
	dir, err := os.MkdirTemp("", "oshim-tty-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	path := filepath.Join(dir, "console.sock")
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	out := make(chan string, 1)
	go func() {
		defer close(out)
		conn, err := l.AcceptUnix()
		if err != nil {
			return
		}
		defer conn.Close()
		oob := make([]byte, unix.CmsgSpace(4))
		_, oobn, _, _, err := conn.ReadMsgUnix(make([]byte, 4096), oob)
		if err != nil {
			return
		}
		msgs, err := unix.ParseSocketControlMessage(oob[:oobn])
		if err != nil || len(msgs) == 0 {
			return
		}
		fds, err := unix.ParseUnixRights(&msgs[0])
		if err != nil || len(fds) == 0 {
			return
		}
		master := os.NewFile(uintptr(fds[0]), "pty master")
		defer master.Close()
		var b strings.Builder
		buf := make([]byte, 4096)
		for {
			n, err := master.Read(buf)
			b.Write(buf[:n])
			if err != nil || strings.Contains(b.String(), "}") {
				break
			}
		}
		out <- strings.ReplaceAll(b.String(), "\r", "")
	}()
	return path, out
}

// nothingContract matches no capdump container: oshim creates them without a contract.
const nothingContract = `[[contract]]
name = "other"
require = ["CAP_SETPCAP"]
[contract.match]
commands = ['^/nothing$']
`

// verbLog puts a shim named after b's runtime in front of it, which appends each call's
// arguments to a log and execs the real runtime, and returns env pointing oshim at the
// shim, and a function that reads the log.
func verbLog(t *testing.T, b *harness.Bundle, env []string) ([]string, func() string) {
	t.Helper()
	dir := t.TempDir()
	log := filepath.Join(dir, "calls")
	shim := filepath.Join(dir, filepath.Base(b.Runtime))
	script := fmt.Sprintf("#!/bin/sh\necho \"$*\" >> %s\nexec %s \"$@\"\n", log, b.Runtime)
	if err := os.WriteFile(shim, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return append(slices.Clone(env), "OSHIM_RUNTIME="+shim), func() string {
		data, err := os.ReadFile(log)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		return string(data)
	}
}

// TestExecUncontracted: an exec into a container oshim created without a contract runs
// as the runtime runs it, and asks the runtime for nothing first: the container's mark
// says what a state query would. A container without a mark (created before oshim made
// them) still gets its state asked.
func TestExecUncontracted(t *testing.T) {
	for _, rt := range runtimes {
		t.Run(rt, func(t *testing.T) {
			t.Parallel()
			b := capdumpBundle(t, rt)
			plain, run := env(t, b, nothingContract)
			c, main := started(t, plain, b)
			if main.Eff != specCaps {
				t.Fatalf("the uncontracted main process holds %v, want the spec's %v", main.Eff, specCaps)
			}
			store := records.Store{Dir: run}
			if !store.Marked(b.Root, c.ID) {
				t.Fatal("oshim left no mark of the uncontracted container")
			}
			logged, calls := verbLog(t, b, plain)
			oshim := harness.Oshim(t)
			r := harness.RunOK(t, logged, b.Argv(oshim, "exec", "--process", processFile(t, ""), c.ID)...)
			status(t, r.Stdout)
			if log := calls(); strings.Count(log, "\n") != 1 || !strings.Contains(log, " exec ") {
				t.Errorf("the runtime got %q; want the exec alone", log)
			}
			if err := store.Remove(b.Root, c.ID); err != nil {
				t.Fatal(err)
			}
			harness.RunOK(t, logged, b.Argv(oshim, "exec", "--process", processFile(t, ""), c.ID)...)
			if log := calls(); !strings.Contains(log, " state "+c.ID) {
				t.Errorf("without a mark the runtime got %q; want a state query before the exec", log)
			}
		})
	}
}

// TestExecStaleMark: a mark never lets an exec session of a contracted container
// through. A container created without a contract and deleted behind oshim's back
// leaves its mark; a contracted container of the same id takes it away at its create,
// so when its record is lost its exec sessions are refused, not run uncapped on the
// old mark.
func TestExecStaleMark(t *testing.T) {
	for _, rt := range runtimes {
		t.Run(rt, func(t *testing.T) {
			t.Parallel()
			b := capdumpBundle(t, rt)
			oshim := harness.Oshim(t)
			clear, run := env(t, b, clearContract)
			plain := envIn(t, b, run, "")
			harness.RunOK(t, plain, b.Argv(oshim, "create", "--bundle", b.Dir, b.ID)...)
			harness.RunOK(t, nil, b.Argv(b.Runtime, "delete", "--force", b.ID)...)
			store := records.Store{Dir: run}
			if !store.Marked(b.Root, b.ID) {
				t.Fatal("no mark left by the uncontracted container")
			}
			c, main := started(t, clear, b)
			if main.Bnd != 0 {
				t.Fatalf("the contract was not applied: the main process's bounding set is %v", main.Bnd)
			}
			if store.Marked(b.Root, c.ID) {
				t.Error("the contracted create left the old mark")
			}
			dir, err := store.ContainerDir(b.Root, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.RemoveAll(dir); err != nil {
				t.Fatal(err)
			}
			r := harness.Run(t, clear, b.Argv(oshim, "exec", "--process", processFile(t, `{"bounding":["CAP_SETPCAP","CAP_SYS_ADMIN"],"effective":["CAP_SETPCAP","CAP_SYS_ADMIN"],"permitted":["CAP_SETPCAP","CAP_SYS_ADMIN"]}`), c.ID)...)
			if r.Code == 0 || strings.Contains(r.Stdout, "CapEff") || !strings.Contains(r.Stderr, "record is missing") {
				t.Errorf("exec without a record, after a stale mark: exit %d, stdout %q, stderr %q; want a refusal", r.Code, r.Stdout, r.Stderr)
			}
		})
	}
}
