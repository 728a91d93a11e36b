package records

import "testing"

func TestVerdict(t *testing.T) {
	tests := []struct {
		name string
		c    Container
		want string
	}{
		{"init not run yet", Container{Init: true}, "pending"},
		{"no init", Container{}, "unverified (init = false)"},
		{"ok", Container{Init: true, Result: &Measured{OK: true, Probe: "ok"}}, "ok"},
		{"ok without the probe", Container{Init: true, Result: &Measured{OK: true, Probe: "skipped"}}, "ok (probe skipped)"},
		{"no report", Container{Init: true, Result: &Measured{Summary: "unknown: oshim-init sent no result"}}, "unknown: oshim-init sent no result"},
		{"probe denied", Container{Init: true, Result: &Measured{Step: "probe PR_CAPBSET_DROP", Probe: "denied"}}, "denied: probe PR_CAPBSET_DROP"},
		{
			"bounding drop denied after the probe",
			Container{Init: true, Result: &Measured{Step: "apply", Errno: 1, Probe: "ok", Message: "drop-bounding CAP_CHOWN: operation not permitted (errno 1, EPERM)"}},
			"denied: apply",
		},
		{
			"bounding drop without CAP_SETPCAP is a failure",
			Container{Init: true, Result: &Measured{Step: "apply", Errno: 1, Probe: "skipped", Message: "drop-bounding CAP_CHOWN: operation not permitted (errno 1, EPERM)"}},
			"failed: apply",
		},
		{"verification failed", Container{Init: true, Result: &Measured{Step: "verify", Probe: "ok"}}, "failed: verify"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.c.Verdict(); got != tt.want {
				t.Fatalf("Verdict() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestDeniedOfNothing(t *testing.T) {
	var m *Measured
	if m.Denied() || (&Measured{OK: true, Probe: "denied"}).Denied() {
		t.Fatal("a missing or ok result is no denial")
	}
}

func TestShortRepair(t *testing.T) {
	before := map[string][]string{"bounding": {"CAP_KILL"}, "effective": {"CAP_KILL"}}
	tests := []struct {
		name string
		c    Container
		want string
	}{
		{"nothing", Container{Before: before, After: before, Bounding: "spec"}, "none"},
		{
			"granted in several lists, named once",
			Container{Before: before, After: map[string][]string{"bounding": {"CAP_KILL", "CAP_SETPCAP"}, "effective": {"CAP_KILL", "CAP_SETPCAP", "CAP_CHOWN"}}},
			"+CAP_CHOWN,CAP_SETPCAP",
		},
		{"cleared bounding set", Container{Before: before, After: before, Bounding: "clear"}, "bnd cleared"},
		{
			"everything",
			Container{Before: nil, After: map[string][]string{"ambient": {"CAP_SETPCAP"}}, Bounding: "clear", Repair: "granted CAP_SETPCAP in ambient; set noNewPrivileges", SetNoNewPrivs: true},
			"+CAP_SETPCAP bnd cleared nnp",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.c.ShortRepair(); got != tt.want {
				t.Fatalf("ShortRepair() = %q, want %q", got, tt.want)
			}
		})
	}
}
