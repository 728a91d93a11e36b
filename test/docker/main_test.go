// Package docker runs containers through oshim under Docker: a private dockerd
// (Debian's docker.io, started by harness.StartDockerd with its own data root, exec
// root, socket and cgroup parent) that loads runtimes `oshim install docker` registered
// in its daemon.json. The older orchestrator's container (--cap-drop SETPCAP) fails
// closed under plain runc and runs repaired through oshim; a deny contract's reason is
// what `docker run` prints; `docker exec` sessions are capped. Capabilities are read
// from the host's /proc/PID/status. Needs root and the Debian packages docker.io and
// runc.
package docker

import (
	"os"
	"testing"

	"github.com/oshim/oshim/test/harness"
)

func TestMain(m *testing.M) { os.Exit(harness.Main(m)) }
