package containerd

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/oshim/oshim/internal/records"
	"github.com/oshim/oshim/test/harness"
	"github.com/oshim/oshim/test/procstatus"
)

// criNamespace is the containerd namespace of the CRI plugin.
const criNamespace = "k8s.io"

// deniedText is oshim's deny message as the runc shim reports a failed
// create: "OCI runtime create failed: " and the last error the runtime wrote
// to its --log file as JSON. So the message reaches crictl only if oshim
// logged it there in the shim's format.
const deniedText = `OCI runtime create failed: contract "denied": the spec withholds CAP_SETPCAP, which the workload requires (on_skew=deny)`

// criCase is one pod with one container, driven through the lifecycle the
// kubelet drives: runp, create, start, (exec, logs, stop), rm, stopp, rmp.
// Every container config drops CAP_SETPCAP, as the older orchestrator does.
type criCase struct {
	description    string
	handler        string // the pod's runtime handler: a RuntimeClass's handler
	podAnnotations map[string]string
	image          string
	name           string // the container's name, which contracts match
	args           []string

	wantStartErr string // crictl start fails, its message holding this
	wantExit     bool   // the workload exits 1 by itself
	wantLog      string // in the container's log; waited for while it runs
	wantContract string // io.oshim.contract in the bundle's config.json of a running container; "" none
	// check inspects a running container (pid on the host) before it is stopped.
	check func(t *testing.T, id string, pid int)
}

