package attacks

// Output: what a container's author controls (the workload's name, paths) reaches the
// engine's stderr and oshim's records through the init's messages; a terminal must not
// interpret any of it.

import (
	"strings"
	"testing"

	"github.com/oshim/oshim/internal/records"
	"github.com/oshim/oshim/test/harness"
)

func TestInitMessagesAreEscaped(t *testing.T) {
	for _, rt := range runtimes {
		t.Run(rt, func(t *testing.T) {
			t.Parallel()
			b := capdumpBundle(t, rt)
			evil := "/usr/local/bin/capdump\x1b]0;owned\x07\x1b[2J"
			b.SetArgs(t, evil)
			env, run := env(t, b, strings.Replace(clearContract, `'^/usr/local/bin/capdump$'`, `'^/usr/local/bin/capdump'`, 1))
			r := harness.Run(t, env, b.Argv(harness.Oshim(t), "run", "--bundle", b.Dir, b.ID)...)
			// The init reports that the workload does not exist and exits 127; the
			// non-root capdump holds CAP_SETPCAP lent to clear its bounding set.
			if !r.InitFailed(127, true) {
				t.Fatalf("run: exit %d, want 127 (the workload does not exist) or 137 (killed for it)\nstderr %q", r.Code, r.Stderr)
			}
			if strings.ContainsAny(r.Stderr, "\x1b\x07") || !strings.Contains(r.Stderr, `\x1b]0;owned\x07`) {
				t.Errorf("stderr %q: want the control characters escaped", r.Stderr)
			}
			entries, err := records.Store{Dir: run}.List()
			if err != nil || len(entries) != 1 || entries[0].Record == nil || entries[0].Record.Result == nil {
				t.Fatalf("records %+v, %v", entries, err)
			}
			if m := entries[0].Record.Result.Message; strings.ContainsAny(m, "\x1b\x07") || m == "" {
				t.Errorf("recorded message %q: want it escaped", m)
			}
		})
	}
}
