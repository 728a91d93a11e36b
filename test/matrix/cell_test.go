package matrix

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/oshim/oshim/test/procstatus"
)

// Where the workloads live in every image and bundle. The supervisor stands in for the
// sandbox supervisor (it clears its bounding set, which needs CAP_SETPCAP effective);
// capdump prints its own capability state as one JSON line.
const (
	supervisorPath = "/opt/openshell/bin/openshell-sandbox"
	capdumpPath    = "/usr/local/bin/capdump"
	image          = "localhost/oshim-matrix/workloads:1"
)

// What the supervisor prints on success and on failure (test/workload/supervisor).
const (
	clearedMsg = "bounding set cleared"
	failedMsg  = "Failed to clear capability bounding set"
)

// runtimes are the real runtimes behind every path.
var runtimes = []string{"crun", "runc"}

// users are the workload's uids: root, and uid 1000 with ambient capabilities.
var users = []int{0, 1000}

// pathInfo is one way oshim runs in front of the real runtime.
type pathInfo struct {
	name  string // short, for test names
	title string // for the table
	// noAmbient says why the engine cannot give uid 1000 ambient capabilities; "" when
	// it can. Its contract cells for uid 1000 are n/a; its plain-runtime rows show it.
	noAmbient string
	// noExec says why the path's exec sessions are not capped by oshim; "" when they are.
	noExec string
	// baselineOf names the path whose plain-runtime rows stand for this one's.
	baselineOf string
}

var paths = []pathInfo{
	{name: "direct", title: "runtime called directly (oshim create, start, exec)"},
	{name: "podman", title: "podman rootful, oshim as the runtime"},
	{name: "rootless", title: "podman rootless, oshim as the runtime"},
	{
		name: "hooks", title: "podman rootful, hook mode (precreate)",
		noExec:     "hook mode cannot cap exec sessions: podman starts them from its own process.json, past every hook",
		baselineOf: "podman",
	},
	{
		name: "cri", title: "containerd 1.6 through CRI (crictl, an oshim runtime handler)",
		noAmbient: "containerd 1.6's CRI plugin never sets ambient capabilities: uid 1000 holds none (plain-runtime rows)",
	},
	{
		name: "docker", title: "Docker 20.10 (docker run --runtime oshim)",
		noAmbient: "Docker 20.10 never sets ambient capabilities: uid 1000 holds none (plain-runtime rows)",
	},
}

// title is the table's title of the path named name.
func title(name string) string {
	for _, p := range paths {
		if p.name == name {
			return p.title
		}
	}
	return name
}

// cell is one point of the matrix.
type cell struct {
	path    pathInfo
	runtime string
	uid     int
	nnp     bool
	kind    kind
}

// cells lists every cell of path p, in the table's order.
func cells(p pathInfo) []cell {
	var out []cell
	for _, rt := range runtimes {
		for _, uid := range users {
			for _, nnp := range []bool{false, true} {
				for _, k := range append([]kind{none}, contractKinds...) {
					out = append(out, cell{path: p, runtime: rt, uid: uid, nnp: nnp, kind: k})
				}
			}
		}
	}
	return out
}

// name is the cell's subtest name below its path.
func (c cell) name() string {
	nnp := "off"
	if c.nnp {
		nnp = "on"
	}
	k := "none"
	if c.kind != none {
		k = strings.TrimPrefix(c.kind.contractName(), "matrix-")
	}
	return fmt.Sprintf("%s/uid%d/nnp-%s/%s", c.runtime, c.uid, nnp, k)
}

// id is a container name unique within the path's engine.
func (c cell) id() string {
	return "m-" + strings.ReplaceAll(c.name(), "/", "-")
}

func (c cell) root() bool { return c.uid == 0 }

// notApplicable says why the path cannot express the cell; "" when it can.
func (c cell) notApplicable() string {
	switch {
	case c.kind == none && c.path.baselineOf != "":
		return "the plain runtime under this engine is measured in the rows of " + title(c.path.baselineOf)
	case c.kind != none && c.uid != 0 && c.path.noAmbient != "":
		return c.path.noAmbient
	}
	return ""
}

// spec is the five capability lists the path's engine writes for the cell: CAP_KILL and
// CAP_NET_BIND_SERVICE, never CAP_SETPCAP; inheritable and ambient only for uid 1000,
// where the engine sets ambient caps.
func (c cell) spec() Sets {
	s := Sets{Bnd: granted, Eff: granted, Prm: granted}
	if !c.root() && c.path.noAmbient == "" {
		s.Inh, s.Amb = granted, granted
	}
	return s
}

// held: the workload keeps running until the test stops it (the supervisor after it
// cleared its bounding set, capdump after printing), so its host /proc and an exec
// session can be read.
func (c cell) held() bool { return c.kind == repair || c.kind == clear }

// args is the workload: the supervisor, printing its capability lines first, except
// under a bounding = "clear" contract, which gives it no CAP_SETPCAP: there capdump
// measures and holds.
func (c cell) args() []string {
	switch c.kind {
	case clear:
		return []string{capdumpPath, "-hold"}
	case repair:
		return []string{supervisorPath, "-status", "-hold"}
	}
	return []string{supervisorPath, "-status"}
}

// denyText is what the engine's error shows of oshim's refusal, and how the table says
// it. In hook mode crun names only the failed hook (README, "Hook mode").
func (c cell) denyText() (text, shown string) {
	if c.path.name == "hooks" && c.runtime == "crun" {
		return "error executing hook", "refused by oshim's createRuntime hook (crun names only the hook)"
	}
	return fmt.Sprintf("contract %q: the spec withholds CAP_SETPCAP, which the workload requires (on_skew=deny)", c.kind.contractName()),
		"refused with oshim's reason"
}

// specJSON writes s as process.capabilities.
func specJSON(s Sets) string {
	list := func(m procstatus.Mask) []string {
		out := []string{}
		for b, name := range capNames {
			if m.Has(b) {
				out = append(out, "CAP_"+name)
			}
		}
		return out
	}
	// A map of string lists always encodes.
	data, _ := json.Marshal(map[string][]string{
		"bounding": list(s.Bnd), "effective": list(s.Eff), "permitted": list(s.Prm),
		"inheritable": list(s.Inh), "ambient": list(s.Amb),
	})
	return string(data)
}
