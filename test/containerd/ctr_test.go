package containerd

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/oshim/oshim/test/harness"
	"github.com/oshim/oshim/test/procstatus"
)

// capEffLine is the CapEff line the supervisor prints with -status, before it
// clears its bounding set.
var capEffLine = regexp.MustCompile(`(?m)^CapEff:\s+([0-9a-f]{16})$`)

// TestCtrRun runs the supervisor with `ctr run --runc-binary`, which uses
// the same runc shim as the CRI plugin, once with the plain runtime and once
// with oshim in front of it, for runc and crun. containerd's default spec
// grants CAP_SETPCAP; `--cap-drop CAP_SETPCAP` stands for the older
// orchestrator's spec that withholds it.
func TestCtrRun(t *testing.T) {
	oshim := harness.Oshim(t)
	archive := harness.OCIArchive(t, harness.Image{Ref: supervisorImage, Cmd: []string{supervisorPath}, Files: workloadFiles(t)})
	for _, rt := range []string{"runc", "crun"} {
		t.Run(rt, func(t *testing.T) {
			runtime := harness.Runtime(t, rt)
			dir := harness.NewContainerdDir(t)
			config := filepath.Join(dir, "config.toml")
			writeFile(t, config, []byte(harness.ContainerdConfig(t, dir, pauseImage)))
			oshimCfg := oshimConfig(t, dir, runtime, "ctr.toml")
			c := harness.StartContainerd(t, dir, config, []string{"OSHIM_CONFIG=" + oshimCfg})
			ns := c.Namespace()
			c.Import(t, ns, archive)

			tests := []struct {
				description string
				binary      string // --runc-binary
				dropSetpcap bool   // --cap-drop CAP_SETPCAP
				wantCode    int
				wantOutput  string
				wantSetpcap bool // in the CapEff the supervisor printed
			}{
				{
					description: "plain runtime with containerd's default caps: the supervisor works",
					binary:      runtime, wantCode: 0, wantOutput: cleared, wantSetpcap: true,
				},
				{
					description: "plain runtime without CAP_SETPCAP: the supervisor fails closed",
					binary:      runtime, dropSetpcap: true, wantCode: 1, wantOutput: failed,
				},
				{
					description: "oshim without CAP_SETPCAP: the contract repairs the spec",
					binary:      oshim, dropSetpcap: true, wantCode: 0, wantOutput: cleared, wantSetpcap: true,
				},
			}
			for i, tt := range tests {
				t.Run(tt.description, func(t *testing.T) {
					args := []string{"run", "--rm", "--runc-binary", tt.binary, "--runc-root", c.RuncRoot, "--fifo-dir", c.FifoDir}
					if tt.dropSetpcap {
						args = append(args, "--cap-drop", "CAP_SETPCAP")
					}
					args = append(args, supervisorImage, fmt.Sprintf("ctr-%d", i), supervisorPath, "-status")
					r := c.Ctr(t, ns, args...)
					if r.Code != tt.wantCode {
						t.Errorf("ctr run: exit status %d, want %d", r.Code, tt.wantCode)
					}
					if out := r.Stdout + r.Stderr; !strings.Contains(out, tt.wantOutput) {
						t.Errorf("ctr run: output lacks %q", tt.wantOutput)
					}
					m := capEffLine.FindStringSubmatch(r.Stdout)
					if m == nil {
						t.Fatalf("ctr run: no CapEff line in the supervisor's output")
					}
					var eff procstatus.Mask
					if err := eff.UnmarshalText([]byte(m[1])); err != nil {
						t.Fatal(err)
					}
					if eff.Has(capSetpcap) != tt.wantSetpcap {
						t.Errorf("supervisor's CapEff %v: CAP_SETPCAP %t, want %t", eff, eff.Has(capSetpcap), tt.wantSetpcap)
					}
				})
			}
			// ctr run --rm deleted every container through the shim, and
			// oshim's delete removes its record of each.
			if records := oshimRecords(t, dir, "*"); len(records) != 0 {
				t.Errorf("oshim records left after delete: %v", records)
			}
		})
	}
}
