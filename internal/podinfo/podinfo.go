// Package podinfo reads who a container is in its orchestrator (pod namespace, name
// and uid, container name, image) from the annotations its engine writes into the
// spec, for records and security findings: the first thing a security team asks of a
// finding is which pod it is about.
package podinfo

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Info is a container's identity in its orchestrator; every field may be empty.
type Info struct {
	Namespace string `json:"namespace,omitempty"`
	Pod       string `json:"pod,omitempty"`
	PodUID    string `json:"podUID,omitempty"`
	Container string `json:"container,omitempty"`
	Image     string `json:"image,omitempty"`
}

// keys are the annotations each engine writes, by field: containerd's CRI plugin,
// then CRI-O's.
var keys = struct{ namespace, pod, podUID, container, image []string }{
	namespace: []string{"io.kubernetes.cri.sandbox-namespace", "io.kubernetes.pod.namespace"},
	pod:       []string{"io.kubernetes.cri.sandbox-name", "io.kubernetes.pod.name"},
	podUID:    []string{"io.kubernetes.cri.sandbox-uid", "io.kubernetes.pod.uid"},
	container: []string{"io.kubernetes.cri.container-name", "io.kubernetes.container.name"},
	image:     []string{"io.kubernetes.cri.image-name", "io.kubernetes.cri-o.ImageName"},
}

// maxField bounds what a field keeps: the values come from the engine, but pods can
// pass annotations through, and a record or event must stay small.
const maxField = 253

// From reads the identity from a spec's annotations.
func From(annotations map[string]string) Info {
	first := func(names []string) string {
		for _, n := range names {
			if v := annotations[n]; v != "" {
				return clean(v)
			}
		}
		return ""
	}
	return Info{
		Namespace: first(keys.namespace), Pod: first(keys.pod), PodUID: first(keys.podUID),
		Container: first(keys.container), Image: first(keys.image),
	}
}

// clean keeps a value printable and bounded: control characters are escaped, so a
// value cannot drive the terminal of whoever reads a report.
func clean(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == utf8.RuneError || r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			b.WriteRune(r)
		}
		if b.Len() >= maxField {
			break
		}
	}
	out := b.String()
	if len(out) > maxField {
		out = out[:maxField]
		for !utf8.ValidString(out) {
			out = out[:len(out)-1]
		}
	}
	return out
}

// Known says whether the engine passed any pod context.
func (i Info) Known() bool { return i != Info{} }

// None is what a record or finding says when the engine passed no pod context.
const None = "none (the engine passed no pod context)"

// String is "NAMESPACE/POD", or None.
func (i Info) String() string {
	if !i.Known() {
		return None
	}
	ns, pod := i.Namespace, i.Pod
	if ns == "" {
		ns = "?"
	}
	if pod == "" {
		pod = "?"
	}
	return ns + "/" + pod
}
