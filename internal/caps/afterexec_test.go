package caps

import "testing"

// TestAfterExec encodes capabilities(7), "Transformation of capabilities
// during execve()", for a file without capabilities or set-ID bits:
//
//	P'(ambient)     = P(ambient)            (file is not privileged)
//	P'(permitted)   = (P(inheritable) & F(inheritable)) | (F(permitted) & P(bounding)) | P'(ambient)
//	P'(effective)   = F(effective) ? P'(permitted) : P'(ambient)
//	P'(inheritable) = P(inheritable);  P'(bounding) = P(bounding)
//
// where, for root (real or effective UID 0), F(inheritable) = F(permitted) =
// all ones and F(effective) is set; otherwise all three are empty. With
// no_new_privs execve cannot grant what the caller did not have: P' &= P.
func TestAfterExec(t *testing.T) {
	full := FullSet(40)
	dflt := NewSet(CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, SETGID, SETUID, SETPCAP, NET_BIND_SERVICE, SYS_CHROOT, MKNOD, AUDIT_WRITE, SETFCAP)
	tests := []struct {
		name      string
		in        State
		root, nnp bool
		want      State
	}{
		{
			name: "root, full bounding, empty inheritable: P' = B",
			in:   State{Effective: dflt, Permitted: dflt, Bounding: dflt},
			root: true,
			want: State{Effective: dflt, Permitted: dflt, Bounding: dflt},
		},
		{
			name: "root regains bounding caps it had dropped from P",
			in:   State{Effective: NewSet(KILL), Permitted: NewSet(KILL), Bounding: dflt},
			root: true,
			want: State{Effective: dflt, Permitted: dflt, Bounding: dflt},
		},
		{
			name: "root with no_new_privs gains nothing: P' = (I | B) & P",
			in:   State{Effective: NewSet(KILL), Permitted: NewSet(KILL), Bounding: dflt},
			root: true, nnp: true,
			want: State{Effective: NewSet(KILL), Permitted: NewSet(KILL), Bounding: dflt},
		},
		{
			name: "root, bounding cleared, I raised to P keeps the caps (oshim init)",
			in:   State{Effective: dflt.Remove(SETPCAP), Permitted: dflt.Remove(SETPCAP), Inheritable: dflt.Remove(SETPCAP)},
			root: true,
			want: State{Effective: dflt.Remove(SETPCAP), Permitted: dflt.Remove(SETPCAP), Inheritable: dflt.Remove(SETPCAP)},
		},
		{
			name: "root, bounding and inheritable empty loses everything",
			in:   State{Effective: dflt, Permitted: dflt},
			root: true,
			want: State{},
		},
		{
			name: "root, empty effective before still gets E' = P'",
			in:   State{Permitted: full, Bounding: full},
			root: true,
			want: State{Effective: full, Permitted: full, Bounding: full},
		},
		{
			name: "root with no_new_privs and empty bounding (setpriv sample)",
			in:   State{Effective: full.Remove(SYS_RESOURCE), Permitted: full.Remove(SYS_RESOURCE)},
			root: true, nnp: true,
			want: State{},
		},
		{
			name: "root keeps the ambient set",
			in:   State{Effective: dflt.Add(NET_RAW), Permitted: dflt.Add(NET_RAW), Inheritable: NewSet(NET_RAW), Bounding: dflt, Ambient: NewSet(NET_RAW)},
			root: true,
			want: State{Effective: dflt.Add(NET_RAW), Permitted: dflt.Add(NET_RAW), Inheritable: NewSet(NET_RAW), Bounding: dflt, Ambient: NewSet(NET_RAW)},
		},
		{
			name: "non-root without ambient loses P and E",
			in:   State{Effective: full, Permitted: full, Inheritable: dflt, Bounding: full},
			want: State{Inheritable: dflt, Bounding: full},
		},
		{
			name: "non-root: P' = E' = A",
			in:   State{Effective: NewSet(KILL), Permitted: NewSet(KILL, NET_RAW), Inheritable: NewSet(NET_RAW, SETPCAP), Bounding: full, Ambient: NewSet(NET_RAW)},
			want: State{Effective: NewSet(NET_RAW), Permitted: NewSet(NET_RAW), Inheritable: NewSet(NET_RAW, SETPCAP), Bounding: full, Ambient: NewSet(NET_RAW)},
		},
		{
			name: "non-root with no_new_privs: same, ambient is no gain",
			in:   State{Effective: NewSet(KILL), Permitted: NewSet(KILL, NET_RAW), Inheritable: NewSet(NET_RAW), Bounding: full, Ambient: NewSet(NET_RAW)},
			nnp:  true,
			want: State{Effective: NewSet(NET_RAW), Permitted: NewSet(NET_RAW), Inheritable: NewSet(NET_RAW), Bounding: full, Ambient: NewSet(NET_RAW)},
		},
		{
			name: "non-root keeps SETPCAP only through ambient",
			in:   State{Effective: NewSet(SETPCAP), Permitted: NewSet(SETPCAP), Inheritable: NewSet(SETPCAP), Ambient: NewSet(SETPCAP)},
			want: State{Effective: NewSet(SETPCAP), Permitted: NewSet(SETPCAP), Inheritable: NewSet(SETPCAP), Ambient: NewSet(SETPCAP)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := AfterExec(tt.in, tt.root, tt.nnp); !got.Equal(tt.want) {
				t.Errorf("AfterExec(%v, root=%v, nnp=%v)\n got %v\nwant %v", tt.in, tt.root, tt.nnp, got, tt.want)
			}
		})
	}
}
