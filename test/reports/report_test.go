package reports

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/oshim/oshim/internal/annotation"
	"github.com/oshim/oshim/internal/ocsf"
	"github.com/oshim/oshim/test/harness"
)

// TestReportMeasuredState: the report of a running container holds what the init
// measured inside it, which is what /proc shows from the host, and `oshim state`
// publishes the same verdict; delete through oshim removes the report.
func TestReportMeasuredState(t *testing.T) {
	for _, rt := range runtimes {
		for _, uid := range []int{0, 1000} {
			t.Run(fmt.Sprintf("%s/uid%d", rt, uid), func(t *testing.T) {
				t.Parallel()
				oshim := harness.Oshim(t)
				b := capdumpBundle(t, rt, "-hold")
				b.Jq(t, `.process.user = {"uid": $uid, "gid": $uid}`, "--argjson", "uid", fmt.Sprint(uid))
				s := newSetup(t, b, "", contract("measured", `bounding = "clear"`))
				c := harness.Start(t, s.env, oshim, b)
				c.WaitOutput(t, "\n")
				proc := harness.ProcStatus(t, c.Pid)

				rec := record(t, s, b, b.ID)
				m := rec.Result
				if m == nil || !m.OK || m.Probe != "ok" || rec.Verdict() != "ok" {
					t.Fatalf("result %+v, want ok with the probe ok", m)
				}
				sameCaps(t, "measured state in the report", masks(t, m.State), proc)
				if m.NoNewPrivs != proc.NoNewPrivs || m.Seccomp != proc.Seccomp {
					t.Errorf("measured no_new_privs %t seccomp %d, /proc says %t %d", m.NoNewPrivs, m.Seccomp, proc.NoNewPrivs, proc.Seccomp)
				}
				if !strings.HasPrefix(rec.RuntimeVersion, rt+" version ") || rec.Runtime != b.Runtime || rec.Root != b.Root || rec.Bundle != b.Dir {
					t.Errorf("runtime %q %q root %q bundle %q", rec.Runtime, rec.RuntimeVersion, rec.Root, rec.Bundle)
				}
				if rec.UID != uint32(uid) || rec.Arg0 != capdumpPath || rec.Contract != "measured" || rec.Created.IsZero() || m.Received.Before(rec.Created) {
					t.Errorf("record %+v", rec)
				}

				st := harness.RunOK(t, s.env, b.Argv(oshim, "state", b.ID)...)
				var state struct {
					Annotations map[string]string `json:"annotations"`
				}
				if err := json.Unmarshal([]byte(st.Stdout), &state); err != nil {
					t.Fatal(err)
				}
				if got := state.Annotations[annotation.Result]; got != m.Summary || !strings.HasPrefix(got, "ok: bnd=none") {
					t.Errorf("oshim state: %s = %q, report says %q", annotation.Result, got, m.Summary)
				}

				table := harness.RunOK(t, s.env, oshim, "report").Stdout
				row := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(b.ID) + `\s+-\s+measured\s+none\s+bnd cleared\s+ok$`)
				if !row.MatchString(table) || !strings.HasPrefix(table, "ID ") {
					t.Errorf("oshim report table:\n%s", table)
				}
				text := harness.RunOK(t, s.env, oshim, "report", b.ID).Stdout
				for _, want := range []string{"Container:", b.ID, "Measured by oshim-init inside the container:", "probe:         ok", "bounding:      none"} {
					if !strings.Contains(text, want) {
						t.Errorf("oshim report %s lacks %q:\n%s", b.ID, want, text)
					}
				}

				harness.RunOK(t, s.env, b.Argv(oshim, "delete", "--force", b.ID)...)
				if r := harness.Run(t, s.env, oshim, "report", b.ID); r.Code == 0 || !strings.Contains(r.Stderr, "no record of container") {
					t.Errorf("report after delete: exit %d, stderr %q", r.Code, r.Stderr)
				}
			})
		}
	}
}

// TestReportSeccompDenial: a seccomp rule on PR_CAPBSET_DROP stops the container in
// the init (exit 122), and the report, the state and the OCSF file say so.
func TestReportSeccompDenial(t *testing.T) {
	for _, rt := range runtimes {
		t.Run(rt, func(t *testing.T) {
			t.Parallel()
			oshim := harness.Oshim(t)
			b := supervisorBundle(t, rt)
			// With no_new_privileges the runtimes load the filter after applying caps,
			// so it is the container's processes that meet it.
			b.Jq(t, `.process.noNewPrivileges = true | .linux.seccomp = $p`, "--argjson", "p", seccompDeniesDrop)
			s := newSetup(t, b, "", contract("denial", "require = [\"CAP_SETPCAP\"]\nbounding = \"clear\""))
			r := harness.Run(t, s.env, b.Argv(oshim, "run", "--bundle", b.Dir, b.ID)...)
			if r.Code != 122 || strings.Contains(r.Stdout, clearedMsg) {
				t.Fatalf("oshim run: exit %d, stdout %q; want 122 before the workload", r.Code, r.Stdout)
			}
			rec := record(t, s, b, b.ID)
			m := rec.Result
			if m == nil || m.OK || m.Probe != "denied" || m.Seccomp != 2 || !m.NoNewPrivs || !m.Denied() {
				t.Fatalf("result %+v, want a denied probe under a seccomp filter", m)
			}
			if got := rec.Verdict(); got != "denied: probe PR_CAPBSET_DROP" {
				t.Errorf("verdict %q", got)
			}
			if !strings.Contains(m.Summary, "denied: probe PR_CAPBSET_DROP") || !strings.Contains(m.Message, "EPERM") {
				t.Errorf("summary %q message %q", m.Summary, m.Message)
			}
			// The init measured its state before it stopped: CAP_SETPCAP (bit 8) effective.
			if st := masks(t, m.State); !st.Eff.Has(8) {
				t.Errorf("measured effective %v lacks CAP_SETPCAP", st.Eff.Bits())
			}
			table := harness.RunOK(t, s.env, oshim, "report").Stdout
			if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(b.ID) + `\s+-\s+denial\s+missing=CAP_SETPCAP\s+\+CAP_SETPCAP bnd cleared\s+denied: probe PR_CAPBSET_DROP$`).MatchString(table) {
				t.Errorf("oshim report table:\n%s", table)
			}

			events := readOCSF(t, s.ocsf)
			var denial *ocsfEvent
			for i := range events {
				if events[i].Unmapped.Kind == string(ocsf.ProbeDenied) {
					denial = &events[i]
				}
			}
			if denial == nil {
				t.Fatalf("no probe-denied event among %v", kindsOf(events, b.ID))
			}
			if denial.ClassUID != 2004 || denial.containerID() != b.ID || denial.Unmapped.Contract != "denial" {
				t.Errorf("denial event: class %d container %q contract %q", denial.ClassUID, denial.containerID(), denial.Unmapped.Contract)
			}
			if len(denial.Evidence) != 1 || denial.Evidence[0].Data["seccomp_mode"] != float64(2) {
				t.Errorf("denial evidence %+v, want seccomp_mode 2", denial.Evidence)
			}
		})
	}
}
