package rewrite

import (
	"fmt"

	"github.com/oshim/oshim/internal/annotation"
	"github.com/oshim/oshim/internal/spec"
)

// Applied is what Apply changed, so that nothing has to read it back from the spec.
type Applied struct {
	// Repair is the io.oshim.repair record: the plan's repair, plus the changes made
	// outside the capability lists (noNewPrivileges).
	Repair string
	// NoNewPrivs says the rewrite set process.noNewPrivileges.
	NoNewPrivs bool
}

// Target says where the container's files are, for the init's mounts.
type Target struct {
	// InitSource is the host directory holding the container's copy of the init and its
	// result FIFO; "" when the contract injects no init.
	InitSource string
	// Rootfs is the container's root filesystem on the host, to resolve mount
	// destinations through the image's symlinks; "" when it is not known yet.
	Rootfs string
}

// Apply writes the plan into a config.json object: the granted caps, no_new_privileges
// when the contract asks for it, the init when it wants one, and the records. Every
// other value stays as it was.
func Apply(o *spec.Object, pl *Plan, workload []string, t Target) (Applied, error) {
	applied := Applied{Repair: pl.Repair()}
	after := pl.After()
	for _, key := range setKeys {
		if _, ok := pl.Grant[key]; !ok {
			continue
		}
		if err := o.Set(after[key], "process", "capabilities", key); err != nil {
			return applied, fmt.Errorf("set process.capabilities.%s: %w", key, err)
		}
	}
	if pl.Contract.WantsInit() {
		if err := injectInit(o, pl, workload, t); err != nil {
			return applied, err
		}
	}
	if pl.Contract.NoNewPrivs {
		var nnp bool
		if _, err := o.Lookup(&nnp, "process", "noNewPrivileges"); err != nil {
			return applied, fmt.Errorf("read process.noNewPrivileges: %w", err)
		}
		if !nnp {
			if err := o.Set(true, "process", "noNewPrivileges"); err != nil {
				return applied, fmt.Errorf("set process.noNewPrivileges: %w", err)
			}
			applied.NoNewPrivs = true
			applied.Repair = joinRecord(applied.Repair, "set noNewPrivileges")
		}
	}
	for _, kv := range [][2]string{{annotation.Contract, pl.Contract.Name}, {annotation.Skew, pl.Skew()}, {annotation.Repair, applied.Repair}} {
		if err := o.Set(kv[1], "annotations", kv[0]); err != nil {
			return applied, fmt.Errorf("set annotation %s: %w", kv[0], err)
		}
	}
	return applied, nil
}

func joinRecord(a, b string) string {
	if a == "none" {
		return b
	}
	return a + "; " + b
}
