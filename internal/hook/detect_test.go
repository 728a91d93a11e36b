package hook

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// bundle writes config as a bundle's config.json and returns the container state a
// standard-stage hook gets for it.
func bundle(t *testing.T, id string, config []byte) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "config.json"), config, 0o644); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf(`{"ociVersion":"1.0.2","id":%q,"status":"creating","pid":42,"bundle":%q,"annotations":{"a":"b"}}`, id, dir)
}

func TestDetect(t *testing.T) {
	tests := []struct {
		description string
		contracts   string
		stage       string
		config      []byte
		wantErr     string
		wantSkew    string // "" for no record
	}{
		{description: "repair can only record", contracts: "repair", stage: "createRuntime", config: proposed(t, nil), wantSkew: "missing=CAP_SETPCAP"},
		{description: "prestart, for engines without createRuntime", contracts: "report", stage: "prestart", config: proposed(t, nil), wantSkew: "missing=CAP_SETPCAP"},
		{description: "no skew", contracts: "repair", stage: "createRuntime", config: proposed(t, withSetpcap), wantSkew: "none"},
		{description: "deny refuses and records nothing", contracts: "deny", stage: "createRuntime", config: proposed(t, nil),
			wantErr: `container c1: contract "sandbox-supervisor": the spec withholds CAP_SETPCAP, which the workload requires (on_skew=deny)`},
		{description: "no contract applies", contracts: "deny", stage: "createRuntime", config: proposed(t, setArgs("/bin/true"))},
		{description: "an unknown contract", contracts: "deny", stage: "createRuntime", config: proposed(t, setAnnotation("io.oshim.contract", "nope")), wantErr: "names no contract"},
		{description: "a broken config.json", contracts: "deny", stage: "createRuntime", config: []byte(`{"process":`), wantErr: "config.json"},
	}
	for _, tc := range tests {
		t.Run(tc.description, func(t *testing.T) {
			h := testHook(t, tc.contracts)
			err := h.Detect(strings.NewReader(bundle(t, "c1", tc.config)))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Detect error = %v, want one containing %q", err, tc.wantErr)
				}
			} else if err != nil {
				t.Fatalf("Detect: %v", err)
			}
			rec, found, err := h.Store.Load(StoreRoot, "c1")
			if err != nil {
				t.Fatal(err)
			}
			if tc.wantSkew == "" {
				if found || len(recordFiles(t, h)) != 0 {
					t.Fatalf("records %v, want none", recordFiles(t, h))
				}
				return
			}
			if !found {
				t.Fatal("no record")
			}
			wantRepair := "none (detection only: the runtime has read the spec)"
			if rec.Skew != tc.wantSkew || rec.Repair != wantRepair || rec.Init || rec.Bundle == "" {
				t.Errorf("record = %+v, want skew %q, repair %q", rec, tc.wantSkew, wantRepair)
			}
			if fmt.Sprint(rec.After) != fmt.Sprint(rec.Before) {
				t.Errorf("record says the spec changed: before %v, after %v", rec.Before, rec.After)
			}
		})
	}
}

func withSetpcap(m map[string]any) {
	c := m["process"].(map[string]any)["capabilities"].(map[string]any)
	for _, key := range []string{"bounding", "effective", "permitted"} {
		c[key] = append(c[key].([]any), "CAP_SETPCAP")
	}
}

func TestReadState(t *testing.T) {
	tests := []struct {
		description string
		state       string
		wantErr     string
	}{
		{description: "a state", state: `{"id":"abc","bundle":"/b","status":"creating"}`},
		{description: "not JSON", state: `{`, wantErr: "decode container state"},
		{description: "an id that leaves the run directory", state: `{"id":"../x","bundle":"/b"}`, wantErr: "invalid container id"},
		{description: "no id", state: `{"bundle":"/b"}`, wantErr: "invalid container id"},
		{description: "a relative bundle", state: `{"id":"abc","bundle":"b"}`, wantErr: "not an absolute path"},
		{description: "too large", state: `{"id":"abc","bundle":"/b","annotations":{"x":"` + strings.Repeat("x", maxState) + `"}}`, wantErr: "more than"},
	}
	for _, tc := range tests {
		t.Run(tc.description, func(t *testing.T) {
			st, err := ReadState(strings.NewReader(tc.state))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("ReadState error = %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || st.ID != "abc" || st.configPath() != "/b/config.json" {
				t.Fatalf("ReadState = %+v, %v", st, err)
			}
		})
	}
}

func FuzzReadState(f *testing.F) {
	f.Add(`{"id":"abc","bundle":"/b"}`)
	f.Add(`{"id":"a/../b","bundle":"/b/../c"}`)
	f.Fuzz(func(t *testing.T, state string) {
		st, err := ReadState(strings.NewReader(state))
		if err != nil {
			return
		}
		if strings.ContainsAny(st.ID, "/\x00") || st.ID == ".." || !filepath.IsAbs(st.configPath()) {
			t.Fatalf("ReadState accepted %+v", st)
		}
	})
}
