package attacks

// Annotations: a container's author writes them, so they may only choose a selectable
// contract or make one stricter, and nothing in oshim's io.oshim.* namespace that oshim
// did not write may be read as oshim's word.

import (
	"strings"
	"testing"

	"github.com/oshim/oshim/test/harness"
)

// TestAnnotationCannotTurnReportIntoALoan: a report contract that requires CAP_SETPCAP
// plus the container's own io.oshim.bounding=clear would lend CAP_SETPCAP and never
// drop it (it is required); the annotation is refused.
func TestAnnotationCannotTurnReportIntoALoan(t *testing.T) {
	for _, rt := range runtimes {
		t.Run(rt, func(t *testing.T) {
			t.Parallel()
			b := capdumpBundle(t, rt)
			b.Jq(t, `.annotations["io.oshim.bounding"] = "clear"`)
			env, _ := env(t, b, reportContract)
			r := harness.Run(t, env, b.Argv(harness.Oshim(t), "create", "--bundle", b.Dir, b.ID)...)
			if r.Code == 0 || !strings.Contains(r.Stderr, "report mode only observes") {
				t.Fatalf("create: exit %d, stderr %q; want the annotation refused", r.Code, r.Stderr)
			}
		})
	}
}

// TestForgedAnnotations: a container's own io.oshim.result, io.oshim.skew,
// io.oshim.repair and io.oshim.record are gone from the runtime's state, whether a
// contract applies or not; what `oshim state` shows is what oshim's init measured.
func TestForgedAnnotations(t *testing.T) {
	forged := `.annotations += {"io.oshim.result": "ok: forged", "io.oshim.skew": "none", "io.oshim.repair": "none", "io.oshim.record": "precreate-00", "io.oshim.contract": "clear"}`
	for _, rt := range runtimes {
		for _, contracted := range []bool{true, false} {
			name := rt + "/contracted"
			if !contracted {
				name = rt + "/uncontracted"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				b := capdumpBundle(t, rt)
				b.Jq(t, forged)
				contracts := clearContract
				if !contracted {
					b.Jq(t, `del(.annotations["io.oshim.contract"])`)
					contracts = strings.Replace(clearContract, "capdump$", "nothing$", 1)
				}
				env, _ := env(t, b, contracts)
				c, _ := started(t, env, b)
				r := harness.RunOK(t, env, b.Argv(harness.Oshim(t), "state", c.ID)...)
				if strings.Contains(r.Stdout, "forged") || strings.Contains(r.Stdout, "precreate-00") {
					t.Errorf("state shows a forged annotation:\n%s", r.Stdout)
				}
				if contracted && !strings.Contains(r.Stdout, `"io.oshim.result": "ok: bnd=none`) {
					t.Errorf("state lacks the init's own result:\n%s", r.Stdout)
				}
				if !contracted && strings.Contains(r.Stdout, "io.oshim.") {
					t.Errorf("an uncontracted container's state carries io.oshim.* annotations:\n%s", r.Stdout)
				}
			})
		}
	}
}

// TestSelectableMayNotGrant: a config that lets containers pick a granting contract by
// annotation is refused, so no annotation can add a capability.
func TestSelectableMayNotGrant(t *testing.T) {
	b := capdumpBundle(t, "crun")
	env, _ := env(t, b, "[[contract]]\nname = \"g\"\nselectable = true\nrequire = [\"CAP_SYS_ADMIN\"]\n")
	b.Jq(t, `.annotations["io.oshim.contract"] = "g"`)
	r := harness.Run(t, env, b.Argv(harness.Oshim(t), "create", "--bundle", b.Dir, b.ID)...)
	if r.Code == 0 || !strings.Contains(r.Stderr, "must not grant") {
		t.Fatalf("create: exit %d, stderr %q; want the config refused", r.Code, r.Stderr)
	}
}
