package wrapper

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/sirupsen/logrus"

	"github.com/oshim/oshim/internal/config"
	"github.com/oshim/oshim/internal/report"
	"github.com/oshim/oshim/internal/report/ocsfcheck"
	"github.com/oshim/oshim/internal/rewrite"
	"github.com/oshim/oshim/internal/runtimeargs"
	"github.com/oshim/oshim/internal/spec"
)

// testWrapper is a wrapper for container c1 whose config writes OCSF events to ocsf
// and whose log goes to the returned buffer.
func testWrapper(t *testing.T, cfgText string) (*Wrapper, *bytes.Buffer) {
	t.Helper()
	cfg, err := config.Parse([]byte(cfgText))
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	log := logrus.New()
	log.SetOutput(&logs)
	return &Wrapper{
		Inv:    &runtimeargs.Invocation{Command: "create", ID: "c1", Bundle: "/b/c1"},
		Config: cfg, Log: log, Version: "1.2.3",
	}, &logs
}

// events reads an OCSF file, checks every line against the schema, and returns the
// oshim_kind of each event.
func events(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	schema, err := ocsfcheck.Load()
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if errs := schema.Check(sc.Bytes()); len(errs) > 0 {
			t.Fatalf("event does not match OCSF: %q\n%s", errs, sc.Bytes())
		}
		var ev struct {
			Metadata struct {
				Product struct{ Version string }
			}
			Unmapped map[string]any
		}
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			t.Fatal(err)
		}
		if ev.Metadata.Product.Version != "1.2.3" {
			t.Errorf("metadata.product.version %q", ev.Metadata.Product.Version)
		}
		kinds = append(kinds, ev.Unmapped["oshim_kind"].(string))
	}
	return kinds
}

func TestReportRewrite(t *testing.T) {
	withoutSetpcap := []string{"CAP_KILL"}
	tests := []struct {
		name     string
		contract string
		uid      uint32
		want     []string
	}{
		{name: "repair", contract: "require = [\"CAP_SETPCAP\"]\ninit = false", want: []string{"skew-found", "spec-repaired"}},
		{name: "repair and clear: nothing lent to root", contract: "require = [\"CAP_SETPCAP\"]\nbounding = \"clear\"", want: []string{"skew-found", "spec-repaired"}},
		{name: "clear without require: a loan", contract: "bounding = \"clear\"", want: []string{"caps-lent"}},
		{name: "non-root repair and loan", contract: "require = [\"CAP_NET_ADMIN\"]\nbounding = \"clear\"", uid: 1000, want: []string{"skew-found", "spec-repaired", "caps-lent"}},
		{name: "report changes nothing", contract: "require = [\"CAP_SETPCAP\"]\non_skew = \"report\"\ninit = false", want: []string{"skew-found"}},
		{name: "deny reports the skew", contract: "require = [\"CAP_SETPCAP\"]\non_skew = \"deny\"", want: []string{"skew-found"}},
		{name: "no skew, no loan", contract: "require = [\"CAP_KILL\"]\ninit = false"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "ocsf.jsonl")
			w, logs := testWrapper(t, "ocsf_log = \""+path+"\"\n[[contract]]\nname = \"k\"\nmatch.all = true\n"+tt.contract+"\n")
			proc := &specs.Process{Args: []string{"/sv"}, User: specs.User{UID: tt.uid}, Capabilities: &specs.LinuxCapabilities{
				Bounding: withoutSetpcap, Effective: withoutSetpcap, Permitted: withoutSetpcap,
			}}
			c, err := w.Config.Set.Select("/sv", nil)
			if err != nil {
				t.Fatal(err)
			}
			pl := rewrite.NewPlan(c, proc)
			w.reportSkew(c, proc, pl)
			if pl.Err() == nil {
				w.reportRewrite(c, proc, pl, pl.Repair())
			}
			if got := events(t, path); !slices.Equal(got, tt.want) {
				t.Fatalf("events %v, want %v", got, tt.want)
			}
			if logs.Len() > 0 {
				t.Errorf("logged: %s", logs.String())
			}
		})
	}
}

func TestReportResult(t *testing.T) {
	tests := []struct {
		name string
		m    report.Measured
		want []string
	}{
		{name: "ok", m: report.Measured{OK: true, Probe: "ok"}},
		{name: "probe denied", m: report.Measured{Step: "probe PR_CAPBSET_DROP", Probe: "denied", Message: "EPERM", Seccomp: 2, LSM: "none"}, want: []string{"probe-denied"}},
		{name: "bounding drop denied", m: report.Measured{Step: "apply", Probe: "ok", Message: "drop-bounding CAP_CHOWN: operation not permitted (errno 1, EPERM)"}, want: []string{"probe-denied"}},
		{name: "verification failed", m: report.Measured{Step: "verify", Probe: "ok", Message: "x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "ocsf.jsonl")
			w, _ := testWrapper(t, "ocsf_log = \""+path+"\"\n")
			m := tt.m
			m.Received = time.Now()
			w.reportResult(&report.Container{ID: "c1", Arg0: "/sv", Contract: "k", OnSkew: "repair"}, &m)
			if got := events(t, path); !slices.Equal(got, tt.want) {
				t.Fatalf("events %v, want %v", got, tt.want)
			}
		})
	}
}

