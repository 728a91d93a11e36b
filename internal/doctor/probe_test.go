package doctor

import (
	"errors"
	"strings"
	"testing"

	"github.com/oshim/oshim/internal/records"
)

func TestClassify(t *testing.T) {
	rec := func(m *records.Measured) *records.Container { return &records.Container{Init: true, Result: m} }
	okResult := &records.Measured{OK: true, Probe: "ok", Summary: "ok: bnd=none caps=CAP_KILL amb=none probe=ok"}
	tests := []struct {
		name   string
		r      probeResult
		status Status
		want   []string
	}{
		{
			name:   "the init cleared the bounding set and the workload ran",
			r:      probeResult{stdout: "oshim-init dev\n", record: rec(okResult)},
			status: OK, want: []string{"ok: bnd=none caps=CAP_KILL"},
		},
		{
			name:   "hybrid cgroups are the runtime's problem, not a probe failure",
			r:      probeResult{code: 1, stderr: "cgroups in hybrid mode not supported, drop all controllers from cgroupv2\n"},
			status: Fail, want: []string{"refuses this host's hybrid cgroup layout", "the probe could not run", "unshare -m"},
		},
		{
			name: "a denied probe",
			r: probeResult{code: 122, record: rec(&records.Measured{Step: "probe PR_CAPBSET_DROP", Probe: "denied",
				Message: "probe bounding drop of 41: operation not permitted (errno 1, EPERM)"})},
			status: Fail, want: []string{"PR_CAPBSET_DROP was denied although CAP_SETPCAP was effective", "errno 1, EPERM", "LSM policy"},
		},
		{
			name:   "the init's verification failed",
			r:      probeResult{code: 124, record: rec(&records.Measured{Step: "verify", Probe: "ok", Message: "kernel reports x"})},
			status: Fail, want: []string{"oshim's init stopped the probe container (exit 124): verify: kernel reports x"},
		},
		{
			name:   "the workload did not run",
			r:      probeResult{record: rec(okResult)},
			status: Fail, want: []string{"the init reported ok but the workload printed"},
		},
		{
			name:   "no report from the init",
			r:      probeResult{record: rec(nil)},
			status: Fail, want: []string{"oshim's init reported nothing"},
		},
		{
			name:   "oshim or the runtime failed",
			r:      probeResult{code: 1, stderr: "a\nb\nc\noshim: rewrite x: boom\n"},
			status: Fail, want: []string{"exited 1: b c oshim: rewrite x: boom", "run a container with crun alone"},
		},
		{
			name:   "a timeout",
			r:      probeResult{err: errors.New("oshim run did not finish within 30s")},
			status: Fail, want: []string{"could not run the probe container: oshim run did not finish"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := classify("/usr/bin/crun", tt.r)
			s := summary([]Check{c})
			if c.Status != tt.status || (c.Status != OK && c.Fix == "") {
				t.Errorf("status %s fix %q, want %s", c.Status, c.Fix, tt.status)
			}
			for _, w := range tt.want {
				if !strings.Contains(oneLine(s), w) {
					t.Errorf("%q lacks %q", s, w)
				}
			}
		})
	}
}

func TestProbeSpecIsWhatCrunAccepts(t *testing.T) {
	s := probeSpec()
	if s.Version != "1.0.2" || s.Process.Args[0] != "/dev/.oshim/init" || s.Process.User.UID != 0 {
		t.Fatalf("spec %+v", s)
	}
	for _, list := range [][]string{s.Process.Capabilities.Bounding, s.Process.Capabilities.Effective, s.Process.Capabilities.Permitted} {
		for _, c := range list {
			if c == "CAP_SETPCAP" {
				t.Fatal("the probe spec must withhold CAP_SETPCAP, so that the init borrows it")
			}
		}
	}
	dev := false
	for _, m := range s.Mounts {
		dev = dev || m.Destination == "/dev"
	}
	if !dev {
		t.Fatal("the init's mounts need a /dev mount")
	}
}
