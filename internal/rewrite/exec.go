package rewrite

import (
	"fmt"

	"github.com/oshim/oshim/internal/spec"
)

// Main returns what the container's main process holds when its workload starts.
// Exec sessions are capped to it.
func (pl *Plan) Main() Lists {
	return pl.mainLists()
}

// CapExec removes from an exec session's process.json every capability the main process
// was not given, set by set. It returns the removals as "set:-CAP" and changes only the
// lists it shortens. Names are matched exactly, so an unknown or oddly
// spelled name is removed too: oshim cannot vouch for it.
//
// cleared says the container's bounding set is empty. An exec session then gets no
// capabilities at all: the runtimes drop the bounding set before they set the
// inheritable one, and the kernel lets a process raise its inheritable set only within
// its bounding set, so with an empty one the session can keep nothing across its
// execve (root: P' = I | B; any other uid: P' = A, and A needs I). Failing that way
// is safe; lending CAP_SETPCAP to exec sessions, as to the main process's init, would
// trust an init binary a privileged container can overwrite.
func CapExec(o *spec.Object, main map[string][]string, cleared bool) ([]string, error) {
	p, err := spec.ReadProcess(o)
	if err != nil {
		return nil, err
	}
	if p.Capabilities == nil {
		return nil, nil
	}
	have := listsOf(p.Capabilities)
	var changes []string
	for _, key := range setKeys {
		allowed := map[string]bool{}
		for _, n := range main[key] {
			// A cleared container allows exec sessions nothing (see above).
			allowed[n] = !cleared
		}
		kept := []string{}
		for _, n := range have[key] {
			if allowed[n] {
				kept = append(kept, n)
			} else {
				changes = append(changes, key+":-"+n)
			}
		}
		if len(kept) == len(have[key]) {
			continue
		}
		if err := o.Set(kept, "capabilities", key); err != nil {
			return nil, fmt.Errorf("set capabilities.%s: %w", key, err)
		}
	}
	return changes, nil
}
