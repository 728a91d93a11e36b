package harness

import (
	"strings"
	"testing"
)

func TestParseShimArgs(t *testing.T) {
	tests := []struct {
		description string
		cmdline     string
		want        shim
		wantOK      bool
	}{
		{
			description: "containerd 1.6's runc shim",
			cmdline:     "/usr/bin/containerd-shim-runc-v2\x00-namespace\x00k8s.io\x00-id\x00abc\x00-address\x00/tmp/d/containerd.sock\x00",
			want:        shim{namespace: "k8s.io", id: "abc", address: "/tmp/d/containerd.sock"},
			wantOK:      true,
		},
		{
			description: "double-dash flags, another order, extra flags",
			cmdline:     "containerd-shim-runc-v2\x00--address\x00/s\x00-publish-binary\x00/usr/bin/containerd\x00--id\x00x\x00--namespace\x00ns\x00",
			want:        shim{namespace: "ns", id: "x", address: "/s"},
			wantOK:      true,
		},
		{
			description: "another program with the same flags",
			cmdline:     "/bin/sleep\x00-namespace\x00k8s.io\x00-id\x00abc\x00-address\x00/s\x00",
		},
		{
			description: "a flag without its value",
			cmdline:     "containerd-shim-runc-v2\x00-namespace\x00ns\x00-id\x00x\x00-address\x00",
		},
		{description: "empty", cmdline: ""},
	}
	for _, tt := range tests {
		t.Run(tt.description, func(t *testing.T) {
			got, ok := parseShimArgs([]byte(tt.cmdline))
			if ok != tt.wantOK || (ok && got != tt.want) {
				t.Errorf("parseShimArgs = %+v, %t; want %+v, %t", got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

// TestShimSocket pins the socket of a shim measured with containerd 1.6.20.
func TestShimSocket(t *testing.T) {
	got := shimSocket("/tmp/ctrd-jd97/c.sock", "k8s.io", "b3413c480850cc1b51cfd218e674f3561a8a00f3ca7738d035978fd4416ab706")
	want := "/run/containerd/s/5723c2f7d48306abbf4d56c2d55a6e55fbcefb18a30a63f9b5859e4b914daabb"
	if got != want {
		t.Errorf("shimSocket = %s, want %s", got, want)
	}
}

func FuzzParseShimArgs(f *testing.F) {
	f.Add([]byte("/usr/bin/containerd-shim-runc-v2\x00-namespace\x00k8s.io\x00-id\x00abc\x00-address\x00/s\x00"))
	f.Add([]byte("containerd-shim\x00-id\x00"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, cmdline []byte) {
		s, ok := parseShimArgs(cmdline)
		if !ok {
			return
		}
		for _, v := range []string{s.namespace, s.id, s.address} {
			if v == "" || strings.Contains(v, "\x00") {
				t.Errorf("parseShimArgs(%q) = %+v", cmdline, s)
			}
		}
	})
}
