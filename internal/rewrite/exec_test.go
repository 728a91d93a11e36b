package rewrite

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/oshim/oshim/internal/spec"
)

func TestCapExec(t *testing.T) {
	main := Lists{
		"bounding":  {"CAP_KILL", "CAP_SETPCAP"},
		"effective": {"CAP_KILL", "CAP_SETPCAP"},
		"permitted": {"CAP_KILL", "CAP_SETPCAP"},
	}
	cleared := Lists{"bounding": {}, "effective": {"CAP_KILL"}, "permitted": {"CAP_KILL"}, "inheritable": {"CAP_KILL"}}
	none := []string{}
	tests := []struct {
		description string
		process     string
		limits      ExecLimits
		wantCaps    map[string][]string
		wantChanges []string
		wantNNP     bool
	}{
		{
			description: "caps the main process lacks are removed, set by set",
			process:     `{"user":{"uid":0},"args":["sh"],"capabilities":{"bounding":["CAP_KILL","CAP_SYS_ADMIN"],"effective":["CAP_SYS_ADMIN"],"permitted":["CAP_KILL"],"inheritable":[],"ambient":["CAP_KILL"]}}`,
			limits:      ExecLimits{Main: main},
			wantCaps:    map[string][]string{"bounding": {"CAP_KILL"}, "effective": none, "permitted": {"CAP_KILL"}, "inheritable": none, "ambient": none},
			wantChanges: []string{"bounding:-CAP_SYS_ADMIN", "effective:-CAP_SYS_ADMIN", "ambient:-CAP_KILL"},
		},
		{
			description: "lists the file leaves out are the main process's, never the stored spec's",
			process:     `{"user":{"uid":0},"args":["sh"],"capabilities":{"bounding":["CAP_KILL"],"effective":["CAP_KILL"]}}`,
			limits:      ExecLimits{Main: main},
			wantCaps:    map[string][]string{"bounding": {"CAP_KILL"}, "effective": {"CAP_KILL"}, "permitted": {"CAP_KILL", "CAP_SETPCAP"}, "inheritable": none, "ambient": none},
			wantChanges: []string{"permitted:=", "inheritable:=", "ambient:="},
		},
		{
			description: "unknown and oddly spelled names are removed",
			process:     `{"user":{"uid":0},"args":["sh"],"capabilities":{"bounding":["cap_kill","CAP_FUTURE"],"effective":[],"permitted":[],"inheritable":[],"ambient":[]}}`,
			limits:      ExecLimits{Main: main},
			wantCaps:    map[string][]string{"bounding": none, "effective": none, "permitted": none, "inheritable": none, "ambient": none},
			wantChanges: []string{"bounding:-cap_kill", "bounding:-CAP_FUTURE"},
		},
		{
			description: "cleared container: the session gets no capabilities",
			process:     `{"user":{"uid":0},"args":["sh"],"capabilities":{"bounding":["CAP_KILL"],"effective":["CAP_KILL","CAP_SETPCAP"],"permitted":["CAP_KILL"],"inheritable":[],"ambient":[]}}`,
			limits:      ExecLimits{Main: cleared, Cleared: true},
			wantCaps:    map[string][]string{"bounding": none, "effective": none, "permitted": none, "inheritable": none, "ambient": none},
			wantChanges: []string{"bounding:-CAP_KILL", "effective:-CAP_KILL", "effective:-CAP_SETPCAP", "permitted:-CAP_KILL"},
		},
		{
			description: "no capabilities object: the main process's lists, not the stored spec's",
			process:     `{"user":{"uid":0},"args":["sh"]}`,
			limits:      ExecLimits{Main: main},
			wantCaps:    map[string][]string{"bounding": main["bounding"], "effective": main["effective"], "permitted": main["permitted"], "inheritable": none, "ambient": none},
			wantChanges: []string{"bounding:=", "effective:=", "permitted:=", "inheritable:=", "ambient:="},
		},
		{
			description: "null capabilities in a cleared container: nothing",
			process:     `{"user":{"uid":0},"args":["sh"],"capabilities":null}`,
			limits:      ExecLimits{Main: cleared, Cleared: true},
			wantCaps:    map[string][]string{"bounding": none, "effective": none, "permitted": none, "inheritable": none, "ambient": none},
			wantChanges: []string{"bounding:=", "effective:=", "effective:-CAP_KILL", "permitted:=", "permitted:-CAP_KILL", "inheritable:=", "inheritable:-CAP_KILL", "ambient:="},
		},
		{
			description: "no_new_privs contracts set it for exec sessions too",
			process:     `{"user":{"uid":0},"args":["sh"],"capabilities":{"bounding":[],"effective":[],"permitted":[],"inheritable":[],"ambient":[]},"noNewPrivileges":false}`,
			limits:      ExecLimits{Main: main, NoNewPrivs: true},
			wantCaps:    map[string][]string{"bounding": none, "effective": none, "permitted": none, "inheritable": none, "ambient": none},
			wantChanges: []string{"noNewPrivileges:=true"},
			wantNNP:     true,
		},
	}
	for _, tc := range tests {
		t.Run(tc.description, func(t *testing.T) {
			o, err := spec.ParseObject([]byte(tc.process))
			if err != nil {
				t.Fatal(err)
			}
			changes, err := CapExec(o, tc.limits)
			if err != nil {
				t.Fatalf("CapExec: %v", err)
			}
			if !reflect.DeepEqual(changes, tc.wantChanges) {
				t.Errorf("changes = %q, want %q", changes, tc.wantChanges)
			}
			var got map[string][]string
			if _, err := o.Lookup(&got, "capabilities"); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.wantCaps) {
				b, _ := json.Marshal(got)
				t.Errorf("capabilities = %s, want %v", b, tc.wantCaps)
			}
			var nnp bool
			if _, err := o.Lookup(&nnp, "noNewPrivileges"); err != nil || nnp != tc.wantNNP {
				t.Errorf("noNewPrivileges = %t (%v), want %t", nnp, err, tc.wantNNP)
			}
		})
	}
}

// FuzzCapExec: whatever the process file says (lists missing, null, extra, misspelled),
// the session ends with all five lists written and within the main process's.
func FuzzCapExec(f *testing.F) {
	f.Add(`{"user":{"uid":0},"capabilities":{"bounding":["CAP_KILL","CAP_SYS_ADMIN"]}}`, true)
	f.Add(`{"user":{"uid":1000},"capabilities":{"ambient":["CAP_NET_ADMIN"],"inheritable":["CAP_KILL"]}}`, false)
	f.Add(`{"user":{"uid":0},"capabilities":null}`, false)
	f.Add(`{"args":["sh"]}`, false)
	f.Fuzz(func(t *testing.T, process string, cleared bool) {
		o, err := spec.ParseObject([]byte(process))
		if err != nil {
			return
		}
		main := Lists{"bounding": {"CAP_KILL"}, "effective": {"CAP_KILL"}, "permitted": {"CAP_KILL"}, "inheritable": {"CAP_KILL"}}
		if _, err := CapExec(o, ExecLimits{Main: main, Cleared: cleared}); err != nil {
			return
		}
		var got map[string][]string
		if _, err := o.Lookup(&got, "capabilities"); err != nil {
			t.Fatalf("capabilities unreadable after CapExec: %v", err)
		}
		for _, key := range setKeys {
			list, ok := got[key]
			if !ok {
				t.Fatalf("%s not written", key)
			}
			for _, n := range list {
				if n != "CAP_KILL" || cleared {
					t.Fatalf("%s kept %q, which the session may not hold (cleared %t)", key, n, cleared)
				}
			}
		}
	})
}