// TestCRI installs oshim into containerd's default config with `oshim
// install containerd`, starts that containerd, and drives pods with crictl,
// under the installed "oshim" handler and the default "runc" handler.
// Uninstall then restores the config's original bytes.
func TestCRI(t *testing.T) {
	oshim := harness.Oshim(t)
	files := workloadFiles(t)
	archives := []string{
		harness.OCIArchive(t, harness.Image{Ref: supervisorImage, Cmd: []string{supervisorPath}, Files: files}),
		harness.OCIArchive(t, harness.Image{Ref: toolsImage, Cmd: []string{capdumpPath}, Files: files}),
		// The sandbox (pause) container only has to live until it is killed.
		harness.OCIArchive(t, harness.Image{Ref: pauseImage, Cmd: []string{"/bin/sleep", "infinity"}}),
	}

	dir := harness.NewContainerdDir(t)
	config := filepath.Join(dir, "config.toml")
	original := harness.ContainerdConfig(t, dir, pauseImage)
	writeFile(t, config, []byte(original))
	installArgs := []string{"containerd", "--config", config, "--binary", oshim,
		"--state-dir", filepath.Join(dir, "installed"), "--oshim-config", ""}
	harness.RunOK(t, nil, append([]string{oshim, "install"}, installArgs...)...)

	oshimCfg := oshimConfig(t, dir, harness.Runtime(t, "runc"), "cri.toml")
	c := harness.StartContainerd(t, dir, config, []string{"OSHIM_CONFIG=" + oshimCfg})
	checkHandlers(t, c, oshim)
	for _, a := range archives {
		c.Import(t, criNamespace, a)
	}
	cri := harness.NewCRI(t, c)
	cgroupParent := c.CgroupParent()

	tests := []criCase{
		{
			description: "runc handler: the supervisor fails closed without CAP_SETPCAP",
			handler:     "runc", image: supervisorImage, name: "supervisor",
			args:     []string{supervisorPath, "-status"},
			wantExit: true, wantLog: failed,
		},
		{
			description: "oshim handler: the contract repairs the supervisor's spec",
			handler:     "oshim", image: supervisorImage, name: "supervisor",
			args:    []string{supervisorPath, "-status", "-hold"},
			wantLog: cleared, wantContract: "sandbox-supervisor",
			check: func(t *testing.T, id string, pid int) {
				if records := oshimRecords(t, dir, id); len(records) != 1 {
					t.Errorf("oshim records of %s: %v, want one", id, records)
				} else {
					wantPodContext(t, dir, records[0], id, oshim, oshimCfg)
				}
				st := harness.ProcStatus(t, pid)
				if !st.Eff.Has(capSetpcap) || st.Bnd != 0 {
					t.Errorf("supervisor: %v, want CAP_SETPCAP effective and the bounding set it cleared empty", st)
				}
				// The shim parses the runtime's stdout of `ps --format json`.
				if r := c.Ctr(t, criNamespace, "tasks", "ps", id); r.Code != 0 || !strings.Contains(r.Stdout, fmt.Sprint(pid)) {
					t.Errorf("ctr tasks ps %s: exit status %d, want 0 and pid %d listed", id, r.Code, pid)
				}
				// An exec session gets the container config's caps, which
				// lack CAP_SETPCAP: oshim lends nothing to exec sessions.
				if st := execCapdump(t, cri, id); st.Eff.Has(capSetpcap) {
					t.Errorf("exec session: %v holds CAP_SETPCAP", st)
				}
			},
		},
		{
			description: "oshim handler: the supervisor in another image gets no contract",
			handler:     "oshim", image: toolsImage, name: "supervisor",
			args:     []string{supervisorPath, "-status"},
			wantExit: true, wantLog: failed,
		},
		{
			description: "bounding clear: CapBnd 0 in the container and in exec sessions",
			handler:     "oshim", image: toolsImage, name: "cleared",
			args:    []string{capdumpPath, "-hold"},
			wantLog: `"CapBnd":`, wantContract: "cleared",
			check: func(t *testing.T, id string, pid int) {
				wantNoBounding(t, "container", harness.ProcStatus(t, pid))
				wantNoBounding(t, "exec session", execCapdump(t, cri, id))
				out := cri.OK(t, "exec", "-s", id, "grep", "CapBnd", "/proc/self/status")
				if !regexp.MustCompile(`^CapBnd:\s+0000000000000000$`).MatchString(out) {
					t.Errorf("exec session's own status: %q, want CapBnd 0", out)
				}
			},
		},
		{
			description: "runc handler: no contract clears the bounding set",
			handler:     "runc", image: toolsImage, name: "cleared",
			args:    []string{capdumpPath, "-hold"},
			wantLog: `"CapBnd":`,
			check: func(t *testing.T, id string, pid int) {
				if st := harness.ProcStatus(t, pid); st.Bnd == 0 {
					t.Errorf("container: %v, want the spec's bounding set", st)
				}
			},
		},
		{
			description: "a pod annotation io.oshim.bounding=clear narrows the contract",
			handler:     "oshim", podAnnotations: map[string]string{"io.oshim.bounding": "clear"},
			image: toolsImage, name: "narrowable",
			args:    []string{capdumpPath, "-hold"},
			wantLog: `"CapBnd":`, wantContract: "narrowable",
			check: func(t *testing.T, id string, pid int) {
				wantNoBounding(t, "container", harness.ProcStatus(t, pid))
			},
		},
		{
			description: "without the pod annotation the same contract keeps the bounding set",
			handler:     "oshim", image: toolsImage, name: "narrowable",
			args:    []string{capdumpPath, "-hold"},
			wantLog: `"CapBnd":`, wantContract: "narrowable",
			check: func(t *testing.T, id string, pid int) {
				if st := harness.ProcStatus(t, pid); st.Bnd == 0 || st.Bnd.Has(capSetpcap) {
					t.Errorf("container: %v, want the spec's bounding set, without CAP_SETPCAP", st)
				}
			},
		},
		{
			description: "deny: start fails with oshim's message, read from the shim's log file",
			handler:     "oshim", image: toolsImage, name: "denied",
			args:         []string{capdumpPath},
			wantStartErr: deniedText,
		},
	}
	for i, tt := range tests {
		t.Run(tt.description, func(t *testing.T) {
			runPod(t, c, cri, tt, fmt.Sprintf("pod-%d", i), cgroupParent)
		})
	}

	// Every container was removed through the shim, and oshim's delete
	// removes its record of each.
	if records := oshimRecords(t, dir, "*"); len(records) != 0 {
		t.Errorf("oshim records left after delete: %v", records)
	}

	harness.RunOK(t, nil, append([]string{oshim, "uninstall"}, installArgs...)...)
	if got, err := os.ReadFile(config); err != nil {
		t.Fatal(err)
	} else if string(got) != original {
		t.Errorf("uninstall did not restore the original config; now:\n%s", got)
	}
}

