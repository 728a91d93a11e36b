package containerd

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/oshim/oshim/test/harness"
)

// TestFeatures: containerd's runc shim (newer than 1.6) runs `BINARY
// features` with no flags and decodes its stdout (mount options, user
// namespaces, ...). oshim, configured as under containerd, must print the
// real runc's output byte for byte and nothing more, with or without the
// global flags the shim passes on its other calls.
func TestFeatures(t *testing.T) {
	oshim := harness.Oshim(t)
	runc := harness.Runtime(t, "runc")
	dir := t.TempDir()
	env := []string{"OSHIM_CONFIG=" + oshimConfig(t, dir, runc, "cri.toml")}
	tests := []struct {
		description string
		args        []string
	}{
		{description: "no flags, as the shim calls it", args: []string{"features"}},
		{
			description: "the shim's global flags",
			args:        []string{"--root", filepath.Join(dir, "root"), "--log", filepath.Join(dir, "log.json"), "--log-format", "json", "features"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.description, func(t *testing.T) {
			want := harness.RunOK(t, nil, append([]string{runc}, tt.args...)...)
			if !json.Valid([]byte(want.Stdout)) {
				t.Fatalf("runc features: stdout is not JSON")
			}
			got := harness.RunOK(t, env, append([]string{oshim}, tt.args...)...)
			if got.Stdout != want.Stdout {
				t.Errorf("oshim features: stdout differs from runc's")
			}
			if got.Stderr != want.Stderr {
				t.Errorf("oshim features: stderr %q, runc's %q", got.Stderr, want.Stderr)
			}
		})
	}
}
