package initproc

import "testing"

func TestSummary(t *testing.T) {
	const setpcap = 1 << 8
	for _, tc := range []struct {
		name string
		res  Result
		want string
	}{
		{"ok", Result{OK: true, Probe: "ok", State: wireState{Effective: 1 | setpcap, Bounding: 1}}, "ok: bnd=CAP_CHOWN caps=CAP_CHOWN,CAP_SETPCAP amb=none probe=ok"},
		{"ok with nothing", Result{OK: true, Probe: "skipped"}, "ok: bnd=none caps=none amb=none probe=skipped"},
		{"denied", Result{Step: "verify", Message: "bounding set holds CAP_SYS_ADMIN"}, "denied: verify: bounding set holds CAP_SYS_ADMIN"},
		{"reported", Result{ReportOnly: true, Step: "probe", Message: "EPERM"}, "reported: probe: EPERM"},
		// ReportOnly says nothing of a success.
		{"ok report-only", Result{OK: true, ReportOnly: true, Probe: "ok", State: wireState{Ambient: setpcap}}, "ok: bnd=none caps=none amb=CAP_SETPCAP probe=ok"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.res.Summary(); got != tc.want {
				t.Fatalf("Summary() = %q, want %q", got, tc.want)
			}
		})
	}
}
