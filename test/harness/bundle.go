package harness

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Bundle is an OCI bundle made for one test, with its own runtime state
// directory.
type Bundle struct {
	Dir     string // holds config.json and rootfs/
	ID      string // container id: short, valid, unique across processes (cgroup paths are global)
	Root    string // private state directory, for --root
	Runtime string // absolute path of the real runtime that wrote the spec and cleans up
}

// NewBundle makes a bundle with a fresh busybox rootfs and the config.json of
// `RUNTIME spec` (runtime is a path, e.g. from Runtime), with
// process.terminal false. The caller sets process.args. When the test ends,
// every container in the bundle's state directory is killed and
// force-deleted with the real runtime, whatever created it.
func NewBundle(t testing.TB, runtime string) *Bundle {
	t.Helper()
	dir := t.TempDir()
	copyRootfs(t, filepath.Join(dir, "rootfs"))
	// Not t.TempDir: its long test-named path would count against the
	// 108-byte limit of the sockets runtimes may create there.
	root, err := os.MkdirTemp("", "oshim-state-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(root) })
	b := &Bundle{Dir: dir, ID: newID(), Root: root, Runtime: runtime}
	t.Cleanup(func() { b.deleteAll(t) })

	RunOK(t, nil, runtime, "spec", "--bundle", dir)
	b.Jq(t, ".process.terminal = false")
	return b
}

// newID returns "e2e-" and 10 random hex digits.
func newID() string {
	var buf [5]byte
	rand.Read(buf[:])
	return "e2e-" + hex.EncodeToString(buf[:])
}

// deleteAll removes every container of the bundle's state directory, those
// with other ids than b.ID included.
func (b *Bundle) deleteAll(t testing.TB) {
	t.Helper()
	list := Run(t, nil, b.Argv(b.Runtime, "list", "-q")...)
	if list.Code != 0 {
		t.Errorf("cleanup: %s list failed with status %d", b.Runtime, list.Code)
		return
	}
	for _, id := range strings.Fields(list.Stdout) {
		// kill fails on a stopped container; delete --force is what counts.
		Run(t, nil, b.Argv(b.Runtime, "kill", id, "KILL")...)
		if r := Run(t, nil, b.Argv(b.Runtime, "delete", "--force", id)...); r.Code != 0 {
			t.Errorf("cleanup: delete --force %s failed with status %d", id, r.Code)
		}
	}
}

// Argv returns the command line `bin --root ROOT verb args...`, for a
// runtime or for oshim, which takes the same flags.
func (b *Bundle) Argv(bin, verb string, args ...string) []string {
	return append([]string{bin, "--root", b.Root, verb}, args...)
}

// ConfigPath returns the path of the bundle's config.json.
func (b *Bundle) ConfigPath() string {
	return filepath.Join(b.Dir, "config.json")
}

// RootfsDir returns the path of the bundle's rootfs.
func (b *Bundle) RootfsDir() string {
	return filepath.Join(b.Dir, "rootfs")
}

// Config returns the bytes of config.json.
func (b *Bundle) Config(t testing.TB) []byte {
	t.Helper()
	data, err := os.ReadFile(b.ConfigPath())
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// Jq rewrites config.json with `jq FILTER ARGS...` (args such as
// "--arg", "name", "value"; the file is jq's stdin),
// atomically. jq 1.6 turns integers beyond 2^53 into floats: write such
// values another way.
func (b *Bundle) Jq(t testing.TB, filter string, args ...string) {
	t.Helper()
	out := b.jq(t, append([]string{filter}, args...))
	// jq exits 0 after printing its usage for a stray "-h".
	if !json.Valid(out) {
		t.Fatalf("jq %s: output is not JSON:\n%s", shellQuote(append([]string{filter}, args...)), out)
	}
	tmp, err := os.CreateTemp(b.Dir, ".config.json-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(out); err != nil {
		tmp.Close()
		t.Fatal(err)
	}
	if err := tmp.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp.Name(), b.ConfigPath()); err != nil {
		t.Fatal(err)
	}
}

// Query returns the compact output of `jq -c FILTER ARGS...` on config.json,
// without the trailing newline: a string comes back quoted, a missing key as
// null.
func (b *Bundle) Query(t testing.TB, filter string, args ...string) string {
	t.Helper()
	return strings.TrimSuffix(string(b.jq(t, append([]string{"-c", filter}, args...))), "\n")
}

// SetArgs sets process.args. They travel as one JSON value: jq would take
// a word such as "-hold" for its own option even after --args.
func (b *Bundle) SetArgs(t testing.TB, args ...string) {
	t.Helper()
	value, err := json.Marshal(args)
	if err != nil {
		t.Fatal(err)
	}
	b.Jq(t, ".process.args = $args", "--argjson", "args", string(value))
}

func (b *Bundle) jq(t testing.TB, args []string) []byte {
	t.Helper()
	cmd := exec.Command(lookPath(t, "jq", "jq"), args...)
	in, err := os.Open(b.ConfigPath())
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	var stderr bytes.Buffer
	cmd.Stdin = in
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("jq %s: %v\n%s", shellQuote(args), err, stderr.String())
	}
	return out
}

// Install copies the host file hostPath into the rootfs at containerPath
// (absolute; parents are created), replacing what is there, so a symlink at
// that path never leads the copy elsewhere.
func (b *Bundle) Install(t testing.TB, hostPath, containerPath string) {
	t.Helper()
	if !filepath.IsAbs(containerPath) {
		t.Fatalf("install %s: container path %q is not absolute", hostPath, containerPath)
	}
	info, err := os.Stat(hostPath)
	if err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(b.RootfsDir(), filepath.Clean(containerPath))
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(target); err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	if err := copyFile(hostPath, target, info.Mode().Perm()); err != nil {
		t.Fatal(err)
	}
}
