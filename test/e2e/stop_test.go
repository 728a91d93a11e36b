package e2e

// What an engine's signals do to a start of a contracted container: oshim runs the
// runtime's start as its child to collect the init's report, and must not leave it
// running when the engine gives up on the call.

import (
	"context"
	"encoding/json"
	"errors"
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

// TestKilledStartTakesTheRuntime: an engine whose timeout kills a start (SIGKILL), or
// that stops it (SIGTERM), ends oshim by that signal, and the runtime's start dies
// with it, as the runtime would had the engine called it directly: no runtime call
// outlives the call the engine tracks.
func TestKilledStartTakesTheRuntime(t *testing.T) {
	for _, rt := range runtimes {
		for _, sig := range []syscall.Signal{syscall.SIGKILL, syscall.SIGTERM} {
			t.Run(rt+"/"+sig.String(), func(t *testing.T) {
				t.Parallel()
				oshim := harness.Oshim(t)
				b := capdumpBundle(t, rt)
				env := initEnv(t, b, clearContract())
				createHeld(t, b, env, oshim)

				start := harness.Command(context.Background(), env, b.Argv(oshim, "start", b.ID)...)
				if err := start.Start(); err != nil {
					t.Fatal(err)
				}
				child := waitChild(t, start.Process.Pid)
				if err := start.Process.Signal(sig); err != nil {
					t.Fatal(err)
				}
				err := start.Wait()
				var ee *exec.ExitError
				if !errors.As(err, &ee) || !ee.Sys().(syscall.WaitStatus).Signaled() || ee.Sys().(syscall.WaitStatus).Signal() != sig {
					t.Fatalf("oshim start ended with %v, want death by %v", err, sig)
				}
				for deadline := time.Now().Add(10 * time.Second); harness.Running(child); time.Sleep(10 * time.Millisecond) {
					if time.Now().After(deadline) {
						t.Fatalf("%s start (pid %d) outlived oshim start", rt, child)
					}
				}
			})
		}
	}
}

// createHeld creates the container through oshim so that the runtime's start of it
// blocks until the test ends. crun runs poststart hooks in start, so a hook that sleeps
// holds it; runc 1.1 runs them in create, and its start instead waits for the
// container's init to answer on the exec FIFO, which a stopped init never does.
func createHeld(t *testing.T, b *harness.Bundle, env []string, oshim string) {
	t.Helper()
	hookPid := filepath.Join(t.TempDir(), "hook.pid")
	if filepath.Base(b.Runtime) == "crun" {
		b.Jq(t, `.hooks.poststart = [{path: "/bin/sh", args: ["sh", "-c", $s]}]`, "--arg", "s",
			fmt.Sprintf("echo $$ > %[1]s.tmp && mv %[1]s.tmp %[1]s && exec sleep 60", hookPid))
		t.Cleanup(func() {
			if b, err := os.ReadFile(hookPid); err == nil {
				if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil {
					syscall.Kill(pid, syscall.SIGKILL)
				}
			}
		})
	}
	harness.RunOK(t, env, b.Argv(oshim, "create", "--bundle", b.Dir, b.ID)...)
	if filepath.Base(b.Runtime) == "runc" {
		pid := statePid(t, b)
		if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
			t.Fatal(err)
		}
		// Before the bundle's cleanup deletes the container.
		t.Cleanup(func() { syscall.Kill(pid, syscall.SIGCONT) })
	}
}

// statePid is the pid the runtime's state gives the container.
func statePid(t *testing.T, b *harness.Bundle) int {
	t.Helper()
	var state struct {
		Pid int `json:"pid"`
	}
	out := harness.RunOK(t, nil, b.Argv(b.Runtime, "state", b.ID)...).Stdout
	if err := json.Unmarshal([]byte(out), &state); err != nil || state.Pid <= 0 {
		t.Fatalf("state %s: pid %d, %v", out, state.Pid, err)
	}
	return state.Pid
}

// waitChild waits for process parent to have a child, the runtime it runs, and
// returns its pid.
func waitChild(t *testing.T, parent int) int {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
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
