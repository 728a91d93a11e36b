package harness

import (
	"bytes"
	"debug/buildinfo"
	"os"
	"os/exec"
	"testing"
)

// runtimeGodebug is what the Makefile compiles into the Go runtime's GODEBUG defaults
// (after the go command's own, none for this module's Go version).
const runtimeGodebug = "memprofilerate=0,profstackdepth=0,updatemaxprocs=0"

// WantShippedBuild fails the test unless bin was built as the Makefile builds oshim:
// with its runtime settings as the GODEBUG defaults (without them every call pays the
// page faults of a memory profile sample that nothing reads, and a thread) and without
// the green tea collector where this toolchain can build so (it costs every call page
// faults).
func WantShippedBuild(t testing.TB, bin string) {
	t.Helper()
	data, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(data, []byte(runtimeGodebug)) {
		t.Errorf("%s does not hold the GODEBUG defaults %q that the Makefile sets", bin, runtimeGodebug)
	}
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
