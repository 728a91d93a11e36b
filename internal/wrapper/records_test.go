package wrapper

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/oshim/oshim/internal/config"
	"github.com/oshim/oshim/internal/report"
	"github.com/oshim/oshim/internal/runtimeargs"
	"github.com/oshim/oshim/internal/spec"
)

// testWrapper is a wrapper for container c1 with the config cfgText, whose log goes to
// the returned buffer.
func testWrapper(t *testing.T, cfgText string) (*Wrapper, *bytes.Buffer) {
	t.Helper()
	cfg, err := config.Parse([]byte(cfgText))
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	log := logrus.New()
	log.SetOutput(&logs)
	return &Wrapper{Inv: &runtimeargs.Invocation{Command: "create", ID: "c1", Bundle: "/b/c1"}, Config: cfg, Log: log}, &logs
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
