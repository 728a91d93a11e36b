package caps

import (
	"reflect"
	"strings"
	"testing"
)

func TestSetOps(t *testing.T) {
	ab := NewSet(CHOWN, SETPCAP)
	tests := []struct {
		name string
		got  Set
		want Set
	}{
		{name: "new set bits", got: ab, want: 1<<0 | 1<<8},
		{name: "new set empty", got: NewSet(), want: 0},
		{name: "new set duplicates", got: NewSet(KILL, KILL), want: 1 << 5},
		{name: "add", got: ab.Add(SYS_ADMIN), want: 1<<0 | 1<<8 | 1<<21},
		{name: "add existing", got: ab.Add(CHOWN), want: ab},
		{name: "add ignores negative", got: ab.Add(-1), want: ab},
		{name: "add ignores beyond 63", got: ab.Add(64, 1000), want: ab},
		{name: "add 63", got: NewSet(63), want: 1 << 63},
		{name: "remove", got: ab.Remove(CHOWN), want: 1 << 8},
		{name: "remove absent", got: ab.Remove(KILL), want: ab},
		{name: "remove ignores out of range", got: ab.Remove(-5, 70), want: ab},
		{name: "union", got: ab.Union(NewSet(KILL)), want: NewSet(CHOWN, KILL, SETPCAP)},
		{name: "intersect", got: ab.Intersect(NewSet(SETPCAP, KILL)), want: NewSet(SETPCAP)},
		{name: "minus", got: ab.Minus(NewSet(SETPCAP, KILL)), want: NewSet(CHOWN)},
		{name: "full set of 40", got: FullSet(40), want: 0x1ffffffffff},
		{name: "full set of 0", got: FullSet(0), want: 1},
		{name: "full set of 63", got: FullSet(63), want: ^Set(0)},
		{name: "full set beyond 63", got: FullSet(99), want: ^Set(0)},
		{name: "full set negative", got: FullSet(-1), want: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %#x, want %#x", uint64(tt.got), uint64(tt.want))
			}
		})
	}
	if ab != NewSet(CHOWN, SETPCAP) {
		t.Errorf("operations changed the receiver: %s", ab)
	}
}

func TestSetPredicates(t *testing.T) {
	tests := []struct {
		name    string
		s       Set
		c       Cap
		has     bool
		isEmpty bool
	}{
		{name: "member", s: NewSet(SETPCAP), c: SETPCAP, has: true},
		{name: "non member", s: NewSet(SETPCAP), c: CHOWN},
		{name: "empty", s: 0, c: CHOWN, isEmpty: true},
		{name: "negative cap", s: ^Set(0), c: -1},
		{name: "cap beyond 63", s: ^Set(0), c: 64},
		{name: "unnamed cap 63", s: NewSet(63), c: 63, has: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.s.Has(tt.c); got != tt.has {
				t.Errorf("%s.Has(%d) = %v, want %v", tt.s, int(tt.c), got, tt.has)
			}
			if got := tt.s.IsEmpty(); got != tt.isEmpty {
				t.Errorf("%s.IsEmpty() = %v, want %v", tt.s, got, tt.isEmpty)
			}
		})
	}
}

func TestSetListing(t *testing.T) {
	tests := []struct {
		name      string
		s         Set
		wantCaps  []Cap
		wantNames []string
		wantStr   string
	}{
		{name: "empty", s: 0, wantCaps: []Cap{}, wantNames: []string{}, wantStr: "none"},
		{name: "one", s: NewSet(SETPCAP), wantCaps: []Cap{SETPCAP}, wantNames: []string{"CAP_SETPCAP"}, wantStr: "CAP_SETPCAP"},
		{
			name:      "ascending whatever the insertion order",
			s:         NewSet(SYS_ADMIN, CHOWN, NET_RAW),
			wantCaps:  []Cap{CHOWN, NET_RAW, SYS_ADMIN},
			wantNames: []string{"CAP_CHOWN", "CAP_NET_RAW", "CAP_SYS_ADMIN"},
			wantStr:   "CAP_CHOWN,CAP_NET_RAW,CAP_SYS_ADMIN",
		},
		{
			name:      "bits this build cannot name",
			s:         NewSet(CHECKPOINT_RESTORE, 41, 63),
			wantCaps:  []Cap{CHECKPOINT_RESTORE, 41, 63},
			wantNames: []string{"CAP_CHECKPOINT_RESTORE", "CAP_41", "CAP_63"},
			wantStr:   "CAP_CHECKPOINT_RESTORE,CAP_41,CAP_63",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.s.Caps(); !reflect.DeepEqual(got, tt.wantCaps) {
				t.Errorf("Caps() = %v, want %v", got, tt.wantCaps)
			}
			got := tt.s.Names()
			if got == nil || !reflect.DeepEqual(got, tt.wantNames) {
				t.Errorf("Names() = %#v, want %#v", got, tt.wantNames)
			}
			if got := tt.s.String(); got != tt.wantStr {
				t.Errorf("String() = %q, want %q", got, tt.wantStr)
			}
		})
	}
	if n := len(FullSet(40).Caps()); n != 41 {
		t.Errorf("FullSet(40) has %d caps, want 41", n)
	}
}

func TestParseNames(t *testing.T) {
	tests := []struct {
		name        string
		in          []string
		want        Set
		wantUnknown []string
		wantErr     string
	}{
		{name: "nil list", in: nil, want: 0},
		{name: "known only", in: []string{"CAP_CHOWN", "CAP_SETPCAP"}, want: NewSet(CHOWN, SETPCAP)},
		{name: "any spelling", in: []string{"cap_kill", "NET_RAW"}, want: NewSet(KILL, NET_RAW)},
		{name: "duplicates", in: []string{"CAP_KILL", "kill", "CAP_KILL"}, want: NewSet(KILL)},
		{
			name:        "unknown kept in input order with repeats and spelling",
			in:          []string{"CAP_ZZZ", "CAP_CHOWN", "cap_aaa", "CAP_ZZZ", "CAP_63"},
			want:        NewSet(CHOWN),
			wantUnknown: []string{"CAP_ZZZ", "cap_aaa", "CAP_ZZZ", "CAP_63"},
		},
		{name: "empty name is junk", in: []string{"CAP_CHOWN", ""}, wantErr: "capability list entry 1: empty capability name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, unknown, err := ParseNames(tt.in)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("ParseNames error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseNames: %v", err)
			}
			if got != tt.want {
				t.Errorf("set = %s, want %s", got, tt.want)
			}
			if !reflect.DeepEqual(unknown, tt.wantUnknown) {
				t.Errorf("unknown = %q, want %q", unknown, tt.wantUnknown)
			}
		})
	}
}

func TestSetStringParsesBack(t *testing.T) {
	s := NewSet(CHOWN, SETPCAP, SYS_ADMIN, CHECKPOINT_RESTORE)
	back, unknown, err := ParseNames(strings.Split(s.String(), ","))
	if err != nil || len(unknown) != 0 || back != s {
		t.Fatalf("ParseNames(%q) = %s, %q, %v; want %s", s.String(), back, unknown, err, s)
	}
}
