package main

import (
	"errors"
	"reflect"
	"slices"
	"testing"
)

func TestHostInitArgs(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		want    []string
		wantErr bool
	}{
		{
			name: "the clear contract's init",
			args: []string{"/dev/.oshim/init", "--clear-bounding", "--require", "CAP_SETPCAP", "--result", "/dev/.oshim/result", "--", "/bin/true"},
			want: []string{"/host/oshim-init", "--clear-bounding", "--require", "CAP_SETPCAP", "--"},
		},
		{name: "verify only", args: []string{"/dev/.oshim/init", "--", "/bin/true"}, want: []string{"/host/oshim-init", "--"}},
		{name: "not the init", args: []string{"/bin/true"}, wantErr: true},
		{name: "no workload separator", args: []string{"/dev/.oshim/init", "--clear-bounding"}, wantErr: true},
		{name: "the separator before the init", args: []string{"--", "/dev/.oshim/init"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := hostInitArgs("/host/oshim-init", tt.args)
			if (err != nil) != tt.wantErr {
				t.Fatalf("hostInitArgs() error = %v, want error %v", err, tt.wantErr)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("hostInitArgs() = %q, want %q", got, tt.want)
			}
		})
	}
}

func FuzzHostInitArgs(f *testing.F) {
	f.Add("/dev/.oshim/init\x00--result\x00f\x00--\x00/bin/true")
	f.Add("/dev/.oshim/init\x00--result")
	f.Fuzz(func(t *testing.T, joined string) {
		args := splitNUL(joined)
		got, err := hostInitArgs("/host/oshim-init", args)
		if err != nil {
			return
		}
		if got[0] != "/host/oshim-init" || got[len(got)-1] != "--" || slices.Contains(got, "--result") {
			t.Errorf("hostInitArgs(%q) = %q", args, got)
		}
	})
}

func splitNUL(s string) []string {
	var out []string
	start := 0
	for i := range len(s) {
		if s[i] == 0 {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

func TestTimeIt(t *testing.T) {
	setups, runs := 0, 0
	s, err := timeIt(3, func() error { setups++; return nil }, func() error { runs++; return nil })
	if err != nil || s.N != 3 || setups != 3 || runs != 3 {
		t.Errorf("timeIt() = %+v, %v after %d setups and %d runs, want 3 samples", s, err, setups, runs)
	}
	boom := errors.New("boom")
	if _, err := timeIt(3, func() error { return boom }, func() error { return nil }); !errors.Is(err, boom) {
		t.Errorf("timeIt() with a failing setup: %v", err)
	}
	if _, err := timeIt(3, nil, func() error { return boom }); !errors.Is(err, boom) {
		t.Errorf("timeIt() with a failing step: %v", err)
	}
}
