package ociruntime

import (
	"errors"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/oshim/oshim/test/harness"
)

// script writes an executable shell script and returns it as a runtime.
func script(t *testing.T, body string) Runtime {
	t.Helper()
	path := filepath.Join(t.TempDir(), "rt")
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return Runtime{Path: path}
}

// Run hands back the runtime's exit status, 128+N for a death by signal N, and passes
// the runtime its arguments and the descriptors the engine preserved.
func TestRunStatus(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	tests := []struct {
		description string
		body        string
		want        int
	}{
		{description: "success", body: "exit 0", want: 0},
		{description: "exit status", body: "exit 42", want: 42},
		{description: "killed", body: "kill -KILL $$", want: 128 + 9},
		{description: "arguments and a preserved descriptor", body: `echo "$@" > ` + out + `; cat /dev/fd/$PRESERVED >> ` + out, want: 0},
	}
	for _, tc := range tests {
		for stop, name := range map[Stop]string{Relay: "relay", Finish: "finish"} {
			t.Run(tc.description+"/"+name, func(t *testing.T) {
				// An engine's --preserve-fds descriptor: open without close-on-exec.
				r, w, err := os.Pipe()
				if err != nil {
					t.Fatal(err)
				}
				defer r.Close()
				w.WriteString("preserved\n")
				w.Close()
				if _, err := unix.FcntlInt(r.Fd(), unix.F_SETFD, 0); err != nil {
					t.Fatal(err)
				}
				t.Setenv("PRESERVED", strconv.Itoa(int(r.Fd())))
				os.Remove(out)
				got, err := script(t, tc.body).Run([]string{"start", "c1"}, stop)
				if err != nil || got != tc.want {
					t.Fatalf("Run = %d, %v; want %d", got, err, tc.want)
				}
				if b, _ := os.ReadFile(out); strings.Contains(tc.body, out) && string(b) != "start c1\npreserved\n" {
					t.Errorf("the runtime got %q", b)
				}
			})
		}
	}
}

// A SIGTERM the engine sends oshim reaches the runtime, whose status Run returns. The
// relay starts catching while the runtime runs, so the signal is sent until it lands;
// the test's own handler keeps the earlier ones from ending the test. It stays
// registered for the rest of the test binary: a SIGTERM still on its way when Run
// returns reaches the relay with its child gone, and the relay raises it again, which
// must not end the test binary.
func TestRunRelaysSignals(t *testing.T) {
	mine := make(chan os.Signal, 1)
	signal.Notify(mine, syscall.SIGTERM)
	ready := filepath.Join(t.TempDir(), "ready")
	rt := script(t, "trap 'exit 7' TERM\ntouch "+ready+"\nwhile :; do sleep 0.05; done")
	done, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			select {
			case <-done:
				return
			default:
			}
			if _, err := os.Stat(ready); err == nil {
				syscall.Kill(os.Getpid(), syscall.SIGTERM)
			}
		}
	}()
	got, err := rt.Run(nil, Relay)
	close(done)
	<-stopped
	if err != nil || got != 7 {
		t.Fatalf("Run = %d, %v; want 7 from the relayed SIGTERM", got, err)
	}
}

const (
	// envSignalAfterRun makes the test binary run the runtime, then send itself SIGTERM.
	envSignalAfterRun = "OCIRUNTIME_TEST_SIGNAL_AFTER_RUN"
	// envRunFinish makes the test binary run the runtime with stop Finish and exit
	// with its status.
	envRunFinish = "OCIRUNTIME_TEST_RUN_FINISH"
)

func TestMain(m *testing.M) {
	if rt := os.Getenv(envSignalAfterRun); rt != "" {
		if _, err := (Runtime{Path: rt}).Run(nil, Relay); err != nil {
			os.Exit(3)
		}
		syscall.Kill(os.Getpid(), syscall.SIGTERM)
		time.Sleep(10 * time.Second)
		os.Exit(4)
	}
	if rt := os.Getenv(envRunFinish); rt != "" {
		code, err := (Runtime{Path: rt}).Run(nil, Finish)
		if err != nil {
			os.Exit(3)
		}
		os.Exit(code)
	}
	os.Exit(m.Run())
}

// startFinish starts the test binary running the runtime script body with stop
// Finish, and returns it once the script has written its pid and the stop signals
// are ignored.
func startFinish(t *testing.T, body string) (cmd *exec.Cmd, child int) {
	t.Helper()
	pidFile := filepath.Join(t.TempDir(), "pid")
	rt := script(t, "echo $$ > "+pidFile+".tmp && mv "+pidFile+".tmp "+pidFile+"\n"+body)
	cmd = exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), envRunFinish+"="+rt.Path)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	child = waitPid(t, pidFile)
	t.Cleanup(func() { syscall.Kill(child, syscall.SIGKILL) })
	for deadline := time.Now().Add(10 * time.Second); !harness.SignalIgnored(t, cmd.Process.Pid, syscall.SIGTERM); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("oshim does not ignore SIGTERM")
		}
	}
	return cmd, child
}

