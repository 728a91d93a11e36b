package harness

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// crictlPackage is the crictl the CRI tests drive containerd with. Debian
// does not package it; it builds from the Go module proxy.
const crictlPackage = "sigs.k8s.io/cri-tools/cmd/crictl@v1.37.0"

// crictlBuildTimeout bounds `go install` of crictl: with a cold module cache
// it downloads about a hundred modules (measured: 6 minutes here; about 8 s
// once they are cached).
const crictlBuildTimeout = 20 * time.Minute

var crictlBuild build

// Crictl returns crictl installed once per test process with `go install
// sigs.k8s.io/cri-tools/cmd/crictl@v1.37.0` into the harness cache. A
// failed build fails the test (it never skips), with go's output.
func Crictl(t testing.TB) string {
	t.Helper()
	dir := cacheDir(t)
	crictlBuild.once.Do(func() {
		crictlBuild.path, crictlBuild.err = goInstall(dir, crictlPackage)
	})
	if crictlBuild.err != nil {
		t.Fatal(crictlBuild.err)
	}
	return crictlBuild.path
}

// goInstall runs `go install PKG@VERSION` with GOBIN in the cache and
// returns the binary's path.
func goInstall(cache, pkg string) (string, error) {
	path, _, _ := strings.Cut(pkg, "@")
	gobin := filepath.Join(cache, "gobin")
	ctx, cancel := context.WithTimeout(context.Background(), crictlBuildTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "install", pkg)
	// Outside this module: PKG@VERSION builds in module mode of its own.
	cmd.Dir = cache
	cmd.Env = append(os.Environ(), "GOBIN="+gobin, "CGO_ENABLED=0", "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go install %s: %w\n%s", pkg, err, out)
	}
	return filepath.Join(gobin, filepath.Base(path)), nil
}

// CRI drives the CRI plugin of a private containerd with crictl, as the
// kubelet drives a node's.
type CRI struct {
	bin    string
	config string // crictl.yaml naming the daemon's socket, so /etc/crictl.yaml is never read
}

// NewCRI returns a crictl client of c. When the test ends, before c stops,
// every pod sandbox left is stopped and removed with its containers
// (`crictl rmp --all --force`).
func NewCRI(t testing.TB, c *Containerd) *CRI {
	t.Helper()
	r := &CRI{bin: Crictl(t), config: filepath.Join(c.Dir, "crictl.yaml")}
	endpoint := "unix://" + c.Address
	// timeout: per request, below Run's timeout so crictl reports it.
	yaml := fmt.Sprintf("runtime-endpoint: %s\nimage-endpoint: %s\ntimeout: %d\n", endpoint, endpoint, int(RunTimeout.Seconds())-10)
	if err := os.WriteFile(r.config, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if res := r.Run(t, "rmp", "--all", "--force"); res.Code != 0 {
			t.Errorf("cleanup: crictl rmp --all --force: exit status %d", res.Code)
		}
	})
	return r
}

// Run runs `crictl --config CONFIG args...` with Run.
func (r *CRI) Run(t testing.TB, args ...string) Result {
	t.Helper()
	return Run(t, nil, append([]string{r.bin, "--config", r.config}, args...)...)
}

// OK is Run that fails the test unless crictl exits 0, and returns its
// stdout without surrounding white space (an id, for runp and create).
func (r *CRI) OK(t testing.TB, args ...string) string {
	t.Helper()
	res := r.Run(t, args...)
	if res.Code != 0 {
		t.Fatalf("crictl %s: exit status %d", strings.Join(args, " "), res.Code)
	}
	return strings.TrimSpace(res.Stdout)
}

// StopExited stops container id, which may have exited already, and waits until it has
// exited. containerd 1.6 can fail the stop of a container that exits as it is stopped,
// when the container's shim goes away with it ("ttrpc: closed"); the container exits
// all the same, which is what the caller waits for. Any other failure fails the test.
func (r *CRI) StopExited(t testing.TB, id string) ContainerStatus {
	t.Helper()
	if res := r.Run(t, "stop", "--timeout", "30", id); res.Code != 0 {
		if !strings.Contains(res.Stderr, "ttrpc: closed") {
			t.Fatalf("crictl stop %s: exit status %d", id, res.Code)
		}
		t.Logf("crictl stop %s lost a race with the container's exit (its shim closed): waiting for the exit", id)
	}
	return r.WaitExited(t, id)
}

// ContainerStatus is what `crictl inspect` says about a container.
type ContainerStatus struct {
	State    string // CONTAINER_CREATED, CONTAINER_RUNNING, CONTAINER_EXITED, CONTAINER_UNKNOWN
	ExitCode int
	Pid      int // the container's process on the host; 0 once it exited
}

// Inspect runs `crictl inspect ID`.
func (r *CRI) Inspect(t testing.TB, id string) ContainerStatus {
	t.Helper()
	var out struct {
		Status struct {
			State    string `json:"state"`
			ExitCode int    `json:"exitCode"`
		} `json:"status"`
		Info struct {
			Pid int `json:"pid"`
		} `json:"info"`
	}
	if err := json.Unmarshal([]byte(r.OK(t, "inspect", id)), &out); err != nil {
		t.Fatalf("crictl inspect %s: %v", id, err)
	}
	return ContainerStatus{State: out.Status.State, ExitCode: out.Status.ExitCode, Pid: out.Info.Pid}
}

// WaitExited waits until container id has exited and returns its status;
// it fails the test after containerdTimeout.
func (r *CRI) WaitExited(t testing.TB, id string) ContainerStatus {
	t.Helper()
	deadline := time.Now().Add(containerdTimeout)
	for {
		s := r.Inspect(t, id)
		if s.State == "CONTAINER_EXITED" {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("container %s: state %s after %v, want CONTAINER_EXITED", id, s.State, containerdTimeout)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// WaitLog waits until the log file at path (which the test chose in the
// pod and container configs) of container id contains want, and returns
// the log. It fails the test when the container exits without it, or after
// containerdTimeout.
func (r *CRI) WaitLog(t testing.TB, id, path, want string) string {
	t.Helper()
	deadline := time.Now().Add(containerdTimeout)
	for {
		data, err := os.ReadFile(path)
		if err == nil && strings.Contains(string(data), want) {
			return string(data)
		}
		state := r.Inspect(t, id).State
		if state == "CONTAINER_EXITED" || time.Now().After(deadline) {
			// One last read: the output may have come just before the exit.
			if data, err := os.ReadFile(path); err == nil && strings.Contains(string(data), want) {
				return string(data)
			}
			t.Fatalf("container %s (%s): no %q in %s (read error: %v):\n%s", id, state, want, path, err, data)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
