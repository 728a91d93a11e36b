package caps

import "testing"

func TestStateString(t *testing.T) {
	tests := []struct {
		name string
		s    State
		want string
	}{
		{name: "empty", s: State{}, want: "eff=none prm=none inh=none bnd=none amb=none"},
		{
			name: "each set in its slot",
			s: State{
				Effective:   NewSet(CHOWN),
				Permitted:   NewSet(CHOWN, KILL),
				Inheritable: NewSet(NET_RAW),
				Bounding:    NewSet(SETPCAP, SYS_ADMIN),
				Ambient:     NewSet(NET_RAW),
			},
			want: "eff=CAP_CHOWN prm=CAP_CHOWN,CAP_KILL inh=CAP_NET_RAW bnd=CAP_SETPCAP,CAP_SYS_ADMIN amb=CAP_NET_RAW",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.s.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestStateEqual(t *testing.T) {
	base := State{Effective: 1, Permitted: 1, Inheritable: 2, Bounding: 3, Ambient: 2}
	tests := []struct {
		name string
		o    State
		want bool
	}{
		{name: "same", o: base, want: true},
		{name: "effective differs", o: State{Effective: 0, Permitted: 1, Inheritable: 2, Bounding: 3, Ambient: 2}},
		{name: "permitted differs", o: State{Effective: 1, Permitted: 3, Inheritable: 2, Bounding: 3, Ambient: 2}},
		{name: "inheritable differs", o: State{Effective: 1, Permitted: 1, Inheritable: 0, Bounding: 3, Ambient: 2}},
		{name: "bounding differs", o: State{Effective: 1, Permitted: 1, Inheritable: 2, Bounding: 1, Ambient: 2}},
		{name: "ambient differs", o: State{Effective: 1, Permitted: 1, Inheritable: 2, Bounding: 3, Ambient: 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := base.Equal(tt.o); got != tt.want {
				t.Errorf("Equal(%v) = %v, want %v", tt.o, got, tt.want)
			}
			if got := tt.o.Equal(base); got != tt.want {
				t.Errorf("Equal is not symmetric for %v", tt.o)
			}
		})
	}
}
