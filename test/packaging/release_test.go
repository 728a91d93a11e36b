package packaging

import (
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oshim/oshim/test/harness"
)

// `make release`: static binaries for amd64 and arm64 with the version and the commit
// stamped, and their SHA-256 sums.
func TestRelease(t *testing.T) {
	dir := t.TempDir()
	runMake(t, dir, "release")
	rel := filepath.Join(dir, "dist", "release")
	machines := map[string]elf.Machine{"amd64": elf.EM_X86_64, "arm64": elf.EM_AARCH64}
	for arch := range machines {
		if _, err := os.Stat(filepath.Join(rel, "oshim-"+version+"-linux-"+arch, "oshim")); err != nil {
			t.Errorf("no oshim for %s: %v", arch, err)
		}
	}
	// Every program the release builds, for every arch.
	bins, err := filepath.Glob(filepath.Join(rel, "oshim-"+version+"-linux-*", "*"))
	if err != nil {
		t.Fatal(err)
	}
	for _, bin := range bins {
		arch := strings.TrimPrefix(filepath.Base(filepath.Dir(bin)), "oshim-"+version+"-linux-")
		f, err := elf.Open(bin)
		if err != nil {
			t.Fatalf("%s: %v", bin, err)
		}
		if f.Machine != machines[arch] {
			t.Errorf("%s: machine %v, want %v", bin, f.Machine, machines[arch])
		}
		for _, p := range f.Progs {
			if p.Type == elf.PT_INTERP {
				t.Errorf("%s asks for a dynamic loader: not static", bin)
			}
		}
		if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
			t.Errorf("%s needs %q: not static", bin, libs)
		}
		f.Close()
	}
	for arch := range machines {
		harness.WantShippedBuild(t, filepath.Join(rel, "oshim-"+version+"-linux-"+arch, "oshim"))
	}
	out, err := exec.Command(filepath.Join(rel, "oshim-"+version+"-linux-amd64", "oshim"), "version").Output()
	if err != nil {
		t.Fatal(err)
	}
	wantVersion(t, string(out))

	sums, err := os.ReadFile(filepath.Join(rel, "SHA256SUMS"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(sums), "\n"); n != len(bins) {
		t.Errorf("SHA256SUMS has %d lines, want one per binary:\n%s", n, sums)
	}
	check := exec.Command("sha256sum", "--check", "--strict", "SHA256SUMS")
	check.Dir = rel
	if out, err := check.CombinedOutput(); err != nil {
		t.Errorf("sha256sum --check: %v\n%s", err, out)
	}
}
