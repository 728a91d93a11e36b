// Package k8smanifests checks install/kubernetes against the Kubernetes API types:
// every document decodes strictly (an unknown or misspelt field is an error) into its
// kind's type, and the fields the API server requires, or that tie the files together,
// are there. It is its own module so that the main module needs no Kubernetes packages.
package k8smanifests

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	nodev1 "k8s.io/api/node/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/yaml"
)

const dir = "../../install/kubernetes"

// documents returns the YAML documents of a manifest file.
func documents(t *testing.T, name string) [][]byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	// A line "---" separates documents; the newline before it belongs to the document.
	var docs [][]byte
	var cur []byte
	for _, line := range bytes.SplitAfter(data, []byte("\n")) {
		if string(bytes.TrimRight(line, "\n")) == "---" {
			docs, cur = appendDoc(docs, cur), nil
			continue
		}
		cur = append(cur, line...)
	}
	return appendDoc(docs, cur)
}

func appendDoc(docs [][]byte, doc []byte) [][]byte {
	if len(bytes.TrimSpace(doc)) == 0 {
		return docs
	}
	return append(docs, doc)
}

// decode decodes a document strictly into the type of its kind.
func decode(t *testing.T, doc []byte) any {
	t.Helper()
	var tm v1.TypeMeta
	if err := yaml.Unmarshal(doc, &tm); err != nil {
		t.Fatal(err)
	}
	var obj any
	switch tm.APIVersion + " " + tm.Kind {
	case "v1 Namespace":
		obj = &corev1.Namespace{}
	case "v1 ConfigMap":
		obj = &corev1.ConfigMap{}
	case "v1 Pod":
		obj = &corev1.Pod{}
	case "apps/v1 DaemonSet":
		obj = &appsv1.DaemonSet{}
	case "node.k8s.io/v1 RuntimeClass":
		obj = &nodev1.RuntimeClass{}
	default:
		t.Fatalf("unexpected %s %s", tm.APIVersion, tm.Kind)
	}
	if err := yaml.UnmarshalStrict(doc, obj); err != nil {
		t.Fatalf("%s: %v", tm.Kind, err)
	}
	return obj
}

func TestManifests(t *testing.T) {
	objects := map[string][]any{}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".yaml") {
			continue
		}
		for _, doc := range documents(t, e.Name()) {
			objects[e.Name()] = append(objects[e.Name()], decode(t, doc))
		}
	}
	tests := []struct {
		description string
		check       func(t *testing.T)
	}{
		{"runtimeclass.yaml is a RuntimeClass with handler oshim", func(t *testing.T) {
			rc := only[*nodev1.RuntimeClass](t, objects["runtimeclass.yaml"])
			if rc.Name != "oshim" || rc.Handler != "oshim" {
				t.Errorf("name %q handler %q", rc.Name, rc.Handler)
			}
			if rc.Scheduling == nil || rc.Scheduling.NodeSelector["oshim.io/enabled"] != "true" {
				t.Errorf("scheduling = %+v: pods must land on nodes the installer ran on", rc.Scheduling)
			}
		}},
		{"example-pod.yaml runs through the RuntimeClass", func(t *testing.T) {
			pod := only[*corev1.Pod](t, objects["example-pod.yaml"])
			if pod.Spec.RuntimeClassName == nil || *pod.Spec.RuntimeClassName != "oshim" {
				t.Errorf("runtimeClassName = %v", pod.Spec.RuntimeClassName)
			}
			checkContainers(t, pod.Spec.Containers)
			if c := pod.Spec.Containers[0]; len(c.Command) == 0 || c.Command[0] != "/opt/openshell/bin/openshell-sandbox" {
				t.Errorf("command %q does not match the preset contract", c.Command)
			}
		}},
		{"node-installer.yaml installs on the labelled nodes", func(t *testing.T) {
			ds := find[*appsv1.DaemonSet](t, objects["node-installer.yaml"])
			if ds.Namespace != "oshim-system" || ds.Spec.Selector == nil {
				t.Fatalf("namespace %q selector %v", ds.Namespace, ds.Spec.Selector)
			}
			sel, err := v1.LabelSelectorAsSelector(ds.Spec.Selector)
			if err != nil || !sel.Matches(labels.Set(ds.Spec.Template.Labels)) {
				t.Errorf("the selector does not match the pod template's labels: %v", err)
			}
			spec := ds.Spec.Template.Spec
			if spec.NodeSelector["oshim.io/enabled"] != "true" {
				t.Errorf("nodeSelector = %v", spec.NodeSelector)
			}
			checkContainers(t, spec.InitContainers)
			checkContainers(t, spec.Containers)
			init := spec.InitContainers[0]
			script := strings.Join(init.Args, "\n")
			for _, want := range []string{"oshim install \"$ENGINE\" --root /host --binary /usr/local/bin/oshim", "/host/etc/oshim/config.toml", "systemctl restart"} {
				if !strings.Contains(script, want) {
					t.Errorf("the install script lacks %q", want)
				}
			}
			if init.SecurityContext == nil || init.SecurityContext.Privileged == nil || !*init.SecurityContext.Privileged {
				t.Error("the install container must be privileged")
			}
			volumes := map[string]corev1.Volume{}
			for _, v := range spec.Volumes {
				volumes[v.Name] = v
			}
			for _, c := range append(spec.InitContainers, spec.Containers...) {
				for _, m := range c.VolumeMounts {
					if _, ok := volumes[m.Name]; !ok {
						t.Errorf("container %s mounts the undefined volume %s", c.Name, m.Name)
					}
				}
			}
			if v := volumes["host-etc"]; v.HostPath == nil || v.HostPath.Path != "/etc" {
				t.Errorf("host-etc = %+v", v)
			}
			cm := find[*corev1.ConfigMap](t, objects["node-installer.yaml"])
			if v := volumes["config"]; v.ConfigMap == nil || v.ConfigMap.Name != cm.Name || cm.Namespace != ds.Namespace {
				t.Errorf("the config volume %+v does not name the ConfigMap %s/%s", v, cm.Namespace, cm.Name)
			}
			preset, err := os.ReadFile("../../install/presets/config.toml")
			if err != nil {
				t.Fatal(err)
			}
			if cm.Data["config.toml"] != string(preset) {
				t.Error("the ConfigMap's config.toml differs from install/presets/config.toml")
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.description, tc.check)
	}
}

func checkContainers(t *testing.T, cs []corev1.Container) {
	t.Helper()
	if len(cs) == 0 {
		t.Fatal("no containers")
	}
	for _, c := range cs {
		if c.Name == "" || c.Image == "" {
			t.Errorf("container %+v needs a name and an image", c)
		}
	}
}

// only returns the single object of a file, which must be a T.
func only[T any](t *testing.T, objs []any) T {
	t.Helper()
	if len(objs) != 1 {
		t.Fatalf("%d documents, want 1", len(objs))
	}
	return find[T](t, objs)
}

// find returns the first T among objs.
func find[T any](t *testing.T, objs []any) T {
	t.Helper()
	for _, o := range objs {
		if v, ok := o.(T); ok {
			return v
		}
	}
	var zero T
	t.Fatalf("no %T", zero)
	return zero
}
