// Package rewrite turns a container's contract into changes to its config.json or to an
// exec session's process.json, and records what it found in annotations.
package rewrite

import (
	"fmt"
	"sort"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/oshim/oshim/internal/caps"
	"github.com/oshim/oshim/internal/contract"
)

// Plan is what the rewrite found and will change for one container.
type Plan struct {
	Contract *contract.Contract
	// Root is whether the process runs as uid 0 (in its user namespace).
	Root bool
	// Missing are the required caps the spec withholds from a set they are needed in.
	Missing caps.Set
	// Grant maps a list key to the caps the repair adds to it.
	Grant map[string]caps.Set
	// Before are the spec's lists as found.
	Before Lists
	// Lend maps a list key to the caps lent to the init for clearing the bounding set.
	Lend map[string]caps.Set
	// Drop are the caps the init removes from every set before the workload starts.
	Drop caps.Set
	// Annotations are the spec's annotations the contract was selected by.
	Annotations map[string]string
}

// DeniedError is returned when a contract with on_skew = "deny" meets skew.
type DeniedError struct {
	Contract string
	Missing  caps.Set
}

func (e *DeniedError) Error() string {
	return fmt.Sprintf("contract %q: the spec withholds %s, which the workload requires (on_skew=deny)", e.Contract, strings.Join(e.Missing.Names(), ", "))
}

// NewPlan evaluates a contract against a process. Only repair grants; only a contract
// that clears the bounding set lends, and what it lends is dropped again unless the
// workload is entitled to it: report mode observes and changes nothing.
func NewPlan(c *contract.Contract, p *specs.Process) *Plan {
	pl := &Plan{Contract: c, Root: p.User.UID == 0, Before: listsOf(p.Capabilities), Grant: map[string]caps.Set{}, Lend: map[string]caps.Set{}}
	need := c.Required()
	for _, key := range placement(pl.Root) {
		missing := need.Minus(pl.Before.Set(key))
		if missing.IsEmpty() {
			continue
		}
		pl.Missing = pl.Missing.Union(missing)
		if c.OnSkew == contract.Repair {
			pl.Grant[key] = missing
		}
	}
	if c.Bounding == contract.BoundingClear && c.OnSkew != contract.Report {
		pl.planLoan()
	}
	return pl
}

// planLoan lends CAP_SETPCAP to the init where the repaired spec lacks it, so the init
// can clear the bounding set. The init drops CAP_SETPCAP before the workload unless the
// contract requires it, and drops anything lent that the repaired spec does not give.
func (pl *Plan) planLoan() {
	after := pl.After()
	var lent caps.Set
	for _, key := range placement(pl.Root) {
		if !after.Has(key, caps.SETPCAP) {
			pl.Lend[key] = caps.NewSet(caps.SETPCAP)
			lent = lent.Add(caps.SETPCAP)
		}
	}
	if !pl.Contract.Required().Has(caps.SETPCAP) {
		pl.Drop = caps.NewSet(caps.SETPCAP)
	}
	for _, key := range placement(pl.Root) {
		pl.Drop = pl.Drop.Union(lent.Minus(after.Set(key)))
	}
}

// Observes says the contract only observes: on_skew = "report" lends, grants and
// refuses nothing, and its init measures without changing or stopping anything.
func (pl *Plan) Observes() bool { return pl.Contract.OnSkew == contract.Report }

// Err is the refusal of a deny contract, or nil.
func (pl *Plan) Err() error {
	if pl.Contract.OnSkew == contract.Deny && !pl.Missing.IsEmpty() {
		return &DeniedError{Contract: pl.Contract.Name, Missing: pl.Missing}
	}
	return nil
}

// After returns the lists the process will have after the repair.
func (pl *Plan) After() Lists {
	out := Lists{}
	for _, key := range setKeys {
		if g, ok := pl.Grant[key]; ok {
			out[key] = pl.Before.addTo(key, g)
		} else if l, ok := pl.Before[key]; ok {
			out[key] = l
		}
	}
	return out
}

// Skew is the io.oshim.skew record: "missing=CAP_A,CAP_B" or "none".
func (pl *Plan) Skew() string {
	if pl.Missing.IsEmpty() {
		return "none"
	}
	return "missing=" + strings.Join(pl.Missing.Names(), ",")
}

// Repair is the io.oshim.repair record: what changed, or "none".
func (pl *Plan) Repair() string {
	byCap := map[caps.Cap][]string{}
	for _, key := range setKeys {
		for _, c := range pl.Grant[key].Caps() {
			byCap[c] = append(byCap[c], key)
		}
	}
	var parts []string
	for c, keys := range byCap {
		parts = append(parts, fmt.Sprintf("granted %s in %s", c, strings.Join(keys, ",")))
	}
	sort.Strings(parts)
	if pl.Contract.Bounding == contract.BoundingClear {
		parts = append(parts, pl.loanRecord()...)
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, "; ")
}

func (pl *Plan) loanRecord() []string {
	var lent []string
	for _, key := range setKeys {
		if !pl.Lend[key].IsEmpty() {
			lent = append(lent, key)
		}
	}
	var parts []string
	if len(lent) > 0 {
		parts = append(parts, fmt.Sprintf("lent CAP_SETPCAP to oshim-init in %s", strings.Join(lent, ",")))
	}
	parts = append(parts, "bounding set cleared by oshim-init")
	if !pl.Drop.IsEmpty() {
		parts = append(parts, fmt.Sprintf("%s dropped before the workload", pl.Drop))
	}
	if pl.Root {
		// capabilities(7): with B empty a root workload keeps its caps only through I,
		// which a setuid-root or file-inheritable binary run by a non-root descendant
		// can pick up again unless no_new_privileges is set.
		parts = append(parts, "root workload keeps its caps through the inheritable set (setuid-root and file-inheritable binaries can regain them unless noNewPrivileges is set)")
	}
	return parts
}
