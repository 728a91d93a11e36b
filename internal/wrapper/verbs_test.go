package wrapper

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/oshim/oshim/internal/records"
)

const repairNoInit = `[[contract]]
name = "sv"
match.all = true
require = ["CAP_SETPCAP"]
init = false
`

// bundle is a bundle directory with testdata/config.json, edited by edit.
func bundle(t *testing.T, edit func(map[string]any)) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "config.json"))
	if err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		var m map[string]any
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatal(err)
		}
		edit(m)
		if data, err = json.Marshal(m); err != nil {
			t.Fatal(err)
		}
	}
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "rootfs"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "config.json"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func annotate(kv map[string]string) func(map[string]any) {
	return func(m map[string]any) {
		a := map[string]any{}
		for k, v := range kv {
			a[k] = v
		}
		m["annotations"] = a
	}
}

func TestCreate(t *testing.T) {
	tests := []struct {
		description string
		cfg         string
		edit        func(map[string]any)
		wantCode    int
		wantStderr  string
		wantCalled  bool
		wantRecord  bool
		// wantMarked: the container is marked as created without a contract.
		wantMarked bool
		wantSpec   func(t *testing.T, before, after []byte)
	}{
		{
			description: "a repair rewrites the spec, records the container and calls the runtime with the same argv",
			cfg:         repairNoInit, wantCalled: true, wantRecord: true,
			wantSpec: func(t *testing.T, before, after []byte) {
				if !bytes.Contains(after, []byte(`"io.oshim.skew":"missing=CAP_SETPCAP"`)) || !bytes.Contains(after, []byte(`"CAP_SETPCAP"`)) {
					t.Errorf("spec not repaired: %s", after)
				}
			},
		},
		{
			description: "deny never calls the runtime and leaves the spec as it was",
			cfg:         strings.Replace(repairNoInit, "init = false", `on_skew = "deny"`, 1), wantCode: 1,
			wantStderr: `the spec withholds CAP_SETPCAP, which the workload requires (on_skew=deny)`,
			wantSpec:   func(t *testing.T, before, after []byte) { sameBytes(t, before, after) },
		},
		{
			description: "no contract applies: the spec stays byte for byte",
			cfg:         strings.Replace(repairNoInit, "match.all = true", `match.commands = ['^/nothing$']`, 1), wantCalled: true, wantMarked: true,
			wantSpec: func(t *testing.T, before, after []byte) { sameBytes(t, before, after) },
		},
		{
			description: "no contract at all: the spec is not read",
			cfg:         "", wantCalled: true, wantMarked: true,
			wantSpec: func(t *testing.T, before, after []byte) { sameBytes(t, before, after) },
		},
		{
			description: "forged io.oshim annotations are removed even without a contract",
			cfg:         strings.Replace(repairNoInit, "match.all = true", `match.commands = ['^/nothing$']`, 1), wantCalled: true, wantMarked: true,
			edit: annotate(map[string]string{"io.oshim.result": "ok: forged", "io.oshim.skew": "none", "io.oshim.record": "precreate-x", "keep": "me"}),
			wantSpec: func(t *testing.T, before, after []byte) {
				if bytes.Contains(after, []byte("io.oshim.")) || !bytes.Contains(after, []byte(`"keep":"me"`)) {
					t.Errorf("spec after scrubbing: %s", after)
				}
			},
		},
		{
			description: "a contract in report mode lends and grants nothing",
			cfg:         strings.Replace(repairNoInit, "init = false", "init = false\non_skew = \"report\"", 1), wantCalled: true, wantRecord: true,
			wantSpec: func(t *testing.T, before, after []byte) {
				if bytes.Contains(after, []byte(`"CAP_SETPCAP"`)) {
					t.Errorf("report mode granted: %s", after)
				}
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.description, func(t *testing.T) {
			rt := newFakeRuntime(t, "runc")
			b := bundle(t, tc.edit)
			before, _ := os.ReadFile(filepath.Join(b, "config.json"))
			runDir := filepath.Join(t.TempDir(), "run")
			args := []string{"--root", "/run/r", "create", "--bundle", b, "--pid-file", "/p", "c1"}
			stderr, code := oshimRun(t, rt, tc.cfg, runDir, b, args...)
			if code != tc.wantCode || !strings.Contains(stderr, tc.wantStderr) {
				t.Fatalf("exit %d, stderr %q; want %d and %q", code, stderr, tc.wantCode, tc.wantStderr)
			}
			calls := rt.calls(t)
			if tc.wantCalled && (len(calls) == 0 || !reflect.DeepEqual(calls[len(calls)-1], args)) {
				t.Errorf("runtime calls %q, want the last to be %q", calls, args)
			}
			if !tc.wantCalled {
				for _, c := range calls {
					if len(c) > 2 && c[2] == "create" {
						t.Errorf("runtime was called: %q", calls)
					}
				}
			}
			store := records.Store{Dir: runDir}
			_, found, err := store.Load("/run/r", "c1")
			if err != nil || found != tc.wantRecord {
				t.Errorf("record found %t (%v), want %t", found, err, tc.wantRecord)
			}
			if marked := store.Marked("/run/r", "c1"); marked != tc.wantMarked {
				t.Errorf("marked %t, want %t", marked, tc.wantMarked)
			}
			after, _ := os.ReadFile(filepath.Join(b, "config.json"))
			if !bytes.Equal(before, after) {
				var compact bytes.Buffer
				if err := json.Compact(&compact, after); err != nil {
					t.Fatalf("spec %s: %v", after, err)
				}
				after = compact.Bytes()
			}
			tc.wantSpec(t, before, after)
		})
	}
}

func sameBytes(t *testing.T, before, after []byte) {
	t.Helper()
	if !bytes.Equal(before, after) {
		t.Errorf("spec changed:\n%s\nwant\n%s", after, before)
	}
}

// created makes container c1 under the repair contract through oshim, and returns the
// runtime, the run directory and the bundle.
func created(t *testing.T, cfg string) (*fakeRuntime, string, string) {
	t.Helper()
	rt := newFakeRuntime(t, "runc")
	b := bundle(t, nil)
	runDir := filepath.Join(t.TempDir(), "run")
	if stderr, code := oshimRun(t, rt, cfg, runDir, b, "create", "--bundle", b, "c1"); code != 0 {
		t.Fatalf("create: exit %d: %s", code, stderr)
	}
	return rt, runDir, b
}

func TestExec(t *testing.T) {
	main := `"bounding":["CAP_AUDIT_WRITE","CAP_KILL","CAP_NET_BIND_SERVICE","CAP_SETPCAP"]`
	tests := []struct {
		description string
		process     string // "" for an exec with a command
		args        []string
		wantCode    int
		wantStderr  string
		wantProcess []string // substrings of the process the runtime got
		wantArgv    []string
	}{
		{
			description: "a process file without capabilities gets the main process's, written out",
			process:     `{"args":["/bin/grep","Cap","/proc/self/status"],"cwd":"/","user":{"uid":0,"gid":0}}`,
			wantProcess: []string{main, `"ambient":["CAP_AUDIT_WRITE","CAP_KILL","CAP_NET_BIND_SERVICE"]`, `"args":["/bin/grep","Cap","/proc/self/status"]`},
			wantArgv:    []string{"exec", "--detach", "--process", "FD", "--", "c1"},
		},
		{
			description: "a command is written into a process file, from the container's spec as runc builds it",
			args:        []string{"exec", "-t", "--env", "A=1", "--cwd", "/tmp", "c1", "sh", "-c", "id"},
			wantProcess: []string{`"args":["sh","-c","id"]`, `"terminal":true`, `"cwd":"/tmp"`, `"A=1"`, `"TERM=xterm"`, main},
			wantArgv:    []string{"exec", "--process", "FD", "--", "c1"},
		},
		{
			description: "exec --cap is refused",
			args:        []string{"exec", "--cap", "CAP_SYS_ADMIN", "c1", "sh"},
			wantCode:    1, wantStderr: "refused, its capabilities come from contract",
		},
	}
	for _, tc := range tests {
		t.Run(tc.description, func(t *testing.T) {
			rt, runDir, b := created(t, repairNoInit)
			args := tc.args
			if tc.process != "" {
				p := filepath.Join(t.TempDir(), "process.json")
				if err := os.WriteFile(p, []byte(tc.process), 0o600); err != nil {
					t.Fatal(err)
				}
				args = []string{"exec", "--detach", "--process", p, "c1"}
			}
			stderr, code := oshimRun(t, rt, repairNoInit, runDir, b, args...)
			if code != tc.wantCode || !strings.Contains(stderr, tc.wantStderr) {
				t.Fatalf("exit %d, stderr %q; want %d and %q", code, stderr, tc.wantCode, tc.wantStderr)
			}
			calls := rt.calls(t)
			last := calls[len(calls)-1]
			if tc.wantCode != 0 {
				if last[0] == "exec" {
					t.Fatalf("the runtime ran %q", last)
				}
				return
			}
			for i, a := range last {
				if strings.HasPrefix(a, "/proc/self/fd/") {
					last[i] = "FD"
				}
			}
			if !reflect.DeepEqual(last, tc.wantArgv) {
				t.Errorf("runtime argv %q, want %q", last, tc.wantArgv)
			}
			raw, err := os.ReadFile(filepath.Join(rt.dir, "process.json"))
			if err != nil {
				t.Fatal(err)
			}
			var compact bytes.Buffer
			if err := json.Compact(&compact, raw); err != nil {
				t.Fatalf("process %s: %v", raw, err)
			}
			got := compact.String()
			for _, w := range tc.wantProcess {
				if !strings.Contains(got, w) {
					t.Errorf("process %s\nlacks %s", got, w)
				}
			}
		})
	}
}

// TestExecWithoutRecord: a container whose spec carries oshim's annotations but whose
// record is gone gets no exec session; one oshim never touched execs as usual.
func TestExecWithoutRecord(t *testing.T) {
	for _, tc := range []struct {
		state    string
		wantCode int
	}{
		{state: `{"id":"c1","status":"running","bundle":"/b","annotations":{"io.oshim.contract":"sv"}}`, wantCode: 1},
		{state: `{"id":"c1","status":"running","bundle":"/b","annotations":{}}`},
	} {
		rt := newFakeRuntime(t, "crun")
		if err := os.WriteFile(filepath.Join(rt.dir, "state.json"), []byte(tc.state), 0o644); err != nil {
			t.Fatal(err)
		}
		stderr, code := oshimRun(t, rt, repairNoInit, filepath.Join(t.TempDir(), "run"), t.TempDir(), "exec", "c1", "sh")
		if code != tc.wantCode {
			t.Fatalf("state %s: exit %d (%s), want %d", tc.state, code, stderr, tc.wantCode)
		}
		calls := rt.calls(t)
		if ran := calls[len(calls)-1][0] == "exec"; ran != (tc.wantCode == 0) {
			t.Errorf("state %s: runtime calls %q", tc.state, calls)
		}
	}
}

// TestExecMarked: an exec into a container oshim created without a contract goes
// straight to the runtime, without asking for the container's state first, until the
// container is deleted.
func TestExecMarked(t *testing.T) {
	cfg := strings.Replace(repairNoInit, "match.all = true", `match.commands = ['^/nothing$']`, 1)
	rt, runDir, b := created(t, cfg)
	if err := os.WriteFile(filepath.Join(rt.dir, "state.json"), []byte(`{"id":"c1","status":"running","bundle":"/b","annotations":{}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"exec", "c1", "sh"}, {"delete", "c1"}, {"exec", "c1", "sh"}} {
		if stderr, code := oshimRun(t, rt, cfg, runDir, b, args...); code != 0 {
			t.Fatalf("%q: exit %d: %s", args, code, stderr)
		}
	}
	var verbs []string
	for _, c := range rt.calls(t) {
		verbs = append(verbs, c[0])
	}
	if want := []string{"create", "exec", "delete", "state", "exec"}; !reflect.DeepEqual(verbs, want) {
		t.Errorf("runtime calls %q, want %q: only the exec after the delete asks the state", verbs, want)
	}
}

func TestStateAndDelete(t *testing.T) {
	rt, runDir, b := created(t, repairNoInit)
	store := records.Store{Dir: runDir}
	rec, _, err := store.Load("", "c1")
	if err != nil {
		t.Fatal(err)
	}
	rec.Result = &records.Measured{OK: true, Summary: "ok: measured", Received: time.Now()}
	if err := store.Save(rec); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(rt.dir, "state.json"), []byte(`{"id":"c1","annotations":{"a":"b"}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if stderr, code := oshimRun(t, rt, repairNoInit, runDir, b, "state", "c1"); code != 0 {
		t.Fatalf("state: exit %d: %s", code, stderr)
	}
	if stderr, code := oshimRun(t, rt, repairNoInit, runDir, b, "delete", "--force", "c1"); code != 0 {
		t.Fatalf("delete: exit %d: %s", code, stderr)
	}
	if _, found, _ := store.Load("", "c1"); found {
		t.Error("the record survived delete")
	}
	calls := rt.calls(t)
	if !reflect.DeepEqual(calls[len(calls)-1], []string{"delete", "--force", "c1"}) {
		t.Errorf("runtime calls %q", calls)
	}
}
