package podinfo

import (
	"strings"
	"testing"
)

func TestFrom(t *testing.T) {
	tests := []struct {
		name string
		ann  map[string]string
		want Info
		str  string
	}{
		{
			name: "containerd CRI",
			ann: map[string]string{"io.kubernetes.cri.sandbox-namespace": "team-a", "io.kubernetes.cri.sandbox-name": "sandbox-0",
				"io.kubernetes.cri.sandbox-uid": "1b4e28ba-2fa1-11d2-883f-0016d3cca427", "io.kubernetes.cri.container-name": "supervisor",
				"io.kubernetes.cri.image-name": "registry.example.com/openshell/sandbox:1.2"},
			want: Info{Namespace: "team-a", Pod: "sandbox-0", PodUID: "1b4e28ba-2fa1-11d2-883f-0016d3cca427", Container: "supervisor", Image: "registry.example.com/openshell/sandbox:1.2"},
			str:  "team-a/sandbox-0",
		},
		{
			name: "CRI-O",
			ann:  map[string]string{"io.kubernetes.pod.namespace": "ns", "io.kubernetes.pod.name": "p", "io.kubernetes.container.name": "c", "io.kubernetes.cri-o.ImageName": "img"},
			want: Info{Namespace: "ns", Pod: "p", Container: "c", Image: "img"},
			str:  "ns/p",
		},
		{name: "podman passes none", ann: map[string]string{"io.container.manager": "libpod"}, str: None},
		{
			name: "control characters are escaped",
			ann:  map[string]string{"io.kubernetes.cri.sandbox-name": "x\x1b[2Jy"},
			want: Info{Pod: `x\x1b[2Jy`},
			str:  `?/x\x1b[2Jy`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := From(tc.ann)
			if got != tc.want || got.String() != tc.str {
				t.Fatalf("From = %+v %q, want %+v %q", got, got.String(), tc.want, tc.str)
			}
		})
	}
}

func FuzzFrom(f *testing.F) {
	f.Add("io.kubernetes.cri.sandbox-name", "p\x00\xff")
	f.Fuzz(func(t *testing.T, key, value string) {
		i := From(map[string]string{key: value})
		for _, v := range []string{i.Namespace, i.Pod, i.PodUID, i.Container, i.Image, i.String()} {
			if len(v) > 2*maxField || strings.ContainsAny(v, "\x00\x1b\x07\n\r") {
				t.Fatalf("field %q: want it bounded and printable", v)
			}
		}
	})
}
