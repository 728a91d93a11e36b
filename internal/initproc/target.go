package initproc

import "github.com/oshim/oshim/internal/caps"

// Target is the state the workload must start from: the start state without the dropped
// caps, and for a cleared bounding set an empty one. A root workload keeps its caps
// across execve only through the inheritable set once the bounding set is empty
// (P' = I | B), so its inheritable set is raised to its permitted one. oshim-init
// computes the same (target in init.c); oshim explain predicts with it.
func Target(start caps.State, o Options, root bool) caps.State {
	t := caps.State{
		Effective:   start.Effective.Minus(o.Drop),
		Permitted:   start.Permitted.Minus(o.Drop),
		Inheritable: start.Inheritable.Minus(o.Drop),
		Bounding:    start.Bounding.Minus(o.Drop),
		Ambient:     start.Ambient.Minus(o.Drop),
	}
	if o.ClearBounding {
		t.Bounding = 0
		if root {
			t.Inheritable = start.Inheritable.Union(start.Permitted).Minus(o.Drop)
		}
	}
	return t
}
