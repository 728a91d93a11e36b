package hook

import (
	"fmt"
	"io"

	"github.com/oshim/oshim/internal/rewrite"
	"github.com/oshim/oshim/internal/spec"
)

// Detect is a standard-stage hook (createRuntime, or prestart for engines that only
// know that one): it reads the container state on in, evaluates the contract against
// the bundle's config.json, and records the skew under the container's id. The
// runtime has already read the spec, so nothing is repaired. With on_skew = "deny" it
// records nothing and returns the refusal: the runtime stops the container before its
// workload runs.
func (h *Hook) Detect(stage string, in io.Reader) error {
	st, err := ReadState(in)
	if err != nil {
		return err
	}
	f, err := spec.Load(st.configPath())
	if err != nil {
		return err
	}
	pl, proc, err := rewrite.Evaluate(h.Config.Set, f.Object)
	if err != nil {
		return fmt.Errorf("container %s: %w", st.ID, err)
	}
	if pl == nil {
		return nil
	}
	h.findings(st.ID, st.Bundle).Skew(pl, proc)
	if err := pl.Err(); err != nil {
		// No record: the container will not exist, as in runtime mode, and no poststop
		// may come to remove one.
		return fmt.Errorf("container %s: %w", st.ID, err)
	}
	rec := pl.Record(st.ID, StoreRoot, st.Bundle, proc)
	// What the spec holds is what the workload gets: a hook at this stage changes nothing.
	rec.Repair = "none (" + stage + " hook: detection only)"
	rec.After, rec.Main, rec.Init = pl.Before, pl.Before, false
	if err := h.Store.Save(rec); err != nil {
		return fmt.Errorf("record container %s: %w", st.ID, err)
	}
	return nil
}
