package rewrite

import (
	"fmt"
	"slices"

	"github.com/oshim/oshim/internal/spec"
)

// Main returns what the container's main process holds when its workload starts.
// Exec sessions are capped to it.
func (pl *Plan) Main() Lists {
	return pl.mainLists()
}

// CapExec removes from an exec session's process.json every capability the main process
// was not given, set by set. It returns the changes as "set:-CAP" or "set:+CAP" and
// changes only the lists it touches. Names are matched exactly, so an unknown or oddly
// spelled name is removed too: oshim cannot vouch for it.
//
// cleared says the container's bounding set is empty. A root exec session then keeps
// its caps across the runtime's execve only through the inheritable set (P' = I | B),
// as the main process does, so its inheritable list is raised to its permitted one,
// still within what the main process holds.
func CapExec(o *spec.Object, main map[string][]string, cleared bool) ([]string, error) {
	p, err := spec.ReadProcess(o)
	if err != nil {
		return nil, err
	}
	if p.Capabilities == nil {
		return nil, nil
	}
	have := listsOf(p.Capabilities)
	want := Lists{}
	for k, v := range have {
		want[k] = v
	}
	if cleared && p.User.UID == 0 {
		want["inheritable"] = have.addTo("inheritable", have.Set("permitted"))
	}
	var changes []string
	for _, key := range setKeys {
		allowed := map[string]bool{}
		for _, n := range main[key] {
			allowed[n] = true
		}
		kept := []string{}
		for _, n := range want[key] {
			if allowed[n] {
				kept = append(kept, n)
			} else if have.hasName(key, n) {
				changes = append(changes, key+":-"+n)
			}
		}
		for _, n := range kept {
			if !have.hasName(key, n) {
				changes = append(changes, key+":+"+n)
			}
		}
		if slices.Equal(kept, have[key]) || (len(kept) == 0 && len(have[key]) == 0) {
			continue
		}
		if err := o.Set(kept, "capabilities", key); err != nil {
			return nil, fmt.Errorf("set capabilities.%s: %w", key, err)
		}
	}
	return changes, nil
}
