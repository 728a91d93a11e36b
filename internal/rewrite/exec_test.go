package rewrite

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/oshim/oshim/internal/spec"
)

func TestCapExec(t *testing.T) {
	main := map[string][]string{
		"bounding":  {"CAP_KILL", "CAP_SETPCAP"},
		"effective": {"CAP_KILL", "CAP_SETPCAP"},
		"permitted": {"CAP_KILL", "CAP_SETPCAP"},
	}
	cleared := map[string][]string{"bounding": {}, "effective": {"CAP_KILL"}, "permitted": {"CAP_KILL"}, "inheritable": {"CAP_KILL"}}
	tests := []struct {
		description string
		process     string
		main        map[string][]string
		cleared     bool
		wantCaps    map[string][]string
		wantChanges []string
	}{
		{
			description: "caps the main process lacks are removed, set by set",
			process:     `{"user":{"uid":0},"args":["sh"],"capabilities":{"bounding":["CAP_KILL","CAP_SYS_ADMIN"],"effective":["CAP_SYS_ADMIN"],"permitted":["CAP_KILL"],"ambient":["CAP_KILL"]}}`,
			main:        main,
			wantCaps:    map[string][]string{"bounding": {"CAP_KILL"}, "effective": {}, "permitted": {"CAP_KILL"}, "ambient": {}},
			wantChanges: []string{"bounding:-CAP_SYS_ADMIN", "effective:-CAP_SYS_ADMIN", "ambient:-CAP_KILL"},
		},
		{
			description: "a session within the main process is untouched",
			process:     `{"user":{"uid":0},"args":["sh"],"capabilities":{"bounding":["CAP_KILL"],"effective":["CAP_KILL"]}}`,
			main:        main,
			wantCaps:    map[string][]string{"bounding": {"CAP_KILL"}, "effective": {"CAP_KILL"}},
		},
		{
			description: "unknown and oddly spelled names are removed",
			process:     `{"user":{"uid":0},"args":["sh"],"capabilities":{"bounding":["cap_kill","CAP_FUTURE"]}}`,
			main:        main,
			wantCaps:    map[string][]string{"bounding": {}},
			wantChanges: []string{"bounding:-cap_kill", "bounding:-CAP_FUTURE"},
		},
		{
			description: "cleared container: the session gets no capabilities",
			process:     `{"user":{"uid":0},"args":["sh"],"capabilities":{"bounding":["CAP_KILL","CAP_SETPCAP"],"effective":["CAP_KILL","CAP_SETPCAP"],"permitted":["CAP_KILL","CAP_SETPCAP"]}}`,
			main:        cleared,
			cleared:     true,
			wantCaps:    map[string][]string{"bounding": {}, "effective": {}, "permitted": {}},
			wantChanges: []string{"bounding:-CAP_KILL", "bounding:-CAP_SETPCAP", "effective:-CAP_KILL", "effective:-CAP_SETPCAP", "permitted:-CAP_KILL", "permitted:-CAP_SETPCAP"},
		},
		{
			description: "no capabilities object",
			process:     `{"user":{"uid":0},"args":["sh"]}`,
			main:        main,
		},
	}
	for _, tc := range tests {
		t.Run(tc.description, func(t *testing.T) {
			o, err := spec.ParseObject([]byte(tc.process))
			if err != nil {
				t.Fatal(err)
			}
			changes, err := CapExec(o, tc.main, tc.cleared)
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
		})
	}
}

func FuzzCapExec(f *testing.F) {
	f.Add(`{"user":{"uid":0},"capabilities":{"bounding":["CAP_KILL","CAP_SYS_ADMIN"]}}`, true)
	f.Add(`{"user":{"uid":1000},"capabilities":{"ambient":["CAP_NET_ADMIN"],"inheritable":["CAP_KILL"]}}`, false)
	f.Fuzz(func(t *testing.T, process string, cleared bool) {
		o, err := spec.ParseObject([]byte(process))
		if err != nil {
			return
		}
		main := map[string][]string{"bounding": {"CAP_KILL"}, "effective": {"CAP_KILL"}, "permitted": {"CAP_KILL"}, "inheritable": {"CAP_KILL"}}
		if _, err := CapExec(o, main, cleared); err != nil {
			return
		}
		var got map[string][]string
		if _, err := o.Lookup(&got, "capabilities"); err != nil {
			return
		}
		for _, key := range setKeys {
			for _, n := range got[key] {
				if n != "CAP_KILL" {
					t.Fatalf("%s kept %q, which the main process lacks", key, n)
				}
			}
		}
	})
}
