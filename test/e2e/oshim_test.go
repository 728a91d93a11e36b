package e2e

// Tests of oshim's contract behaviour, against the CLI contract: oshim takes
// the runtime's own command line, with OSHIM_RUNTIME naming the real runtime
// and OSHIM_CONFIG the contract file (testdata/*.toml). Each runs for crun
// and runc, on a supervisor bundle whose spec withholds CAP_SETPCAP.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/oshim/oshim/test/harness"
)

const (
	contractName = "sandbox-supervisor"
	clearedMsg   = "bounding set cleared"
	failedMsg    = "Failed to clear capability bounding set"
	denyMsg      = `contract "sandbox-supervisor": the spec withholds CAP_SETPCAP, which the workload requires (on_skew=deny)`
)

// oshimEnv points oshim at the bundle's real runtime and at the contracts of
// testdata/<mode>.toml, with a run_dir of the test's own: the tests delete their
// containers with the plain runtime, whose records must not pile up in /run/oshim.
func oshimEnv(t *testing.T, b *harness.Bundle, mode string) []string {
	t.Helper()
	contracts, err := os.ReadFile(filepath.Join("testdata", mode+".toml"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	config := filepath.Join(dir, "config.toml")
	head := fmt.Sprintf("run_dir = %q\n", filepath.Join(dir, "run"))
	if err := os.WriteFile(config, append([]byte(head), contracts...), 0o644); err != nil {
		t.Fatal(err)
	}
	return []string{"OSHIM_RUNTIME=" + b.Runtime, "OSHIM_CONFIG=" + config}
}

// runArgv is `BIN --root ROOT run --bundle DIR ID`.
func runArgv(bin string, b *harness.Bundle, id string) []string {
	return b.Argv(bin, "run", "--bundle", b.Dir, id)
}

// annotation returns config.json's annotation key, and whether it is there.
func annotation(t *testing.T, b *harness.Bundle, key string) (string, bool) {
	t.Helper()
	var v *string
	if err := json.Unmarshal([]byte(b.Query(t, ".annotations[$k]", "--arg", "k", key)), &v); err != nil {
		t.Fatalf("annotation %s: %v", key, err)
	}
	if v == nil {
		return "", false
	}
	return *v, true
}

// wantAnnotation fails unless config.json has annotation key = want.
func wantAnnotation(t *testing.T, b *harness.Bundle, key, want string) {
	t.Helper()
	if got, ok := annotation(t, b, key); !ok || got != want {
		t.Errorf("annotation %s = %q (present %t), want %q", key, got, ok, want)
	}
}

// wantRepaired fails unless io.oshim.repair says what was repaired.
func wantRepaired(t *testing.T, b *harness.Bundle) {
	t.Helper()
	if got, ok := annotation(t, b, "io.oshim.repair"); !ok || got == "" || got == "none" {
		t.Errorf("annotation io.oshim.repair = %q (present %t), want a repair", got, ok)
	}
}

// listsWith reports, per capability list of config.json, whether it holds
// name.
func listsWith(t *testing.T, b *harness.Bundle, name string) map[string]bool {
	t.Helper()
	var lists map[string]bool
	out := b.Query(t, `.process.capabilities | map_values(any(.[]; . == $c))`, "--arg", "c", name)
	if err := json.Unmarshal([]byte(out), &lists); err != nil {
		t.Fatalf("capability lists: %v", err)
	}
	return lists
}

func wantInLists(t *testing.T, b *harness.Bundle, name string, lists ...string) {
	t.Helper()
	has := listsWith(t, b, name)
	for _, l := range lists {
		if !has[l] {
			t.Errorf("process.capabilities.%s lacks %s: %s", l, name, b.Query(t, ".process.capabilities"))
		}
	}
}

// wantPlainFailure runs the bundle with the real runtime under another id:
// the skewed spec must make the supervisor exit 1.
func wantPlainFailure(t *testing.T, b *harness.Bundle) {
	t.Helper()
	r := harness.Run(t, nil, runArgv(b.Runtime, b, b.ID+"-plain")...)
	if r.Code != 1 || !strings.Contains(r.Stderr, failedMsg) {
		t.Fatalf("the plain runtime: exit %d, stderr %q; want exit 1 with %q", r.Code, r.Stderr, failedMsg)
	}
}

// a) on_skew = "repair": oshim adds CAP_SETPCAP and the supervisor starts.
func TestOshimRepair(t *testing.T) {
	for _, rt := range runtimes {
		t.Run(rt, func(t *testing.T) {
			t.Parallel()
			oshim := harness.Oshim(t)
			b := supervisorBundle(t, rt)
			// First, while config.json is still the skewed original.
			wantPlainFailure(t, b)

			r := harness.Run(t, oshimEnv(t, b, "repair"), runArgv(oshim, b, b.ID)...)
			if r.Code != 0 || !strings.Contains(r.Stdout, clearedMsg) {
				t.Errorf("oshim run: exit %d, stdout %q; want exit 0 with %q", r.Code, r.Stdout, clearedMsg)
			}
			wantAnnotation(t, b, "io.oshim.contract", contractName)
			wantAnnotation(t, b, "io.oshim.skew", "missing=CAP_SETPCAP")
			wantRepaired(t, b)
			// A root process keeps CAP_SETPCAP effective only with all three.
			wantInLists(t, b, "CAP_SETPCAP", "bounding", "permitted", "effective")
		})
	}
}

// b) on_skew = "deny": oshim refuses before the runtime creates anything.
func TestOshimDeny(t *testing.T) {
	for _, rt := range runtimes {
		t.Run(rt, func(t *testing.T) {
			t.Parallel()
			oshim := harness.Oshim(t)
			b := supervisorBundle(t, rt)
			before := b.Config(t)

			r := harness.Run(t, oshimEnv(t, b, "deny"), runArgv(oshim, b, b.ID)...)
			if r.Code == 0 {
				t.Error("oshim run: exit 0, want a failure")
			}
			if !strings.Contains(r.Stderr, denyMsg) {
				t.Errorf("oshim run: stderr %q, want it to contain %q", r.Stderr, denyMsg)
			}
			if after := b.Config(t); !bytes.Equal(before, after) {
				t.Errorf("config.json changed:\nbefore %s\nafter  %s", before, after)
			}
			if st := harness.Run(t, nil, b.Argv(b.Runtime, "state", b.ID)...); st.Code == 0 {
				t.Errorf("container %s exists after a denial: %s", b.ID, st.Stdout)
			}
		})
	}
}

// c) on_skew = "report": oshim only records the skew; the workload fails as
// it does with the plain runtime.
func TestOshimReport(t *testing.T) {
	for _, rt := range runtimes {
		t.Run(rt, func(t *testing.T) {
			t.Parallel()
			oshim := harness.Oshim(t)
			b := supervisorBundle(t, rt)
			capsBefore := b.Query(t, ".process.capabilities")

			r := harness.Run(t, oshimEnv(t, b, "report"), runArgv(oshim, b, b.ID)...)
			if r.Code != 1 || !strings.Contains(r.Stderr, failedMsg) {
				t.Errorf("oshim run: exit %d, stderr %q; want exit 1 with %q", r.Code, r.Stderr, failedMsg)
			}
			wantAnnotation(t, b, "io.oshim.skew", "missing=CAP_SETPCAP")
			wantAnnotation(t, b, "io.oshim.repair", "none")
			if capsAfter := b.Query(t, ".process.capabilities"); capsAfter != capsBefore {
				t.Errorf("capabilities changed:\nbefore %s\nafter  %s", capsBefore, capsAfter)
			}
		})
	}
}

// d) A process no contract matches passes through untouched.
func TestOshimNoMatch(t *testing.T) {
	for _, rt := range runtimes {
		t.Run(rt, func(t *testing.T) {
			t.Parallel()
			oshim := harness.Oshim(t)
			b := harness.NewBundle(t, harness.Runtime(t, rt))
			b.SetArgs(t, "/bin/true")
			b.Jq(t, withoutSetpcap)
			before := b.Config(t)

			harness.RunOK(t, oshimEnv(t, b, "repair"), runArgv(oshim, b, b.ID)...)
			if after := b.Config(t); !bytes.Equal(before, after) {
				t.Errorf("config.json changed:\nbefore %s\nafter  %s", before, after)
			}
		})
	}
}

// e) A repair keeps fields oshim does not know, with their exact values:
// a top-level vendor object (large integers, 1e400, escapes, written
// verbatim, not through jq, which would round the integer) and
// process.futureField.
func TestOshimUnknownFields(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "io.example.x.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := decodeNumbers(t, raw)
	for _, rt := range runtimes {
		t.Run(rt, func(t *testing.T) {
			t.Parallel()
			oshim := harness.Oshim(t)
			b := supervisorBundle(t, rt)
			b.Jq(t, ".process.futureField = 1")
			addTopLevel(t, b, "io.example.x", raw)
			// The supervisor's own error proves the runtime accepted the file.
			wantPlainFailure(t, b)

			r := harness.Run(t, oshimEnv(t, b, "repair"), runArgv(oshim, b, b.ID)...)
			if r.Code != 0 || !strings.Contains(r.Stdout, clearedMsg) {
				t.Errorf("oshim run: exit %d, stdout %q; want exit 0 with %q", r.Code, r.Stdout, clearedMsg)
			}
			wantRepaired(t, b)
			config := decodeNumbers(t, b.Config(t)).(map[string]any)
			if got := config["io.example.x"]; !reflect.DeepEqual(got, want) {
				t.Errorf("io.example.x = %v, want %v", got, want)
			}
			process, _ := config["process"].(map[string]any)
			if got := process["futureField"]; got != json.Number("1") {
				t.Errorf("process.futureField = %#v, want 1", got)
			}
		})
	}
}

// addTopLevel inserts "key": raw as the first member of config.json, as
// text.
func addTopLevel(t *testing.T, b *harness.Bundle, key string, raw []byte) {
	t.Helper()
	config := b.Config(t)
	if !bytes.HasPrefix(config, []byte("{")) {
		t.Fatalf("config.json does not start with {")
	}
	k, err := json.Marshal(key)
	if err != nil {
		t.Fatal(err)
	}
	member := append(append(append(k, ':'), bytes.TrimSpace(raw)...), ',')
	edited := append(append([]byte("{"), member...), config[1:]...)
	if err := os.WriteFile(b.ConfigPath(), edited, 0o644); err != nil {
		t.Fatal(err)
	}
}

// decodeNumbers decodes JSON keeping each number's literal text, so
// 18446744073709551615 and 1e400 compare exactly.
func decodeNumbers(t *testing.T, data []byte) any {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// f) An exec session into a repaired container holds nothing the main
// process lacks, set by set, although its process.json asks for
// CAP_SYS_ADMIN (TestExecWithoutOshim shows the plain runtimes grant it).
// The main process has cleared its own bounding set, so the exec session's
// must be empty too.
func TestOshimExec(t *testing.T) {
	for _, rt := range runtimes {
		t.Run(rt, func(t *testing.T) {
			t.Parallel()
			oshim := harness.Oshim(t)
			// The main process is capdump at the supervisor's path: it holds what it
			// was given at start and changes nothing itself, so its /proc is the limit.
			b := supervisorBundle(t, rt, "-hold")
			b.Install(t, harness.Binary(t, "./test/workload/capdump"), supervisorPath)
			// What an engine sends: the original (skewed) process, plus a cap.
			process := execProcess(t, b)
			env := oshimEnv(t, b, "repair")

			c := harness.Start(t, env, oshim, b)
			c.WaitOutput(t, "\n")
			main := harness.ProcStatus(t, c.Pid)
			// 0x100: CAP_SETPCAP
			if !main.Eff.Has(capSetpcap) {
				t.Errorf("main process lacks CAP_SETPCAP after the repair: %v", main)
			}

			r := harness.RunOK(t, env, b.Argv(oshim, "exec", "--process", process, b.ID)...)
			exec := parseCapdump(t, r.Stdout)
			if extra := outside(exec, main); len(extra) > 0 {
				t.Errorf("exec session holds %v beyond the main process\nexec %v\nmain %v", extra, exec, main)
			}
			// 0x200000: CAP_SYS_ADMIN was in process.json and must be gone.
			if exec.Eff.Has(capSysAdmin) || exec.Bnd.Has(capSysAdmin) {
				t.Errorf("exec session holds CAP_SYS_ADMIN: %v", exec)
			}
		})
	}
}

// g) A non-root workload keeps CAP_SETPCAP only through the ambient set, so
// the repair must add it to all five lists.
func TestOshimAmbient(t *testing.T) {
	for _, rt := range runtimes {
		t.Run(rt, func(t *testing.T) {
			t.Parallel()
			oshim := harness.Oshim(t)
			b := supervisorBundle(t, rt, "-hold")
			b.Jq(t, `.process.user = {"uid": 1000, "gid": 1000}`)
			all := []int{capKill, capNetBindService}
			setCaps(t, b, specCaps{Bounding: all, Effective: all, Permitted: all, Inheritable: all, Ambient: all})
			wantPlainFailure(t, b)

			c := harness.Start(t, oshimEnv(t, b, "repair"), oshim, b)
			c.WaitOutput(t, clearedMsg)
			st := harness.ProcStatus(t, c.Pid)
			if st.UID != 1000 {
				t.Errorf("uid %d, want 1000", st.UID)
			}
			// Bit 8, CAP_SETPCAP (0x100), in every set but the bounding one,
			// which the supervisor has just cleared.
			for _, set := range []struct {
				name string
				has  bool
			}{
				{"CapAmb", st.Amb.Has(capSetpcap)},
				{"CapInh", st.Inh.Has(capSetpcap)},
				{"CapPrm", st.Prm.Has(capSetpcap)},
				{"CapEff", st.Eff.Has(capSetpcap)},
			} {
				if !set.has {
					t.Errorf("%s lacks bit 8 (CAP_SETPCAP): %v", set.name, st)
				}
			}
			wantInLists(t, b, "CAP_SETPCAP", "bounding", "effective", "permitted", "inheritable", "ambient")
		})
	}
}
