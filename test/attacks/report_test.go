package attacks

// Report mode: on_skew = "report" observes and records; it never lends, grants or
// refuses, so it can neither widen nor stop a container.

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/oshim/oshim/internal/records"
	"github.com/oshim/oshim/test/procstatus"
)

func TestReportRunsUnchanged(t *testing.T) {
	eachRuntime(t, reportContract, nil, func(t *testing.T, s scene) {
		spec := procstatus.Status{Eff: specCaps, Prm: specCaps, Inh: specCaps, Amb: specCaps, Bnd: specCaps}
		if extra := s.main.Beyond(spec); len(extra) > 0 || s.main.Eff != specCaps || s.main.Bnd != specCaps {
			t.Errorf("report mode changed the workload: %v, want the spec's %v (extra %v)", s.main, spec, extra)
		}
		rec, found, err := records.Store{Dir: s.run}.Load(s.b.Root, s.c.ID)
		if err != nil || !found {
			t.Fatalf("record: %v, found %t", err, found)
		}
		if rec.Skew != "missing=CAP_SETPCAP" || rec.Result == nil || !strings.HasPrefix(rec.Result.Summary, "reported: verify") {
			b, _ := json.Marshal(rec)
			t.Errorf("record %s: want the skew and the init's report", b)
		}
	})
}
