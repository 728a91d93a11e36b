package install_test

import (
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oshim/oshim/install/presets"
	"github.com/oshim/oshim/test/harness"
)

const (
	installerImage  = "localhost/oshim-test/installer:1"
	supervisorImage = "localhost/oshim-test/supervisor:1"
	pauseImage      = "localhost/oshim-test/pause:1"
	supervisorPath  = "/opt/openshell/bin/openshell-sandbox"
	criNamespace    = "k8s.io"
	nodeName        = "node-1"
	readyLabel      = "oshim.io/ready"
	installerPod    = "oshim-node-installer-x7k2p"
	// The supervisor's messages: it fails closed without CAP_SETPCAP, and says so once it
	// cleared its bounding set.
	supervisorFailed  = "Failed to clear capability bounding set"
	supervisorCleared = "bounding set cleared"
)

// node stands in for a Kubernetes node: its /etc, /usr/local/bin, /var/lib and /run
// are directories of the test, mounted into the installer's container as the DaemonSet
// mounts the host's (install/kubernetes/node-installer.yaml; test/k8smanifests checks
// that list), and into the private containerd's mount namespace where the engine reads
// them: /usr/local/bin and /run/oshim at their real paths, the admin config through
// OSHIM_CONFIG.
type node struct {
	dir    string // its / ; paths below are under it
	config string // containerd's config, /etc/containerd/config.toml
	ctrd   *harness.Containerd
	ctrDir string
	env    []string
	binds  []harness.Bind
}

func newNode(t *testing.T) *node {
	t.Helper()
	n := &node{dir: t.TempDir(), ctrDir: harness.NewContainerdDir(t)}
	for _, d := range []string{"etc/containerd", "usr/local/bin", "var/lib", "run/oshim", "run/oshim-installer-probe"} {
		if err := os.MkdirAll(filepath.Join(n.dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	n.config = filepath.Join(n.dir, "etc/containerd/config.toml")
	n.binds = []harness.Bind{{Source: filepath.Join(n.dir, "usr/local/bin"), Target: "/usr/local/bin"}}
	// oshim's run directory and the probe's logs: on the machine only as mount points,
	// the daemon's namespace sees the node's.
	for _, d := range []string{"/run/oshim", "/run/oshim-installer-probe"} {
		if _, err := os.Stat(d); os.IsNotExist(err) {
			if err := os.Mkdir(d, 0o755); err != nil {
				t.Fatal(err)
			}
			// Only if still empty: anything else there is not this test's.
			t.Cleanup(func() { os.Remove(d) })
		}
		n.binds = append(n.binds, harness.Bind{Source: filepath.Join(n.dir, d), Target: d})
	}
	n.env = []string{"OSHIM_CONFIG=" + filepath.Join(n.dir, "etc/oshim/config.toml")}
	return n
}

// start starts the node's containerd.
func (n *node) start(t *testing.T) {
	t.Helper()
	n.ctrd = harness.StartContainerdWith(t, n.ctrDir, n.config, n.env, n.binds)
}

// apiServer stands in for the Kubernetes API server's node endpoint: it records the
// node's labels as the installer patches them, with the token it must send.
type apiServer struct {
	*httptest.Server
	saDir string
	mu    sync.Mutex
	log   []string // "set" and "remove", in order
}

func newAPIServer(t *testing.T) *apiServer {
	t.Helper()
	a := &apiServer{}
	a.Server = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var patch struct {
			Metadata struct {
				Labels map[string]*string `json:"labels"`
			} `json:"metadata"`
		}
		body, _ := io.ReadAll(r.Body)
		if r.Method != http.MethodPatch || r.URL.Path != "/api/v1/nodes/"+nodeName || r.Header.Get("Authorization") != "Bearer installer-token" ||
			r.Header.Get("Content-Type") != "application/merge-patch+json" || json.Unmarshal(body, &patch) != nil || len(patch.Metadata.Labels) != 1 {
			http.Error(w, `{"kind":"Status","message":"unexpected request"}`, http.StatusBadRequest)
			return
		}
		v, ok := patch.Metadata.Labels[readyLabel]
		a.mu.Lock()
		switch {
		case ok && v != nil && *v == "true":
			a.log = append(a.log, "set")
		case ok && v == nil:
			a.log = append(a.log, "remove")
		}
		a.mu.Unlock()
		io.WriteString(w, `{"kind":"Node"}`)
	}))
	t.Cleanup(a.Close)
	a.saDir = t.TempDir()
	cert := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: a.Certificate().Raw})
	writeFile(t, filepath.Join(a.saDir, "token"), "installer-token\n", 0o644)
	writeFile(t, filepath.Join(a.saDir, "ca.crt"), string(cert), 0o644)
	return a
}

func (a *apiServer) labels() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return strings.Join(a.log, " ")
}

