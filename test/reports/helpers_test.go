package reports

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oshim/oshim/internal/caps"
	"github.com/oshim/oshim/internal/ocsf/ocsfcheck"
	"github.com/oshim/oshim/internal/records"
	"github.com/oshim/oshim/test/harness"
	"github.com/oshim/oshim/test/procstatus"
)

// runtimes are the real OCI runtimes every test runs against.
var runtimes = []string{"crun", "runc"}

// Where the workloads live in the rootfs.
const (
	supervisorPath = "/opt/openshell/bin/openshell-sandbox"
	capdumpPath    = "/usr/local/bin/capdump"
	clearedMsg     = "bounding set cleared"
)

// seccompDeniesDrop makes prctl(PR_CAPBSET_DROP) (option 24) fail with EPERM.
const seccompDeniesDrop = `{"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_X86_64"],
	"syscalls":[{"names":["prctl"],"action":"SCMP_ACT_ERRNO","errnoRet":1,
	"args":[{"index":0,"value":24,"op":"SCMP_CMP_EQ"}]}]}`

// setup is one test's admin config, run directory and OCSF file.
type setup struct {
	config, runDir, ocsf string
	env                  []string
}

// newSetup writes an admin config with a private run directory, a private OCSF file,
// the extra top-level keys and the contracts, for the bundle's real runtime.
func newSetup(t *testing.T, b *harness.Bundle, extra, contracts string) setup {
	t.Helper()
	dir := t.TempDir()
	s := setup{config: filepath.Join(dir, "config.toml"), runDir: filepath.Join(dir, "run"), ocsf: filepath.Join(dir, "log", "ocsf.jsonl")}
	body := fmt.Sprintf("run_dir = %q\nocsf_log = %q\n%s\n%s", s.runDir, s.ocsf, extra, contracts)
	if err := os.WriteFile(s.config, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	s.env = []string{"OSHIM_RUNTIME=" + b.Runtime, "OSHIM_CONFIG=" + s.config}
	return s
}

// contract is a [[contract]] named name for the test workloads, with extra keys.
func contract(name, extra string) string {
	return fmt.Sprintf("[[contract]]\nname = %q\n%s\n[contract.match]\ncommands = ['^%s$', '^%s$']\n", name, extra, capdumpPath, supervisorPath)
}

// capdumpBundle runs capdump (with args) as the main process.
func capdumpBundle(t *testing.T, rt string, args ...string) *harness.Bundle {
	t.Helper()
	b := harness.NewBundle(t, harness.Runtime(t, rt))
	b.Install(t, harness.Binary(t, "./test/workload/capdump"), capdumpPath)
	b.SetArgs(t, append([]string{capdumpPath}, args...)...)
	return b
}

// supervisorBundle runs the supervisor from a spec that withholds CAP_SETPCAP.
func supervisorBundle(t *testing.T, rt string) *harness.Bundle {
	t.Helper()
	b := harness.NewBundle(t, harness.Runtime(t, rt))
	b.Install(t, harness.Binary(t, "./test/workload/supervisor"), supervisorPath)
	b.SetArgs(t, supervisorPath)
	b.Jq(t, `.process.capabilities |= with_entries(.value -= ["CAP_SETPCAP"])`)
	return b
}

// record reads a container's record the way an operator does: `oshim report ID --json`.
func record(t *testing.T, s setup, b *harness.Bundle, id string) *records.Container {
	t.Helper()
	r := harness.RunOK(t, s.env, harness.Oshim(t), "report", id, "--root", b.Root, "--json")
	var c records.Container
	if err := json.Unmarshal([]byte(r.Stdout), &c); err != nil {
		t.Fatalf("oshim report --json: %v\n%s", err, r.Stdout)
	}
	return &c
}

// masks converts a record's sets of names into /proc masks.
func masks(t *testing.T, sets map[string][]string) procstatus.Status {
	t.Helper()
	m := func(key string) procstatus.Mask {
		names, ok := sets[key]
		if !ok {
			t.Fatalf("no %s set in %v", key, sets)
		}
		s, unknown, err := caps.ParseNames(names)
		if err != nil || len(unknown) > 0 {
			t.Fatalf("%s set %v: %v, unknown %v", key, names, err, unknown)
		}
		return procstatus.Mask(s)
	}
	return procstatus.Status{Inh: m("inheritable"), Prm: m("permitted"), Eff: m("effective"), Bnd: m("bounding"), Amb: m("ambient")}
}

// sameCaps fails unless the five sets agree.
func sameCaps(t *testing.T, what string, got, want procstatus.Status) {
	t.Helper()
	for _, s := range []struct {
		name      string
		got, want procstatus.Mask
	}{
		{"CapInh", got.Inh, want.Inh}, {"CapPrm", got.Prm, want.Prm}, {"CapEff", got.Eff, want.Eff},
		{"CapBnd", got.Bnd, want.Bnd}, {"CapAmb", got.Amb, want.Amb},
	} {
		if s.got != s.want {
			t.Errorf("%s: %s = %v %v, /proc says %v %v", what, s.name, s.got, s.got.Bits(), s.want, s.want.Bits())
		}
	}
}

// ocsfEvent is what the tests read back from an OCSF line.
type ocsfEvent struct {
	ClassUID int    `json:"class_uid"`
	Message  string `json:"message"`
	Evidence []struct {
		Data map[string]any `json:"data"`
	} `json:"evidences"`
	Unmapped struct {
		Kind     string `json:"oshim_kind"`
		Contract string `json:"contract"`
	} `json:"unmapped"`
	Device struct {
		Container *struct {
			UID string `json:"uid"`
		} `json:"container"`
	} `json:"device"`
	Resources []struct {
		UID string `json:"uid"`
	} `json:"resources"`
}

// containerID is the container an event is about: the affected resource of a
// Detection Finding, device.container of a config change.
func (e ocsfEvent) containerID() string {
	if len(e.Resources) > 0 {
		return e.Resources[0].UID
	}
	if e.Device.Container != nil {
		return e.Device.Container.UID
	}
	return ""
}

// readOCSF checks every line of an OCSF file against the OCSF schema and returns the
// events; a missing file has none.
func readOCSF(t *testing.T, path string) []ocsfEvent {
	t.Helper()
	schema, err := ocsfcheck.Load()
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []ocsfEvent
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if errs := schema.Check(sc.Bytes()); len(errs) > 0 {
			t.Errorf("OCSF event does not match the schema of its class:\n  %s\n%s", strings.Join(errs, "\n  "), sc.Bytes())
		}
		var ev ocsfEvent
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			t.Fatalf("OCSF line: %v\n%s", err, sc.Bytes())
		}
		out = append(out, ev)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// kindsOf lists the events' kinds for container id.
func kindsOf(events []ocsfEvent, id string) []string {
	var kinds []string
	for _, e := range events {
		if e.containerID() == id {
			kinds = append(kinds, e.Unmapped.Kind)
		}
	}
	return kinds
}
