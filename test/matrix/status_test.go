package matrix

import (
	"fmt"
	"strings"
	"testing"

	"github.com/oshim/oshim/test/procstatus"
)

// capLines reads the five "CapXxx:\tHEX" lines that the supervisor prints with -status
// (its own /proc/thread-self/status, before it touches its bounding set). Each must
// appear exactly once; an unknown Cap line is an error, any other line is ignored.
func capLines(out string) (Sets, error) {
	var s Sets
	fields := map[string]*procstatus.Mask{"CapInh": &s.Inh, "CapPrm": &s.Prm, "CapEff": &s.Eff, "CapBnd": &s.Bnd, "CapAmb": &s.Amb}
	seen := map[string]bool{}
	for _, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, "Cap") {
			continue
		}
		key, value, _ := strings.Cut(line, ":")
		m, ok := fields[key]
		if !ok {
			return Sets{}, fmt.Errorf("workload output: unknown line %q", line)
		}
		if seen[key] {
			return Sets{}, fmt.Errorf("workload output: %s twice", key)
		}
		seen[key] = true
		if err := m.UnmarshalText([]byte(strings.TrimSpace(value))); err != nil {
			return Sets{}, fmt.Errorf("workload output: %s: %w", key, err)
		}
	}
	for key := range fields {
		if !seen[key] {
			return Sets{}, fmt.Errorf("workload output: no %s line", key)
		}
	}
	return s, nil
}

// lines writes s as the supervisor prints it.
func (s Sets) lines() string {
	var b strings.Builder
	for _, set := range s.named() {
		fmt.Fprintf(&b, "%s:\t%v\n", set.name, set.mask)
	}
	return b.String()
}

func TestCapLines(t *testing.T) {
	const sample = "CapInh:\t0000000000000000\nCapPrm:\t0000000000000520\nCapEff:\t0000000000000520\nCapBnd:\t0000000000000520\nCapAmb:\t0000000000000000\nbounding set cleared\n"
	tests := []struct {
		name    string
		out     string
		want    Sets
		wantErr string
	}{
		{name: "the supervisor's -status output", out: sample, want: Sets{Bnd: 0x520, Eff: 0x520, Prm: 0x520}},
		{name: "with an engine's other output around it", out: "starting\n" + sample + "Failed to clear capability bounding set: CAP 5\n", want: Sets{Bnd: 0x520, Eff: 0x520, Prm: 0x520}},
		{name: "a line missing", out: strings.Replace(sample, "CapAmb:\t0000000000000000\n", "", 1), wantErr: "no CapAmb line"},
		{name: "a line twice", out: sample + "CapEff:\t0000000000000000\n", wantErr: "CapEff twice"},
		{name: "an unknown Cap line", out: sample + "CapFoo:\t0\n", wantErr: `unknown line "CapFoo:\t0"`},
		{name: "not hex", out: strings.Replace(sample, "CapBnd:\t0000000000000520", "CapBnd:\tzz", 1), wantErr: "CapBnd: capability mask"},
		{name: "nothing printed", out: "", wantErr: "no Cap"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := capLines(tt.out)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got %v, %v; want an error with %q", got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("got %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}

// FuzzCapLines: whatever capLines accepts, written back the supervisor's way, reads
// back the same.
func FuzzCapLines(f *testing.F) {
	f.Add(Sets{Bnd: 0x520, Eff: 0x520, Prm: 0x520}.lines() + "bounding set cleared\n")
	f.Add("CapInh:\t0\nCapPrm:\t1\nCapEff:\t1\nCapBnd:\tffffffffffffffff\nCapAmb:\t0\n")
	f.Add("CapInh:0\nCap")
	f.Fuzz(func(t *testing.T, out string) {
		s, err := capLines(out)
		if err != nil {
			return
		}
		again, err := capLines(s.lines())
		if err != nil || again != s {
			t.Fatalf("%v written back reads as %v, %v", s, again, err)
		}
	})
}
