package caps

import (
	"errors"
	"strings"
	"testing"
)

func TestCheckTarget(t *testing.T) {
	cur := State{
		Effective: NewSet(CHOWN, SETPCAP, NET_RAW),
		Permitted: NewSet(CHOWN, SETPCAP, NET_RAW),
		Bounding:  NewSet(CHOWN, SETPCAP, NET_RAW, KILL),
	}
	tests := []struct {
		name    string
		target  State
		wantErr string
	}{
		{name: "unchanged", target: cur},
		{name: "empty", target: State{}},
		{
			name:   "clear bounding, raise I to P, drop SETPCAP, ambient",
			target: State{Effective: NewSet(CHOWN, NET_RAW), Permitted: NewSet(CHOWN, NET_RAW), Inheritable: NewSet(NET_RAW, KILL), Ambient: NewSet(NET_RAW)},
		},
		{
			name:    "permitted gains",
			target:  State{Effective: cur.Effective, Permitted: cur.Permitted.Add(SYS_ADMIN, KILL), Bounding: cur.Bounding},
			wantErr: "permitted set would gain CAP_KILL,CAP_SYS_ADMIN",
		},
		{
			name:    "bounding gains",
			target:  State{Effective: cur.Effective, Permitted: cur.Permitted, Bounding: cur.Bounding.Add(SYS_RESOURCE)},
			wantErr: "bounding set would gain CAP_SYS_RESOURCE",
		},
		{
			name:    "effective outside permitted",
			target:  State{Effective: NewSet(CHOWN), Permitted: NewSet(NET_RAW)},
			wantErr: "effective CAP_CHOWN not in permitted set",
		},
		{
			name:    "ambient not inheritable",
			target:  State{Permitted: NewSet(NET_RAW), Ambient: NewSet(NET_RAW)},
			wantErr: "ambient CAP_NET_RAW not both permitted and inheritable",
		},
		{
			name:    "ambient not permitted",
			target:  State{Inheritable: NewSet(KILL), Ambient: NewSet(KILL)},
			wantErr: "ambient CAP_KILL not both permitted and inheritable",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkTarget(cur, tt.target)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("checkTarget: %v", err)
				}
				return
			}
			if !errors.Is(err, ErrInvalidTarget) || !strings.HasSuffix(err.Error(), ": "+tt.wantErr) {
				t.Fatalf("checkTarget error = %v, want ErrInvalidTarget with %q", err, tt.wantErr)
			}
		})
	}
}
