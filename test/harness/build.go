package harness

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// buildTimeout bounds one `go build`; a cold build cache takes seconds.
const buildTimeout = 5 * time.Minute

type build struct {
	once sync.Once
	path string
	err  error
}

var builds struct {
	mu   sync.Mutex
	pkgs map[string]*build
}

// Oshim returns the path of oshim, with oshim-init beside it where oshim looks for its
// in-container init, built once per test process by the Makefile's own rules (`make
// build`): every test runs the programs as they ship, with the release's linker flags,
// Go runtime settings and collector, not a build of the tests' own.
func Oshim(t testing.TB) string {
	t.Helper()
	dir := filepath.Join(cacheDir(t), "bin", "shipped")
	shipped.once.Do(func() {
		shipped.path, shipped.err = MakeBuild(dir)
	})
	if shipped.err != nil {
		t.Fatal(shipped.err)
	}
	return shipped.path
}

// Init returns the path of the oshim-init that oshim from Oshim uses.
func Init(t testing.TB) string {
	t.Helper()
	return filepath.Join(filepath.Dir(Oshim(t)), "oshim-init")
}

var shipped build

// MakeBuild runs `make build` of this repository with its programs written to dir, and
// returns the path of oshim there.
func MakeBuild(dir string) (string, error) {
	root, err := repoRoot()
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "make", "-s", "-C", root, "BINDIR="+dir, "build")
	if msg, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("make build BINDIR=%s (in %s): %w\n%s", dir, root, err, msg)
	}
	return filepath.Join(dir, "oshim"), nil
}

// BuildInit builds target of internal/initproc/oshim-init's Makefile (oshim-init, or
// one of its test programs) into dir with the C compiler, and returns its path.
// makeVars are extra make variables, such as "CC=aarch64-linux-gnu-gcc".
func BuildInit(dir, target string, makeVars ...string) (string, error) {
	root, err := repoRoot()
	if err != nil {
		return "", err
	}
	out := filepath.Join(dir, target)
	ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
	defer cancel()
	args := append([]string{"-s", "-C", filepath.Join(root, "internal/initproc/oshim-init"), "O=" + dir}, makeVars...)
	cmd := exec.CommandContext(ctx, "make", append(args, out)...)
	if msg, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("make %s: %w\n%s", out, err, msg)
	}
	return out, nil
}

// Binary builds the main package pkg, a path relative to the repository root
// such as "./test/workload/supervisor", once per test process, statically
// (CGO_ENABLED=0, -trimpath), and returns the binary's path. The binary is
// named after the package's last element. A failed build fails every test
// that asks for it, with the compiler's output.
func Binary(t testing.TB, pkg string) string {
	t.Helper()
	dir := cacheDir(t)
	builds.mu.Lock()
	if builds.pkgs == nil {
		builds.pkgs = map[string]*build{}
	}
	b := builds.pkgs[pkg]
	if b == nil {
		b = &build{}
		builds.pkgs[pkg] = b
	}
	builds.mu.Unlock()

	b.once.Do(func() {
		b.path, b.err = goBuild(dir, pkg)
	})
	if b.err != nil {
		t.Fatal(b.err)
	}
	return b.path
}

func goBuild(cache, pkg string) (string, error) {
	root, err := repoRoot()
	if err != nil {
		return "", err
	}
	// One directory per package keeps the binary's own name (argv[0]) while
	// two packages may end in the same element.
	dir := filepath.Join(cache, "bin", strings.NewReplacer("/", "_", ".", "_").Replace(pkg))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("build %s: %w", pkg, err)
	}
	out := filepath.Join(dir, filepath.Base(pkg))
	ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-o", out, pkg)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if msg, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build %s (in %s): %w\n%s", pkg, root, err, msg)
	}
	return out, nil
}

// repoRoot finds the module root from this file's location, or, when the
// test binary was built with -trimpath and that location is not a real path,
// from `go env GOMOD` in the current directory (go test runs in the package
// directory).
func repoRoot() (string, error) {
	if _, file, _, ok := runtime.Caller(0); ok && filepath.IsAbs(file) {
		root := filepath.Dir(filepath.Dir(filepath.Dir(file)))
		if _, err := os.Stat(filepath.Join(root, "go.mod")); err == nil {
			return root, nil
		}
	}
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("find the repository root: go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", fmt.Errorf("find the repository root: not inside a Go module")
	}
	return filepath.Dir(gomod), nil
}

// RepoRoot returns the repository's root directory; not finding it fails the test.
func RepoRoot(t testing.TB) string {
	t.Helper()
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	return root
}
