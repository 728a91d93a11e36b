package rewrite

import (
	"encoding/json"
	"fmt"

	"github.com/oshim/oshim/internal/spec"
)

// ExecLimits are what an exec session of a contracted container may hold: what the
// main process was given when its workload started.
type ExecLimits struct {
	// Main are the main process's lists (records.Container.Main).
	Main Lists
	// Cleared says the container's bounding set is empty: an exec session then gets no
	// capabilities at all. The runtimes drop the bounding set before they set the
	// inheritable one, and the kernel lets a process raise its inheritable set only
	// within its bounding set, so with an empty one the session can keep nothing across
	// its execve (root: P' = I | B; any other uid: P' = A, and A needs I). Failing that
	// way is safe; lending CAP_SETPCAP to exec sessions, as to the main process's init,
	// would trust an init binary a privileged container can overwrite.
	Cleared bool
	// NoNewPrivs: the contract sets noNewPrivileges, for exec sessions too.
	NoNewPrivs bool
}

// CapExec makes an exec session's process (a process.json object) hold at most what
// the limits allow, set by set, and writes all five lists explicitly: a process
// without them would get the container's stored spec's, which is the rewritten one
// with whatever was lent to the init. It returns the changes as "set:-CAP" (and
// "set:=" for a list it had to write). Names are matched exactly, so an unknown or
// oddly spelled name is removed: oshim cannot vouch for it.
func CapExec(o *spec.Object, l ExecLimits) ([]string, error) {
	var have map[string]json.RawMessage
	if _, err := o.Lookup(&have, "capabilities"); err != nil {
		return nil, fmt.Errorf("read capabilities: %w", err)
	}
	p, err := spec.ReadProcess(o)
	if err != nil {
		return nil, err
	}
	lists := listsOf(p.Capabilities)
	var changes []string
	for _, key := range setKeys {
		allowed := map[string]bool{}
		if !l.Cleared {
			for _, n := range l.Main[key] {
				allowed[n] = true
			}
		}
		source := lists[key]
		if _, given := have[key]; !given {
			// Not given: the runtime would fall back to the stored spec.
			source = l.Main[key]
			changes = append(changes, key+":=")
		}
		kept := []string{}
		for _, n := range source {
			if allowed[n] {
				kept = append(kept, n)
			} else {
				changes = append(changes, key+":-"+n)
			}
		}
		if err := o.Set(kept, "capabilities", key); err != nil {
			return nil, fmt.Errorf("set capabilities.%s: %w", key, err)
		}
	}
	if l.NoNewPrivs && !p.NoNewPrivileges {
		if err := o.Set(true, "noNewPrivileges"); err != nil {
			return nil, fmt.Errorf("set noNewPrivileges: %w", err)
		}
		changes = append(changes, "noNewPrivileges:=true")
	}
	return changes, nil
}
