package hook

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPoststop(t *testing.T) {
	tests := []struct {
		description  string
		removeConfig bool
		wantLeft     int
	}{
		{description: "both records go"},
		// The detection record goes; precreate's cannot be found without config.json.
		{description: "without config.json", removeConfig: true, wantLeft: 1},
	}
	for _, tc := range tests {
		t.Run(tc.description, func(t *testing.T) {
			h := testHook(t, "repair")
			var rewritten bytes.Buffer
			if err := h.Precreate(bytes.NewReader(proposed(t, nil)), &rewritten); err != nil {
				t.Fatal(err)
			}
			state := bundle(t, "c1", rewritten.Bytes())
			if err := h.Detect(strings.NewReader(state)); err != nil {
				t.Fatal(err)
			}
			if n := len(recordFiles(t, h)); n != 2 {
				t.Fatalf("%d records before poststop, want 2", n)
			}
			st, err := ReadState(strings.NewReader(state))
			if err != nil {
				t.Fatal(err)
			}
			if tc.removeConfig {
				if err := os.Remove(filepath.Join(st.Bundle, "config.json")); err != nil {
					t.Fatal(err)
				}
			}
			if err := h.Poststop(strings.NewReader(state)); err != nil {
				t.Fatalf("Poststop: %v", err)
			}
			if left := recordFiles(t, h); len(left) != tc.wantLeft {
				t.Fatalf("records left %v, want %d", left, tc.wantLeft)
			}
			// A second poststop (podman runs it after every stop) finds nothing to do.
			if err := h.Poststop(strings.NewReader(state)); err != nil {
				t.Fatalf("second Poststop: %v", err)
			}
		})
	}
}

func TestPoststopBadState(t *testing.T) {
	h := testHook(t, "repair")
	if err := h.Poststop(strings.NewReader(`{"id":"..","bundle":"/b"}`)); err == nil {
		t.Fatal("Poststop accepted an id that leaves the run directory")
	}
}
