package ociruntime

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestLookPathWithoutPATH covers podman's kill and delete, which run the runtime with no
// PATH in the environment.
func TestLookPathWithoutPATH(t *testing.T) {
	tests := []struct {
		description string
		path        string
		name        string
		wantBase    string
		wantErr     error
	}{
		{description: "unset PATH falls back to the usual directories", path: "", name: "sh", wantBase: "sh"},
		{description: "a set PATH is the only one searched", path: t.TempDir(), name: "sh", wantErr: exec.ErrNotFound},
		{description: "a name with a slash is used as it is", path: "", name: "/bin/sh", wantBase: "sh"},
		{description: "a missing program is not found", path: "", name: "oshim-no-such-runtime", wantErr: exec.ErrNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.description, func(t *testing.T) {
			t.Setenv("PATH", tc.path)
			got, err := lookPath(tc.name)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("lookPath(%q) = %q, %v; want error %v", tc.name, got, err, tc.wantErr)
				}
				return
			}
			if err != nil || filepath.Base(got) != tc.wantBase || !filepath.IsAbs(got) {
				t.Fatalf("lookPath(%q) = %q, %v; want an absolute path to %s", tc.name, got, err, tc.wantBase)
			}
		})
	}
}

// TestResolvePackagedDirs covers CRI-O's packages, which keep crun and runc off PATH.
func TestResolvePackagedDirs(t *testing.T) {
	dir := t.TempDir()
	runc := filepath.Join(dir, "runc")
	if err := os.WriteFile(runc, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", t.TempDir())
	t.Setenv(EnvRuntime, "")
	if got, err := resolve("", []string{filepath.Join(dir, "missing"), dir}); err != nil || got != runc {
		t.Fatalf("resolve = %q, %v; want %s", got, err, runc)
	}
	if got, err := resolve("", nil); err == nil {
		t.Fatalf("Resolve = %q with no runtime anywhere, want an error", got)
	}
}
