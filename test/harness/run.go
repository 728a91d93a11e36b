package harness

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// RunTimeout bounds every command Run starts; a hung runtime fails the test
// instead of the whole `go test` run.
const RunTimeout = 60 * time.Second

// wrapper runs "$@" in a private mount namespace (unshare's default
// propagation is private, so nothing reaches the host) from which the
// cgroup2 mount of the hybrid layout is removed: crun refuses the hybrid
// layout otherwise, and runc then sees the same cgroups as crun. Every call
// for one container must use it, so that create, start and delete agree.
const wrapper = `if mountpoint -q /sys/fs/cgroup/unified; then umount /sys/fs/cgroup/unified || exit 125; fi; exec "$@"`

// Result is what a command left behind.
type Result struct {
	Stdout string
	Stderr string
	Code   int // exit status; -1 when a signal ended it
}

// InitFailed reports whether a `run` whose init refuses to start the workload with
// status want ended as it must. oshim kills a container that holds a loan (lent says
// whether it does) as soon as the init reports anything but ok, and that kill races
// the init's own exit: the runtime then returns 128 + SIGKILL. A container without a
// loan is never killed for its report.
func (r Result) InitFailed(want int, lent bool) bool {
	return r.Code == want || lent && r.Code == 128+int(syscall.SIGKILL)
}

// Run runs argv (any program: a runtime, oshim, `su USER -c ...` for a
// rootless engine) in the wrapper's mount namespace and returns its output
// and exit status. The environment is the test's own without OSHIM_*
// variables (a developer's settings must not leak in), plus env
// ("KEY=value"). The command, status and output are logged, so they show
// when the test fails, like runc's sane_run. A timeout, or a command that
// cannot start, fails the test.
func Run(t testing.TB, env []string, argv ...string) Result {
	t.Helper()
	stdout, stderr := outputFiles(t, os.TempDir())
	defer os.Remove(stdout.Name())
	defer os.Remove(stderr.Name())
	return run(t, env, stdout, stderr, argv)
}

// RunOK is Run that fails the test unless the command exits 0.
func RunOK(t testing.TB, env []string, argv ...string) Result {
	t.Helper()
	r := Run(t, env, argv...)
	if r.Code != 0 {
		t.Fatalf("%s: exit status %d, want 0", argv[0], r.Code)
	}
	return r
}

// outputFiles creates the files a command's stdout and stderr go to. Files,
// not pipes: a detached container inherits them and keeps them open, and a
// pipe reader would wait for it to exit.
func outputFiles(t testing.TB, dir string) (stdout, stderr *os.File) {
	t.Helper()
	stdout, err := os.CreateTemp(dir, "stdout-")
	if err != nil {
		t.Fatal(err)
	}
	stderr, err = os.CreateTemp(dir, "stderr-")
	if err != nil {
		stdout.Close()
		os.Remove(stdout.Name())
		t.Fatal(err)
	}
	return stdout, stderr
}

// Command is the command Run runs for argv, not started: for a test that signals it
// while it runs. The wrapper execs argv, so the process is argv[0]'s own.
func Command(ctx context.Context, env []string, argv ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, "unshare", append([]string{"-m", "sh", "-c", wrapper, "sh"}, argv...)...)
	cmd.Env = append(environ(), env...)
	return cmd
}

// run starts argv with the given output files, which it closes; their
// contents are read back by name.
func run(t testing.TB, env []string, stdout, stderr *os.File, argv []string) Result {
	t.Helper()
	defer stdout.Close()
	defer stderr.Close()
	if len(argv) == 0 {
		t.Fatal("run: empty argv")
	}
	ctx, cancel := context.WithTimeout(context.Background(), RunTimeout)
	defer cancel()
	cmd := Command(ctx, env, argv...)
	cmd.Stdout = stdout
	cmd.Stderr = stderr

	start := time.Now()
	err := cmd.Run()
	elapsed := time.Since(start).Round(time.Millisecond)
	r := Result{Stdout: readOutput(t, stdout.Name()), Stderr: readOutput(t, stderr.Name())}
	var exitErr *exec.ExitError
	switch {
	case ctx.Err() != nil:
		logRun(t, env, argv, fmt.Sprintf("killed after %v", RunTimeout), r)
		t.Fatalf("%s: timed out after %v", argv[0], RunTimeout)
	case errors.As(err, &exitErr):
		r.Code = exitErr.ExitCode()
	case err != nil:
		t.Fatalf("run %s: %v", argv[0], err)
	}
	logRun(t, env, argv, fmt.Sprintf("exit status %d (%v)", r.Code, elapsed), r)
	return r
}

func readOutput(t testing.TB, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read command output: %v", err)
	}
	return string(data)
}

// environ is the test's environment without OSHIM_* settings.
func environ() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "OSHIM_") {
			env = append(env, kv)
		}
	}
	return env
}

func logRun(t testing.TB, env, argv []string, status string, r Result) {
	t.Helper()
	t.Logf("$ %s\n%s\nstdout:\n%s\nstderr:\n%s", shellQuote(append(append([]string{}, env...), argv...)), status, r.Stdout, r.Stderr)
}

// shellQuote joins words so that the logged command can be pasted into a
// shell.
func shellQuote(words []string) string {
	quoted := make([]string, len(words))
	for i, w := range words {
		if w != "" && strings.Trim(w, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@%") == "" {
			quoted[i] = w
			continue
		}
		quoted[i] = "'" + strings.ReplaceAll(w, "'", `'\''`) + "'"
	}
	return strings.Join(quoted, " ")
}
