// Package reports tests what oshim tells operators, against real crun and runc: the
// per-container report and `oshim state`'s io.oshim.result (measured inside real
// containers), the OCSF events (every line checked against the OCSF schema), `oshim
// explain` (its prediction compared with /proc of the same bundle, run), `oshim doctor`
// on this host, and the cap on per-container records. See ../README.md for the harness.
package reports

import (
	"os"
	"testing"

	"github.com/oshim/oshim/test/harness"
)

func TestMain(m *testing.M) { os.Exit(harness.Main(m)) }
