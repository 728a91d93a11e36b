// Package containerd tests oshim on the path Kubernetes uses: a real
// containerd, started by each test with its own config, root, state and
// socket, runs oshim through its runc shim, with `ctr run --runc-binary` and
// as a CRI runtime handler driven by crictl the way the kubelet drives a pod
// with runtimeClassName: oshim.
//
// oshim finds its admin config through OSHIM_CONFIG in containerd's
// environment: containerd passes its environment to the shim, and the shim to
// the runtime binary (measured with a logging binary: the variable reached
// create, start and delete). A node would use /etc/oshim/config.toml, which
// the tests must not touch. So no wrapper script stands in for oshim:
// BinaryName is oshim itself, as `oshim install containerd` writes it.
//
// Needs root, containerd (ctr), runc, crun, podman (to build the images),
// busybox-static, and the Go module proxy (crictl is built with go install).
// Anything missing fails the tests.
package containerd

import (
	"os"
	"testing"

	"github.com/oshim/oshim/test/harness"
)

func TestMain(m *testing.M) { os.Exit(harness.Main(m)) }
