package explain

import (
	"fmt"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/oshim/oshim/internal/caps"
	"github.com/oshim/oshim/internal/initproc"
)

// Sets are the five capability sets of a process, by name.
type Sets struct {
	Bounding    []string `json:"bounding"`
	Effective   []string `json:"effective"`
	Permitted   []string `json:"permitted"`
	Inheritable []string `json:"inheritable"`
	Ambient     []string `json:"ambient"`
}

func setsOf(s caps.State) Sets {
	return Sets{
		Bounding: s.Bounding.Names(), Effective: s.Effective.Names(), Permitted: s.Permitted.Names(),
		Inheritable: s.Inheritable.Names(), Ambient: s.Ambient.Names(),
	}
}

// Prediction is the capability state at each step of the container's start, computed
// by the kernel's rules.
type Prediction struct {
	// Spec is what the runtime applies from the (rewritten) spec before its execve:
	// the bounding set, then effective, permitted and inheritable, then the ambient
	// caps that are both permitted and inheritable.
	Spec Sets `json:"spec"`
	// Init is what oshim's init holds right after the runtime execs it; nil without
	// an init.
	Init *Sets `json:"init,omitempty"`
	// InitTarget is the state the init moves to before it execs the workload.
	InitTarget *Sets `json:"initTarget,omitempty"`
	// Workload is what the workload holds when it starts.
	Workload Sets `json:"workload"`
	// InitRefuses is what the init's verification would stop the container for
	// (exit 124); empty when it would let the workload start.
	InitRefuses string `json:"initRefuses,omitempty"`
	// InitReports is what the init of a report-only contract (on_skew = "report")
	// would find wrong and report, while the workload runs anyway.
	InitReports string `json:"initReports,omitempty"`
	// Probe says whether the init will probe PR_CAPBSET_DROP: it does when it holds
	// CAP_SETPCAP effective.
	Probe bool `json:"probe"`
}

// predict follows one container's start: the runtime applies the spec's lists and
// execs the first process; with an init, the init moves to its target and execs the
// workload. full is the kernel's full set: a spec cannot name caps beyond it.
func predict(p *specs.Process, withInit bool, opts initproc.Options, full caps.Set) (Prediction, []string) {
	root := p.User.UID == 0
	nnp := p.NoNewPrivileges
	spec, warnings := specState(p.Capabilities, full)
	first := caps.AfterExec(spec, root, nnp)
	pr := Prediction{Spec: setsOf(spec), Workload: setsOf(first)}
	if !withInit {
		return pr, warnings
	}
	init := setsOf(first)
	pr.Init = &init
	pr.Probe = first.Effective.Has(caps.SETPCAP)
	target := initproc.Target(first, opts, root)
	t := setsOf(target)
	pr.InitTarget = &t
	workload := caps.AfterExec(target, root, nnp)
	pr.Workload = setsOf(workload)
	if opts.ReportOnly {
		pr.InitReports = initVerdict(workload, opts)
	} else {
		pr.InitRefuses = initVerdict(workload, opts)
	}
	return pr, warnings
}

// initVerdict repeats the init's own checks on the workload's state after execve.
func initVerdict(after caps.State, o initproc.Options) string {
	var why []string
	if missing := o.Require.Minus(after.Effective); !missing.IsEmpty() {
		why = append(why, fmt.Sprintf("the workload would start without %s, which the contract requires", missing))
	}
	kept := after.Effective.Union(after.Permitted).Union(after.Inheritable).Union(after.Bounding).Union(after.Ambient).Intersect(o.Drop)
	if !kept.IsEmpty() {
		why = append(why, fmt.Sprintf("the workload would keep %s, which was only lent to the init", kept))
	}
	if o.ClearBounding && !after.Bounding.IsEmpty() {
		why = append(why, fmt.Sprintf("the bounding set would not be empty: %s", after.Bounding))
	}
	return strings.Join(why, "; ")
}

// specState is what the runtime leaves the process with before its execve: each list
// as given (known names only, within the kernel's caps), and the ambient caps that are
// in both the permitted and the inheritable list; the runtimes ignore a failed
// ambient raise.
func specState(c *specs.LinuxCapabilities, full caps.Set) (caps.State, []string) {
	if c == nil {
		return caps.State{}, []string{"process.capabilities is absent: the process starts with no capabilities"}
	}
	var warnings []string
	list := func(key string, names []string) caps.Set {
		var s caps.Set
		for _, n := range names {
			cp, err := caps.Parse(n)
			switch {
			case err != nil:
				warnings = append(warnings, fmt.Sprintf("capabilities.%s: %q is not a capability this oshim knows: runc ignores it, crun refuses the container", key, n))
				continue
			case cp.String() != n:
				warnings = append(warnings, fmt.Sprintf("capabilities.%s: %q is not spelled %s: runc ignores it, so it is counted as absent", key, n, cp))
				continue
			case !full.Has(cp):
				warnings = append(warnings, fmt.Sprintf("capabilities.%s: this kernel has no %s", key, cp))
				continue
			}
			s = s.Add(cp)
		}
		return s
	}
	st := caps.State{
		Bounding:    list("bounding", c.Bounding),
		Effective:   list("effective", c.Effective),
		Permitted:   list("permitted", c.Permitted),
		Inheritable: list("inheritable", c.Inheritable),
	}
	amb := list("ambient", c.Ambient)
	st.Ambient = amb.Intersect(st.Permitted).Intersect(st.Inheritable)
	if lost := amb.Minus(st.Ambient); !lost.IsEmpty() {
		warnings = append(warnings, fmt.Sprintf("capabilities.ambient: %s not both permitted and inheritable, the kernel refuses to raise it (the runtimes ignore that)", lost))
	}
	if extra := st.Effective.Minus(st.Permitted); !extra.IsEmpty() {
		warnings = append(warnings, fmt.Sprintf("capabilities.effective: %s not in the permitted list: the runtime's capset fails and the container does not start", extra))
	}
	return st, warnings
}
