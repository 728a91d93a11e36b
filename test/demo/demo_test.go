// Package demo holds `make demo`'s script, the first command README gives; its test
// runs the script against the oshim the tests build, so that the command keeps working.
package demo

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/oshim/oshim/test/harness"
)

func TestMain(m *testing.M) { os.Exit(harness.Main(m)) }

// TestDemo runs demo.sh and checks what it shows: the supervisor fails closed under
// crun, succeeds once oshim repaired its spec, and the clear contract's workload
// starts with an empty bounding set and CAP_SETPCAP in no set.
func TestDemo(t *testing.T) {
	oshim := harness.Oshim(t)
	cmd := exec.Command("bash", filepath.Join(harness.RepoRoot(t), "test", "demo", "demo.sh"), oshim)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("demo.sh: %v\n%s", err, out)
	}
	for _, want := range []struct{ what, re string }{
		{"crun alone fails the supervisor", `(?s)runs it directly: the supervisor fails closed.*\nexit status: [1-9][0-9]*\n`},
		{"oshim's repair lets it succeed", `(?s)the supervisor succeeds\x1b\[0m\nbounding set cleared\nexit status: 0\n`},
		{"the repair is recorded in config.json", `"io\.oshim\.repair": "granted CAP_SETPCAP`},
		{"the clear workload's bounding set is empty", `(?s)through oshim: CapBnd is 0.*\nCapBnd:\s+0000000000000000\n`},
		{"the init's report reached the host", `"summary": "ok`},
	} {
		if !regexp.MustCompile(want.re).Match(out) {
			t.Errorf("%s: no match for %q in the demo's output:\n%s", want.what, want.re, out)
		}
	}
}
