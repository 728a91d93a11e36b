package reports

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/oshim/oshim/test/harness"
)

// TestOCSFEvents: real containers produce every kind of finding, and every line of
// the OCSF file matches the schema of its class: Detection Finding (2004) for skew and
// for a denied probe, Device Config State Change (5019) for granted and lent caps.
func TestOCSFEvents(t *testing.T) {
	for _, rt := range runtimes {
		t.Run(rt, func(t *testing.T) {
			t.Parallel()
			oshim := harness.Oshim(t)
			repair := supervisorBundle(t, rt)
			// One config for all; each bundle picks its contract by an annotation.
			s := newSetup(t, repair, "", byAnnotation("repair", "require = [\"CAP_SETPCAP\"]\ninit = false")+
				byAnnotation("lend", `bounding = "clear"`)+
				byAnnotation("deny", "require = [\"CAP_SETPCAP\"]\non_skew = \"deny\"")+
				byAnnotation("probe", "require = [\"CAP_SETPCAP\"]\nbounding = \"clear\""))
			cases := []struct {
				name     string
				b        *harness.Bundle
				contract string
				edit     func(b *harness.Bundle)
				code     int
				kinds    []string
			}{
				{name: "repair", b: repair, contract: "repair", kinds: []string{"skew-found", "spec-repaired"}},
				{
					name: "loan to the init of a non-root workload", b: capdumpBundle(t, rt), contract: "lend", kinds: []string{"caps-lent"},
					edit: func(b *harness.Bundle) { b.Jq(t, `.process.user = {"uid": 1000, "gid": 1000}`) },
				},
				{name: "deny", b: supervisorBundle(t, rt), contract: "deny", code: 1, kinds: []string{"skew-found"}},
				{
					name: "probe denied by seccomp", b: supervisorBundle(t, rt), contract: "probe", code: 122,
					kinds: []string{"skew-found", "spec-repaired", "probe-denied"},
					edit: func(b *harness.Bundle) {
						b.Jq(t, `.process.noNewPrivileges = true | .linux.seccomp = $p`, "--argjson", "p", seccompDeniesDrop)
					},
				},
			}
			for _, c := range cases {
				c.b.Jq(t, `.annotations["test.contract"] = $c`, "--arg", "c", c.contract)
				if c.edit != nil {
					c.edit(c.b)
				}
				if r := harness.Run(t, s.env, c.b.Argv(oshim, "run", "--bundle", c.b.Dir, c.b.ID)...); r.Code != c.code {
					t.Errorf("%s: oshim run exited %d, want %d", c.name, r.Code, c.code)
				}
			}
			events := readOCSF(t, s.ocsf)
			classes := map[int]bool{}
			for _, e := range events {
				classes[e.ClassUID] = true
			}
			if !classes[2004] || !classes[5019] || len(classes) != 2 {
				t.Errorf("classes %v, want 2004 and 5019", classes)
			}
			for _, c := range cases {
				if got := kindsOf(events, c.b.ID); !slices.Equal(got, c.kinds) {
					t.Errorf("%s: events %v, want %v", c.name, got, c.kinds)
				}
			}
			for _, e := range events {
				if e.Message == "" || !strings.Contains(e.Message, "container e2e-") {
					t.Errorf("event message %q", e.Message)
				}
			}
		})
	}
}

// TestOCSFFailureOnlyWarns: an OCSF file that cannot be written costs a warning in
// the engine's log, never the container.
func TestOCSFFailureOnlyWarns(t *testing.T) {
	for _, rt := range runtimes {
		t.Run(rt, func(t *testing.T) {
			t.Parallel()
			oshim := harness.Oshim(t)
			b := supervisorBundle(t, rt)
			blocker := filepath.Join(t.TempDir(), "not-a-directory")
			if err := os.WriteFile(blocker, nil, 0o600); err != nil {
				t.Fatal(err)
			}
			s := newSetup(t, b, "", contract("repair", "require = [\"CAP_SETPCAP\"]"))
			body, err := os.ReadFile(s.config)
			if err != nil {
				t.Fatal(err)
			}
			body = []byte(strings.Replace(string(body), s.ocsf, filepath.Join(blocker, "ocsf.jsonl"), 1))
			if err := os.WriteFile(s.config, body, 0o644); err != nil {
				t.Fatal(err)
			}
			log := filepath.Join(t.TempDir(), "runtime.log")
			r := harness.Run(t, s.env, oshim, "--log", log, "--root", b.Root, "run", "--bundle", b.Dir, b.ID)
			if r.Code != 0 || !strings.Contains(r.Stdout, clearedMsg) {
				t.Fatalf("oshim run: exit %d, stdout %q; want the repaired supervisor to run", r.Code, r.Stdout)
			}
			data, err := os.ReadFile(log)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(data), "level=warning") || !strings.Contains(string(data), "could not write OCSF events") {
				t.Errorf("runtime log lacks the warning:\n%s", data)
			}
		})
	}
}

// byAnnotation is a contract that containers with annotation test.contract=NAME get.
func byAnnotation(name, keys string) string {
	return "[[contract]]\nname = \"" + name + "\"\n" + keys + "\n[contract.match]\nannotations = { '^test\\.contract$' = '^" + name + "$' }\n\n"
}
