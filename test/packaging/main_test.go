// Package packaging builds oshim's .deb, .rpm and release binaries with the Makefile,
// as an operator would, and installs the packages with the real dpkg and rpm. They run
// inside copy-on-write overlays of /etc, /usr and /var (harness.Overlay), so the host
// is never changed and every change a package makes can be listed afterwards. Needs
// root and the Debian packages dpkg, rpm, podman, crun and man-db.
package packaging

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oshim/oshim/test/harness"
)

func TestMain(m *testing.M) {
	code := harness.Main(m)
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
	os.Exit(code)
}

// version is what the tests stamp into their builds; the packages' version is it
// without the "v".
const version = "v9.8.7"

// makeTimeout bounds one make run: the first `make package` fetches and builds nfpm.
const makeTimeout = 15 * time.Minute

// runMake runs make TARGET in the repository with its output in dir (BINDIR, DIST) and
// the test's version; a failure fails the test with make's output.
func runMake(t testing.TB, dir, target string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), makeTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "make", "--no-print-directory", target,
		"BINDIR="+filepath.Join(dir, "bin"), "DIST="+filepath.Join(dir, "dist"), "VERSION="+version)
	cmd.Dir = harness.RepoRoot(t)
	start := time.Now()
	out, err := cmd.CombinedOutput()
	t.Logf("make %s (%v):\n%s", target, time.Since(start).Round(time.Second), out)
	if err != nil {
		t.Fatalf("make %s: %v", target, err)
	}
}

// built is `make package`, run once for the test process.
var built struct {
	once sync.Once
	dir  string
	ok   bool
}

// packageFile runs `make package` once and returns the path of the package file whose
// name ends in suffix (".deb", ".rpm").
func packageFile(t *testing.T, suffix string) string {
	t.Helper()
	built.once.Do(func() {
		dir, err := os.MkdirTemp("", "oshim-package-")
		if err != nil {
			t.Fatal(err)
		}
		built.dir = dir
		runMake(t, dir, "package")
		built.ok = true
	})
	if !built.ok {
		t.Fatal("make package failed in another test")
	}
	matches, err := filepath.Glob(filepath.Join(built.dir, "dist", "*"+suffix))
	if err != nil || len(matches) != 1 {
		t.Fatalf("make package made %q (%v), want one *%s", matches, err, suffix)
	}
	return matches[0]
}

// binaries are the programs the package holds: those `make build` made, as staged.
func binaries(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(built.dir, "dist", "stage", "usr", "bin"))
	if err != nil || len(entries) == 0 {
		t.Fatalf("no staged binaries (%v)", err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, "/usr/bin/"+e.Name())
	}
	return out
}

// wantVersion checks what the installed oshim says it is: the stamped version and the
// repository's commit, never "unknown".
func wantVersion(t *testing.T, out string) {
	t.Helper()
	head, err := exec.Command("git", "-C", harness.RepoRoot(t), "rev-parse", "HEAD").Output()
	if err != nil {
		t.Fatalf("git rev-parse HEAD: %v", err)
	}
	want := "oshim version " + version + "\ncommit: " + strings.TrimSpace(string(head))
	if !strings.HasPrefix(out, want) {
		t.Errorf("oshim version printed %q, want %q (and at most -dirty)", out, want)
	}
}
