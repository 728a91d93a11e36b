// Package k8smanifests checks install/kubernetes against the Kubernetes API types:
// every document decodes strictly (an unknown or misspelt field is an error) into its
// kind's type, and the fields the API server requires, or that tie the files together,
// are there. It is its own module so that the main module needs no Kubernetes packages.
package k8smanifests

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	nodev1 "k8s.io/api/node/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/yaml"
)

const dir = "../../install/kubernetes"

// readyLabel is what the installer sets once oshim works on a node, and the RuntimeClass
// requires.
const readyLabel = "oshim.io/ready"

// installer is the script the DaemonSet runs, in the image Containerfile builds.
const installer = "/usr/local/bin/oshim-installer"

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
	case "v1 ServiceAccount":
		obj = &corev1.ServiceAccount{}
	case "rbac.authorization.k8s.io/v1 ClusterRole":
		obj = &rbacv1.ClusterRole{}
	case "rbac.authorization.k8s.io/v1 ClusterRoleBinding":
		obj = &rbacv1.ClusterRoleBinding{}
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
		{"runtimeclass.yaml is a RuntimeClass with handler oshim, offered where the installer's probe passed", func(t *testing.T) {
			rc := only[*nodev1.RuntimeClass](t, objects["runtimeclass.yaml"])
			if rc.Name != "oshim" || rc.Handler != "oshim" {
				t.Errorf("name %q handler %q", rc.Name, rc.Handler)
			}
			if rc.Scheduling == nil || len(rc.Scheduling.NodeSelector) != 1 || rc.Scheduling.NodeSelector[readyLabel] != "true" {
				t.Errorf("scheduling = %+v: pods must land only on nodes the installer labelled %s=true", rc.Scheduling, readyLabel)
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
		{"node-installer.yaml installs on the opted-in nodes, as the installer script expects", func(t *testing.T) {
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
			if !spec.HostPID {
				t.Error("hostPID is needed: RESTART_MODE=signal finds the engine's pid, systemd enters pid 1's namespaces")
			}
			checkContainers(t, spec.Containers)
			if len(spec.InitContainers) > 0 || len(spec.Containers) != 1 {
				t.Fatalf("want one container, the installer: %d init containers, %d containers", len(spec.InitContainers), len(spec.Containers))
			}
			c := spec.Containers[0]
			if strings.Join(c.Command, " ") != installer || len(c.Args) > 0 {
				t.Errorf("command %q args %q, want %s", c.Command, c.Args, installer)
			}
			if p := c.ReadinessProbe; p == nil || p.Exec == nil || strings.Join(p.Exec.Command, " ") != installer+" ready" {
				t.Errorf("readinessProbe = %+v, want exec %s ready", p, installer)
			}
			if c.SecurityContext == nil || c.SecurityContext.Privileged == nil || !*c.SecurityContext.Privileged {
				t.Error("the installer container must be privileged")
			}
			env := map[string]corev1.EnvVar{}
			for _, e := range c.Env {
				env[e.Name] = e
			}
			for name, want := range map[string]string{"MODE": "install", "ENGINE": "containerd", "CONTAINERD_LAYOUT": "auto", "RESTART_MODE": "none"} {
				if env[name].Value != want {
					t.Errorf("env %s = %q, want %q", name, env[name].Value, want)
				}
			}
			for name, path := range map[string]string{"NODE_NAME": "spec.nodeName", "POD_NAME": "metadata.name", "POD_NAMESPACE": "metadata.namespace"} {
				if e := env[name]; e.ValueFrom == nil || e.ValueFrom.FieldRef == nil || e.ValueFrom.FieldRef.FieldPath != path {
					t.Errorf("env %s must come from %s: %+v", name, path, e)
				}
			}
			volumes := map[string]corev1.Volume{}
			for _, v := range spec.Volumes {
				volumes[v.Name] = v
			}
			// Each mount point the script uses, and what it must be: a host directory, the
			// ConfigMap, or the status directory the readiness probe reads.
			mounts := map[string]string{}
			for _, m := range c.VolumeMounts {
				v, ok := volumes[m.Name]
				switch {
				case !ok:
					t.Errorf("the container mounts the undefined volume %s", m.Name)
				case v.HostPath != nil:
					mounts[m.MountPath] = "host:" + v.HostPath.Path
				case v.ConfigMap != nil:
					mounts[m.MountPath] = "configmap:" + v.ConfigMap.Name
				case v.EmptyDir != nil:
					mounts[m.MountPath] = "emptydir"
				}
			}
			want := map[string]string{
				"/host/etc": "host:/etc", "/host/usr/local/bin": "host:/usr/local/bin", "/host/var/lib": "host:/var/lib", "/host/run": "host:/run",
				"/config": "configmap:oshim-config", "/run/oshim-installer": "emptydir",
			}
			if !reflect.DeepEqual(mounts, want) {
				t.Errorf("mounts = %v, want %v (test/install runs the script with the same)", mounts, want)
			}
			cm := find[*corev1.ConfigMap](t, objects["node-installer.yaml"])
			if cm.Namespace != ds.Namespace {
				t.Errorf("the ConfigMap is in %s", cm.Namespace)
			}
			preset, err := os.ReadFile("../../install/presets/config.toml")
			if err != nil {
				t.Fatal(err)
			}
			if cm.Data["config.toml"] != string(preset) {
				t.Error("the ConfigMap's config.toml differs from install/presets/config.toml")
			}
		}},
		{"the installer's service account may get and patch nodes, nothing else", func(t *testing.T) {
			objs := objects["node-installer.yaml"]
			ds := find[*appsv1.DaemonSet](t, objs)
			sa := find[*corev1.ServiceAccount](t, objs)
			role := find[*rbacv1.ClusterRole](t, objs)
			binding := find[*rbacv1.ClusterRoleBinding](t, objs)
			if ds.Spec.Template.Spec.ServiceAccountName != sa.Name || sa.Namespace != ds.Namespace {
				t.Errorf("the DaemonSet runs as %q, the ServiceAccount is %s/%s", ds.Spec.Template.Spec.ServiceAccountName, sa.Namespace, sa.Name)
			}
			want := []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"nodes"}, Verbs: []string{"get", "patch"}}}
			if !reflect.DeepEqual(role.Rules, want) || role.AggregationRule != nil {
				t.Errorf("rules = %+v, want %+v", role.Rules, want)
			}
			if binding.RoleRef != (rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: role.Name}) ||
				!reflect.DeepEqual(binding.Subjects, []rbacv1.Subject{{Kind: "ServiceAccount", Name: sa.Name, Namespace: sa.Namespace}}) {
				t.Errorf("binding = %+v", binding)
			}
		}},
		{"the manifests name the installer image in one place, which make installer-image builds", func(t *testing.T) {
			var images []string
			for _, objs := range objects {
				for _, o := range objs {
					if ds, ok := o.(*appsv1.DaemonSet); ok {
						for _, c := range append(ds.Spec.Template.Spec.InitContainers, ds.Spec.Template.Spec.Containers...) {
							images = append(images, c.Image)
						}
					}
				}
			}
			if len(images) != 1 || !strings.Contains(images[0], "oshim-installer") {
				t.Errorf("images = %q, want one oshim-installer image", images)
			}
		}},
		{"the script's label and the RuntimeClass's selector agree", func(t *testing.T) {
			script, err := os.ReadFile(filepath.Join(dir, "oshim-installer"))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(script), "READY_LABEL=${READY_LABEL:-"+readyLabel+"}") {
				t.Errorf("oshim-installer does not label nodes %s by default", readyLabel)
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
