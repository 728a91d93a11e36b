package docker

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oshim/oshim/install/presets"
	"github.com/oshim/oshim/internal/records"
	"github.com/oshim/oshim/test/harness"
	"github.com/oshim/oshim/test/procstatus"
)

// The workload the preset contract matches (test/workload/supervisor), and what it
// prints when it could, or could not, clear its bounding set.
const (
	supervisorPath = "/opt/openshell/bin/openshell-sandbox"
	image          = "localhost/oshim-test/supervisor:1"
	clearedMsg     = "bounding set cleared"
	failedMsg      = "Failed to clear capability bounding set"
)

// capSetpcap is CAP_SETPCAP's bit in a /proc/<pid>/status mask.
const capSetpcap = 8

// olderFlags create a container the way the older orchestrator did: root, without
// CAP_SETPCAP.
var olderFlags = []string{"--user", "0:0", "--cap-drop", "SETPCAP", "--security-opt", "no-new-privileges"}

// adminDaemonJSON is the admin's own daemon.json: install keeps every key, uninstall
// gives the file its bytes back.
const adminDaemonJSON = "{\n    \"log-level\": \"info\",\n    \"max-concurrent-downloads\": 2\n}\n"

// runtimes are the runtimes the test registers, each oshim with contracts of its own.
var runtimes = []struct{ name, contracts string }{
	{"oshim", string(presets.Config)},
	{"oshim-deny", strings.Replace(string(presets.Config), `on_skew = "repair"`, `on_skew = "deny"`, 1)},
	{"oshim-observe", "[[contract]]\nname = \"observe\"\nmatch.all = true\n"},
	{"oshim-clear", "[[contract]]\nname = \"clear\"\nmatch.all = true\nbounding = \"clear\"\nno_new_privs = true\n"},
}

// dockerTest is the daemon the subtests share and where each runtime keeps its records.
type dockerTest struct {
	*harness.Dockerd
	dir string
}

func (d dockerTest) store(runtime string) records.Store {
	return records.Store{Dir: filepath.Join(d.dir, "run-"+runtime)}
}

// TestDocker registers oshim with `oshim install docker` (one runtime per admin config,
// as an admin with several contract sets would), reloads dockerd, runs the cases in
// parallel, and uninstalls, which must give daemon.json its exact bytes back.
func TestDocker(t *testing.T) {
	dir := harness.NewDockerdDir(t)
	oshim, runc := harness.Oshim(t), harness.Runtime(t, "runc")
	if err := os.WriteFile(harness.DockerdConfig(dir), []byte(adminDaemonJSON), 0o644); err != nil {
		t.Fatal(err)
	}
	d := dockerTest{Dockerd: harness.StartDockerd(t, dir), dir: dir}
	d.Import(t, harness.Image{Ref: image, Files: map[string]string{supervisorPath: harness.Binary(t, "./test/workload/supervisor")}})

	install := func(op, name, binary string) {
		t.Helper()
		harness.RunOK(t, nil, oshim, op, "docker", "--config", d.Config, "--name", name, "--binary", binary,
			"--state-dir", filepath.Join(dir, "installed"), "--oshim-config", "")
	}
	for _, rt := range runtimes {
		// The shim gives oshim no environment of the caller's: a wrapper names the
		// runtime's config, and runc, which plain docker uses too.
		config := filepath.Join(dir, rt.name+".toml")
		settings := fmt.Sprintf("run_dir = %q\nocsf_log = %q\n", d.store(rt.name).Dir, filepath.Join(dir, rt.name+".ocsf.jsonl"))
		writeFile(t, config, settings+rt.contracts, 0o644)
		wrapper := filepath.Join(dir, rt.name)
		writeFile(t, wrapper, fmt.Sprintf("#!/bin/sh\nOSHIM_CONFIG=%s OSHIM_RUNTIME=%s exec %s \"$@\"\n", config, runc, oshim), 0o755)
		install("install", rt.name, wrapper)
	}
	d.Reload(t)
	d.waitRuntimes(t)

	t.Run("cases", func(t *testing.T) {
		t.Run("skewed supervisor", d.testSupervisor)
		t.Run("deny", d.testDeny)
		t.Run("exec capped", d.testExecCapped)
		t.Run("exec in a cleared container", d.testExecCleared)
	})

	for _, rt := range runtimes {
		if entries, err := d.store(rt.name).List(); err != nil || len(entries) > 0 {
			t.Errorf("runtime %s left records of removed containers (%v): %+v", rt.name, err, entries)
		}
	}
	for i := len(runtimes) - 1; i >= 0; i-- {
		install("uninstall", runtimes[i].name, filepath.Join(dir, runtimes[i].name))
	}
	if got, err := os.ReadFile(d.Config); err != nil || string(got) != adminDaemonJSON {
		t.Errorf("daemon.json after uninstall (%v):\n%s\nwant:\n%s", err, got, adminDaemonJSON)
	}
}

