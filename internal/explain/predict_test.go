package explain

import (
	"slices"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/oshim/oshim/internal/caps"
	"github.com/oshim/oshim/internal/initproc"
)

func TestSpecState(t *testing.T) {
	full := caps.FullSet(caps.Cap(40))
	tests := []struct {
		name     string
		c        *specs.LinuxCapabilities
		want     caps.State
		warnings []string
	}{
		{name: "absent", c: nil, warnings: []string{"process.capabilities is absent"}},
		{
			name:     "ambient only where permitted and inheritable",
			c:        &specs.LinuxCapabilities{Permitted: []string{"CAP_KILL", "CAP_CHOWN"}, Inheritable: []string{"CAP_KILL"}, Ambient: []string{"CAP_KILL", "CAP_CHOWN"}},
			want:     caps.State{Permitted: caps.NewSet(caps.Cap(5), caps.Cap(0)), Inheritable: caps.NewSet(caps.Cap(5)), Ambient: caps.NewSet(caps.Cap(5))},
			warnings: []string{"capabilities.ambient: CAP_CHOWN not both permitted and inheritable"},
		},
		{
			name:     "effective outside permitted",
			c:        &specs.LinuxCapabilities{Effective: []string{"CAP_KILL"}},
			want:     caps.State{Effective: caps.NewSet(caps.Cap(5))},
			warnings: []string{"capabilities.effective: CAP_KILL not in the permitted list"},
		},
		{
			name:     "unknown and oddly spelled names count as absent",
			c:        &specs.LinuxCapabilities{Bounding: []string{"CAP_NOPE", "kill", "CAP_KILL"}},
			want:     caps.State{Bounding: caps.NewSet(caps.Cap(5))},
			warnings: []string{`"CAP_NOPE" is not a capability`, `"kill" is not spelled CAP_KILL`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, warnings := specState(tt.c, full)
			if got != tt.want {
				t.Errorf("state %v, want %v", got, tt.want)
			}
			for _, w := range tt.warnings {
				if !slices.ContainsFunc(warnings, func(s string) bool { return strings.Contains(s, w) }) {
					t.Errorf("warnings %q lack %q", warnings, w)
				}
			}
			if len(warnings) != len(tt.warnings) {
				t.Errorf("warnings %q, want %d", warnings, len(tt.warnings))
			}
		})
	}
}

func TestSpecStateBeyondTheKernel(t *testing.T) {
	got, warnings := specState(&specs.LinuxCapabilities{Bounding: []string{"CAP_CHECKPOINT_RESTORE", "CAP_KILL"}}, caps.FullSet(caps.Cap(39)))
	if got.Bounding != caps.NewSet(caps.Cap(5)) || len(warnings) != 1 || !strings.Contains(warnings[0], "this kernel has no CAP_CHECKPOINT_RESTORE") {
		t.Fatalf("state %v warnings %q", got, warnings)
	}
}

func TestInitVerdict(t *testing.T) {
	setpcap := caps.NewSet(caps.SETPCAP)
	tests := []struct {
		name  string
		after caps.State
		opts  initproc.Options
		want  string
	}{
		{"all good", caps.State{Effective: setpcap}, initproc.Options{Require: setpcap, ClearBounding: true}, ""},
		{"required cap missing", caps.State{}, initproc.Options{Require: setpcap}, "without CAP_SETPCAP"},
		{"loan kept", caps.State{Inheritable: setpcap}, initproc.Options{Drop: setpcap}, "keep CAP_SETPCAP"},
		{"bounding set left", caps.State{Bounding: setpcap}, initproc.Options{ClearBounding: true}, "bounding set would not be empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := initVerdict(tt.after, tt.opts)
			if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
				t.Fatalf("initVerdict = %q, want %q", got, tt.want)
			}
		})
	}
}
