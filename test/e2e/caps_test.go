package e2e

import (
	"encoding/json"
	"testing"

	"github.com/oshim/oshim/test/harness"
	"github.com/oshim/oshim/test/procstatus"
)

// runtimes are the real OCI runtimes every test runs against.
var runtimes = []string{"crun", "runc"}

// Capability numbers (linux/capability.h) used here; bit n of a
// /proc/<pid>/status mask is capability n.
const (
	capChown          = 0  // CAP_CHOWN,            mask 0x1
	capKill           = 5  // CAP_KILL,             mask 0x20
	capSetpcap        = 8  // CAP_SETPCAP,          mask 0x100
	capNetBindService = 10 // CAP_NET_BIND_SERVICE, mask 0x400
	capSysAdmin       = 21 // CAP_SYS_ADMIN,        mask 0x200000
	capAuditWrite     = 29 // CAP_AUDIT_WRITE,      mask 0x20000000
)

var capNames = map[int]string{
	capChown:          "CAP_CHOWN",
	capKill:           "CAP_KILL",
	capSetpcap:        "CAP_SETPCAP",
	capNetBindService: "CAP_NET_BIND_SERVICE",
	capSysAdmin:       "CAP_SYS_ADMIN",
	capAuditWrite:     "CAP_AUDIT_WRITE",
}

// Where the workloads live in the rootfs. The supervisor's path is the one
// the contract in testdata/*.toml matches.
const (
	supervisorPath = "/opt/openshell/bin/openshell-sandbox"
	capdumpPath    = "/usr/local/bin/capdump"
)

// withoutSetpcap removes CAP_SETPCAP from all five capability lists: the
// spec of an orchestrator that puts it in cap-drop.
const withoutSetpcap = `.process.capabilities |= with_entries(.value -= ["CAP_SETPCAP"])`

// mask builds a /proc/<pid>/status mask from capability numbers.
func mask(caps ...int) procstatus.Mask {
	var m procstatus.Mask
	for _, c := range caps {
		m |= 1 << c
	}
	return m
}

// specCaps are the five capability lists of a spec, as numbers.
type specCaps struct {
	Bounding, Effective, Permitted, Inheritable, Ambient []int
}

// setCaps replaces process.capabilities with c.
func setCaps(t *testing.T, b *harness.Bundle, c specCaps) {
	t.Helper()
	names := func(caps []int) []string {
		out := []string{}
		for _, n := range caps {
			out = append(out, capNames[n])
		}
		return out
	}
	lists, err := json.Marshal(map[string][]string{
		"bounding":    names(c.Bounding),
		"effective":   names(c.Effective),
		"permitted":   names(c.Permitted),
		"inheritable": names(c.Inheritable),
		"ambient":     names(c.Ambient),
	})
	if err != nil {
		t.Fatal(err)
	}
	b.Jq(t, ".process.capabilities = $caps", "--argjson", "caps", string(lists))
}

// supervisorBundle returns a bundle for runtime rt running the supervisor
// workload with args, from a spec that withholds CAP_SETPCAP in all five
// lists. capdump is installed too, for exec sessions.
func supervisorBundle(t *testing.T, rt string, args ...string) *harness.Bundle {
	t.Helper()
	b := harness.NewBundle(t, harness.Runtime(t, rt))
	b.Install(t, harness.Binary(t, "./test/workload/supervisor"), supervisorPath)
	b.Install(t, harness.Binary(t, "./test/workload/capdump"), capdumpPath)
	b.SetArgs(t, append([]string{supervisorPath}, args...)...)
	b.Jq(t, withoutSetpcap)
	return b
}

// parseCapdump decodes capdump's one-line JSON.
func parseCapdump(t *testing.T, stdout string) procstatus.Status {
	t.Helper()
	s, err := procstatus.ParseJSON(stdout)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// outside returns, per capability set, what got holds beyond limit.
func outside(got, limit procstatus.Status) []string { return got.Beyond(limit) }
