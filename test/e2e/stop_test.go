package e2e

// What an engine's signals do to a start of a contracted container: oshim runs the
// runtime's start as its child to collect the init's report, and must not leave it
// running when the engine gives up on the call.

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/oshim/oshim/test/harness"
)

// startHeld starts `oshim start` of a cleared container whose runtime start is held
// (see createHeld), and returns it with its runtime child once oshim ignores the stop
// signals.
func startHeld(t *testing.T, rt string) (s heldStart) {
	t.Helper()
	s.oshim = harness.Oshim(t)
	s.b = capdumpBundle(t, rt)
	s.env = initEnv(t, s.b, clearContract())
	s.release = createHeld(t, s.b, s.env, s.oshim)
	s.cmd = harness.Command(context.Background(), s.env, s.b.Argv(s.oshim, "start", s.b.ID)...)
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s.runtime = waitChild(t, s.cmd.Process.Pid, s.oshim)
	// The four are ignored one after the other once the runtime is forked.
	for _, sig := range stopSignals {
		for deadline := time.Now().Add(10 * time.Second); !harness.SignalIgnored(t, s.cmd.Process.Pid, sig); time.Sleep(5 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("oshim start does not ignore %v", sig)
			}
		}
	}
	return s
}

// stopSignals are the signals an engine stops a runtime call with.
var stopSignals = []syscall.Signal{syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP, syscall.SIGQUIT}

type heldStart struct {
	oshim   string
	b       *harness.Bundle
	env     []string
	release func()
	cmd     *exec.Cmd // oshim start
	runtime int       // the runtime's start, oshim's child
}

// TestStartFinishesDespiteStopSignals: an engine's stop signals do not interrupt a
// start: it finishes, collects the init's report and records its verdict, so no
// container starts past oshim's check because the engine signalled the call.
func TestStartFinishesDespiteStopSignals(t *testing.T) {
	for _, rt := range runtimes {
		t.Run(rt, func(t *testing.T) {
			t.Parallel()
			s := startHeld(t, rt)
			for _, sig := range stopSignals {
				if err := s.cmd.Process.Signal(sig); err != nil {
					t.Fatal(err)
				}
			}
			if !harness.Running(s.runtime) {
				t.Fatalf("%s start (pid %d) was stopped", rt, s.runtime)
			}
			s.release()
			if err := s.cmd.Wait(); err != nil {
				t.Fatalf("oshim start ended with %v, want success", err)
			}
			r := harness.RunOK(t, s.env, s.b.Argv(s.oshim, "state", s.b.ID)...)
			if !strings.Contains(r.Stdout, `"io.oshim.result": "ok: bnd=none`) {
				t.Errorf("oshim state lacks the init's ok result:\n%s", r.Stdout)
			}
		})
	}
}

// TestKilledStartTakesTheRuntime: an engine whose timeout kills a start with SIGKILL
// kills the runtime's start with it, as it would have killed the runtime called
// directly: no runtime call outlives the call the engine tracks.
func TestKilledStartTakesTheRuntime(t *testing.T) {
	for _, rt := range runtimes {
		t.Run(rt, func(t *testing.T) {
			t.Parallel()
			s := startHeld(t, rt)
			if err := s.cmd.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			s.cmd.Wait()
			for deadline := time.Now().Add(10 * time.Second); harness.Running(s.runtime); time.Sleep(10 * time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatalf("%s start (pid %d) outlived oshim start", rt, s.runtime)
				}
			}
		})
	}
}

// createHeld creates the container through oshim so that the runtime's start of it
// blocks until release is called (or the test ends). crun runs poststart hooks in
// start, so a hook that waits holds it; runc 1.1 runs them in create, and its start
// instead waits for the container's init to answer on the exec FIFO, which a stopped
// init does only once it is continued.
func createHeld(t *testing.T, b *harness.Bundle, env []string, oshim string) (release func()) {
	t.Helper()
	if filepath.Base(b.Runtime) == "runc" {
		harness.RunOK(t, env, b.Argv(oshim, "create", "--bundle", b.Dir, b.ID)...)
		pid := harness.StatePid(t, harness.RunOK(t, nil, b.Argv(b.Runtime, "state", b.ID)...).Stdout)
		if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
			t.Fatal(err)
		}
		release = func() { syscall.Kill(pid, syscall.SIGCONT) }
		// Before the bundle's cleanup deletes the container.
		t.Cleanup(release)
		return release
	}
	gate := filepath.Join(t.TempDir(), "release")
	b.Jq(t, `.hooks.poststart = [{path: "/bin/sh", args: ["sh", "-c", $s]}]`, "--arg", "s",
		fmt.Sprintf("while [ ! -e %s ]; do sleep 0.02; done", gate))
	release = func() { os.WriteFile(gate, nil, 0o644) }
	t.Cleanup(release)
	harness.RunOK(t, env, b.Argv(oshim, "create", "--bundle", b.Dir, b.ID)...)
	return release
}

// waitChild waits for process parent to be oshim and to have a child, the runtime it
// runs, and returns its pid. Before parent execs oshim it is the harness's shell,
// whose own children (mountpoint) are not the runtime.
func waitChild(t *testing.T, parent int, oshim string) int {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if exe, _ := os.Readlink(fmt.Sprintf("/proc/%d/exe", parent)); exe != oshim {
			continue
		}
		stats, _ := filepath.Glob("/proc/[0-9]*/stat")
		for _, path := range stats {
			b, err := os.ReadFile(path)
			if err != nil {
				continue
			}
			// pid (comm) state ppid ...: comm may hold spaces, the fields after it not.
			s := string(b)
			f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
			if len(f) > 1 && f[1] == strconv.Itoa(parent) {
				pid, _ := strconv.Atoi(filepath.Base(filepath.Dir(path)))
				return pid
			}
		}
	}
	t.Fatalf("oshim (pid %d) started no runtime", parent)
	return 0
}
