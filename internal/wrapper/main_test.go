package wrapper

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// asOshim, set in a child's environment, makes the test binary run as oshim in runtime
// mode: the verbs exec the runtime, which would replace the test itself.
const asOshim = "OSHIM_WRAPPER_TEST_AS_OSHIM"

func TestMain(m *testing.M) {
	if os.Getenv(asOshim) == "1" {
		os.Exit(Main(os.Args[1:], "test", func() string { return "test" }, func(w io.Writer) { fmt.Fprintln(w, "usage") }))
	}
	// oshim copies the oshim-init beside itself into each container's init directory;
	// the (static) test binary stands in for it, copied, never run.
	if err := placeInit(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(m.Run())
}

func placeInit() error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	data, err := os.ReadFile(exe)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(filepath.Dir(exe), "oshim-init"), data, 0o755)
}

// fakeRuntime is a runtime named name (runc or crun, which decides the argument
// dialect) that logs each call's argv, one argument per line and a blank line after
// each call, copies a --process file it is given to process.json, prints the state in
// $dir/state.json for `state`, and exits 0.
type fakeRuntime struct {
	path, dir string
}

func newFakeRuntime(t *testing.T, name string) *fakeRuntime {
	t.Helper()
	dir := t.TempDir()
	rt := &fakeRuntime{path: filepath.Join(dir, name), dir: dir}
	script := `#!/bin/sh
d=` + dir + `
for a in "$@"; do printf '%s\n' "$a" >> $d/argv; done
echo >> $d/argv
prev=
for a in "$@"; do
	[ "$prev" = --process ] && cat "$a" > $d/process.json
	[ "$a" = state ] && cat $d/state.json 2>/dev/null
	prev=$a
done
[ "$1" = --version ] && echo "fakert version 1"
exit 0
`
	if err := os.WriteFile(rt.path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return rt
}

// calls are the argv of every call the runtime got.
func (rt *fakeRuntime) calls(t *testing.T) [][]string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(rt.dir, "argv"))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var out [][]string
	for _, block := range strings.Split(strings.TrimSuffix(string(data), "\n\n"), "\n\n") {
		if block != "" {
			out = append(out, strings.Split(block, "\n"))
		}
	}
	return out
}

// oshimRun runs the test binary as oshim with args, the runtime and the admin config
// text cfg (with run_dir set to runDir), in dir. It returns stderr and the exit status.
func oshimRun(t *testing.T, rt *fakeRuntime, cfg, runDir, dir string, args ...string) (string, int) {
	t.Helper()
	cfgPath := filepath.Join(t.TempDir(), "config.toml")
	body := fmt.Sprintf("runtime = %q\nrun_dir = %q\nocsf_log = \"\"\n%s", rt.path, runDir, cfg)
	if err := os.WriteFile(cfgPath, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), asOshim+"=1", "OSHIM_CONFIG="+cfgPath, "OSHIM_RUNTIME=")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		return stderr.String(), ee.ExitCode()
	case err != nil:
		t.Fatalf("run oshim: %v", err)
	}
	return stderr.String(), 0
}
