package records

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func sampleRecord(id, root string) *Container {
	return &Container{
		ID: id, Root: root, Bundle: "/b/" + id, Arg0: "/opt/openshell/bin/openshell-sandbox", Contract: "sandbox-supervisor",
		Bounding: "clear", OnSkew: "repair", Skew: "missing=CAP_SETPCAP",
		Repair:  "granted CAP_SETPCAP in bounding,effective,permitted; bounding set cleared by oshim-init",
		Before:  map[string][]string{"bounding": {"CAP_KILL"}},
		After:   map[string][]string{"bounding": {"CAP_KILL", "CAP_SETPCAP"}},
		Main:    map[string][]string{"bounding": {}},
		Runtime: "/usr/bin/crun", RuntimeVersion: "crun version 1.8.1",
		Created: time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC), Init: true,
		Result: &Measured{OK: true, Probe: "ok", Summary: "ok: bnd=none caps=CAP_KILL,CAP_SETPCAP amb=none probe=ok",
			State: map[string][]string{"bounding": {}, "effective": {"CAP_KILL", "CAP_SETPCAP"}}, Received: time.Date(2026, 5, 1, 12, 0, 1, 0, time.UTC)},
	}
}

func TestWriteTable(t *testing.T) {
	long := sampleRecord("a-much-longer-container-id", "")
	long.Result = nil
	long.Pod.Namespace, long.Pod.Pod = "team-a", "sandbox-0"
	tests := []struct {
		name    string
		entries []Entry
		want    []string // lines, with the table's spacing
	}{
		{
			name: "one root: no ROOT column, aligned",
			entries: []Entry{
				{Key: "default", ID: "c1", Record: sampleRecord("c1", "")},
				{Key: "default", ID: long.ID, Record: long},
			},
			want: []string{
				"ID                          POD               CONTRACT            SKEW                 REPAIR                    RESULT",
				"c1                          -                 sandbox-supervisor  missing=CAP_SETPCAP  +CAP_SETPCAP bnd cleared  ok",
				"a-much-longer-container-id  team-a/sandbox-0  sandbox-supervisor  missing=CAP_SETPCAP  +CAP_SETPCAP bnd cleared  pending",
			},
		},
		{
			name: "two roots and an unreadable record",
			entries: []Entry{
				{Key: "default", ID: "c1", Record: sampleRecord("c1", "")},
				{Key: RootKey("/run/k8s"), ID: "c1", Record: sampleRecord("c1", "/run/k8s")},
				{Key: "x", ID: "c2", Err: errors.New("decode\tthis:\nbad")},
			},
			want: []string{
				"ROOT      ID  POD  CONTRACT            SKEW                 REPAIR                    RESULT",
				"default   c1  -    sandbox-supervisor  missing=CAP_SETPCAP  +CAP_SETPCAP bnd cleared  ok",
				"/run/k8s  c1  -    sandbox-supervisor  missing=CAP_SETPCAP  +CAP_SETPCAP bnd cleared  ok",
				"x         c2  -    -                   -                    -                         no record: decode this: bad",
			},
		},
		{name: "no entries", want: []string{"ID  POD  CONTRACT  SKEW  REPAIR  RESULT"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			if err := WriteTable(&b, tt.entries); err != nil {
				t.Fatal(err)
			}
			got := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
			for i := range got {
				got[i] = strings.TrimRight(got[i], " ")
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Fatalf("table:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestWriteText(t *testing.T) {
	tests := []struct {
		name string
		c    *Container
		want []string
	}{
		{
			name: "measured",
			c:    sampleRecord("c1", "/run/k8s"),
			want: []string{
				"Container:     c1\n", "Runtime root:  /run/k8s\n", "Runtime:       /usr/bin/crun (crun version 1.8.1)\n",
				"Process:       /opt/openshell/bin/openshell-sandbox as uid 0 (root)\n",
				"Contract:      sandbox-supervisor (bounding = clear, on_skew = repair, init = true)\n",
				"Verdict:       ok\n", "Spec after the rewrite:\n  bounding:     CAP_KILL, CAP_SETPCAP\n",
				"  effective:    (not in the spec)\n", "Measured by oshim-init inside the container:\n",
				"  probe:         ok (PR_CAPBSET_DROP with CAP_SETPCAP effective)\n", "  seccomp:       0 (disabled)\n",
				"  bounding:      none\n", "  effective:     CAP_KILL, CAP_SETPCAP\n",
			},
		},
		{
			name: "not started, non-root, default root",
			c: func() *Container {
				c := sampleRecord("c2", "")
				c.Result, c.UID = nil, 1000
				return c
			}(),
			want: []string{"Runtime root:  (the runtime's default)\n", "as uid 1000 (non-root)\n", "Measured by oshim-init: nothing yet (the container has not started)\n"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			if err := WriteText(&b, tt.c); err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(b.String(), w) {
					t.Errorf("report lacks %q:\n%s", w, b.String())
				}
			}
		})
	}
}

// FuzzWriteTable: whatever a record holds (it comes from a file on disk, and the
// init's message from inside a container), the table keeps one line per entry and
// passes no control character to the terminal.
func FuzzWriteTable(f *testing.F) {
	f.Add("c1", "sandbox", "missing=CAP_SETPCAP", "denied: probe", "CAP_SETPCAP", "\x1b[31mred\n")
	f.Add("", "", "", "", "", "")
	f.Fuzz(func(t *testing.T, id, contract, skew, step, capName, msg string) {
		c := &Container{ID: id, Contract: contract, Skew: skew, Init: true,
			After:  map[string][]string{"bounding": {capName}},
			Result: &Measured{Step: step, Message: msg, Summary: msg, Probe: msg}}
		entries := []Entry{{Key: "k", ID: id, Record: c}, {Key: "k2", ID: id, Err: errors.New(msg)}}
		var b strings.Builder
		if err := WriteTable(&b, entries); err != nil {
			t.Fatal(err)
		}
		out := strings.TrimSuffix(b.String(), "\n")
		if n := strings.Count(out, "\n") + 1; n != len(entries)+1 {
			t.Fatalf("%d lines for %d entries:\n%q", n, len(entries), out)
		}
		for _, r := range out {
			if r != '\n' && (r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0)) {
				t.Fatalf("control character %U in the table: %q", r, out)
			}
		}
	})
}