// checkHandlers fails unless the CRI plugin loaded (`ctr plugins ls`) with
// the installed handler "oshim" running oshim through the runc shim, next to
// the default "runc" (from the config it logs at start).
func checkHandlers(t *testing.T, c *harness.Containerd, oshim string) {
	t.Helper()
	plugins := c.Ctr(t, "default", "plugins", "ls")
	if !regexp.MustCompile(`(?m)^io\.containerd\.grpc\.v1\s+cri\s+\S+\s+ok\s*$`).MatchString(plugins.Stdout) {
		t.Fatalf("the CRI plugin did not load")
	}
	logged := regexp.MustCompile(`Start cri plugin with config \{.*\}`).FindString(c.Log(t))
	for _, want := range []string{
		"oshim:{Type:io.containerd.runc.v2 ",
		"BinaryName:" + oshim + " ",
		"runc:{Type:io.containerd.runc.v2 ",
		"SandboxImage:" + pauseImage + " ",
	} {
		if !strings.Contains(logged, want) {
			t.Errorf("the CRI plugin's config lacks %q:\n%s", want, logged)
		}
	}
}

// runPod drives one criCase.
func runPod(t *testing.T, c *harness.Containerd, cri *harness.CRI, tt criCase, podName, cgroupParent string) {
	logDir := t.TempDir()
	podConfig := filepath.Join(logDir, "pod.json")
	writeJSON(t, podConfig, map[string]any{
		"metadata":      map[string]any{"name": podName, "namespace": "oshim-test", "uid": podName + "-uid", "attempt": 0},
		"annotations":   tt.podAnnotations,
		"log_directory": logDir,
		"linux": map[string]any{
			"cgroup_parent": cgroupParent,
			// 2: NODE, the host's network: no CNI plugin is needed.
			"security_context": map[string]any{"namespace_options": map[string]any{"network": 2}},
		},
	})
	ctrConfig := filepath.Join(logDir, "container.json")
	writeJSON(t, ctrConfig, map[string]any{
		"metadata": map[string]any{"name": tt.name},
		"image":    map[string]any{"image": tt.image},
		"command":  tt.args,
		"log_path": tt.name + ".log",
		"linux": map[string]any{"security_context": map[string]any{
			"capabilities": map[string]any{"drop_capabilities": []string{"SETPCAP"}},
		}},
	})

	pod := cri.OK(t, "runp", "--runtime", tt.handler, podConfig)
	id := cri.OK(t, "create", pod, ctrConfig, podConfig)
	start := cri.Run(t, "start", id)
	switch {
	case tt.wantStartErr != "":
		// crictl's log lines quote the message, escaping its quotes.
		msg := strings.ReplaceAll(start.Stderr, `\"`, `"`)
		if start.Code == 0 || !strings.Contains(msg, tt.wantStartErr) {
			t.Errorf("crictl start: exit status %d, want an error holding %q", start.Code, tt.wantStartErr)
		}
	case start.Code != 0:
		t.Fatalf("crictl start: exit status %d", start.Code)
	case tt.wantExit:
		if st := cri.WaitExited(t, id); st.ExitCode != 1 {
			t.Errorf("container exited with status %d, want 1", st.ExitCode)
		}
		wantLogs(t, cri, id, tt.wantLog)
	default:
		cri.WaitLog(t, id, filepath.Join(logDir, tt.name+".log"), tt.wantLog)
		st := cri.Inspect(t, id)
		if st.State != "CONTAINER_RUNNING" || st.Pid <= 0 {
			t.Fatalf("crictl inspect: %+v, want a running container", st)
		}
		if got := bundleAnnotation(t, c, id, "io.oshim.contract"); got != tt.wantContract {
			t.Errorf("config.json: io.oshim.contract %q, want %q", got, tt.wantContract)
		}
		if tt.check != nil {
			tt.check(t, id, st.Pid)
		}
		wantLogs(t, cri, id, tt.wantLog)
		// SIGTERM first: the workload is the container's pid 1 (oshim's
		// init execs it) and exits 0 on it.
		cri.OK(t, "stop", "--timeout", "30", id)
		if st := cri.Inspect(t, id); st.State != "CONTAINER_EXITED" || st.ExitCode != 0 {
			t.Errorf("after crictl stop: %+v, want exited with status 0", st)
		}
	}
	cri.OK(t, "rm", id)
	cri.OK(t, "stopp", pod)
	cri.OK(t, "rmp", pod)
}

