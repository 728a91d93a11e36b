package main

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/oshim/oshim/internal/records"
)

// The lifecycles measured: `run` of /bin/true in the foreground; the engines' create,
// start, wait for the exit, delete; and an exec session of /bin/true in a running
// container, as a health check or `kubectl exec` makes one.
const (
	LifecycleRun   = "run"
	LifecycleCycle = "create+start+delete"
	LifecycleExec  = "exec"
)

// Lifecycles are measured in this order within a round.
var Lifecycles = []string{LifecycleRun, LifecycleCycle, LifecycleExec}

// setup is one configuration: a runtime called directly, through the floor, or through
// oshim with one of the contracts.
type setup struct {
	Runtime  string
	Variant  string
	Build    string // which copy of which build, when two builds are compared
	Bin      string
	Env      []string
	State    string // the runtime's --root
	Template []byte // config.json of every bundle
}

// Name is "runtime/variant", with "@build" when two builds are compared.
func (s setup) Name() string { return withBuild(s.Runtime+"/"+s.Variant, s.Build) }

func withBuild(name, build string) string {
	if build == "" {
		return name
	}
	return name + "@" + build
}

// containerID is name made unique to the build when two builds are compared, as their
// containers share a runtime root.
func (s setup) containerID(name string) string {
	if s.Build == "" {
		return name
	}
	return name + "-" + s.Build
}

// argv is the call as an engine makes it: global --root, then the subcommand.
func (s setup) argv(args ...string) []string {
	return append([]string{s.Bin, "--root", s.State}, args...)
}

// Trial is one lifecycle of one container.
type Trial struct {
	// Wall is the whole lifecycle in ms, from the first call's start to the last one's
	// end (for create+start+delete it includes the container's own run until it exits).
	Wall float64
	// Steps are the parts of Wall in ms: run; or create, start, wait, delete.
	Steps map[string]float64
	// CPU is the user + system time of the calls, in ms.
	CPU float64
	// Faults are the calls' page faults.
	Faults float64
}

// trial runs one lifecycle of container id in a fresh bundle, then lets check look at
// the bundle (nil: no check) before the bundle is removed. An exec goes into the
// running container id, which execTargets started.
func trial(ws *workspace, l *launcher, s setup, lifecycle, id string, check func(bundle string) error) (Trial, error) {
	t := Trial{Steps: map[string]float64{}}
	step := func(name string, argv []string) error {
		r, err := l.call(argv, s.Env)
		t.Steps[name] = ms(r.Wall)
		t.CPU += ms(r.CPU)
		t.Faults += float64(r.Faults)
		if err != nil {
			return fmt.Errorf("%s %s of %s: %w", s.Name(), name, id, err)
		}
		return nil
	}
	if lifecycle == LifecycleExec {
		err := step("exec", s.argv("exec", id, "/bin/true"))
		t.Wall = t.Steps["exec"]
		return t, err
	}
	bundle, err := newBundle(ws, id, s.Template)
	if err != nil {
		return t, err
	}
	defer os.RemoveAll(bundle)
	start := time.Now()
	switch lifecycle {
	case LifecycleRun:
		if err := step("run", s.argv("run", "--bundle", bundle, id)); err != nil {
			return t, err
		}
	case LifecycleCycle:
		pidFile := filepath.Join(bundle, "pid")
		if err := step("create", s.argv("create", "--bundle", bundle, "--pid-file", pidFile, id)); err != nil {
			return t, err
		}
		if err := step("start", s.argv("start", id)); err != nil {
			return t, err
		}
		waited := time.Now()
		if err := waitExit(pidFile); err != nil {
			return t, fmt.Errorf("%s of %s: %w", s.Name(), id, err)
		}
		t.Steps["wait"] = ms(time.Since(waited))
		// --force as podman calls it; the container has exited, so nothing is killed.
		if err := step("delete", s.argv("delete", "--force", id)); err != nil {
			return t, err
		}
	default:
		return t, fmt.Errorf("unknown lifecycle %q", lifecycle)
	}
	t.Wall = ms(time.Since(start))
	if check != nil {
		if err := check(bundle); err != nil {
			return t, fmt.Errorf("%s %s of %s does not do what the configuration is for: %w", s.Name(), lifecycle, id, err)
		}
	}
	// Nothing deletes a `run` container through oshim, so its record stays until
	// max_records prunes it. Remove it, so every round finds the same run directory.
	// (delete removes the others' records: the parallel run counts what it leaves.)
	if lifecycle == LifecycleRun {
		if err := (records.Store{Dir: ws.RunDir}).Remove(s.State, id); err != nil {
			return t, fmt.Errorf("remove the record of %s: %w", id, err)
		}
	}
	return t, nil
}

// newBundle makes the bundle of container id, with config.json from template.
func newBundle(ws *workspace, id string, template []byte) (string, error) {
	bundle := filepath.Join(ws.Bundles, id)
	if err := os.Mkdir(bundle, 0o755); err != nil {
		return "", fmt.Errorf("create bundle: %w", err)
	}
	if err := os.WriteFile(filepath.Join(bundle, "config.json"), template, 0o644); err != nil {
		os.RemoveAll(bundle)
		return "", fmt.Errorf("write config.json: %w", err)
	}
	return bundle, nil
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
