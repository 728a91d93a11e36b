package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// stderrTail is how much of a program's stderr a result keeps.
const stderrTail = 2000

// Config is one runtime configuration the suite runs against.
type Config struct {
	Name string `json:"name"`
	// Runtime is what the programs get as RUNTIME.
	Runtime string `json:"runtime"`
	// Env is added to every program's environment.
	Env []string `json:"env"`
	// About says what the configuration shows.
	About string `json:"about"`
}

// runner runs validation programs from the suite's directory.
type runner struct {
	suite   *suite
	tmp     string // TMPDIR of the programs: their bundles go there
	timeout time.Duration
}

// run runs one program against one configuration and collects its TAP output.
func (r *runner) run(program string, cfg Config) (*Run, error) {
	stdout, err := os.CreateTemp(r.tmp, "stdout-")
	if err != nil {
		return nil, fmt.Errorf("create output file: %w", err)
	}
	defer os.Remove(stdout.Name())
	defer stdout.Close()
	stderr, err := os.CreateTemp(r.tmp, "stderr-")
	if err != nil {
		return nil, fmt.Errorf("create output file: %w", err)
	}
	defer os.Remove(stderr.Name())
	defer stderr.Close()
	ctx, cancel := context.WithTimeout(context.Background(), r.timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(r.suite.Bin, program))
	cmd.Dir = r.suite.Bin
	cmd.Env = append(programEnv(r.tmp), "RUNTIME="+cfg.Runtime)
	cmd.Env = append(cmd.Env, cfg.Env...)
	// Files, not pipes: a container or hook that inherits them would keep a pipe open.
	cmd.Stdout, cmd.Stderr = stdout, stderr
	// Its own process group, so a timeout stops the runtimes it started too.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	start := time.Now()
	err = cmd.Run()
	res := &Run{Config: cfg.Name, Seconds: time.Since(start).Seconds()}
	var exitErr *exec.ExitError
	switch {
	case ctx.Err() != nil:
		res.Exit = -1
	case errors.As(err, &exitErr):
		res.Exit = exitErr.ExitCode()
	case err != nil:
		return nil, fmt.Errorf("run %s: %w", program, err)
	}
	out, err := os.ReadFile(stdout.Name())
	if err != nil {
		return nil, fmt.Errorf("read the output of %s: %w", program, err)
	}
	res.TAP = ParseTAP(string(out))
	errText, err := os.ReadFile(stderr.Name())
	if err != nil {
		return nil, fmt.Errorf("read the stderr of %s: %w", program, err)
	}
	res.Stderr = tail(string(errText), stderrTail)
	if ctx.Err() != nil {
		res.Stderr = fmt.Sprintf("killed after %v\n%s", r.timeout, res.Stderr)
	}
	return res, nil
}

// programEnv is the environment of every program: this process's, without oshim's
// settings (a developer's would leak in), with TMPDIR for the bundles.
func programEnv(tmp string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "OSHIM_") && !strings.HasPrefix(kv, "RUNTIME=") && !strings.HasPrefix(kv, "TMPDIR=") && !strings.HasPrefix(kv, "RESTORESPEC_") {
			env = append(env, kv)
		}
	}
	return append(env, "TMPDIR="+tmp)
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "..." + s[len(s)-n:]
}

// testCgroups are the cgroups the suite's programs create at fixed paths (its
// cgroups.AbsCgroupPath, and the parent of RelCgroupPath below the runtime's own
// cgroup). A run that fails half-way leaves them behind, and the next run of the same
// program would find them.
var testCgroups = []string{"cgrouptest", "testdir"}

// cleanupCgroups removes those cgroups, deepest first, in every v1 hierarchy this
// process is in. Busy cgroups (a container still in them) stay; they are reported.
func cleanupCgroups() error {
	f, err := os.Open("/proc/self/cgroup")
	if err != nil {
		return fmt.Errorf("read own cgroups: %w", err)
	}
	defer f.Close()
	var errs []error
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// "ID:controllers:path"; v2's line has no controllers and its mount is gone.
		parts := strings.SplitN(sc.Text(), ":", 3)
		if len(parts) != 3 || parts[1] == "" {
			continue
		}
		mount := filepath.Join("/sys/fs/cgroup", strings.TrimPrefix(parts[1], "name="))
		for _, base := range []string{mount, filepath.Join(mount, parts[2])} {
			for _, name := range testCgroups {
				if err := removeCgroupTree(filepath.Join(base, name)); err != nil {
					errs = append(errs, err)
				}
			}
		}
	}
	return errors.Join(errs...)
}

// removeCgroupTree removes a cgroup and its children with rmdir: a cgroup directory
// holds only kernel files, which rmdir takes along.
func removeCgroupTree(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("clean up cgroup %s: %w", dir, err)
	}
	for _, e := range entries {
		if e.IsDir() {
			if err := removeCgroupTree(filepath.Join(dir, e.Name())); err != nil {
				return err
			}
		}
	}
	if err := syscall.Rmdir(dir); err != nil && !errors.Is(err, syscall.ENOENT) {
		return fmt.Errorf("clean up cgroup %s: %w", dir, err)
	}
	return nil
}
