package packaging

import (
	"bytes"
	"debug/buildinfo"
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
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
		wantGCExperiment(t, filepath.Join(rel, "oshim-"+version+"-linux-"+arch, "oshim"))
		wantRuntimeGodebug(t, filepath.Join(rel, "oshim-"+version+"-linux-"+arch, "oshim"))
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

// wantGCExperiment fails unless bin was built without the green tea collector, where
// this toolchain can build so, as the Makefile asks: it costs every call page faults.
func wantGCExperiment(t *testing.T, bin string) {
	t.Helper()
	probe := exec.Command("go", "env", "GOEXPERIMENT")
	probe.Env = append(os.Environ(), "GOEXPERIMENT=nogreenteagc")
	if probe.Run() != nil {
		t.Logf("this toolchain has no nogreenteagc: %s is built with its default collector", bin)
		return
	}
	info, err := buildinfo.ReadFile(bin)
	if err != nil {
		t.Fatalf("%s: %v", bin, err)
	}
	for _, s := range info.Settings {
		if s.Key == "GOEXPERIMENT" && s.Value == "nogreenteagc" {
			return
		}
	}
	t.Errorf("%s: build settings %v, want GOEXPERIMENT=nogreenteagc", bin, info.Settings)
}

// runtimeGodebug is what the Makefile compiles into the runtime's GODEBUG defaults
// (after the go command's own, none for this module's Go version).
const runtimeGodebug = "memprofilerate=0,profstackdepth=0,updatemaxprocs=0"

// wantRuntimeGodebug fails unless bin holds the Makefile's runtime settings as its
// GODEBUG defaults: without them every call pays the page faults of a memory profile
// sample that nothing reads, and a thread.
func wantRuntimeGodebug(t *testing.T, bin string) {
	t.Helper()
	data, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(data, []byte(runtimeGodebug)) {
		t.Errorf("%s does not hold the GODEBUG defaults %q that the Makefile sets", bin, runtimeGodebug)
	}
}