// installerImageArchive builds the installer's image with install/kubernetes/build-image
// from this test's binaries, as `make installer-image` does from bin/, in podman's own
// storage (nothing pulled), and saves it for containerd.
func installerImageArchive(t *testing.T, p *harness.Podman) string {
	t.Helper()
	bin := t.TempDir()
	for name, path := range map[string]string{
		"oshim":           harness.Oshim(t),
		"oshim-init":      harness.Init(t),
		"oshim-nodelabel": harness.Binary(t, "./cmd/oshim-nodelabel"),
		"crictl":          harness.Crictl(t),
	} {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(bin, name), string(data), 0o755)
	}
	script, err := filepath.Abs("../../install/kubernetes/build-image")
	if err != nil {
		t.Fatal(err)
	}
	harness.RunOK(t, nil, p.Shell("PODMAN="+shellWord(p.CommandLine())+" "+shellWord(script)+" "+installerImage+" "+shellWord(bin))...)
	archive := filepath.Join(t.TempDir(), "installer.tar")
	p.RunOK(t, "save", "--format", "oci-archive", "-o", archive, installerImage)
	return archive
}

func shellWord(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// installer runs the image's installer script in a privileged container with the
// node's directories mounted as the DaemonSet mounts the host's, the host's pids (the
// DaemonSet's hostPID) and network (to reach the stand-in API server), and returns the
// container's name.
func installer(t *testing.T, p *harness.Podman, n *node, api *apiServer, cgroupParent string, env map[string]string) string {
	t.Helper()
	host, port, err := net.SplitHostPort(strings.TrimPrefix(api.URL, "https://"))
	if err != nil {
		t.Fatal(err)
	}
	config := filepath.Join(t.TempDir(), "config.toml")
	// The ConfigMap's config (the preset), with what keeps the test's oshim to itself.
	writeFile(t, config, "runtime = \"runc\"\nocsf_log = \"\"\n"+string(presets.Config), 0o644)
	name := "oshim-installer-" + fmt.Sprint(time.Now().UnixNano())
	args := []string{"run", "-d", "--name", name, "--privileged", "--pid", "host", "--network", "host",
		"-v", filepath.Join(n.dir, "etc") + ":/host/etc",
		"-v", filepath.Join(n.dir, "usr/local/bin") + ":/host/usr/local/bin",
		"-v", filepath.Join(n.dir, "var/lib") + ":/host/var/lib",
		"-v", filepath.Join(n.dir, "run") + ":/host/run",
		// The node's containerd socket, where the layout puts it.
		"-v", n.ctrDir + ":/host/run/containerd",
		"-v", filepath.Dir(config) + ":/config:ro",
		"-v", api.saDir + ":/var/run/secrets/kubernetes.io/serviceaccount:ro",
		"-e", "NODE_NAME=" + nodeName,
		"-e", "KUBERNETES_SERVICE_HOST=" + host, "-e", "KUBERNETES_SERVICE_PORT=" + port,
		// As in the DaemonSet: the probe finds this pod's image through the CRI.
		"-e", "POD_NAME=" + installerPod, "-e", "POD_NAMESPACE=oshim-system",
		"-e", "PROBE_INTERVAL=1",
		"-e", "PROBE_CGROUP_PARENT=" + cgroupParent,
		// The node's containerd, told apart from every other one on this machine.
		"-e", "ENGINE_CMDLINE=" + n.config,
	}
	for k, v := range env {
		args = append(args, "-e", k+"="+v)
	}
	p.RunOK(t, append(args, installerImage)...)
	t.Cleanup(func() {
		if t.Failed() {
			p.Run(t, "logs", name)
		}
	})
	return name
}

// waitState waits until the installer's readiness probe (the DaemonSet's: the script's
// `ready`) reports ready (or not) with want in its output, and returns that output.
func waitState(t *testing.T, p *harness.Podman, name string, ready bool, want string) string {
	t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	var last harness.Result
	for time.Now().Before(deadline) {
		last = p.Run(t, "exec", name, "/usr/local/bin/oshim-installer", "ready")
		if (last.Code == 0) == ready && strings.Contains(last.Stdout, want) {
			return last.Stdout
		}
		time.Sleep(time.Second)
	}
	p.Run(t, "logs", name)
	t.Fatalf("installer %s: readiness %q (exit %d), want ready=%v with %q", name, last.Stdout, last.Code, ready, want)
	return ""
}

// skewedPod runs the supervisor the way the older orchestrator asks for it (CAP_SETPCAP
// dropped) under handler, and returns the pod's and the container's ids and what it
// logged once it cleared its bounding set or exited.
func skewedPod(t *testing.T, cri *harness.CRI, handler, cgroupParent string) (string, string, string) {
	t.Helper()
	dir := t.TempDir()
	name := "pod-" + handler + "-" + fmt.Sprint(time.Now().UnixNano())
	pod := podConfig(t, dir, name, "oshim-test", cgroupParent)
	ctr := writeJSON(t, filepath.Join(dir, "container.json"), map[string]any{
		"metadata": map[string]any{"name": "supervisor"},
		"image":    map[string]any{"image": supervisorImage},
		"command":  []string{supervisorPath, "-status", "-hold"},
		"log_path": "supervisor.log",
		"linux": map[string]any{"security_context": map[string]any{
			"run_as_user":  map[string]any{"value": 0},
			"capabilities": map[string]any{"drop_capabilities": []string{"SETPCAP"}},
		}},
	})
	podID := cri.OK(t, "runp", "--runtime", handler, pod)
	id := cri.OK(t, "create", podID, ctr, pod)
	cri.OK(t, "start", id)
	deadline := time.Now().Add(time.Minute)
	for {
		logs := cri.Run(t, "logs", id)
		out := logs.Stdout + logs.Stderr
		if strings.Contains(out, supervisorCleared) || strings.Contains(out, supervisorFailed) {
			return podID, id, out
		}
		if time.Now().After(deadline) {
			t.Fatalf("the supervisor under %s said nothing within a minute", handler)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// removePod stops and removes a pod with its container in the kubelet's order: the
// container first, once it has exited (removing a pod whose container is exiting races
// with its shim in containerd 1.6: "ttrpc: closed").
func removePod(t *testing.T, cri *harness.CRI, pod, ctr string) {
	t.Helper()
	cri.StopExited(t, ctr)
	cri.OK(t, "rm", ctr)
	cri.OK(t, "stopp", pod)
	cri.OK(t, "rmp", pod)
}

// podConfig writes a CRI pod config into dir (also its log directory): the host's
// network, so no CNI plugin is needed, under cgroupParent. It returns its path.
func podConfig(t *testing.T, dir, name, namespace, cgroupParent string) string {
	t.Helper()
	return writeJSON(t, filepath.Join(dir, "pod.json"), map[string]any{
		"metadata":      map[string]any{"name": name, "namespace": namespace, "uid": name, "attempt": 0},
		"log_directory": dir,
		"linux": map[string]any{
			"cgroup_parent": cgroupParent,
			// 2: NODE.
			"security_context": map[string]any{"namespace_options": map[string]any{"network": 2}},
		},
	})
}

func writeJSON(t *testing.T, path string, v any) string {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, path, string(data), 0o644)
	return path
}

// TestNodeInstaller runs the DaemonSet's installer script from its image, built here,
// against a node's containerd (containerd1 layout, Debian's 1.6): readiness waits for the
// engine to load the handler (RESTART_MODE=none, then the admin's restart) and for the
// probe container through it; the node is labelled only then. The skewed supervisor
// fails under runc and runs under oshim. The pod's stop takes the label off. Cleanup
// (RESTART_MODE=signal) takes the label off first, restores the config's bytes, keeps
// oshim while a container created through it runs, and removes it afterwards.
func TestNodeInstaller(t *testing.T) {
	t.Parallel()
	need(t, "containerd", "ctr", "podman", "unshare")
	p := harness.NewPodman(t, false)
	archive := installerImageArchive(t, p)
	n := newNode(t)
	original := harness.ContainerdConfig(t, n.ctrDir, pauseImage)
	writeFile(t, n.config, original, 0o644)
	n.start(t)
	for _, img := range []harness.Image{
		{Ref: supervisorImage, Cmd: []string{supervisorPath}, Files: map[string]string{supervisorPath: harness.Binary(t, "./test/workload/supervisor")}},
		{Ref: pauseImage, Cmd: []string{"/bin/sleep", "infinity"}},
	} {
		n.ctrd.Import(t, criNamespace, harness.OCIArchive(t, img))
	}
	n.ctrd.Import(t, criNamespace, archive)
	cri := harness.NewCRI(t, n.ctrd)
	cgroupParent := n.ctrd.CgroupParent()
	api := newAPIServer(t)

	// Without oshim the skewed supervisor fails closed.
	runcPod, runcCtr, out := skewedPod(t, cri, "runc", cgroupParent)
	if !strings.Contains(out, supervisorFailed) {
		t.Fatalf("under runc the supervisor did not fail closed:\n%s", out)
	}
	removePod(t, cri, runcPod, runcCtr)

	// The DaemonSet's pod as the kubelet runs it, for the probe to find its image by.
	podDir := t.TempDir()
	dsPod := podConfig(t, podDir, installerPod, "oshim-system", cgroupParent)
	dsCtr := writeJSON(t, filepath.Join(podDir, "container.json"), map[string]any{
		"metadata": map[string]any{"name": "installer"},
		"image":    map[string]any{"image": installerImage},
		"command":  []string{"/bin/sleep", "3600"},
	})
	dsPodID := cri.OK(t, "runp", dsPod)
	dsCtrID := cri.OK(t, "create", dsPodID, dsCtr, dsPod)
	cri.OK(t, "start", dsCtrID)

	inst := installer(t, p, n, api, cgroupParent, map[string]string{"RESTART_MODE": "none"})
	// Installed, but containerd has not loaded the handler: not ready, saying why.
	waitState(t, p, inst, false, "containerd has not loaded the runtime handler oshim yet: restart it on the node: systemctl restart containerd")
	logs := p.RunOK(t, "logs", inst).Stdout
	for _, want := range []string{"copied oshim to /usr/local/bin/oshim", "containerd layout: containerd1", "RESTART_MODE=none: containerd was neither restarted nor signalled"} {
		if !strings.Contains(logs, want) {
			t.Errorf("the installer's log lacks %q:\n%s", want, logs)
		}
	}
	if got := api.labels(); got != "" {
		t.Fatalf("the node was labelled before oshim worked there: %s", got)
	}
	// The admin restarts containerd; the next probe passes and the node is offered.
	n.ctrd.Restart(t)
	waitState(t, p, inst, true, "started with the empty bounding set and no_new_privs its contract asks for; node node-1 is labelled oshim.io/ready=true")
	if got := api.labels(); got != "set" {
		t.Fatalf("label patches: %q, want set", got)
	}

	// With oshim the skewed supervisor runs: the preset's contract repairs it.
	pod, running, out := skewedPod(t, cri, "oshim", cgroupParent)
	if !strings.Contains(out, supervisorCleared) {
		t.Fatalf("under oshim the supervisor did not run:\n%s", out)
	}

	// Stopping the installer (a DaemonSet update, or its deletion) withdraws the node.
	p.RunOK(t, "stop", "--time", "30", inst)
	if got := api.labels(); got != "set remove" {
		t.Fatalf("label patches after the installer stopped: %q, want set remove", got)
	}

	// Cleanup. RESTART_MODE=signal: containerd exits on SIGHUP; its service manager (the
	// test here) starts it again.
	clean := installer(t, p, n, api, cgroupParent, map[string]string{"MODE": "cleanup", "RESTART_MODE": "signal"})
	select {
	case <-n.ctrd.Exited():
	case <-time.After(2 * time.Minute):
		t.Fatal("containerd did not exit on the installer's SIGHUP")
	}
	n.ctrd.Restart(t)
	kept := waitState(t, p, clean, false, "are kept while containers created through oshim still run on this node")
	// Once the daemon is back, the log lists the pod too.
	time.Sleep(3 * time.Second)
	if got, err := os.ReadFile(n.config); err != nil || string(got) != original {
		t.Errorf("cleanup did not restore containerd's config (%v):\n%s", err, got)
	}
	if _, err := os.Stat(filepath.Join(n.dir, "usr/local/bin/oshim")); err != nil {
		t.Errorf("cleanup removed oshim while a container created through it runs (%s): %v", kept, err)
	}
	if got := api.labels(); got != "set remove remove" {
		t.Errorf("label patches: %q, want the cleanup's remove", got)
	}
	logs = p.RunOK(t, "logs", clean).Stdout
	for _, want := range []string{"sent SIGHUP to containerd", running, "sandbox-supervisor  missing=CAP_SETPCAP", "pod oshim-test/pod-oshim-"} {
		if !strings.Contains(logs, want) {
			t.Errorf("the cleanup's log lacks %q:\n%s", want, logs)
		}
	}
	// Its pod's sandbox (the pause container, which no contract matches, so oshim keeps no
	// record of it) also runs through oshim: without oshim its shim could not stop it.
	cri.OK(t, "stop", "--timeout", "30", running)
	cri.OK(t, "rm", running)
	time.Sleep(3 * time.Second)
	waitState(t, p, clean, false, "are kept while containers created through oshim still run")
	if _, err := os.Stat(filepath.Join(n.dir, "usr/local/bin/oshim")); err != nil {
		t.Errorf("cleanup removed oshim while the sandbox of an oshim pod runs: %v", err)
	}
	// Once the pod is gone, so is oshim.
	cri.OK(t, "stopp", pod)
	cri.OK(t, "rmp", pod)
	waitState(t, p, clean, true, "cleaned up")
	removePod(t, cri, dsPodID, dsCtrID)
	for _, f := range []string{"usr/local/bin/oshim", "etc/oshim"} {
		if _, err := os.Stat(filepath.Join(n.dir, f)); !os.IsNotExist(err) {
			t.Errorf("cleanup left /%s: %v", f, err)
		}
	}
	if got, err := os.ReadFile(n.config); err != nil || string(got) != original {
		t.Errorf("containerd's config after cleanup (%v):\n%s", err, got)
	}
}
