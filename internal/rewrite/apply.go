package rewrite

import (
	"fmt"

	"github.com/oshim/oshim/internal/contract"
	"github.com/oshim/oshim/internal/report"
	"github.com/oshim/oshim/internal/spec"
)

// Apply writes the plan into a config.json object: the granted caps, no_new_privileges
// when the contract asks for it, the init when it wants one (initSource is the host
// directory holding the container's copy of it), and the records. Every other value
// stays as it was.
func Apply(o *spec.Object, pl *Plan, workload []string, initSource string) error {
	after := pl.After()
	for _, key := range setKeys {
		if _, ok := pl.Grant[key]; !ok {
			continue
		}
		if err := o.Set(after[key], "process", "capabilities", key); err != nil {
			return fmt.Errorf("set process.capabilities.%s: %w", key, err)
		}
	}
	if pl.Contract.WantsInit() {
		if err := injectInit(o, pl, workload, initSource); err != nil {
			return err
		}
	}
	repair := pl.Repair()
	if pl.Contract.NoNewPrivs {
		var nnp bool
		if _, err := o.Lookup(&nnp, "process", "noNewPrivileges"); err != nil {
			return fmt.Errorf("read process.noNewPrivileges: %w", err)
		}
		if !nnp {
			if err := o.Set(true, "process", "noNewPrivileges"); err != nil {
				return fmt.Errorf("set process.noNewPrivileges: %w", err)
			}
			repair = joinRecord(repair, "set noNewPrivileges")
		}
	}
	return record(o, map[string]string{
		contract.AnnotationName: pl.Contract.Name,
		report.AnnotationSkew:   pl.Skew(),
		report.AnnotationRepair: repair,
	})
}

func record(o *spec.Object, kv map[string]string) error {
	for _, k := range []string{contract.AnnotationName, report.AnnotationSkew, report.AnnotationRepair} {
		v, ok := kv[k]
		if !ok {
			continue
		}
		if err := o.Set(v, "annotations", k); err != nil {
			return fmt.Errorf("set annotation %s: %w", k, err)
		}
	}
	return nil
}

func joinRecord(a, b string) string {
	if a == "none" {
		return b
	}
	return a + "; " + b
}