// TestEmitFailureOnlyWarns: an unwritable OCSF file is logged and nothing else.
func TestEmitFailureOnlyWarns(t *testing.T) {
	blocker := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	w, logs := testWrapper(t, "ocsf_log = \""+filepath.Join(blocker, "ocsf.jsonl")+"\"\n")
	w.emit(report.Finding{Kind: report.SkewFound, ContainerID: "c1", Caps: []string{"CAP_SETPCAP"}, Time: time.Now()})
	if !strings.Contains(logs.String(), "level=warning") || !strings.Contains(logs.String(), "could not write OCSF events") {
		t.Fatalf("log %q, want a warning", logs.String())
	}
}

// TestEmitOff: ocsf_log = "" without syslog sends nothing, and says nothing about it.
func TestEmitOff(t *testing.T) {
	w, logs := testWrapper(t, "ocsf_log = \"\"\n")
	w.emit(report.Finding{Kind: "not a kind", ContainerID: "c1", Time: time.Now()})
	if sink := w.Config.OCSFSink(); sink.Path != "" || sink.Syslog || logs.Len() != 0 {
		t.Fatalf("with ocsf_log = \"\": sink %+v, log %q", sink, logs.String())
	}
}

// fakeRuntime writes a runtime script that answers list -q and --version, and logs
// its arguments.
func fakeRuntime(t *testing.T, listing string, fail bool) (path, argsLog string) {
	t.Helper()
	dir := t.TempDir()
	path, argsLog = filepath.Join(dir, "rt"), filepath.Join(dir, "args")
	code := "0"
	if fail {
		code = "1"
	}
	script := "#!/bin/sh\necho \"$@\" >> " + argsLog + "\ncase \"$*\" in *--version*) printf 'fakert version 1.0\\nspec: 1\\n';; *list*) printf '" + listing + "';; esac\nexit " + code + "\n"
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return path, argsLog
}

func TestKnownContainers(t *testing.T) {
	tests := []struct {
		name     string
		root     string
		listing  string
		fail     bool
		want     []string
		wantArgs string
	}{
		{name: "default root", listing: "a\\nb\\n", want: []string{"a", "b"}, wantArgs: "list -q\n"},
		{name: "given root", root: "/run/r", listing: "", want: []string{}, wantArgs: "--root /run/r list -q\n"},
		{name: "runtime fails", fail: true, wantArgs: "list -q\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rt, argsLog := fakeRuntime(t, tt.listing, tt.fail)
			ids, err := knownContainers(rt, tt.root)
			if tt.fail != (err != nil) {
				t.Fatalf("err %v, want failure %t", err, tt.fail)
			}
			var got []string
			for id := range ids {
				got = append(got, id)
			}
			slices.Sort(got)
			if !tt.fail && strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("ids %v, want %v", got, tt.want)
			}
			if args, _ := os.ReadFile(argsLog); string(args) != tt.wantArgs {
				t.Errorf("runtime called with %q, want %q", args, tt.wantArgs)
			}
		})
	}
}

func TestRuntimeVersion(t *testing.T) {
	rt, argsLog := fakeRuntime(t, "", false)
	w := &Wrapper{Runtime: rt, Store: report.Store{Dir: t.TempDir()}}
	for i := 0; i < 2; i++ {
		if got := w.runtimeVersion(); got != "fakert version 1.0" {
			t.Errorf("runtimeVersion = %q", got)
		}
	}
	// The second call comes from the cache: the runtime ran once.
	if args, _ := os.ReadFile(argsLog); string(args) != "--version\n" {
		t.Errorf("runtime called with %q, want one --version", args)
	}
	broken, _ := fakeRuntime(t, "", true)
	w = &Wrapper{Runtime: broken, Store: report.Store{Dir: t.TempDir()}}
	if got := w.runtimeVersion(); got != "" {
		t.Errorf("runtimeVersion of a failing runtime = %q, want empty", got)
	}
}

func TestCapRecordsPrunesGoneContainers(t *testing.T) {
	rt, _ := fakeRuntime(t, "alive\\n", false)
	w, logs := testWrapper(t, "max_records = 2\n")
	w.Store = report.Store{Dir: t.TempDir()}
	w.Inv.ID = "new"
	old := time.Now().Add(-time.Hour)
	for _, id := range []string{"gone", "alive"} {
		if err := w.Store.Save(&report.Container{ID: id, Runtime: rt, Created: old}); err != nil {
			t.Fatal(err)
		}
	}
	w.capRecords()
	entries, err := w.Store.List()
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].ID != "alive" {
		t.Fatalf("left %+v, want the live container's record", entries)
	}
	if !strings.Contains(logs.String(), "pruned records") {
		t.Errorf("log %q", logs.String())
	}
}

func TestAppliedRepair(t *testing.T) {
	tests := []struct {
		name, json, want string
	}{
		{"annotation", `{"annotations":{"io.oshim.repair":"granted X; set noNewPrivileges"}}`, "granted X; set noNewPrivileges"},
		{"none", `{}`, "fallback"},
		{"not a string", `{"annotations":{"io.oshim.repair":1}}`, "fallback"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := spec.ParseObject([]byte(tt.json))
			if err != nil {
				t.Fatal(err)
			}
			if got := appliedRepair(o, "fallback"); got != tt.want {
				t.Fatalf("appliedRepair = %q, want %q", got, tt.want)
			}
		})
	}
}