// wantLogs fails unless `crictl logs` shows want (stdout or stderr stream).
func wantLogs(t *testing.T, cri *harness.CRI, id, want string) {
	t.Helper()
	r := cri.Run(t, "logs", id)
	if r.Code != 0 || !strings.Contains(r.Stdout+r.Stderr, want) {
		t.Errorf("crictl logs %s: exit status %d, want 0 and %q", id, r.Code, want)
	}
}

// execCapdump runs capdump in an exec session and decodes its state.
func execCapdump(t *testing.T, cri *harness.CRI, id string) procstatus.Status {
	t.Helper()
	var st procstatus.Status
	if err := json.Unmarshal([]byte(cri.OK(t, "exec", "-s", id, capdumpPath)), &st); err != nil {
		t.Fatalf("capdump in an exec session: %v", err)
	}
	return st
}

// wantNoBounding fails unless st has an empty bounding set and CAP_SETPCAP
// (lent to oshim's init only) in no set.
func wantNoBounding(t *testing.T, who string, st procstatus.Status) {
	t.Helper()
	if st.Bnd != 0 || st.Eff.Has(capSetpcap) || st.Prm.Has(capSetpcap) || st.Inh.Has(capSetpcap) || st.Amb.Has(capSetpcap) {
		t.Errorf("%s: %v, want CapBnd 0 and no CAP_SETPCAP", who, st)
	}
}

// bundleAnnotation reads an annotation from the config.json the shim gave
// the runtime binary (after oshim's rewrite).
func bundleAnnotation(t *testing.T, c *harness.Containerd, id, key string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(c.BundleDir(criNamespace, id), "config.json"))
	if err != nil {
		t.Fatal(err)
	}
	var spec struct {
		Annotations map[string]string `json:"annotations"`
	}
	if err := json.Unmarshal(data, &spec); err != nil {
		t.Fatalf("bundle config.json: %v", err)
	}
	return spec.Annotations[key]
}

func writeJSON(t *testing.T, path string, v any) {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, path, data)
}

// wantPodContext checks that the record, oshim report and the OCSF events of container
// id name the pod, the container and the image that the CRI plugin passed, and that
// the per-contract counters saw the container and its exec session.
func wantPodContext(t *testing.T, dir, record, id, oshim, oshimCfg string) {
	t.Helper()
	data, err := os.ReadFile(record)
	if err != nil {
		t.Fatal(err)
	}
	var rec records.Container
	if err := json.Unmarshal(data, &rec); err != nil {
		t.Fatal(err)
	}
	if p := rec.Pod; p.Namespace != "oshim-test" || !strings.HasPrefix(p.Pod, "pod-") || p.Container != "supervisor" || !strings.Contains(p.Image, supervisorImage) {
		t.Errorf("record's pod context %+v", p)
	}
	env := []string{"OSHIM_CONFIG=" + oshimCfg}
	if r := harness.RunOK(t, env, oshim, "report"); !strings.Contains(r.Stdout, "oshim-test/"+rec.Pod.Pod) {
		t.Errorf("oshim report does not show the pod:\n%s", r.Stdout)
	}
	events, err := os.ReadFile(filepath.Join(dir, "ocsf.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, line := range strings.Split(strings.TrimSpace(string(events)), "\n") {
		var ev struct {
			Device struct {
				Container struct{ UID, Name, Orchestrator string }
			}
			Unmapped struct{ Pod map[string]string }
		}
		if json.Unmarshal([]byte(line), &ev) != nil || ev.Device.Container.UID != id {
			continue
		}
		found = true
		if ev.Device.Container.Name != "supervisor" || ev.Device.Container.Orchestrator != "Kubernetes" || ev.Unmapped.Pod["namespace"] != "oshim-test" {
			t.Errorf("OCSF event without the pod: %s", line)
		}
	}
	if !found {
		t.Errorf("no OCSF event names container %s in the device:\n%s", id, events)
	}
	metrics := harness.RunOK(t, env, oshim, "report", "--prometheus").Stdout
	for _, want := range []string{`oshim_containers_matched_total{contract="sandbox-supervisor"}`, `oshim_repairs_total{contract="sandbox-supervisor"}`} {
		if !strings.Contains(metrics, want) || strings.Contains(metrics, want+" 0") {
			t.Errorf("oshim report --prometheus: no %s above 0:\n%s", want, metrics)
		}
	}
}
