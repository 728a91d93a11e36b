package matrix

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/oshim/oshim/test/harness"
	"github.com/oshim/oshim/test/procstatus"
)

// waitFor bounds every wait for a workload: a two-core machine runs many containers
// of the matrix at once, next to other tests.
const waitFor = 90 * time.Second

// registration is oshim registered with an engine for one real runtime and contract:
// the admin config, its OCSF file, and a script that runs oshim with the config.
type registration struct {
	config, ocsf, script string
}

// writer writes a file of an engine's test directory, owned by whoever runs the engine.
type writer func(t testing.TB, path string, data []byte, mode os.FileMode)

// rootWriter writes a file as root.
func rootWriter(t testing.TB, path string, data []byte, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, mode); err != nil {
		t.Fatal(err)
	}
}

// register writes, under dir, the admin config of contract k (a run directory and an
// OCSF file of its own) and a script that runs oshim with it and the real runtime rt.
// Engines give a runtime no environment of their own, so the script is what they are
// told to run. Its base name is "oshim": podman passes --log to runtimes by name.
func register(t testing.TB, write writer, dir, oshim, rt string, k kind) registration {
	t.Helper()
	base := filepath.Join(dir, rt+"-"+k.contractName())
	r := registration{config: base + ".toml", ocsf: base + ".ocsf.jsonl", script: filepath.Join(base, "oshim")}
	write(t, r.config, []byte(fmt.Sprintf("run_dir = %q\nocsf_log = %q\n\n%s", base+".run", r.ocsf, k.toml())), 0o644)
	write(t, r.script, []byte(fmt.Sprintf("#!/bin/sh\nOSHIM_CONFIG=%s OSHIM_RUNTIME=%s exec %s \"$@\"\n",
		r.config, harness.Runtime(t, rt), oshim)), 0o755)
	return r
}

// registrations registers every contract for every runtime, by runtime and contract.
func registrations(t testing.TB, write writer, dir, oshim string) map[string]map[kind]registration {
	t.Helper()
	out := map[string]map[kind]registration{}
	for _, rt := range runtimes {
		out[rt] = map[kind]registration{}
		for _, k := range contractKinds {
			out[rt][k] = register(t, write, dir, oshim, rt, k)
		}
	}
	return out
}

// skewEvent finds oshim's OCSF finding of the skew of container id (README, "OCSF
// events"): it outlives the container's record, which goes when the engine deletes the
// container, as podman and Docker do as soon as the workload exits.
func skewEvent(ocsfLog, id string) (*record, error) {
	data, err := os.ReadFile(ocsfLog)
	if err != nil {
		return nil, err
	}
	for _, line := range strings.Split(string(data), "\n") {
		var ev struct {
			FindingInfo struct {
				Types []string `json:"types"`
			} `json:"finding_info"`
			Resources []struct {
				UID string `json:"uid"`
			} `json:"resources"`
			Evidences []struct {
				Data struct {
					MissingCaps []string `json:"missing_caps"`
				} `json:"data"`
			} `json:"evidences"`
			Unmapped struct {
				Contract string `json:"contract"`
				OnSkew   string `json:"on_skew"`
			} `json:"unmapped"`
		}
		if json.Unmarshal([]byte(line), &ev) != nil || !slices.Contains(ev.FindingInfo.Types, "Capability Skew") ||
			len(ev.Resources) != 1 || ev.Resources[0].UID != id || len(ev.Evidences) != 1 {
			continue
		}
		return &record{Contract: ev.Unmapped.Contract, OnSkew: ev.Unmapped.OnSkew,
			Skew: "missing=" + strings.Join(ev.Evidences[0].Data.MissingCaps, ",")}, nil
	}
	return nil, fmt.Errorf("no Capability Skew finding of %s in %s", id, ocsfLog)
}

// noteSkew reads the OCSF finding of the skew of container id into o.
func (o *observation) noteSkew(ocsfLog, id string) {
	rec, err := skewEvent(ocsfLog, id)
	if err != nil {
		o.recordErr = err.Error()
		return
	}
	o.record = rec
}

// noteHost reads the held workload's status from the host's /proc into o.
func (o *observation) noteHost(pid int) {
	st, err := procstatus.Read(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		o.output += fmt.Sprintf("\n(host /proc of pid %d: %v)", pid, err)
		return
	}
	o.host = &st
}

// noteExec decodes capdump's output in an exec session into o.
func (o *observation) noteExec(r harness.Result) {
	if r.Code != 0 {
		o.execErr = fmt.Sprintf("exit status %d: %s %s", r.Code, r.Stdout, r.Stderr)
		return
	}
	st, err := procstatus.ParseJSON(r.Stdout)
	if err != nil {
		o.execErr = err.Error()
		return
	}
	o.exec = &st
}

