package rewrite

import (
	"fmt"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/oshim/oshim/internal/contract"
	"github.com/oshim/oshim/internal/spec"
)

// Evaluate selects the contract for a config.json object and plans it: the step every
// mode shares (runtime mode at create, hook mode at precreate, the detection hooks).
// It returns a nil plan when no contract applies, or when the spec has no process to
// apply one to; proc is the spec's process when a contract applies.
//
// Contracts match on args[0] and the annotations alone, so the whole process is decoded
// only for a container a contract applies to: decoding it by reflection is a first use
// in every oshim process, which would cost each container no contract applies to.
// args is read by the same encoding/json rules as the whole process.
func Evaluate(set *contract.Set, o *spec.Object) (pl *Plan, proc *specs.Process, err error) {
	if set.Len() == 0 {
		return nil, nil, nil
	}
	args, err := spec.ProcessArgs(o, "process")
	if err != nil {
		return nil, nil, err
	}
	arg0 := WorkloadArg0(args)
	if arg0 == "" {
		return nil, nil, nil
	}
	var annotations map[string]string
	if _, err := o.Lookup(&annotations, "annotations"); err != nil {
		return nil, nil, fmt.Errorf("annotations: %w", err)
	}
	c, err := set.Select(arg0, annotations)
	if err != nil || c == nil {
		return nil, nil, err
	}
	if proc, err = spec.ReadProcess(o, "process"); err != nil {
		return nil, nil, err
	}
	pl = NewPlan(c, proc)
	pl.Annotations = annotations
	return pl, proc, nil
}

// WorkloadArg0 is the path contracts match: args[0], or the workload's when oshim has
// already put its init in front (whose io.oshim.contract annotation then names the
// contract that matched). It is "" when there is none.
func WorkloadArg0(args []string) string {
	w := unwrapInit(args)
	if len(w) == 0 {
		return ""
	}
	return w[0]
}
