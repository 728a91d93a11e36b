// Package podman runs the motivating case under real podman, rootful and rootless,
// with crun and runc: the supervisor workload in a locally built image, created with
// the flags of the older orchestrator (which drops CAP_SETPCAP) and of the newer one,
// with the plain runtime, with oshim as the runtime (runtime mode) and with oshim's
// OCI hooks (hook mode). Capabilities are read from the containers' /proc on the host
// and from capdump in exec sessions; what oshim recorded is read from podman inspect's
// annotations and from oshim's report store, never from its log lines.
//
// Needs root, podman, conmon, uidmap, crun, runc and busybox-static; the rootless
// tests create the user harness.PodmanUser. Nothing skips.
package podman

import (
	"os"
	"testing"

	"github.com/oshim/oshim/test/harness"
)

func TestMain(m *testing.M) { os.Exit(harness.Main(m)) }
