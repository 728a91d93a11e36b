package matrix

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/oshim/oshim/test/harness"
)

// criNamespace is the containerd namespace of the CRI plugin.
const criNamespace = "k8s.io"

// pauseImage is the pod sandbox's image: it only has to live until it is killed.
const pauseImage = "localhost/oshim-matrix/pause:1"

// criEngine is one containerd whose CRI plugin has a runtime handler per real runtime
// and contract, each running oshim through the runc shim (options.BinaryName), plus
// one per plain runtime; crictl drives it as the kubelet drives a node.
type criEngine struct {
	ctrd         *harness.Containerd
	cri          *harness.CRI
	regs         map[string]map[kind]registration
	cgroupParent string
}

// handler is the CRI runtime handler (a RuntimeClass's handler) of the cell.
func handler(c cell) string {
	if c.kind == none {
		return "plain-" + c.runtime
	}
	return "oshim-" + c.runtime + "-" + c.kind.contractName()
}

func newCRI(t *testing.T) engine {
	oshim := harness.Oshim(t)
	archives := []string{
		harness.OCIArchive(t, workloadImage(t)),
		harness.OCIArchive(t, harness.Image{Ref: pauseImage, Cmd: []string{"/bin/sleep", "infinity"}}),
	}
	dir := harness.NewContainerdDir(t)
	e := &criEngine{regs: registrations(t, rootWriter, filepath.Join(dir, "oshim"), oshim)}
	config := harness.ContainerdConfig(t, dir, pauseImage)
	n := 0
	add := func(name, binary string) {
		n++
		// A runc root of its own (kept short: runtimes put sockets below it), not the
		// shim's default under /run/containerd, which other containerds share.
		config += fmt.Sprintf("\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.%q]\n  runtime_type = \"io.containerd.runc.v2\"\n"+
			"  [plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.%q.options]\n    BinaryName = %q\n    Root = %q\n",
			name, name, binary, filepath.Join(dir, fmt.Sprintf("r%d", n)))
	}
	for _, rt := range runtimes {
		add(handler(cell{runtime: rt, kind: none}), harness.Runtime(t, rt))
		for _, k := range contractKinds {
			add(handler(cell{runtime: rt, kind: k}), e.regs[rt][k].script)
		}
	}
	path := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(path, []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	e.ctrd = harness.StartContainerd(t, dir, path, nil)
	for _, a := range archives {
		e.ctrd.Import(t, criNamespace, a)
	}
	e.cri = harness.NewCRI(t, e.ctrd)
	e.cgroupParent = e.ctrd.CgroupParent()
	return e
}

func (e *criEngine) run(t *testing.T, c cell) observation {
	dir := t.TempDir()
	podConfig, ctrConfig := filepath.Join(dir, "pod.json"), filepath.Join(dir, "container.json")
	writeJSON(t, podConfig, map[string]any{
		"metadata":      map[string]any{"name": c.id(), "namespace": "oshim-matrix", "uid": c.id(), "attempt": 0},
		"log_directory": dir,
		"linux": map[string]any{
			"cgroup_parent": e.cgroupParent,
			// 2: NODE, the host's network: no CNI plugin is needed.
			"security_context": map[string]any{"namespace_options": map[string]any{"network": 2}},
		},
	})
	writeJSON(t, ctrConfig, map[string]any{
		"metadata": map[string]any{"name": c.id()},
		"image":    map[string]any{"image": image},
		"command":  c.args(),
		"log_path": "workload.log",
		"linux": map[string]any{"security_context": map[string]any{
			"run_as_user":  map[string]any{"value": c.uid},
			"no_new_privs": c.nnp,
			"capabilities": map[string]any{"drop_capabilities": []string{"ALL"}, "add_capabilities": []string{"KILL", "NET_BIND_SERVICE"}},
		}},
	})
	pod := e.cri.OK(t, "runp", "--runtime", handler(c), podConfig)
	defer func() {
		e.cri.Run(t, "stopp", pod)
		e.cri.Run(t, "rmp", "--force", pod)
	}()
	id := e.cri.OK(t, "create", pod, ctrConfig, podConfig)
	logs := func() string { r := e.cri.Run(t, "logs", id); return r.Stdout + r.Stderr }
	if r := e.cri.Run(t, "start", id); r.Code != 0 {
		o := observation{refused: true, message: r.Stderr, output: logs()}
		o.specChange, o.specChecked = specChange(c, filepath.Join(e.ctrd.BundleDir(criNamespace, id), "config.json"))
		return o
	}
	o := observation{exit: -1}
	waitLog(c, filepath.Join(dir, "workload.log"))
	var st harness.ContainerStatus
	poll(time.Second, func() bool {
		st = e.cri.Inspect(t, id)
		return st.State == "CONTAINER_EXITED" || c.held()
	})
	o.output = logs()
	if st.State == "CONTAINER_EXITED" {
		o.exit = st.ExitCode
	}
	if c.kind == report {
		o.noteSkew(e.regs[c.runtime][c.kind].ocsf, id)
	}
	if !c.held() || st.State != "CONTAINER_RUNNING" {
		return o
	}
	o.noteHost(st.Pid)
	o.noteExec(e.cri.Run(t, "exec", "-s", id, capdumpPath))
	return o
}

func writeJSON(t *testing.T, path string, v any) {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