// waitRuntimes waits until dockerd, reloaded, knows every runtime.
func (d dockerTest) waitRuntimes(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var known map[string]json.RawMessage
		r := d.DockerOK(t, "info", "--format", "{{json .Runtimes}}")
		if err := json.Unmarshal([]byte(r.Stdout), &known); err != nil {
			t.Fatalf("docker info: %v", err)
		}
		missing := 0
		for _, rt := range runtimes {
			if _, ok := known[rt.name]; !ok {
				missing++
			}
		}
		if missing == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("dockerd did not load the runtimes after SIGHUP: %s", r.Stdout)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// The older orchestrator's container fails closed under plain runc and runs through
// oshim, repaired by the preset contract, with the skew in oshim's OCSF events.
func (d dockerTest) testSupervisor(t *testing.T) {
	t.Parallel()
	run := func(flags ...string) harness.Result {
		t.Helper()
		return d.Docker(t, append(append(append([]string{"run", "--rm"}, flags...), olderFlags...), image, supervisorPath)...)
	}
	if r := run(); r.Code == 0 || !strings.Contains(r.Stderr, failedMsg) {
		t.Errorf("plain runc: status %d, want a failure saying %q", r.Code, failedMsg)
	}
	if r := run("--runtime", "oshim"); r.Code != 0 || !strings.Contains(r.Stdout, clearedMsg) {
		t.Errorf("--runtime oshim: status %d, want %q", r.Code, clearedMsg)
	}
	events, err := os.ReadFile(filepath.Join(d.dir, "oshim.ocsf.jsonl"))
	if err != nil || !strings.Contains(string(events), "Capability Skew") {
		t.Errorf("no skew finding among oshim's OCSF events (%v):\n%s", err, events)
	}
}

// A deny contract's reason reaches `docker run`: the shim passes oshim --log FILE
// --log-format json and builds its error from what oshim writes there.
func (d dockerTest) testDeny(t *testing.T) {
	t.Parallel()
	args := append(append([]string{"run", "--rm", "--runtime", "oshim-deny"}, olderFlags...), image, supervisorPath)
	r := d.Docker(t, args...)
	want := `contract "sandbox-supervisor": the spec withholds CAP_SETPCAP, which the workload requires (on_skew=deny)`
	if r.Code == 0 || !strings.Contains(r.Stderr, "OCI runtime create failed") || !strings.Contains(r.Stderr, want) {
		t.Errorf("docker run under a deny contract: status %d, stderr %q; want the runtime's error %q", r.Code, r.Stderr, want)
	}
	if strings.Contains(r.Stdout, clearedMsg) || strings.Contains(r.Stderr, failedMsg) {
		t.Errorf("the workload ran under a deny contract")
	}
}

// container starts `sleep 600` detached under runtime ("" for plain runc) with flags,
// removed when the test ends, and returns its name and its main process's state.
func (d dockerTest) container(t *testing.T, runtime string, flags ...string) (string, procstatus.Status) {
	t.Helper()
	name := strings.NewReplacer("/", "-", " ", "-").Replace(t.Name())
	args := []string{"run", "--detach", "--name", name}
	if runtime != "" {
		args = append(args, "--runtime", runtime)
	}
	d.DockerOK(t, append(append(args, flags...), image, "sleep", "600")...)
	t.Cleanup(func() { d.Docker(t, "rm", "--force", name) })
	return name, harness.ProcStatus(t, d.pid(t, name, "sleep 600"))
}

// pid waits for the process args of the container and returns its host pid.
func (d dockerTest) pid(t *testing.T, name, args string) int {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if pids := d.ContainerPids(t, name, args); len(pids) == 1 {
			return pids[0]
		}
		if time.Now().After(deadline) {
			t.Fatalf("no process %q in container %s", args, name)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// exec starts `sleep 601` in the container with docker exec and returns its state,
// read from the host; ok is false when docker refused to start it.
func (d dockerTest) exec(t *testing.T, name string, flags ...string) (procstatus.Status, bool) {
	t.Helper()
	args := append(append([]string{"exec", "--detach"}, flags...), name, "sleep", "601")
	if r := d.Docker(t, args...); r.Code != 0 {
		return procstatus.Status{}, false
	}
	return harness.ProcStatus(t, d.pid(t, name, "sleep 601")), true
}

// A privileged exec session asks for every capability. Plain runc gives it what the
// spec withheld (or, on a host whose bounding set lacks some, cannot start it); through
// oshim it gets no capability the main process was not given.
func (d dockerTest) testExecCapped(t *testing.T) {
	t.Parallel()
	t.Run("plain runc", func(t *testing.T) {
		name, _ := d.container(t, "", olderFlags...)
		if s, ok := d.exec(t, name, "--privileged"); ok && !s.Eff.Has(capSetpcap) {
			t.Errorf("plain runc's privileged exec lacks CAP_SETPCAP (%v): this test shows nothing", s)
		}
	})
	t.Run("oshim", func(t *testing.T) {
		name, main := d.container(t, "oshim-observe", olderFlags...)
		s, ok := d.exec(t, name, "--privileged")
		if !ok {
			t.Fatal("docker exec --privileged through oshim failed")
		}
		for _, set := range []struct {
			name       string
			exec, main procstatus.Mask
		}{{"inheritable", s.Inh, main.Inh}, {"permitted", s.Prm, main.Prm}, {"effective", s.Eff, main.Eff}, {"bounding", s.Bnd, main.Bnd}, {"ambient", s.Amb, main.Amb}} {
			if set.exec.Has(capSetpcap) {
				t.Errorf("exec session holds CAP_SETPCAP in its %s set, which the spec withheld: %v", set.name, s)
			}
			if set.exec&^set.main != 0 {
				t.Errorf("exec session's %s set %v holds what the main process's %v lacks", set.name, set.exec, set.main)
			}
		}
	})
}

// In a container whose contract clears the bounding set, exec sessions start with none
// either, and no capability at all; under plain runc they get the spec's bounding set.
func (d dockerTest) testExecCleared(t *testing.T) {
	t.Parallel()
	t.Run("plain runc", func(t *testing.T) {
		name, _ := d.container(t, "", olderFlags...)
		if s, ok := d.exec(t, name); !ok || s.Bnd == 0 {
			t.Errorf("plain runc's exec session: started %t, %v; want the spec's bounding set", ok, s)
		}
	})
	t.Run("oshim", func(t *testing.T) {
		name, main := d.container(t, "oshim-clear", olderFlags...)
		if main.Bnd != 0 {
			t.Errorf("main process: %v, want an empty bounding set", main)
		}
		s, ok := d.exec(t, name)
		if !ok {
			t.Fatal("docker exec through oshim failed")
		}
		if s.Bnd != 0 || s.Eff != 0 || s.Prm != 0 || s.Inh != 0 || s.Amb != 0 {
			t.Errorf("exec session in a cleared container: %v, want no capability", s)
		}
	})
}

func writeFile(t *testing.T, path, content string, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
}
