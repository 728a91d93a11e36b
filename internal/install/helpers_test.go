package install

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

const testBinary = "/usr/local/bin/oshim"

// newRoot returns a host root holding an executable oshim and files (host path ->
// content).
func newRoot(t testing.TB, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	all := map[string]string{testBinary: "#!/bin/sh\n"}
	for p, c := range files {
		all[p] = c
	}
	for p, c := range all {
		full := filepath.Join(root, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(c), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// testdata returns a file of testdata/ as a string.
func testdata(t testing.TB, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// snapshot returns every regular file under root with its content and mode.
func snapshot(t testing.TB, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		out["/"+rel] = info.Mode().Perm().String() + "\n" + string(data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// dirs returns every directory under root.
func dirs(t testing.TB, root string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			out = append(out, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// runOp runs Install or Uninstall on root and returns what it printed.
func runOp(t testing.TB, op func(Target, Options) error, tgt Target, root string, dryRun bool) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := op(tgt, Options{Host: Host{Root: root}, DryRun: dryRun, Out: &out})
	return out.String(), err
}

// mustOp is runOp that fails the test on an error.
func mustOp(t testing.TB, op func(Target, Options) error, tgt Target, root string, dryRun bool) string {
	t.Helper()
	out, err := runOp(t, op, tgt, root, dryRun)
	if err != nil {
		t.Fatalf("%v\noutput:\n%s", err, out)
	}
	return out
}

// checkLifecycle runs the sequence every target must pass: a dry run writes nothing,
// a second install changes nothing, and uninstall leaves exactly the files there were.
// It returns the snapshot after the first install.
func checkLifecycle(t *testing.T, tgt Target, root string) map[string]string {
	t.Helper()
	before, beforeDirs := snapshot(t, root), dirs(t, root)
	out := mustOp(t, Install, tgt, root, true)
	if got := snapshot(t, root); !reflect.DeepEqual(got, before) {
		t.Fatalf("dry run changed files:\n%s", out)
	}
	if !bytes.Contains([]byte(out), []byte("dry run")) {
		t.Errorf("dry-run output does not say so:\n%s", out)
	}
	mustOp(t, Install, tgt, root, false)
	installed := snapshot(t, root)
	if reflect.DeepEqual(installed, before) {
		t.Fatal("install changed nothing")
	}
	out = mustOp(t, Install, tgt, root, false)
	if got := snapshot(t, root); !reflect.DeepEqual(got, installed) {
		t.Fatalf("second install changed files:\n%s", out)
	}
	if !bytes.Contains([]byte(out), []byte("nothing changed")) {
		t.Errorf("second install does not say it changed nothing:\n%s", out)
	}
	mustOp(t, Uninstall, tgt, root, true)
	if got := snapshot(t, root); !reflect.DeepEqual(got, installed) {
		t.Fatal("uninstall dry run changed files")
	}
	mustOp(t, Uninstall, tgt, root, false)
	if got := snapshot(t, root); !reflect.DeepEqual(got, before) {
		t.Fatalf("uninstall did not restore the files:\n%s", diffSnapshots(before, got))
	}
	if got := dirs(t, root); !reflect.DeepEqual(got, beforeDirs) {
		t.Fatalf("uninstall left directories: %v, had %v", got, beforeDirs)
	}
	out = mustOp(t, Uninstall, tgt, root, false)
	if !bytes.Contains([]byte(out), []byte("nothing to do")) {
		t.Errorf("second uninstall does not say there is nothing to do:\n%s", out)
	}
	return installed
}

func diffSnapshots(want, got map[string]string) string {
	var b bytes.Buffer
	for p, w := range want {
		if g, ok := got[p]; !ok {
			b.WriteString("missing " + p + "\n")
		} else if g != w {
			d, _ := unifiedDiff(w, g)
			b.WriteString("changed " + p + "\n" + d)
		}
	}
	for p := range got {
		if _, ok := want[p]; !ok {
			b.WriteString("extra " + p + "\n")
		}
	}
	return b.String()
}
