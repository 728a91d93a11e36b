// Package attacks is oshim's attack suite: each file is one class of attack on the
// promise that a container's workload, and every process later started in it, holds
// at most the spec's capabilities plus the contract's require, and never a capability
// lent to oshim's init. Every test runs the attack against real crun and runc and
// reads the capability state of the workload and of every exec session from /proc; a
// test that finds a withheld or lent capability, or a bounding set that the contract
// clears, fails.
package attacks

import (
	"os"
	"testing"

	"github.com/oshim/oshim/test/harness"
)

func TestMain(m *testing.M) { os.Exit(harness.Main(m)) }

// The attacks run against oshim as it ships: the Makefile's build, whose runtime
// settings and collector a plain `go build` would not have.
func TestAttacksRunTheShippedBuild(t *testing.T) {
	harness.WantShippedBuild(t, harness.Oshim(t))
}
