// Package e2e runs real crun and runc, and oshim in front of them, on busybox
// bundles, and checks capabilities from the host's /proc/<pid>/status. See
// ../README.md.
package e2e

import (
	"os"
	"testing"

	"github.com/oshim/oshim/test/harness"
)

func TestMain(m *testing.M) { os.Exit(harness.Main(m)) }