// ran is what an engine's foreground run of the cell's container showed: the
// workload's output and exit status or, for a container that must not start, the
// engine's refusal.
func ran(c cell, r harness.Result) observation {
	if c.kind == deny {
		return observation{refused: r.Code != 0, message: r.Stderr, output: r.Stdout}
	}
	return observation{output: r.Stdout + r.Stderr, exit: r.Code}
}

// poll calls done every interval until it returns true or waitFor has passed, and
// reports which.
func poll(interval time.Duration, done func() bool) bool {
	deadline := time.Now().Add(waitFor)
	for {
		if done() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(interval)
	}
}

// waitLog waits until the engine's log file of the workload at path shows that the
// workload printed its state and went on (or failed), and reports whether it did.
// Reading the file costs nothing; asking the engine would start a process each time,
// and many cells wait at once.
func waitLog(c cell, path string) bool {
	return poll(100*time.Millisecond, func() bool {
		data, _ := os.ReadFile(path)
		return c.printed(string(data))
	})
}

// printed reports whether the workload's output (or an engine's log of it, which may
// quote it as JSON) shows that it printed its state and went on: capdump's line ends
// with its uid, the supervisor then says whether it cleared its bounding set.
func (c cell) printed(out string) bool {
	if c.kind == clear {
		return strings.Contains(out, "Uid")
	}
	return strings.Contains(out, clearedMsg) || strings.Contains(out, failedMsg)
}

// specChange compares the process of the config.json at path with what the engine was
// asked for: the cell's args, user, no_new_privs and capability lists, and no
// annotation of oshim's. It returns "" when they agree, and says in checked what it
// could compare.
func specChange(c cell, path string) (change, checked string) {
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return "", "config.json: removed by the engine after the failed create"
	}
	checked = "config.json's process as the engine wrote it, no io.oshim.* annotation"
	if err != nil {
		return err.Error(), checked
	}
	var s struct {
		Process struct {
			Args []string `json:"args"`
			User struct {
				UID int `json:"uid"`
			} `json:"user"`
			NoNewPrivileges bool                `json:"noNewPrivileges"`
			Capabilities    map[string][]string `json:"capabilities"`
		} `json:"process"`
		Annotations map[string]string `json:"annotations"`
	}
	if err := json.Unmarshal(data, &s); err != nil {
		return fmt.Sprintf("%s: %v", path, err), checked
	}
	var diffs []string
	if got := s.Process.Args; !slices.Equal(got, c.args()) {
		diffs = append(diffs, fmt.Sprintf("args %q, want %q", got, c.args()))
	}
	if got := s.Process.User.UID; got != c.uid {
		diffs = append(diffs, fmt.Sprintf("uid %d, want %d", got, c.uid))
	}
	if got := s.Process.NoNewPrivileges; got != c.nnp {
		diffs = append(diffs, fmt.Sprintf("noNewPrivileges %t, want %t", got, c.nnp))
	}
	lists, err := listsOf(s.Process.Capabilities)
	if err != nil {
		diffs = append(diffs, err.Error())
	} else if d := c.spec().diff(lists); len(d) > 0 {
		diffs = append(diffs, "capabilities: "+strings.Join(d, "; "))
	}
	for k := range s.Annotations {
		if strings.HasPrefix(k, "io.oshim.") {
			diffs = append(diffs, "annotation "+k+" added")
		}
	}
	sort.Strings(diffs)
	return strings.Join(diffs, "; "), checked
}

// listsOf reads a spec's process.capabilities into masks.
func listsOf(lists map[string][]string) (Sets, error) {
	var s Sets
	for key, m := range map[string]*procstatus.Mask{"bounding": &s.Bnd, "effective": &s.Eff, "permitted": &s.Prm, "inheritable": &s.Inh, "ambient": &s.Amb} {
		var err error
		if *m, err = maskOf(lists[key]); err != nil {
			return Sets{}, fmt.Errorf("capabilities.%s: %w", key, err)
		}
	}
	return s, nil
}

// maskOf turns capability names ("CAP_KILL") into a mask.
func maskOf(names []string) (procstatus.Mask, error) {
	var m procstatus.Mask
	for _, n := range names {
		i := slices.Index(capNames, strings.TrimPrefix(n, "CAP_"))
		if i < 0 || !strings.HasPrefix(n, "CAP_") {
			return 0, fmt.Errorf("unknown capability %q", n)
		}
		m |= 1 << i
	}
	return m, nil
}
