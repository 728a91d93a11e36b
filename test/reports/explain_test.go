package reports

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/oshim/oshim/internal/explain"
	"github.com/oshim/oshim/test/harness"
)

// TestExplainPredictsProc: what `oshim explain` predicts for a bundle is what /proc
// shows once the same bundle runs through oshim, for root and uid 1000, a cleared
// and the spec's bounding set, with and without no_new_privileges; the dry run
// changes nothing in the bundle.
func TestExplainPredictsProc(t *testing.T) {
	contracts := map[string]string{
		// Nothing required: CAP_SETPCAP is lent to the init and dropped again.
		"clear": `bounding = "clear"`,
		// CAP_SETPCAP required: the repair grants it, the init only verifies.
		"spec": "require = [\"CAP_SETPCAP\"]",
	}
	for _, rt := range runtimes {
		for _, uid := range []int{0, 1000} {
			for _, bounding := range []string{"clear", "spec"} {
				for _, nnp := range []bool{false, true} {
					t.Run(fmt.Sprintf("%s/uid%d/%s/nnp=%t", rt, uid, bounding, nnp), func(t *testing.T) {
						t.Parallel()
						oshim := harness.Oshim(t)
						b := capdumpBundle(t, rt, "-hold")
						// KILL and NET_BIND_SERVICE in every list, so that uid 1000 keeps them
						// as ambient caps; CAP_SETPCAP in none.
						b.Jq(t, `.process.user = {"uid": $uid, "gid": $uid} | .process.noNewPrivileges = $nnp |
							.process.capabilities = {"bounding": $c, "effective": $c, "permitted": $c, "inheritable": $c, "ambient": $c}`,
							"--argjson", "uid", fmt.Sprint(uid), "--argjson", "nnp", fmt.Sprint(nnp),
							"--argjson", "c", `["CAP_KILL","CAP_NET_BIND_SERVICE"]`)
						s := newSetup(t, b, "", contract("explained", contracts[bounding]))

						old := time.Date(2021, 2, 3, 4, 5, 6, 7, time.UTC)
						if err := os.Chtimes(b.ConfigPath(), old, old); err != nil {
							t.Fatal(err)
						}
						before := b.Config(t)
						r := harness.RunOK(t, s.env, oshim, "explain", "--bundle", b.Dir, "--json")
						var ex explain.Explanation
						if err := json.Unmarshal([]byte(r.Stdout), &ex); err != nil {
							t.Fatalf("explain --json: %v", err)
						}
						if st, err := os.Stat(b.ConfigPath()); err != nil || !st.ModTime().Equal(old) || !bytes.Equal(b.Config(t), before) {
							t.Fatalf("explain changed config.json (%v)", err)
						}
						if entries, err := os.ReadDir(s.runDir); err == nil || !os.IsNotExist(err) {
							t.Fatalf("explain created the run directory: %v", entries)
						}
						if ex.Contract != "explained" || ex.Root != (uid == 0) || ex.Rewrite == nil || ex.Refused != "" || ex.Caps.InitRefuses != "" {
							t.Fatalf("explanation %+v", ex)
						}

						c := harness.Start(t, s.env, oshim, b)
						c.WaitOutput(t, "\n")
						proc := harness.ProcStatus(t, c.Pid)
						w := ex.Caps.Workload
						predicted := masks(t, map[string][]string{
							"bounding": w.Bounding, "effective": w.Effective, "permitted": w.Permitted,
							"inheritable": w.Inheritable, "ambient": w.Ambient,
						})
						sameCaps(t, "explain's prediction", predicted, proc)
						if proc.NoNewPrivs != ex.Rewrite.NoNewPrivileges {
							t.Errorf("NoNewPrivs %t, explain says %t", proc.NoNewPrivs, ex.Rewrite.NoNewPrivileges)
						}
						if bounding == "clear" && predicted.Bnd != 0 {
							t.Errorf("a cleared bounding set predicted as %v", predicted.Bnd.Bits())
						}
					})
				}
			}
		}
	}
}
