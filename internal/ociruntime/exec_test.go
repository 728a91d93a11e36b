package ociruntime

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// fakeRuntime writes a runtime script that answers list -q, state and --version, and
// logs its arguments.
func fakeRuntime(t *testing.T, listing string, fail bool) (Runtime, string) {
	t.Helper()
	dir := t.TempDir()
	path, argsLog := filepath.Join(dir, "rt"), filepath.Join(dir, "args")
	code := "0"
	if fail {
		code = "1"
	}
	script := "#!/bin/sh\necho \"$@\" >> " + argsLog + "\ncase \"$*\" in *--version*) printf 'fakert version 1.0\\nspec: 1\\n';; *list*) printf '" + listing +
		"';; *state*) printf '{\"id\":\"c1\",\"bundle\":\"/b\",\"annotations\":{\"io.oshim.contract\":\"k\"}}';; esac\nexit " + code + "\n"
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return Runtime{Path: path}, argsLog
}

func TestList(t *testing.T) {
	tests := []struct {
		name     string
		root     string
		listing  string
		fail     bool
		want     []string
		wantArgs string
	}{
		{name: "default root", listing: "a\\nb\\n", want: []string{"a", "b"}, wantArgs: "list -q\n"},
		{name: "given root", root: "/run/r", listing: "", want: nil, wantArgs: "--root /run/r list -q\n"},
		{name: "runtime fails", fail: true, wantArgs: "list -q\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rt, argsLog := fakeRuntime(t, tt.listing, tt.fail)
			ids, err := rt.List(tt.root)
			if tt.fail != (err != nil) {
				t.Fatalf("err %v, want failure %t", err, tt.fail)
			}
			var got []string
			for id := range ids {
				got = append(got, id)
			}
			slices.Sort(got)
			if !tt.fail && !slices.Equal(got, tt.want) {
				t.Errorf("ids %v, want %v", got, tt.want)
			}
			if args, _ := os.ReadFile(argsLog); string(args) != tt.wantArgs {
				t.Errorf("runtime called with %q, want %q", args, tt.wantArgs)
			}
		})
	}
}

func TestVersionIsCached(t *testing.T) {
	rt, argsLog := fakeRuntime(t, "", false)
	cache := t.TempDir()
	for i := 0; i < 2; i++ {
		if got := rt.Version(cache); got != "fakert version 1.0" {
			t.Errorf("Version = %q", got)
		}
	}
	if args, _ := os.ReadFile(argsLog); string(args) != "--version\n" {
		t.Errorf("runtime called with %q, want one --version", args)
	}
	broken, _ := fakeRuntime(t, "", true)
	if got := broken.Version(t.TempDir()); got != "" {
		t.Errorf("Version of a failing runtime = %q, want empty", got)
	}
	// A cache that does not read is asked again and rewritten.
	for _, junk := range []string{`[1]`, `{"a":1}`, `{"a":"b"`, ""} {
		rt, argsLog := fakeRuntime(t, "", false)
		cache := t.TempDir()
		if err := os.WriteFile(filepath.Join(cache, "runtime-versions.json"), []byte(junk), 0o600); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 2; i++ {
			if got := rt.Version(cache); got != "fakert version 1.0" {
				t.Errorf("Version with a cache of %q = %q", junk, got)
			}
		}
		if args, _ := os.ReadFile(argsLog); string(args) != "--version\n" {
			t.Errorf("with a cache of %q, runtime called with %q, want one --version", junk, args)
		}
	}
}

func TestAnnotations(t *testing.T) {
	rt, argsLog := fakeRuntime(t, "", false)
	ann, ran, err := rt.Annotations([]string{"--root", "/r"}, "c1")
	if err != nil || !ran || ann["io.oshim.contract"] != "k" || len(ann) != 1 {
		t.Fatalf("Annotations = %v, %v, %v", ann, ran, err)
	}
	if args, _ := os.ReadFile(argsLog); strings.TrimSpace(string(args)) != "--root /r state c1" {
		t.Errorf("runtime called with %q", args)
	}
	failing, _ := fakeRuntime(t, "", true)
	if _, ran, err := failing.Annotations(nil, "c1"); ran || err == nil {
		t.Errorf("a failed state call: ran %v, err %v", ran, err)
	}
	// A state that ran but does not read says so: the caller refuses on it.
	for name, out := range map[string]string{
		"not JSON":             "garbage",
		"duplicate key":        `{"annotations":{"a":"1"},"annotations":{}}`,
		"annotations a string": `{"annotations":"io.oshim.contract"}`,
	} {
		bad := script(t, "printf '%s' '"+out+"'")
		if _, ran, err := bad.Annotations(nil, "c1"); !ran || err == nil {
			t.Errorf("%s: ran %v, err %v", name, ran, err)
		}
	}
}

func TestOutput(t *testing.T) {
	tests := []struct {
		name       string
		body       string
		wantOut    string
		wantStatus int
		wantErr    []string
	}{
		{name: "stdout", body: "printf 'a\\nb'; echo noise >&2", wantOut: "a\nb"},
		{name: "exit status and stderr", body: "printf out; echo 'no such container' >&2; exit 3", wantOut: "out", wantStatus: 3, wantErr: []string{"exit status 3", "no such container"}},
		{name: "killed", body: "echo dying >&2; kill -KILL $$", wantStatus: 137, wantErr: []string{"SIGKILL", "dying"}},
		// More than a pipe holds: a runtime writing into a pipe nobody reads would block.
		{name: "a megabyte", body: "head -c 1048576 /dev/zero | tr '\\0' x; head -c 200000 /dev/zero >&2", wantOut: strings.Repeat("x", 1<<20)},
		{name: "stdin is empty", body: "cat", wantOut: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rt := script(t, tt.body)
			out, err := rt.Output("state", "c1")
			if string(out) != tt.wantOut {
				t.Errorf("Output = %d bytes %.40q, want %.40q", len(out), out, tt.wantOut)
			}
			if (err != nil) != (len(tt.wantErr) > 0) {
				t.Fatalf("Output error %v, want one with %q", err, tt.wantErr)
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			out, status, err := rt.Stdout("state", "c1")
			if err != nil || status != tt.wantStatus || string(out) != tt.wantOut {
				t.Errorf("Stdout = %d bytes, %d, %v; want %d bytes, %d", len(out), status, err, len(tt.wantOut), tt.wantStatus)
			}
		})
	}
	if _, err := (Runtime{Path: filepath.Join(t.TempDir(), "missing")}).Output("state"); err == nil {
		t.Error("a missing runtime gave no error")
	}
}