// With stop Finish, the stop signals do not stop the call: the runtime runs to its
// end, untouched, and Run returns its status.
func TestFinishIgnoresStopSignals(t *testing.T) {
	release := filepath.Join(t.TempDir(), "release")
	cmd, _ := startFinish(t, "while [ ! -e "+release+" ]; do sleep 0.01; done\nexit 5")
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP, syscall.SIGQUIT} {
		if err := cmd.Process.Signal(sig); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(release, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 5 {
		t.Fatalf("oshim ended with %v, want the runtime's exit status 5", err)
	}
}

// With stop Finish, SIGKILL ends oshim and the kernel kills the runtime with it: no
// runtime call outlives the oshim call the engine tracks.
func TestFinishKillTakesTheRuntime(t *testing.T) {
	cmd, child := startFinish(t, "exec sleep 30")
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	for deadline := time.Now().Add(10 * time.Second); harness.Running(child); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the runtime (pid %d) outlived oshim", child)
		}
	}
}

// waitPid waits for a runtime script to write its pid to path.
func waitPid(t *testing.T, path string) int {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if b, err := os.ReadFile(path); err == nil {
			pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			return pid
		}
	}
	t.Fatalf("the runtime did not start (no %s)", path)
	return 0
}

// Once the runtime is gone, a SIGTERM ends oshim as it would any program that does not
// catch it: the relay neither swallows it nor passes it to a pid that may be reused.
func TestSignalAfterRunEndsOshim(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	// The runtime lives long enough for the relay to be catching when it exits: the
	// SIGTERM then goes through the relay, not around it.
	cmd.Env = append(os.Environ(), envSignalAfterRun+"="+script(t, "sleep 0.3").Path)
	err := cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		t.Fatalf("the helper ended with %v, want death by SIGTERM", err)
	}
	if ws := ee.Sys().(syscall.WaitStatus); !ws.Signaled() || ws.Signal() != syscall.SIGTERM {
		t.Fatalf("the helper ended with %v, want death by SIGTERM", err)
	}
}

func TestRunMissingRuntime(t *testing.T) {
	if _, err := (Runtime{Path: "/nonexistent/rt"}).Run(nil, Finish); err == nil || !strings.Contains(err.Error(), "/nonexistent/rt") {
		t.Fatalf("err = %v, want one naming the runtime", err)
	}
}

// Exited polls readable once the runtime has exited, and not before, both as a pidfd
// and as the eventfd a kernel without pidfds gets; Wait still returns the status, and
// closes the descriptor only once nothing can write to its number.
func TestStartExited(t *testing.T) {
	for _, kernel := range []string{"pidfd", "no pidfd"} {
		t.Run(kernel, func(t *testing.T) {
			if kernel == "no pidfd" {
				pidfdOpen = func(int, int) (int, error) { return -1, unix.ENOSYS }
				t.Cleanup(func() { pidfdOpen = unix.PidfdOpen })
			}
			release := filepath.Join(t.TempDir(), "release")
			c, err := script(t, "while [ ! -e "+release+" ]; do sleep 0.02; done\nexit 5").Start(nil, Relay)
			if err != nil {
				t.Fatal(err)
			}
			fd := c.Exited()
			if fd < 0 {
				t.Fatal("Exited gave no descriptor")
			}
			if c.exitedFallback != (kernel == "no pidfd") {
				t.Fatalf("exited by eventfd = %t on a kernel with %s", c.exitedFallback, kernel)
			}
			poll := func(ms int) int {
				fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
				for {
					n, err := unix.Poll(fds, ms)
					if !errors.Is(err, unix.EINTR) {
						if err != nil {
							t.Fatal(err)
						}
						return n
					}
				}
			}
			if poll(100) != 0 {
				t.Fatal("Exited polls readable while the runtime runs")
			}
			if err := os.WriteFile(release, nil, 0o644); err != nil {
				t.Fatal(err)
			}
			if poll(10_000) != 1 {
				t.Fatal("Exited does not poll readable after the runtime exited")
			}
			if c.Exited() != fd {
				t.Fatal("a second Exited gave another descriptor")
			}
			got, err := c.Wait()
			if err != nil || got != 5 {
				t.Fatalf("Wait = %d, %v; want 5", got, err)
			}
			// The number is free again; whatever takes it hears nothing from the
			// goroutine that signalled it.
			var p [2]int
			if err := unix.Pipe2(p[:], unix.O_CLOEXEC|unix.O_NONBLOCK); err != nil {
				t.Fatal(err)
			}
			defer unix.Close(p[0])
			defer unix.Close(p[1])
			if p[1] != fd {
				if err := unix.Dup2(p[1], fd); err != nil {
					t.Fatal(err)
				}
				defer unix.Close(fd)
			}
			time.Sleep(50 * time.Millisecond)
			if n, _ := unix.Read(p[0], make([]byte, 16)); n > 0 {
				t.Fatalf("%d bytes were written to the closed descriptor's number after Wait", n)
			}
		})
	}
}
