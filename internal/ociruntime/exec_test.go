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

func TestState(t *testing.T) {
	rt, argsLog := fakeRuntime(t, "", false)
	st, err := rt.State([]string{"--root", "/r"}, "c1")
	if err != nil || st.Bundle != "/b" || st.Annotations["io.oshim.contract"] != "k" {
		t.Fatalf("State = %+v, %v", st, err)
	}
	if args, _ := os.ReadFile(argsLog); strings.TrimSpace(string(args)) != "--root /r state c1" {
		t.Errorf("runtime called with %q", args)
	}
}
