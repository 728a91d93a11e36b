package caps

import (
	"strconv"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    Cap
		wantErr string
	}{
		{name: "canonical", in: "CAP_SETPCAP", want: SETPCAP},
		{name: "bare", in: "SETPCAP", want: SETPCAP},
		{name: "lower case", in: "cap_setpcap", want: SETPCAP},
		{name: "mixed case bare", in: "SyS_AdMiN", want: SYS_ADMIN},
		{name: "mixed case prefix", in: "Cap_net_raw", want: NET_RAW},
		{name: "first", in: "CAP_CHOWN", want: CHOWN},
		{name: "last", in: "checkpoint_restore", want: CHECKPOINT_RESTORE},
		{name: "empty", in: "", wantErr: "empty capability name"},
		{name: "prefix only", in: "CAP_", wantErr: `unknown capability "CAP_"`},
		{name: "unknown", in: "CAP_FOO", wantErr: `unknown capability "CAP_FOO"`},
		{name: "numeric form is not a name", in: "CAP_63", wantErr: `unknown capability "CAP_63"`},
		{name: "double prefix", in: "CAP_CAP_CHOWN", wantErr: `unknown capability "CAP_CAP_CHOWN"`},
		{name: "surrounding space", in: " CAP_CHOWN", wantErr: `unknown capability " CAP_CHOWN"`},
		{name: "unicode fold does not alias", in: "CAP_\u017fETPCAP", wantErr: "unknown capability"},
		{name: "kelvin sign does not alias", in: "\u212aILL", wantErr: "unknown capability"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Parse(%q) = %v, %v; want error containing %q", tt.in, got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("Parse(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestParseErrorNamesOnlyTheInput(t *testing.T) {
	_, err := Parse("CAP_FOO")
	if err == nil {
		t.Fatal("Parse(CAP_FOO) succeeded")
	}
	if got, want := err.Error(), `unknown capability "CAP_FOO"`; got != want {
		t.Errorf("error = %q, want %q", got, want)
	}
}

func TestCapString(t *testing.T) {
	tests := []struct {
		name string
		c    Cap
		want string
	}{
		{name: "chown", c: CHOWN, want: "CAP_CHOWN"},
		{name: "setpcap", c: SETPCAP, want: "CAP_SETPCAP"},
		{name: "last known", c: CHECKPOINT_RESTORE, want: "CAP_CHECKPOINT_RESTORE"},
		{name: "first unknown", c: 41, want: "CAP_41"},
		{name: "highest set bit", c: 63, want: "CAP_63"},
		{name: "negative", c: -1, want: "CAP_-1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.c.String(); got != tt.want {
				t.Errorf("Cap(%d).String() = %q, want %q", int(tt.c), got, tt.want)
			}
		})
	}
}

func TestKnown(t *testing.T) {
	known := Known()
	if len(known) != 41 {
		t.Fatalf("len(Known()) = %d, want 41", len(known))
	}
	for i, c := range known {
		if c != Cap(i) {
			t.Fatalf("Known()[%d] = %d, want ascending from 0", i, int(c))
		}
		if s := c.String(); !strings.HasPrefix(s, "CAP_") || s == "CAP_"+strconv.Itoa(i) {
			t.Errorf("Known()[%d] has no name: %q", i, s)
		}
		if got, err := Parse(c.String()); err != nil || got != c {
			t.Errorf("Parse(%q) = %v, %v; want %d", c.String(), got, err, int(c))
		}
	}
	known[0] = 99
	if Known()[0] != CHOWN {
		t.Error("Known returned shared storage")
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"CAP_SETPCAP", "setpcap", "", "CAP_", "CAP_63", "cap_\u017fetpcap", "SYS_ADMIN\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		c, err := Parse(in)
		if err != nil {
			return
		}
		name := c.String()
		bare := strings.TrimPrefix(strings.ToUpper(in), "CAP_")
		if name != "CAP_"+bare {
			t.Fatalf("Parse(%q) = %s, which does not spell the input", in, name)
		}
		back, err := Parse(name)
		if err != nil || back != c {
			t.Fatalf("Parse(String(Parse(%q))) = %v, %v; want %v", in, back, err, c)
		}
	})
}
